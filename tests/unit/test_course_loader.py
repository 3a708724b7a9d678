"""The course on disk: the checker names every kind of problem; Markdown is rendered once per start."""

import shutil
from pathlib import Path

import pytest

from lms.content import loader
from lms.content.loader import CourseError, check_course, load_course

COURSE = Path(__file__).resolve().parents[2] / "courses" / "promotores"


@pytest.fixture
def course_copy(tmp_path) -> Path:
    target = tmp_path / "promotores"
    shutil.copytree(COURSE, target)
    return target


def test_the_real_course_has_no_problem():
    assert check_course(COURSE) == []
    course = load_course(COURSE)
    assert [w.number for w in course.weeks] == list(range(1, 13))
    assert all(6 <= len(w.quiz.questions_es) <= 10 for w in course.weeks)
    assert all(len({q.type for q in w.quiz.questions_es}) >= 3 for w in course.weeks)
    assert all(3 <= len(w.rubric) <= 4 for w in course.weeks)


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_lesson_has_800_to_1500_words(language):
    for folder in sorted(COURSE.glob("[0-1][0-9]-*")):
        words = len((folder / f"lesson.{language}.md").read_text(encoding="utf-8").split())
        assert 800 <= words <= 1550, f"{folder.name}: {words} words"


def _problems(root: Path) -> str:
    return "\n".join(check_course(root))


def test_a_missing_file_is_named(course_copy):
    (course_copy / "03-poder-y-derechos" / "facilitator.en.md").unlink()
    assert "03-poder-y-derechos/facilitator.en.md: missing file" in _problems(course_copy)


def test_an_unknown_toml_key_is_an_error(course_copy):
    path = course_copy / "02-caja-del-hombre" / "week.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("[quiz]", "[quiz]\npass_mrak = 60"), encoding="utf-8")
    assert "unknown key quiz.'pass_mrak'" in _problems(course_copy)


def test_the_course_folders_say_how_many_weeks_there_are(course_copy):
    # The length of the course comes from its files: a fourteenth week folder without a thirteenth
    # is a gap, and a week 00 is no week at all.
    shutil.copytree(course_copy / "12-plan-anual", course_copy / "14-extra")
    shutil.copytree(course_copy / "12-plan-anual", course_copy / "00-cero")
    problems = _problems(course_copy)
    assert "week 13 is missing" in problems
    assert "week number 0 is below 1" in problems


def test_a_missing_week_is_an_error(course_copy):
    shutil.rmtree(course_copy / "07-consentimiento")
    assert "week 07 is missing" in _problems(course_copy)


def test_a_broken_link_between_weeks_is_found(course_copy):
    path = course_copy / "05-raices-de-la-violencia" / "lesson.es.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nVer [la semana 14](../14-nada/).\n", encoding="utf-8")
    assert "broken link to ../14-nada/" in _problems(course_copy)


def test_a_gift_error_names_its_line(course_copy):
    path = course_copy / "06-emociones" / "quiz.es.gift"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n::w06-q99:: Sin cerrar {=sí ~no\n", encoding="utf-8")
    problems = _problems(course_copy)
    assert "06-emociones/quiz.es.gift: line" in problems


def test_questions_that_differ_between_languages_are_found(course_copy):
    path = course_copy / "01-bienvenida" / "quiz.en.gift"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("::w01-q02::", "::w01-q02b::", 1), encoding="utf-8")
    assert "do not have the same question names" in _problems(course_copy)


def test_a_right_answer_that_differs_between_languages_is_found(course_copy):
    path = course_copy / "01-bienvenida" / "quiz.en.gift"
    text = path.read_text(encoding="utf-8")
    start = text.index("::w01-q01::")
    block = text[start:text.index("\n\n", start)]
    swapped = block.replace("=", "~TMP", 1).replace("~", "=", 1).replace("=TMP", "~", 1) if "=" in block else block
    path.write_text(text.replace(block, swapped), encoding="utf-8")
    assert "w01-q01" in _problems(course_copy)


def test_a_weight_moodle_refuses_is_found(course_copy):
    path = course_copy / "04-tipos-de-violencia" / "quiz.es.gift"
    path.write_text(path.read_text(encoding="utf-8").replace("%33.33333%", "%34%", 1), encoding="utf-8")
    assert "is not one Moodle accepts" in _problems(course_copy)


def test_load_course_raises_with_every_problem(course_copy):
    (course_copy / "course.toml").write_text('slug = "x"\nbogus = 1\n', encoding="utf-8")
    with pytest.raises(CourseError) as error:
        load_course(course_copy)
    assert any("unknown key 'bogus'" in p for p in error.value.problems)


def test_markdown_is_rendered_once_per_start_not_per_request(app, client, auth, world, monkeypatch):
    calls = []
    real = loader.render_course_markdown
    monkeypatch.setattr(loader, "render_course_markdown", lambda text, **kw: calls.append(1) or real(text, **kw))
    loader._cache.clear()
    app.extensions["lms.course"] = None
    auth.login("jose")
    client.get("/weeks/2")
    after_first = len(calls)
    for _ in range(3):
        client.get("/weeks/2")
        client.get("/weeks/3")
    entries = len(load_course(COURSE).glossary.entries_es)
    # every Markdown file of every week, the code of conduct, and the glossary's introduction and entries, once
    assert after_first == 12 * 6 + 2 + 2 * (1 + entries)
    assert len(calls) == after_first


def test_the_content_version_changes_with_any_file(course_copy):
    before = loader.content_version(course_copy)
    path = course_copy / "09-relaciones-igualitarias" / "lesson.en.md"
    path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert loader.content_version(course_copy) != before


def test_the_session_guide_is_closed_to_trainees_and_open_to_facilitators(client, auth, world):
    auth.login("jose")
    assert client.get("/facilitate/guide/1").status_code == 403
    auth.logout()
    auth.login("facilitadora")
    page = client.get("/facilitate/guide/1")
    assert page.status_code == 200 and "Rúbrica" in page.get_data(as_text=True)


def test_the_course_carries_its_code_of_conduct_and_signatories_in_both_languages():
    from pathlib import Path
    course = load_course(Path(__file__).resolve().parents[2] / "courses" / "promotores")
    assert "Vivir sin violencia" in course.code_of_conduct("es")
    assert "Live without violence" in course.code_of_conduct("en")
    assert course.signatories and all(s.role("es") and s.role("en") for s in course.signatories)


def test_a_signatory_without_a_name_is_a_problem(course_copy):
    toml = course_copy / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[[signatories]]\nrole.es = "x"\nrole.en = "x"\n',
                    encoding="utf-8")
    assert any("signatory needs a 'name'" in p for p in check_course(course_copy))
