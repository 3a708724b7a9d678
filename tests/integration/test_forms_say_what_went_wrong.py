"""Forms that say what went wrong (issue 17): every problem at once, at the top, linked to its field;
nothing typed is lost; the trainee's home points at what he can do now."""

import re
from datetime import datetime, timezone

import pytest
from helpers import post_form
from sqlalchemy import select

from lms.content.loader import current_course
from lms.extensions import db
from lms.facilitate.services import review_reflection
from lms.learn import services as learn
from lms.models import Reflection

GOOD_PASSWORD = "mi clave de promotor"


def _join(client, **fields):
    data = {"invite_code": "GRUPOAAA", "display_name": "Pedro Quispe", "username": "pedro",
            "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD}
    return post_form(client, "/join", {**data, **fields})


def _summary(page: str) -> list[tuple[str, str]]:
    block = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', block)


def test_the_password_rule_is_shown_before_the_first_attempt(client, world):
    page = client.get("/join").get_data(as_text=True)
    assert "Al menos 10 caracteres." in page
    assert page.index("Al menos 10 caracteres.") < page.index('id="password"')


def test_join_shows_every_problem_at_once_with_a_summary_and_focus_on_the_first(client, world):
    response = _join(client, invite_code="NOEXISTE", username="jose", password="corta", confirm="corta")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    targets = [target for target, _text in _summary(page)]
    assert targets == ["invite_code", "username", "password"]
    assert "No hay ningún grupo con ese código" in page and "Ese nombre de usuario ya está en uso" in page
    assert re.search(r'<input[^>]*autofocus[^>]*id="invite_code"|<input[^>]*id="invite_code"[^>]*autofocus', page)
    assert 'value="corta"' not in page, "a password that broke the rule is not shown again"
    assert 'value="Pedro Quispe"' in page, "what was typed is kept"


def test_a_taken_username_keeps_the_good_password(client, world):
    page = _join(client, username="jose").get_data(as_text=True)
    assert [t for t, _text in _summary(page)] == ["username"]
    assert page.count(f'value="{GOOD_PASSWORD}"') == 2, "both password boxes keep what he typed"


def test_the_survey_names_the_statements_left_unanswered(client, auth, make_user, world):
    make_user("nuevo", cohort=world.cohort)
    auth.login("nuevo")
    survey = current_course().surveys[0]
    answers = {f"i-{item.id}": "2" for item in survey.items[:-2]}
    page = post_form(client, "/surveys/pre/attitudes", answers).get_data(as_text=True)
    n = len(survey.items)
    summary = _summary(page)
    assert [t for t, _text in summary] == [f"i-{survey.items[-2].id}", f"i-{survey.items[-1].id}"]
    assert summary[0][1].startswith(f"Falta responder la número {n - 1}:")
    assert re.search(rf'id="i-{survey.items[-2].id}-\w+"[^>]*autofocus', page)


def test_returning_a_reflection_without_a_comment_is_told_at_the_top(client, auth, world):
    learn.submit_reflection(world.trainee.enrollment, 1, "Mi reflexión", datetime.now(timezone.utc), 8000)
    db.session.commit()
    version = db.session.scalar(select(Reflection)).versions[-1]
    week = current_course().week(1)
    auth.login("facilitadora")
    scores = {f"c-{c.id}": str(c.max_points) for c in week.rubric}
    response = post_form(client, f"/facilitate/reflections/{version.id}", {**scores, "decision": "returned"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _summary(page) == [("feedback", "Escribe qué debe corregir antes de devolverle la reflexión.")]
    assert page.index("error-summary") < page.index("user-text"), "the message comes before his text"
    assert re.search(r'<textarea id="feedback"[^>]*autofocus', page)


def test_a_short_reflection_is_sent_with_a_gentle_word_about_its_length(client, auth, world):
    auth.login("jose")
    text = " ".join(["palabra"] * 33)
    response = post_form(client, "/weeks/1/reflection", {"text": text, "action": "submit"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Tu reflexión fue enviada a tu facilitador." in page
    assert "Tu reflexión tiene 33 palabras; la semana sugiere de 150 a 400." in page
    assert db.session.scalar(select(Reflection)).status == "submitted"


def test_the_reflection_page_counts_the_words_of_the_draft(client, auth, world):
    auth.login("jose")
    post_form(client, "/weeks/2/reflection", {"text": "Hoy — hablé con mi papá.", "action": "save"})
    page = client.get("/weeks/2/reflection").get_data(as_text=True)
    assert "5 palabras. La semana sugiere de 150 a 400" in page


@pytest.fixture
def returned(world):
    """José's week-1 reflection, returned with a comment."""
    learn.submit_reflection(world.trainee.enrollment, 1, "Mi reflexión", datetime.now(timezone.utc), 8000)
    db.session.commit()
    week = current_course().week(1)
    version = db.session.scalar(select(Reflection)).versions[-1]
    review_reflection(world.facilitator, version, week, decision="returned",
                      scores={c.id: c.levels[-1].points for c in week.rubric},
                      feedback="Cuéntame un ejemplo concreto.", now=datetime.now(timezone.utc))
    db.session.commit()


def test_a_returned_reflection_is_the_first_thing_on_his_home(client, auth, world, returned):
    auth.login("jose")
    page = client.get("/").get_data(as_text=True)
    main = page.split('<main id="main">', 1)[1]
    first_section = main.split("<section", 2)[1]
    assert "Tu facilitador te devolvió la reflexión de la semana 1" in first_section
    assert 'href="/weeks/1/reflection"' in first_section
    next_step = main.split('id="next-h"', 1)[1].split("</section>", 1)[0]
    assert "Semana 1: Corregir tu reflexión" in next_step


def test_the_comments_come_first_on_the_returned_reflection_page(client, auth, world, returned):
    auth.login("jose")
    page = client.get("/weeks/1/reflection").get_data(as_text=True)
    assert page.index("Cuéntame un ejemplo concreto.") < page.index('class="prompt"')
    assert page.index("Cuéntame un ejemplo concreto.") < page.index("<textarea")


def test_the_next_step_never_points_at_waiting_for_the_facilitator(client, auth, world):
    from lms.demo.progress import answer_surveys
    answer_surveys(world.trainee.enrollment, current_course(), "pre", 0.5, seed=7)
    db.session.commit()
    auth.login("jose")
    client.get("/weeks/1")
    post_form(client, "/weeks/1/reflection", {"text": "Mi reflexión", "action": "submit"})
    page = client.get("/").get_data(as_text=True)
    next_step = page.split('id="next-h"', 1)[1].split("</section>", 1)[0]
    assert "Lograr que acepten tu reflexión" not in next_step
    assert 'href="/weeks/1/reflection"' not in next_step, "a sent reflection waits for the facilitator"
    assert 'href="/weeks/1/quiz"' in next_step, "the quiz is his to do now"
