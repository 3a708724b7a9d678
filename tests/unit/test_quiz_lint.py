"""The item-writing linter: each rule on small GIFT made for it, and `course check` failing on a finding."""

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from lms.content import lint
from lms.content.gift import parse_gift
from lms.content.loader import check_course

COURSE = Path(__file__).resolve().parents[2] / "courses" / "promotores"


def _findings(gift: str) -> list[str]:
    return lint.question_findings(parse_gift(gift)[0])


def test_a_quiz_whose_key_is_always_the_longest_option_is_reported_with_its_lines():
    questions = parse_gift(
        "::a::¿Qué es?\n{=Una forma de violencia que la ley reconoce ~Nada ~Un juego ~Amor}\n\n"
        "::b::¿Quién?\n{=Cualquier persona que conozca el caso ~Ella ~Nadie ~Él}\n\n"
        "::c::¿Dónde?\n{~Casa =En la comisaría o en la fiscalía ~Bus}")
    report = lint.key_length("promotores/01-x/quiz.es.gift", tuple(questions))
    assert (report.longest, report.questions, report.lines) == (3, 3, (1, 4, 7))
    assert report.chance == pytest.approx((1 / 4 + 1 / 4 + 1 / 3) / 3)


def test_a_key_as_long_as_a_distractor_is_not_the_longest():
    question = parse_gift("::a::¿Qué? {=Física ~Sexual ~Otra}")[0]
    assert lint.key_length("f", (question,)).longest == 0


def test_near_duplicate_options_are_found_once_accents_and_case_are_set_aside():
    found = _findings("::a::¿Qué tipo es? {=Violencia física ~violencia fisica ~Violencia sexual}")
    assert found == ['options "Violencia física" and "violencia fisica" are the same or nearly the same']


def test_all_or_none_of_the_above_is_an_escape_hatch_not_an_option():
    assert any("all / none" in f for f in _findings("::a::¿Cuál? {=Una ~Dos ~Todas las anteriores}"))
    assert any("all / none" in f for f in _findings("::a::¿Cuál? {=Una ~Dos ~Ninguna de las anteriores}"))
    assert any("all / none" in f for f in _findings("::a::Which? {=One ~Two ~None of the above}"))
    assert _findings("::a::¿Cuál? {=Una ~Dos ~Tres}") == []


def test_a_negative_question_must_say_no_in_capitals():
    found = _findings("::a::Lee el caso. ¿Cuál no es violencia? {=Conversar ~Golpear ~Insultar}")
    assert found == ['the question asks in the negative ("no"): write it as NO or in **bold**, or ask in the positive']
    assert _findings("::a::Lee el caso. ¿Cuál NO es violencia? {=Conversar ~Golpear ~Insultar}") == []
    assert _findings("::a::Which of these is **not** violence? {=Talking ~Hitting ~Insulting}") == []
    assert _findings("::a::Which is violence EXCEPT one? {=Talking ~Hitting ~Insulting}") == []


def test_a_no_in_the_story_or_in_a_contrast_is_not_a_negative_question():
    assert _findings("::a::Juan no paga la pensión. ¿Qué tipo de violencia es? {=Económica ~Física ~Sexual}") == []
    assert _findings("::a::¿Cuáles son ideas aprendidas, y no del cuerpo? {=Una ~Dos ~Tres}") == []
    assert _findings("::a::Which show sharing, not just helping? {=One ~Two ~Three}") == []


def _course(*quizzes: str):
    weeks = [SimpleNamespace(number=n, slug="s", quiz=SimpleNamespace(questions_es=tuple(parse_gift(gift))))
             for n, gift in enumerate(quizzes, start=1)]
    return SimpleNamespace(weeks=weeks)


def test_true_false_keys_outside_35_to_65_percent_are_reported_where_the_majority_lies():
    course = _course("::a::Uno. {F}\n\n::b::Dos. {F}", "::c::Tres. {F}\n\n::d::Cuatro. {T}")
    findings = [str(f) for f in lint.true_false_balance(course, Path("/x/promotores"))]
    assert findings == [
        "promotores/01-s/quiz.es.gift: true/false keys across the course are 25% true (1 of 4), outside 35%–65%; "
        "the keys here are false at lines 1, 3",
        "promotores/02-s/quiz.es.gift: true/false keys across the course are 25% true (1 of 4), outside 35%–65%; "
        "the keys here are false at lines 1"]


def test_balanced_true_false_keys_pass():
    course = _course("::a::Uno. {F}\n\n::b::Dos. {T}")
    assert lint.true_false_balance(course, Path("promotores")) == []


@pytest.fixture
def course_copy(tmp_path) -> Path:
    target = tmp_path / "promotores"
    shutil.copytree(COURSE, target)
    return target


def test_course_check_fails_on_a_new_finding_naming_file_and_line(course_copy):
    week = course_copy / "01-bienvenida"
    for language, option in (("es", "Todas las anteriores"), ("en", "All of the above")):
        path = week / f"quiz.{language}.gift"
        text = path.read_text(encoding="utf-8").rstrip("\n")
        line = text.count("\n") + 3
        path.write_text(text + f"\n\n::w01-q99::¿Cuál?\n{{=Uno ~Dos ~{option}}}\n", encoding="utf-8")
    problems = check_course(course_copy)
    assert f'promotores/01-bienvenida/quiz.es.gift: line {line}: question w01-q99: "Todas las anteriores": ' \
           'write a real option instead of "all / none of the above"' in problems


def test_the_course_quizzes_pass_the_linter_and_no_allowance_is_stale():
    """Every quiz passes; an allowance in KNOWN_FINDINGS that the course no longer needs is removed."""
    from lms.content.loader import _read
    course, _ = _read(COURSE)
    found = {str(f) for f in lint.lint(course, COURSE)}
    assert found <= lint.KNOWN_FINDINGS, f"item-writing findings: {sorted(found - lint.KNOWN_FINDINGS)}"
    stale = lint.KNOWN_FINDINGS - found
    assert not stale, f"KNOWN_FINDINGS lists findings the course no longer has; remove them: {sorted(stale)}"
