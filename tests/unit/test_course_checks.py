"""`course check`'s safety rules (issue 21): numbers from one place, a help box every week, and
reflection prompts that never ask a man to write down his own violence."""

import shutil
from pathlib import Path

import pytest

from lms.content.checks import course_rules
from lms.content.loader import check_course, load_course
from lms.content.numbers import fill_numbers

COURSE = Path(__file__).resolve().parents[2] / "courses" / "promotores"
NUMBERS = {"linea100": "100", "police": "105", "central": "911"}

HELP_ES = "## Dónde buscar ayuda\n\n- Línea [[linea100]], gratis.\n- Peligro ahora: [[police]], o [[central]] donde ya funcione.\n"
HELP_EN = "## Where to get help\n\n- Línea [[linea100]], free.\n- Danger now: [[police]], or [[central]] where it already answers.\n"


def make_week(root: Path, files: dict[str, str], folder: str = "01-prueba") -> Path:
    """A made-up course with one week: sound lessons with their help box, plus the files given."""
    week = root / "curso" / folder
    week.mkdir(parents=True, exist_ok=True)
    defaults = {"lesson.es.md": "Hola.\n\n" + HELP_ES, "lesson.en.md": "Hello.\n\n" + HELP_EN,
                "reflection.es.md": "¿Qué aprendiste esta semana?\n", "reflection.en.md": "What did you learn this week?\n"}
    for name, text in {**defaults, **files}.items():
        (week / name).write_text(text, encoding="utf-8")
    return root / "curso"


def test_a_sound_made_up_week_has_no_problem(tmp_path):
    assert course_rules(make_week(tmp_path, {}), NUMBERS) == []


def test_a_number_name_the_course_does_not_define_is_named_with_its_line(tmp_path):
    root = make_week(tmp_path, {"facilitator.es.md": "Guía.\n\nLlama al [[polica]] si hay peligro.\n"})
    assert course_rules(root, NUMBERS) == [
        "curso/01-prueba/facilitator.es.md: line 3: unknown number [[polica]] "
        "(course.toml [numbers] defines [[central]], [[linea100]], [[police]])"]


def test_an_unknown_name_in_a_quiz_is_found_too(tmp_path):
    root = make_week(tmp_path, {"quiz.es.gift": "::w01-q01::¿A qué número llamas?{=[[policia]]}\n"})
    assert "quiz.es.gift: line 1: unknown number [[policia]]" in "\n".join(course_rules(root, NUMBERS))


@pytest.mark.parametrize("written, placeholder", [
    ("Llama a la Línea 100 si necesitas orientación.", "[[linea100]]"),
    ("Si hay peligro ahora, llama al 105.", "[[police]]"),
    ("Call 911 where it already answers.", "[[central]]"),
    ("Los bomberos: 116. El SAMU: 106.", "[[central]]"),
])
def test_an_emergency_number_written_out_in_a_guide_is_a_problem(tmp_path, written, placeholder):
    root = make_week(tmp_path, {"facilitator.es.md": f"Guía.\n{written}\n"})
    problems = course_rules(root, NUMBERS)
    assert problems and all(p.startswith("curso/01-prueba/facilitator.es.md: line 2:") for p in problems)
    assert placeholder in problems[0]


def test_a_line_100_wrapped_over_two_lines_is_still_found(tmp_path):
    root = make_week(tmp_path, {"reflection.en.md": "Call Línea\n  100 or Chat 100.\n"})
    assert course_rules(root, NUMBERS) == [
        "curso/01-prueba/reflection.en.md: line 1: the number in 'Línea 100' is written out; write [[linea100]] "
        "(course.toml [numbers])"]


def test_other_numbers_are_not_emergency_numbers(tmp_path):
    text = "Ley N° 30364, artículo 15. Chat 100. DL 1590. 1050 soles. Línea [[linea100]].\n"
    assert course_rules(make_week(tmp_path, {"lesson.es.md": text + HELP_ES}), NUMBERS) == []


def test_chat_100_written_with_the_line_100_placeholder_is_a_problem(tmp_path):
    """The chat keeps its name if Línea 100 ever changes its number; the quiz rewrite had 32 of these."""
    root = make_week(tmp_path, {"quiz.es.gift": "::w01-q01::¿Dónde?{=La Línea [[linea100]] o el Chat [[linea100]].}\n"})
    assert course_rules(root, NUMBERS) == [
        "curso/01-prueba/quiz.es.gift: line 1: 'Chat [[linea100]]': Chat 100 is a name, not a number to dial; "
        "write 'Chat 100'"]


def test_a_quiz_that_spells_out_105_is_found(tmp_path):
    root = make_week(tmp_path, {"quiz.es.gift": "::w01-q01::¿A qué número llamas?{=105 =911}\n"})
    problems = course_rules(root, NUMBERS)
    assert [p.split(": line")[0] for p in problems] == ["curso/01-prueba/quiz.es.gift"] * 2


def test_a_lesson_without_its_help_box_is_a_problem(tmp_path):
    root = make_week(tmp_path, {"lesson.en.md": "Hello.\n\n## Key messages\n\n- Respect.\n"})
    assert course_rules(root, NUMBERS) == [
        "curso/01-prueba/lesson.en.md: no help box: the lesson needs a '## Where to get help' section "
        "(docs/authoring.md)"]


def test_a_help_box_that_leaves_out_central_911_is_a_problem(tmp_path):
    box = "## Dónde buscar ayuda\n\n- Línea [[linea100]].\n- Peligro ahora: [[police]].\n\n## Otra\n\n[[central]]\n"
    root = make_week(tmp_path, {"lesson.es.md": "Hola.\n\n" + box})
    assert course_rules(root, NUMBERS) == ["curso/01-prueba/lesson.es.md: line 3: the help box does not give [[central]]"]


@pytest.mark.parametrize("name, prompt", [
    ("reflection.es.md", "Cuenta una vez que le gritaste a tu pareja y qué sentiste."),
    ("reflection.es.md", "Describe una situación de esta semana en la que usaste\n\"poder sobre\" en tu casa."),
    ("reflection.es.md", "Registra durante la semana una situación de enojo: qué hiciste."),
    ("reflection.en.md", "Describe a time when you shouted at your partner."),
    ("reflection.en.md", "Think of a situation this week in which you used power over someone at home."),
    ("reflection.es.md", "Durante la semana, fíjate en un momento en que sentiste cólera. Luego escribe qué hiciste."),
])
def test_a_prompt_that_asks_for_an_incident_of_violence_is_flagged_for_review(tmp_path, name, prompt):
    root = make_week(tmp_path, {name: f"# Reflexión\n\n{prompt}\n"})
    (problem,) = course_rules(root, NUMBERS)
    assert problem.startswith(f"curso/01-prueba/{name}: line 3: review: the prompt may ask for an incident")


@pytest.mark.parametrize("name, prompt", [
    ("reflection.es.md", "¿Qué idea sobre la violencia cambió en ti esta semana? ¿Qué harás distinto?"),
    ("reflection.es.md", "No cuentes situaciones de violencia de tu casa: escribe sobre lo que aprendiste."),
    ("reflection.en.md", "Do not describe a situation of violence at home; write about what you learned."),
    ("reflection.en.md", "Describe a time when someone taught you something about caring for others."),
])
def test_a_prompt_about_attitudes_learning_and_plans_passes(tmp_path, name, prompt):
    assert course_rules(make_week(tmp_path, {name: prompt + "\n"}), NUMBERS) == []


def test_numbers_are_put_into_the_text_and_unknown_names_are_left_for_the_checker():
    assert fill_numbers("Llama al [[police]] o al [[central]]; [[otro]].", NUMBERS) == "Llama al 105 o al 911; [[otro]]."


def test_the_course_reads_its_numbers_from_course_toml_and_puts_them_in_lessons_and_quizzes(tmp_path):
    target = tmp_path / "promotores"
    shutil.copytree(COURSE, target)
    toml = target / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('police = "105"', 'police = "1050"'), encoding="utf-8")
    for lang in ("es", "en"):
        quiz = target / "06-emociones" / f"quiz.{lang}.gift"
        quiz.write_text(quiz.read_text(encoding="utf-8") + "\n\n::w06-q99::[[police]]?{=[[police]]}\n", encoding="utf-8")
    course = load_course(target)
    assert course.numbers["police"] == "1050"
    week = course.week(10)
    assert "1050" in week.lesson.es and "[[police]]" not in week.lesson.es
    assert course.week(6).quiz.questions_es[-1].answers[0].text == "1050"


def test_a_course_without_the_three_numbers_is_a_problem(tmp_path):
    target = tmp_path / "promotores"
    shutil.copytree(COURSE, target)
    toml = target / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('central = "911"', ""), encoding="utf-8")
    problems = "\n".join(check_course(target))
    assert "course.toml: numbers.central is missing" in problems
    assert "unknown number [[central]]" in problems


def test_the_real_course_passes_the_safety_rules():
    assert course_rules(COURSE, load_course(COURSE).numbers) == []


def test_every_page_footer_gives_the_numbers_of_the_course(client, app, monkeypatch):
    from lms.content.loader import current_course
    with app.app_context():
        monkeypatch.setitem(current_course().numbers, "police", "1050")
        page = client.get("/login").get_data(as_text=True)
    assert "Línea 100" in page and "1050" in page and "911" in page
