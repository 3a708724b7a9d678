"""The glossary on disk: its entries and ids, the links that lead to them, and `course check`'s rules that
every term is linked where the lessons first use it (issue 21, "readable by the men it is for")."""

import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest

from lms.content.checks import course_rules, glossary_problems
from lms.content.glossary import GLOSSARY_LINK, parse_glossary
from lms.content.loader import check_course, load_course
from lms.content.markdown import GLOSSARY_FROM, render_course_markdown

COURSE = Path(__file__).resolve().parents[2] / "courses" / "promotores"
NUMBERS = {"linea100": "100", "police": "105", "central": "911"}

# Where each kind of week text is shown (lms.learn and lms.facilitate); the glossary is at /glosario.
SERVED_AT = {"lesson": ["/weeks/10"], "reflection": ["/weeks/10/reflection", "/facilitate/reflections/7"],
             "facilitator": ["/facilitate/guide/10"]}


@pytest.fixture
def course_copy(tmp_path) -> Path:
    target = tmp_path / "promotores"
    shutil.copytree(COURSE, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(root: Path) -> str:
    return "\n".join(check_course(root))


# ---------------------------------------------------------------- the course's own glossary

def test_the_glossary_has_the_same_entries_in_both_languages():
    glossary = load_course(COURSE).glossary
    ids = {lang: [e.id for e in glossary.entries(lang)] for lang in ("es", "en")}
    assert 12 <= len(ids["es"]) <= 25
    assert sorted(ids["es"]) == sorted(ids["en"])
    assert {"derivar", "coaccion", "violencia-patrimonial", "indicador", "medidas-de-proteccion", "denuncia",
            "consentimiento", "machismo", "mandatos", "cem", "demuna", "cai", "ley-30364", "ley-30403",
            "acoso-sexual", "promotor", "confidencialidad", "plan-de-pausa"} <= set(ids["es"])


def test_each_language_lists_its_terms_in_alphabetical_order():
    import unicodedata

    def key(term: str) -> str:
        return unicodedata.normalize("NFD", term.casefold()).encode("ascii", "ignore").decode()

    for lang in ("es", "en"):
        terms = [e.term for e in load_course(COURSE).glossary.entries(lang)]
        assert terms == sorted(terms, key=key), lang


def test_a_lesson_link_becomes_a_link_to_the_glossary_page():
    week = load_course(COURSE).week(10)
    assert '<a href="../glosario#derivar">derivar</a>' in week.lesson.es
    assert '<a href="../glosario#derivar">refer</a>' in week.lesson.en
    assert "glossary.es.md" not in week.lesson.es


@pytest.mark.parametrize("kind", GLOSSARY_FROM)
def test_a_glossary_link_works_from_every_page_that_shows_its_kind_of_text(kind):
    html = render_course_markdown("Tu papel es [derivar](../glossary.es.md#derivar).", glossary_href=GLOSSARY_FROM[kind])
    href = html.split('href="')[1].split('"')[0]
    for page in SERVED_AT[kind]:
        assert urljoin("http://lms.test" + page, href) == "http://lms.test/glosario#derivar", page


def test_entries_link_each_other_by_their_ids():
    html = {e.id: e.definition for e in load_course(COURSE).glossary.entries("es")}
    assert '<a href="#cem">CEM</a>' in html["derivar"]


def test_the_help_numbers_in_the_glossary_are_filled_in_from_course_toml():
    definitions = " ".join(e.definition for e in load_course(COURSE).glossary.entries("es"))
    assert "Línea 100" in definitions and "[[" not in definitions


# ---------------------------------------------------------------- what the loader refuses

def test_a_broken_glossary_link_is_named_with_its_file_line_and_term(course_copy):
    _edit(course_copy / "10-ruta-de-atencion" / "lesson.es.md", "#derivar)", "#derivr)")
    assert ("promotores/10-ruta-de-atencion/lesson.es.md: line 3: glossary link 'derivar' is broken: "
            "glossary.es.md has no entry #derivr") in _problems(course_copy)


def test_a_spanish_lesson_that_links_the_english_glossary_is_a_problem(course_copy):
    _edit(course_copy / "07-consentimiento" / "lesson.es.md", "../glossary.es.md#coaccion", "../glossary.en.md#coaccion")
    assert ("promotores/07-consentimiento/lesson.es.md: line 21: glossary link 'coacción' goes to glossary.en.md; "
            "link glossary.es.md") in _problems(course_copy)


def test_an_entry_missing_in_one_language_is_named(course_copy):
    path = course_copy / "glossary.en.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("## Machismo {#machismo}")
    path.write_text(text[:start] + text[text.index("## Mandates", start):], encoding="utf-8")
    problems = _problems(course_copy)
    assert ("promotores/glossary.en.md: no entry for #machismo (they are in glossary.es.md): both languages "
            "have the same entries") in problems
    assert "promotores/05-raices-de-la-violencia/lesson.en.md: line 24: glossary link 'machismo' is broken" in problems


def test_a_heading_without_an_id_and_an_id_used_twice_are_named(course_copy):
    _edit(course_copy / "glossary.es.md", "## Machismo {#machismo}", "## Machismo")
    _edit(course_copy / "glossary.es.md", "## Mandatos {#mandatos}", "## Mandatos {#cai}")
    problems = _problems(course_copy)
    assert "promotores/glossary.es.md: line 55: the heading '## Machismo' needs an id" in problems
    assert "promotores/glossary.es.md: line 59: the id #cai is used twice" in problems


def test_a_link_between_entries_to_no_entry_is_named(course_copy):
    _edit(course_copy / "glossary.es.md", "[CEM](#cem)", "[CEM](#centro)")
    assert "promotores/glossary.es.md: line 37: broken link 'CEM' to #centro: no entry has that id" in _problems(course_copy)


def test_a_missing_glossary_file_is_named_once(course_copy):
    (course_copy / "glossary.en.md").unlink()
    problems = check_course(course_copy)
    assert problems.count("promotores/glossary.en.md: missing file") == 1


def test_a_course_without_a_glossary_loads_without_one(course_copy):
    for lang in ("es", "en"):
        (course_copy / f"glossary.{lang}.md").unlink()
    for path in course_copy.glob("*/*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(GLOSSARY_LINK.sub(lambda link: link["text"], text), encoding="utf-8")
    assert check_course(course_copy) == []
    assert load_course(course_copy).glossary is None


def test_a_link_to_a_glossary_the_course_does_not_have_is_named(course_copy):
    for lang in ("es", "en"):
        (course_copy / f"glossary.{lang}.md").unlink()
    assert ("promotores/10-ruta-de-atencion/lesson.es.md: line 3: glossary link 'derivar', but the course has no "
            "glossary.es.md") in _problems(course_copy)


def test_parse_glossary_keeps_the_introduction_apart():
    parsed = parse_glossary("Palabras del curso.\n\n## Derivar {#derivar}\n\nOrientar.\n\n## CEM {#cem}\n\nAyuda.\n")
    assert parsed.intro == "Palabras del curso."
    assert [(e.id, e.term, e.markdown, e.line) for e in parsed.entries] == [
        ("derivar", "Derivar", "Orientar.", 3), ("cem", "CEM", "Ayuda.", 7)]
    assert parse_glossary("## Vacía {#vacia}\n\n").problems == ((1, "entry #vacia has no text"),)


# ---------------------------------------------------------------- course check: linked where first used

GLOSSARY_ES = "Palabras.\n\n## Derivar {#derivar}\n\nOrientar a una persona.\n\n## CAI (Centro de Atención Institucional) {#cai}\n\nPara hombres enviados por un juzgado.\n\n## Ley 30364 {#ley-30364}\n\nLa ley.\n"


def made_up_course(root: Path, lessons: dict[str, str], glossary: str = GLOSSARY_ES) -> Path:
    """A course of Spanish lessons only (``{"01-uno": text}``) and a Spanish glossary."""
    course = root / "curso"
    for folder, text in lessons.items():
        (course / folder).mkdir(parents=True)
        (course / folder / "lesson.es.md").write_text(text, encoding="utf-8")
    (course / "glossary.es.md").write_text(glossary, encoding="utf-8")
    return course


LINKED = ("Tu papel es [derivar](../glossary.es.md#derivar). El [CAI](../glossary.es.md#cai) no.\n"
          "La [Ley N° 30364](../glossary.es.md#ley-30364).\n")


def test_a_course_whose_terms_are_linked_where_first_used_passes(tmp_path):
    course = made_up_course(tmp_path, {"01-uno": LINKED, "02-dos": "Hay que derivar. El CAI, la Ley 30364.\n"})
    assert glossary_problems(course) == []


def test_an_entry_linked_from_no_lesson_is_a_problem(tmp_path):
    course = made_up_course(tmp_path, {"01-uno": LINKED.replace("[derivar](../glossary.es.md#derivar)", "derivar")})
    assert glossary_problems(course) == ["curso/glossary.es.md: line 3: the entry #derivar is linked from no lesson"]


def test_a_term_used_without_its_link_before_the_week_that_links_it_is_a_problem(tmp_path):
    """The old course: week 7 said "derivar" unlinked, and week 10 would have linked it."""
    course = made_up_course(tmp_path, {"01-uno": LINKED.replace("[derivar](../glossary.es.md#derivar)", "orientar"),
                                       "07-siete": "Intro.\n\nEl promotor escucha y deriva.\nLuego sabe derivarla.\n",
                                       "10-diez": "Tu papel es [derivar](../glossary.es.md#derivar).\n"})
    assert glossary_problems(course) == [
        "curso/07-siete/lesson.es.md: line 4: 'derivarla' is the lessons' first use of the glossary entry #derivar; "
        "link it there: [derivarla](../glossary.es.md#derivar)"]


def test_within_the_first_lesson_the_link_must_come_first(tmp_path):
    course = made_up_course(tmp_path, {"01-uno": "Hay que derivar.\n\n" + LINKED})
    assert [p.split(": '")[0] for p in glossary_problems(course)] == ["curso/01-uno/lesson.es.md: line 1"]


def test_a_heading_is_not_a_use(tmp_path):
    course = made_up_course(tmp_path, {"01-uno": "### Derivar, nuestro papel\n\n" + LINKED})
    assert glossary_problems(course) == []


def test_an_acronym_is_matched_exactly_and_a_law_with_or_without_its_number_sign(tmp_path):
    early = "Se cayó: una caída. Dice la Ley N° 30364.\n"
    course = made_up_course(tmp_path, {"01-uno": early, "02-dos": LINKED})
    assert glossary_problems(course) == [
        "curso/01-uno/lesson.es.md: line 1: 'Ley N° 30364' is the lessons' first use of the glossary entry "
        "#ley-30364; link it there: [Ley N° 30364](../glossary.es.md#ley-30364)"]


def test_the_full_name_in_brackets_is_a_use_of_the_acronym_entry(tmp_path):
    course = made_up_course(tmp_path, {"01-uno": "El Centro de Atención Institucional atiende.\n", "02-dos": LINKED})
    assert [p.split(": '")[1].split("'")[0] for p in glossary_problems(course)] == ["Centro de Atención Institucional"]


def test_course_check_runs_the_glossary_rules_on_the_real_course(course_copy):
    _edit(course_copy / "10-ruta-de-atencion" / "lesson.es.md", "[derivar](../glossary.es.md#derivar)", "derivar")
    problems = _problems(course_copy)
    assert "promotores/glossary.es.md: line 35: the entry #derivar is linked from no lesson" in problems


def test_emergency_numbers_in_the_glossary_and_the_code_of_conduct_are_placeholders(course_copy):
    _edit(course_copy / "glossary.es.md", "llama al [[police]]", "llama al 105")
    _edit(course_copy / "code-of-conduct.en.md", "[[central]]", "911")
    problems = course_rules(course_copy, NUMBERS)
    assert any(p.startswith("promotores/glossary.es.md: line 33: the number in '105'") for p in problems)
    assert any(p.startswith("promotores/code-of-conduct.en.md: line 4: the number in '911'") for p in problems)
