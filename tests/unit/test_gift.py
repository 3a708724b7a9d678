"""The GIFT reader and writer: every question type, the format's quirks, its errors and round trips."""

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lms.content.gift import (
    QUESTION_TYPES,
    TEXT_FORMATS,
    Answer,
    GiftError,
    Question,
    parse_gift,
    question_to_dict,
    write_gift,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gift"
VALID_FIXTURES = ["all_types.gift", "bom_crlf.gift"]
PHP_WHITESPACE = " \t\n\r\0\x0b"


def read_fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse_one(text: str) -> Question:
    questions = parse_gift(text)
    assert len(questions) == 1
    return questions[0]


def without_lines(questions) -> list[Question]:
    return [dataclasses.replace(q, line=0) for q in questions]


def fractions(question: Question) -> list[float]:
    return [a.fraction for a in question.answers]


@pytest.fixture(scope="module")
def course_quiz() -> dict[str, Question]:
    return {q.name: q for q in parse_gift(read_fixture("all_types.gift"), source="all_types.gift")}


# --------------------------------------------------------------------- every type, from the fixture


def test_the_fixture_holds_every_type_in_22_questions(course_quiz):
    assert len(course_quiz) == 22
    assert {q.type for q in course_quiz.values()} == set(QUESTION_TYPES)


def test_multichoice_with_one_right_answer_keeps_each_answers_feedback(course_quiz):
    q = course_quiz["p01 una respuesta"]
    assert q.type == "multichoice" and q.single
    assert q.text == "¿Qué hacemos cuando alguien del grupo comparte algo personal?"
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [
        ("Escuchamos y guardamos reserva", 1.0, "Así el grupo es un lugar seguro."),
        ("Lo contamos en el barrio", 0.0, "Eso rompe la confianza."),
        ("Cambiamos de tema", 0.0, "Mejor escuchar con respeto."),
    ]


def test_multichoice_without_an_equals_sign_allows_several_answers(course_quiz):
    q = course_quiz["p02 varias correctas"]
    assert q.type == "multichoice" and not q.single
    assert fractions(q) == [0.5, 0.5, -1.0]


def test_decimal_weights_read_as_the_nearest_fraction(course_quiz):
    q = course_quiz["p03 pesos decimales"]
    assert fractions(q) == [0.3333333, 0.3333333, 0.3333333, -0.5]
    assert q.max_score == pytest.approx(0.9999999)


def test_text_after_the_answer_block_makes_a_missing_word_question(course_quiz):
    q = course_quiz["p04 palabra faltante"]
    assert q.text == "La violencia _____ también incluye insultos y humillaciones."
    assert [a.text for a in q.answers if a.fraction == 1] == ["psicológica"]


def test_true_question_gives_each_answer_the_feedback_shown_when_it_is_chosen(course_quiz):
    q = course_quiz["p05 verdadero"]
    assert q.type == "truefalse"
    assert q.answers == (Answer("true", 1.0, "Correcto."),
                         Answer("false", 0.0, "Sí puede: pedir ayuda es un acto de valentía."))


def test_false_question_swaps_the_feedbacks_and_keeps_general_feedback(course_quiz):
    q = course_quiz["p06 falso"]
    assert q.answers == (Answer("true", 0.0, "No: es un delito y nos concierne a todos."),
                         Answer("false", 1.0, "Así es."))
    assert q.general_feedback == "La Ley 30364 protege a toda la familia."


def test_short_answer_reads_weights_feedback_and_the_wildcard(course_quiz):
    q = course_quiz["p07 respuesta corta"]
    assert q.type == "shortanswer"
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [
        ("100", 1.0, "Correcto."),
        ("cien", 0.5, "Bien, en cifras es 100."),
        ("*", 0.0, "Revisa la ficha de la semana 10."),
    ]
    assert course_quiz["p08 comodín"].answers == (Answer("resp*", 1.0, "Muy bien."),)


def test_numerical_exact_tolerance_and_range(course_quiz):
    exact, tolerance = course_quiz["p09 número exacto"], course_quiz["p10 tolerancia"]
    span = course_quiz["p11 rango"]
    assert exact.answers == (Answer("12", 1.0, "Son doce semanas.", value=12.0, tolerance=0.0),)
    assert (tolerance.answers[0].value, tolerance.answers[0].tolerance) == (3.5, 0.1)
    assert tolerance.general_feedback == "Se acepta una décima de diferencia."
    assert (span.answers[0].text, span.answers[0].value, span.answers[0].tolerance) == ("1..3", 2.0, 1.0)


def test_numerical_with_weighted_answers_and_wrong_answer_feedback(course_quiz):
    q = course_quiz["p12 varios números"]
    assert q.answers == (
        Answer("2015:0", 1.0, "Exacto.", value=2015.0, tolerance=0.0),
        Answer("2015:1", 0.5, "Casi.", value=2015.0, tolerance=1.0),
        Answer("*", 0.0, "Fue en 2015."),
    )


def test_matching_keeps_pairs_and_the_extra_wrong_answer(course_quiz):
    q = course_quiz["p13 relacionar"]
    assert q.type == "matching"
    assert [(a.question, a.answer, a.fraction) for a in q.answers] == [
        ("Física", "Un empujón", 1.0),
        ("Psicológica", "Insultos", 1.0),
        ("Económica", "Quitarle el sueldo", 1.0),
        ("", "Un abrazo", 0.0),
    ]
    assert all(a.text == a.answer for a in q.answers)


def test_empty_braces_make_an_essay_which_may_have_general_feedback(course_quiz):
    assert course_quiz["p14 ensayo"].type == "essay"
    assert course_quiz["p14 ensayo"].answers == ()
    assert course_quiz["p15 ensayo con retro"].general_feedback == "Lo revisaremos en la próxima sesión."


def test_no_braces_make_a_description_worth_nothing(course_quiz):
    q = course_quiz["p16 descripción"]
    assert (q.type, q.text_format, q.max_score) == ("description", "markdown", 0.0)
    assert q.text == "Lee el caso de **Luis** antes de responder las preguntas siguientes."


def test_escapes_are_resolved_everywhere(course_quiz):
    q = course_quiz["p17 escapes"]
    assert q.text == "¿Cuál es la hora de la reunión: 7:30 o 8:00? Usa {llaves} y \\ barras."
    assert [(a.text, a.feedback) for a in q.answers] == [
        ("A las 7:30 = temprano", "El signo # también se escapa."),
        ("A las 8:00 ~ tarde", ""),
    ]


def test_answers_and_feedback_inherit_the_question_format_and_drop_their_own_prefix(course_quiz):
    q = course_quiz["p18 formato html"]
    assert (q.text_format, q.text) == ("html", "<p>¿Qué es el <b>consentimiento</b>?</p>")
    assert [(a.text, a.feedback) for a in q.answers] == [
        ("Un sí libre y claro", ""), ("Un silencio", "<i>El silencio no es un sí.</i>")]


def test_backslash_n_is_a_newline_and_equals_answers_take_no_weight_in_multichoice(course_quiz):
    q = course_quiz["p19 saltos"]
    assert q.text == "Primera línea\nsegunda línea"
    # Moodle reads "=%100%sí" as a right answer whose text starts with "%100%".
    assert q.answers[0] == Answer("%100%sí", 1.0)


def test_a_question_without_a_name_is_named_after_its_text(course_quiz):
    name = "Una pregunta sin nombre: ¿respetas los acuerdos del grupo?"
    assert course_quiz[name].text == name


def test_a_question_may_span_lines_and_end_with_a_comment(course_quiz):
    q = course_quiz["p21 varias líneas"]
    assert q.text == "Esta pregunta\nocupa dos líneas"
    assert q.line == 70


def test_comments_carry_the_id_and_tags(course_quiz):
    q = course_quiz["p01 una respuesta"]
    assert (q.id_number, q.tags) == ("prueba-01", ("acuerdos", "semana 1"))
    assert course_quiz["p02 varias correctas"].id_number is None


def test_category_applies_to_every_question_until_the_next_one(course_quiz):
    assert course_quiz["p01 una respuesta"].category == "$course$/Promotores/Semana de prueba"
    assert course_quiz["p21 varias líneas"].category == "$course$/Promotores/Semana de prueba"
    assert course_quiz["p22 otra categoría"].category == "$course$/Promotores/Otra categoría"


def test_each_question_knows_the_line_it_starts_on_after_its_comments(course_quiz):
    assert course_quiz["p01 una respuesta"].line == 7
    assert course_quiz["p02 varias correctas"].line == 13
    assert course_quiz["p22 otra categoría"].line == 76


def test_a_bom_and_windows_line_endings_are_handled():
    questions = parse_gift(read_fixture("bom_crlf.gift"))
    assert [(q.name, q.type, q.line) for q in questions] == [("p01", "multichoice", 2), ("p02", "truefalse", 4)]
    assert questions[1].text == "Segunda\nen dos líneas."


def test_old_mac_line_endings_separate_questions_too():
    questions = parse_gift("::a::Uno{T}\r\r::b::Dos\r{F}")
    assert [(q.name, q.text, q.line) for q in questions] == [("a", "Uno", 1), ("b", "Dos", 3)]


# --------------------------------------------------------------------- quirks, inline


def test_names_are_trimmed_and_unescaped():
    assert parse_one(":: Ley 30364\\: artículo 8 ::¿Qué dice?{T}").name == "Ley 30364: artículo 8"


def test_an_empty_name_falls_back_to_the_text():
    assert parse_one("::::Texto de la pregunta{T}").name == "Texto de la pregunta"


def test_a_name_never_closed_is_dropped_like_moodle_does():
    q = parse_one("::sin cierre ¿Pregunta?{T}")
    assert (q.name, q.text) == ("sin cierre ¿Pregunta?", "sin cierre ¿Pregunta?")


def test_the_default_name_strips_html_and_stops_at_80_characters():
    q = parse_one("[html]<p>" + "palabra " * 20 + "</p>{T}")
    assert q.name == ("palabra " * 10).strip()
    assert len(q.name) <= 80


def test_a_question_with_no_text_or_name_is_still_named():
    assert parse_one("{T}").name == "Question"


def test_only_recognised_format_prefixes_are_read():
    q = parse_one("::q::[latex]x{T}")
    assert (q.text_format, q.text) == ("moodle", "[latex]x")
    assert parse_one("::q::[plain]x{T}").text_format == "plain"


def test_general_feedback_takes_its_own_format_prefix_off():
    q = parse_one("::q::[html]<b>x</b>{T####[html]<i>general</i>}")
    assert q.general_feedback == "<i>general</i>"


def test_a_blank_at_the_end_is_not_added_when_nothing_follows_the_block():
    assert parse_one("::q::Completa la frase.{=a ~b}").text == "Completa la frase."
    assert parse_one("::q::Antes {=a ~b} después").text == "Antes _____ después"


def test_equals_and_tilde_answers_mix_in_one_block():
    q = parse_one("::q::x{=a~b=c ~d}")
    assert [(a.text, a.fraction) for a in q.answers] == [("a", 1.0), ("b", 0.0), ("c", 1.0), ("d", 0.0)]
    assert q.single


def test_text_before_the_first_marker_is_an_answer_as_in_moodle():
    q = parse_one("::q::x{primera ~segunda =tercera}")
    assert [(a.text, a.fraction) for a in q.answers] == [("primera", 0.0), ("segunda", 0.0), ("tercera", 1.0)]


@pytest.mark.parametrize("weight, fraction", [
    ("%50%", 0.5), ("%-50%", -0.5), ("%100%", 1.0), ("%-100%", -1.0), ("%0%", 0.0),
    ("%33.33333%", 0.3333333), ("%12.5%", 0.125), ("%5.%", 0.05), ("%-0%", 0.0),
])
def test_weights_are_percentages(weight, fraction):
    assert parse_one(f"::q::x{{~{weight}a ~b}}").answers[0].fraction == fraction


@pytest.mark.parametrize("weight", ["%.5%", "%50 %", "%%", "%a%"])
def test_text_that_only_looks_like_a_weight_stays_in_the_answer(weight):
    assert parse_one(f"::q::x{{~{weight}a ~b}}").answers[0] == Answer(f"{weight}a", 0.0)


def test_short_answer_without_weight_is_fully_right_and_with_negative_weight_costs():
    q = parse_one("::q::x{=uno =%-25%dos}")
    assert fractions(q) == [1.0, -0.25]


@pytest.mark.parametrize("block, value, tolerance", [
    ("#4", 4.0, 0.0),
    ("#-2.5", -2.5, 0.0),
    ("#3.1415:0.0005", 3.1415, 0.0005),
    ("#1e3:10", 1000.0, 10.0),
    ("#.5", 0.5, 0.0),
    ("#-3..-1", -2.0, 1.0),
    ("#3..1", 2.0, 1.0),
    ("#5:-1", 5.0, 1.0),
    ("# =10", 10.0, 0.0),
])
def test_numerical_answer_forms(block, value, tolerance):
    answer = parse_one(f"::q::x{{{block}}}").answers[0]
    assert (answer.value, answer.tolerance) == (value, tolerance)


def test_numerical_catch_all_without_feedback_is_still_an_answer():
    assert parse_one("::q::x{#5~}").answers[-1] == Answer("*", 0.0, "")


def test_numerical_star_answer_may_carry_a_weight():
    assert parse_one("::q::x{#=5 =%10%*#casi}").answers[-1] == Answer("*", 0.1, "casi")


def test_matching_answers_are_not_split_on_hash_or_arrow():
    q = parse_one("::q::x{=a -> b#c =d -> e -> f}")
    assert [(a.question, a.answer) for a in q.answers] == [("a", "b#c"), ("d", "e -> f")]


def test_true_false_accepts_the_short_and_long_spellings():
    for block, right in [("T", "true"), ("TRUE", "true"), ("F", "false"), ("FALSE", "false")]:
        q = parse_one(f"::q::x{{{block}}}")
        assert [a.text for a in q.answers if a.fraction == 1] == [right]


def test_lowercase_true_is_a_short_answer_like_in_moodle():
    assert parse_one("::q::x{true}").type == "shortanswer"


def test_a_comment_inside_a_question_is_ignored():
    q = parse_one("::q::Pregunta\n// nota para facilitadores\n{=a ~b}")
    assert q.text == "Pregunta"


def test_id_and_tags_accept_escaped_brackets_and_ignore_empty_tags():
    q = parse_one("// [id: w01-q01 ] [tag:a\\]b] [tag: ] [tag:a\\]b]\n::q::x{T}")
    assert (q.id_number, q.tags) == ("w01-q01", ("a]b",))


def test_a_file_of_comments_has_no_questions():
    assert parse_gift("// solo comentarios\n\n// nada más\n") == []
    assert parse_gift("") == []


def test_the_category_is_unescaped_and_trimmed():
    questions = parse_gift("$CATEGORY:   $course$/a\\:b  \n\n::q::x{T}")
    assert questions[0].category == "$course$/a:b"


# --------------------------------------------------------------------- errors


@pytest.mark.parametrize("fixture, line, fragment", [
    ("unclosed_brace.gift", 6, "never closed"),
    ("stray_closing_brace.gift", 3, "never opened"),
    ("matching_without_arrow.gift", 4, "=question -> answer"),
    ("matching_one_pair.gift", 1, "at least two pairs"),
    ("multichoice_one_answer.gift", 2, "at least two answers"),
    ("numerical_no_number.gift", 4, "at least one number"),
    ("numerical_not_a_number.gift", 3, '"doce" is not a number'),
    ("weight_out_of_range.gift", 3, "%150%"),
    ("empty_answer.gift", 1, "an answer is empty"),
    ("category_not_alone.gift", 2, "blank line"),
])
def test_each_malformed_fixture_names_the_file_and_line(fixture, line, fragment):
    with pytest.raises(GiftError) as caught:
        parse_gift(read_fixture(fixture), source=fixture)
    error = caught.value
    assert (error.source, error.line) == (fixture, line)
    assert fragment in str(error.message)
    assert str(error) == f"{fixture}, line {line}: {error.message}"


@pytest.mark.parametrize("text, line", [
    ("::q::x {=a ~b", 1),
    ("::q::x =a ~b}", 1),
    ("::q::x } y {=a ~b}", 1),
    ("::ok::{T}\n\n::q::Pregunta\nen dos\n{=a ~b", 5),
    ("::q::x{~solo}", 1),
    ("::q::x{=a -> b}", 1),
    ("::q::x{=a -> b\n=c -> d\n=e}", 3),
    ("::q::x{=a -> }", 1),
    ("::q::x{#}", 1),
    ("::q::x{#~#nada}", 1),
    ("::q::x{#\n=1\n=dos}", 3),
    ("::q::x{#1..b}", 1),
    ("::q::x{#1:b}", 1),
    ("::q::x{#1e999}", 1),
    ("::q::x{#inf}", 1),
    ("::q::x{~%--5%a ~b}", 1),
    ("::q::x{~%101%a ~b}", 1),
    ("::q::x{=%150%a}", 1),
    ("::q::x{~a ~#feedback only}", 1),
    ("::q::x{=}", 1),
    ("$CATEGORY:\n\n::q::x{T}", 1),
    ("$CATEGORY:   \n\n::q::x{T}", 1),
])
def test_malformed_questions_raise_gift_error_with_the_line(text, line):
    with pytest.raises(GiftError) as caught:
        parse_gift(text)
    assert caught.value.line == line
    assert caught.value.source == "<string>"


def test_gift_error_is_a_value_error_with_a_lazy_translatable_message():
    with pytest.raises(ValueError) as caught:
        parse_gift("::q::x{=a", source="quiz.es.gift")
    error = caught.value
    assert isinstance(error, GiftError)
    assert not isinstance(error.message, str)  # flask_babel's LazyString, translated when shown
    assert str(error) == "quiz.es.gift, line 1: the answer block opened with { is never closed with }"


# --------------------------------------------------------------------- writing and round trips


@pytest.mark.parametrize("fixture", VALID_FIXTURES)
def test_every_valid_fixture_survives_a_round_trip(fixture):
    questions = parse_gift(read_fixture(fixture))
    written = write_gift(questions)
    assert without_lines(parse_gift(written)) == without_lines(questions)
    assert write_gift(parse_gift(written)) == written


def test_the_writer_escapes_what_gift_reserves():
    q = Question(name="a:b", type="shortanswer", text="¿{x} = ~y #z \\ w?\nfin",
                 answers=(Answer("1:2", 1.0, "ok#bien"),))
    written = write_gift([q])
    assert written == "::a\\:b::¿\\{x\\} \\= \\~y \\#z \\\\ w?\\nfin{\n\t=1\\:2#ok\\#bien\n}\n"
    assert parse_gift(written) == [dataclasses.replace(q, line=1)]


def test_the_writer_puts_the_block_where_the_missing_word_is():
    q = parse_one("::q::La violencia {=psicológica ~física} también duele.")
    assert "::q::La violencia {" in write_gift([q])
    assert "} también duele." in write_gift([q])


def test_the_writer_marks_a_category_once_and_then_each_change():
    questions = parse_gift("$CATEGORY: a\n\n::q1::x{T}\n\n::q2::y{T}\n\n$CATEGORY: b\n\n::q3::z{F}")
    assert write_gift(questions).count("$CATEGORY:") == 2


def test_the_writer_keeps_a_text_that_starts_like_a_format_prefix():
    q = Question(name="q", type="multichoice", text="[html] no es html", single=False,
                 answers=(Answer("[plain]a", 0.5), Answer("%50%b", 0.0, "[markdown]c")))
    assert without_lines(parse_gift(write_gift([q]))) == [q]


def test_the_writer_keeps_an_arrow_in_a_lone_short_answer():
    q = parse_one("::q::x{a -> b#c}")
    assert (q.type, q.answers) == ("shortanswer", (Answer("a -> b", 1.0, "c"),))
    assert without_lines(parse_gift(write_gift([q]))) == without_lines([q])


def test_the_writer_keeps_single_choice_when_every_answer_is_right():
    q = parse_one("::q::x{=a ~%100%b}")
    assert without_lines(parse_gift(write_gift([q]))) == without_lines([q])


def test_the_writer_turns_an_inconsistent_numerical_text_into_value_and_tolerance():
    q = Question(name="q", type="numerical", text="x",
                 answers=(Answer("cualquier cosa", 1.0, value=2.0, tolerance=0.5),))
    assert "=2.0:0.5" in write_gift([q])


def test_writing_nothing_gives_an_empty_file():
    assert write_gift([]) == ""


# --------------------------------------------------------------------- JSON and scores


def test_question_to_dict_follows_the_json_contract(course_quiz):
    numerical = question_to_dict(course_quiz["p10 tolerancia"])
    assert {"name", "type", "text", "answers", "general_feedback", "single"} <= numerical.keys()
    assert numerical["answers"] == [{"text": "3.5:0.1", "fraction": 1.0, "feedback": "", "value": 3.5,
                                     "tolerance": 0.1}]
    matching = question_to_dict(course_quiz["p13 relacionar"])
    assert matching["type"] == "matching"
    assert matching["answers"][3] == {"text": "Un abrazo", "fraction": 0.0, "feedback": "", "question": "",
                                      "answer": "Un abrazo"}
    choice = question_to_dict(course_quiz["p01 una respuesta"])
    assert "value" not in choice["answers"][0] and "question" not in choice["answers"][0]
    json.dumps([question_to_dict(q) for q in course_quiz.values()])


@pytest.mark.parametrize("name, max_score", [
    ("p01 una respuesta", 1.0), ("p02 varias correctas", 1.0), ("p05 verdadero", 1.0),
    ("p07 respuesta corta", 1.0),
    ("p12 varios números", 1.0), ("p13 relacionar", 1.0), ("p14 ensayo", 1.0), ("p16 descripción", 0.0),
])
def test_max_score_is_what_the_best_response_earns(course_quiz, name, max_score):
    assert course_quiz[name].max_score == max_score


def test_max_score_of_an_all_wrong_multichoice_is_zero():
    assert parse_one("::q::x{~a ~%-50%b}").max_score == 0.0


# --------------------------------------------------------------------- properties

GIFT_CHARACTERS = st.sampled_from(list("{}~=#:\\n%->.*[]_$/ \t\nTF0123456789")) | st.characters(
    exclude_categories=("Cs",))


@settings(max_examples=400, database=None)
@given(st.text(GIFT_CHARACTERS, max_size=120) | st.lists(st.sampled_from([
    "::q::", "{", "}", "~", "=", "#", "####", "->", "%50%", "%-", "\\", "\n", "\n\n", "// [id:x]", "$CATEGORY: c",
    "T", "#1..2", ":", "..", "_____", "[html]", "*", " ", "a", "\r\n", "\ufeff",
]), max_size=25).map("".join))
def test_any_text_either_parses_or_raises_gift_error_naming_a_line(text):
    try:
        questions = parse_gift(text)
    except GiftError as error:
        assert 1 <= error.line <= text.count("\n") + text.count("\r") + 1
        assert str(error).startswith("<string>, line ")
    else:
        assert all(q.type in QUESTION_TYPES for q in questions)
        assert without_lines(parse_gift(write_gift(questions))) == without_lines(questions)


def canonical(text: str) -> str:
    """Texts as the reader returns them: trimmed, with no carriage return."""
    return text.replace("\r", "").strip(PHP_WHITESPACE)


TEXT = st.text(GIFT_CHARACTERS, max_size=25).map(canonical)
WORD = TEXT.filter(bool)
FRACTION = st.sampled_from([1.0, 0.0, 0.5, -0.5, 0.3333333, -1.0, 0.125]) | st.floats(-1, 1)
LABEL = st.text(st.sampled_from(list("abc xyz-_09]\\")), min_size=1, max_size=10).map(canonical).filter(bool)


@st.composite
def answers_for(draw, kind: str) -> tuple[tuple[Answer, ...], bool]:
    if kind == "multichoice":
        answers = draw(st.lists(st.builds(Answer, WORD, FRACTION, TEXT), min_size=2, max_size=5))
        single = draw(st.booleans())
        if single:
            right = draw(st.integers(0, len(answers) - 1))
            answers[right] = dataclasses.replace(answers[right], fraction=1.0)
        return tuple(answers), single
    if kind == "truefalse":
        right_is_true = draw(st.booleans())
        return (Answer("true", float(right_is_true), draw(TEXT)),
                Answer("false", float(not right_is_true), draw(TEXT))), True
    if kind == "shortanswer":
        answers = draw(st.lists(st.builds(Answer, WORD, FRACTION, TEXT), min_size=1, max_size=4))
        assume(len(answers) == 1 or not any("->" in a.text + a.feedback for a in answers))
        return tuple(answers), True
    if kind == "numerical":
        answers = []
        for _ in range(draw(st.integers(1, 3))):
            value = draw(st.floats(allow_nan=False, allow_infinity=False))
            tolerance = draw(st.just(0.0) | st.floats(0, 1e6))
            text = repr(value) if tolerance == 0 and draw(st.booleans()) else f"{value!r}:{tolerance!r}"
            answers.append(Answer(text, draw(FRACTION), draw(TEXT), value=value, tolerance=tolerance))
        if draw(st.booleans()):
            answers.append(Answer("*", 0.0, draw(TEXT)))
        return tuple(answers), True
    if kind == "matching":
        sides = WORD.filter(lambda side: "->" not in side)
        pairs = [Answer(a, 1.0, question=q, answer=a) for q, a in draw(st.lists(st.tuples(sides, WORD), min_size=2,
                                                                                   max_size=4))]
        extras = [Answer(a, 0.0, question="", answer=a) for a in draw(st.lists(WORD, max_size=2))]
        return tuple(draw(st.permutations(pairs + extras))), True
    return (), True


@st.composite
def questions(draw) -> Question:
    kind = draw(st.sampled_from(QUESTION_TYPES))
    answers, single = draw(answers_for(kind))
    return Question(
        name=draw(WORD), type=kind, text=draw(TEXT), text_format=draw(st.sampled_from(TEXT_FORMATS)),
        answers=answers, general_feedback="" if kind == "description" else draw(TEXT), single=single,
        category=draw(st.none() | WORD), id_number=draw(st.none() | LABEL),
        tags=tuple(draw(st.lists(LABEL, max_size=3, unique=True))),
    )


def with_categories_carried_forward(generated: list[Question]) -> list[Question]:
    """GIFT cannot switch back to 'no category', so once one is set it stays until the next."""
    result, current = [], None
    for question in generated:
        current = question.category if question.category is not None else current
        result.append(dataclasses.replace(question, category=current))
    return result


@settings(max_examples=300, database=None)
@given(st.lists(questions(), min_size=1, max_size=4).map(with_categories_carried_forward))
def test_generated_questions_survive_writing_and_reading(generated):
    assert without_lines(parse_gift(write_gift(generated))) == generated
