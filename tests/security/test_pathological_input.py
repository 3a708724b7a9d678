"""No input makes a page slow: what a trainee writes is capped, rendered once when saved, by a renderer
whose time grows with the text's length only, and a week takes a bounded number of versions.

The bound is generous on purpose (100 ms for a text the cap allows; the renderer takes a few ms on an
idle machine): it fails on the quadratic renderer we had (11.5 s for 8,000 `[`), not on a busy CI box.
"""

import time

import pytest
from helpers import post_form
from sqlalchemy import func, select

from lms.content.markdown import render_user_markdown
from lms.extensions import db
from lms.models import ReflectionVersion

CAP = 8000  # REFLECTION_MAX_CHARS

PATHOLOGICAL = {
    "brackets": "[" * CAP,
    "image openers": "![" * (CAP // 2),
    "link halves": "](" * (CAP // 2),
    "stars": "*" * CAP,
    "underscores": "_" * CAP,
    "quote marks": ">" * CAP,
    "backticks": "`" * CAP,
    "angle brackets": "<" * CAP,
    "ampersands": "&" * CAP,
    "mixed emphasis": "**_" * (CAP // 3),
    "unclosed links": "[a](" * (CAP // 4),
    "deep quotes": "> " * (CAP // 2),
    "deep quotes, one per line": "".join(">" * n + " x\n" for n in range(1, 120)),
    "deep lists": "".join("  " * n + "- x\n" for n in range(0, 80)),
    "many lines": "x\n" * (CAP // 2),
    "fences": "```\n" * (CAP // 4),
}


def _render_ms(text: str) -> float:
    """The fastest of three renders: a busy machine slows some runs, the renderer's own cost is the least."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        render_user_markdown(text)
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_a_pathological_reflection_renders_in_well_under_100_ms(name):
    assert _render_ms(PATHOLOGICAL[name]) < 100, name


def test_one_line_of_100000_characters_is_refused_before_it_is_rendered(app, client, auth, world):
    auth.login("jose")
    line = "[*_>`" * 20_000
    response = post_form(client, "/weeks/1/reflection", {"text": line, "action": "submit"})
    assert response.status_code == 422
    assert "el límite es 8000" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ReflectionVersion)) == 0


def test_the_renderer_keeps_what_trainees_write(app):
    html = render_user_markdown("**bien** y _claro_, snake_case\n\n- uno\n- dos\n\n> cita\n\n"
                                "[guía](https://example.org/a?b=1&c=2) `x*y*`\n\n### Título")
    assert "<strong>bien</strong>" in html and "<em>claro</em>" in html and "snake_case" in html
    assert "<ul><li>uno</li><li>dos</li></ul>" in html
    assert "<blockquote><p>cita</p></blockquote>" in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html and "<code>x*y*</code>" in html
    assert "<h3>Título</h3>" in html


def test_the_renderer_makes_nothing_active(app):
    html = render_user_markdown('[x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>')
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html


def test_a_reflection_is_rendered_when_it_is_saved_not_when_it_is_shown(app, client, auth, world, monkeypatch):
    auth.login("jose")
    post_form(client, "/weeks/1/reflection", {"text": "**bien**", "action": "submit"})
    version = db.session.scalar(select(ReflectionVersion))
    assert version.text_html == "<p><strong>bien</strong></p>"
    import lms.content.markdown as markdown
    monkeypatch.setattr(markdown, "render_user_markdown", lambda text: pytest.fail("rendered on a page view"))
    assert "<strong>bien</strong>" in client.get("/weeks/1/reflection").get_data(as_text=True)


def test_a_week_takes_ten_versions_of_a_reflection_and_no_more(app, client, auth, world):
    from lms.models import Reflection
    auth.login("jose")
    for n in range(10):
        post_form(client, "/weeks/1/reflection", {"text": f"Versión {n}", "action": "submit"})
        db.session.execute(Reflection.__table__.update().values(status="returned"))  # the facilitator returns it
        db.session.commit()
    response = post_form(client, "/weeks/1/reflection", {"text": "Versión 11", "action": "submit"})
    assert response.status_code == 422
    assert "10 versiones" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ReflectionVersion)) == 10


def test_feedback_longer_than_its_cap_is_refused_with_a_message(app, world):
    from datetime import datetime, timezone

    from lms.content.loader import current_course
    from lms.core.errors import RuleError
    from lms.facilitate.services import FEEDBACK_MAX_CHARS, review_reflection
    from lms.learn.services import submit_reflection
    now = datetime.now(timezone.utc)
    reflection = submit_reflection(world.trainee.enrollment, 1, "Mi reflexión", now, 8000)
    db.session.commit()
    week = current_course().week(1)
    scores = {c.id: c.levels[0].points for c in week.rubric}
    with pytest.raises(RuleError, match=str(FEEDBACK_MAX_CHARS)):
        review_reflection(world.facilitator, reflection.versions[-1], week, decision="returned", scores=scores,
                          feedback="x" * (FEEDBACK_MAX_CHARS + 1), now=now)


def test_a_written_quiz_answer_over_its_cap_comes_back_with_a_message_and_nothing_cut(app, client, auth, world):
    import re

    from lms.models import QuizAttempt
    auth.login("jose")
    page = client.get("/weeks/1/quiz").get_data(as_text=True)
    attempt = re.search(r'name="attempt" value="(\d+)"', page).group(1)
    long_answer = "7" * 2001
    response = post_form(client, "/weeks/1/quiz", {"attempt": attempt, "action": "save", "q-w01-q07": long_answer})
    assert response.status_code == 422
    assert "hasta 2000 caracteres" in response.get_data(as_text=True)
    assert long_answer in response.get_data(as_text=True)
    assert db.session.get(QuizAttempt, int(attempt)).responses == {}
