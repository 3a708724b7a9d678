"""Scoring a response to one question: Moodle's rules, and nothing a form sends can break it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.content.gift import QUESTION_TYPES, Answer, Question, parse_gift
from lms.core.scoring import feedback_for, score_response


def question(gift: str) -> Question:
    (parsed,) = parse_gift(gift)
    return parsed


SINGLE = question("::q::¿Cuál?{=buena#fb buena ~mala#fb mala ~%50%a medias#fb medias ~%-50%dañina#fb dañina"
                  "####general}")
SEVERAL = question("::q::¿Cuáles?{~%50%una#fb una ~%50%otra#fb otra ~%-100%error#fb error ~nada}")
OVERWEIGHT = question("::q::¿Cuáles?{~%100%a ~%50%b ~%-50%c}")
THIRDS = question("::q::¿Cuáles?{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
TRUE = question("::q::Verdad.{T#si respondes falso#si respondes verdadero####general}")
FALSE = question("::q::Mentira.{F}")
SHORT = question("::q::¿Número?{=100#exacto =%50%cien#en letras =%0%*#otra cosa}")
NUMBER = question("::q::¿7/2?{#3.5:0.1}")
RANGE = question("::q::¿Entre 0.1 y 0.3?{#0.1..0.3}")
YEAR = question("::q::¿Año?{# =2015:0#exacto =%50%2015:1#casi ~#no}")
MATCH = question("::q::Relaciona.{=a -> uno = -> cuatro =b -> dos =c -> tres}")
ESSAY = question("::q::Escribe.{}")
DESCRIPTION = question("::q::Lee esto.")


@pytest.mark.parametrize("response, score", [
    (0, 1.0), ("0", 1.0), (" 0 ", 1.0), ("00", 1.0), (1, 0.0), (2, 0.5), ("2", 0.5),
    (3, 0.0),                     # a negative weight never takes the score below 0
    (4, 0.0), (-1, 0.0), ("-1", 0.0), ("x", 0.0), ("", 0.0), (None, 0.0), ([0], 0.0),
    (True, 0.0), (0.0, 0.0), ("٠", 0.0), ("9" * 5000, 0.0), ({"0": 1}, 0.0),
])
def test_single_choice_scores_the_chosen_answer(response, score):
    assert score_response(SINGLE, response) == score


@pytest.mark.parametrize("question_, response, score", [
    (SEVERAL, ["0", "1"], 1.0),
    (SEVERAL, [0], 0.5),
    (SEVERAL, {1}, 0.5),
    (SEVERAL, (0, 1, 3), 1.0),
    (SEVERAL, [0, 1, 2], 0.0),
    (SEVERAL, [0, 2], 0.0),        # 50% - 100% is clamped to 0
    (SEVERAL, [0, 0, "0"], 0.5),   # choosing the same answer twice counts once
    (SEVERAL, [], 0.0),
    (SEVERAL, "1", 0.5),
    (SEVERAL, 1, 0.5),
    (SEVERAL, ["0", None, [1], {}, "x", 7, -1, True], 0.5),
    (SEVERAL, None, 0.0),
    (SEVERAL, b"\x00\x01", 0.0),
    (SEVERAL, 3.5, 0.0),
    (OVERWEIGHT, [0, 1], 1.0),     # sums above 100% are clamped to 1
    (OVERWEIGHT, [1, 2], 0.0),
])
def test_several_choices_sum_their_weights_within_zero_and_one(question_, response, score):
    assert score_response(question_, response) == score


def test_three_thirds_are_almost_the_full_score():
    assert score_response(THIRDS, [0, 1, 2]) == pytest.approx(1.0, abs=1e-6)
    assert score_response(THIRDS, [0, 1, 2, 3]) == 0.0


@pytest.mark.parametrize("question_, response, score", [
    (TRUE, "true", 1.0), (TRUE, "TRUE", 1.0), (TRUE, " True ", 1.0), (TRUE, True, 1.0),
    (TRUE, "false", 0.0), (TRUE, False, 0.0),
    (FALSE, "false", 1.0), (FALSE, "true", 0.0),
    (TRUE, "yes", 0.0), (TRUE, "T", 0.0), (TRUE, 1, 0.0), (TRUE, None, 0.0), (TRUE, ["true"], 0.0),
])
def test_true_false(question_, response, score):
    assert score_response(question_, response) == score


@pytest.mark.parametrize("gift, response, score", [
    ("{=100 =%50%cien =%0%*}", "100", 1.0),
    ("{=100 =%50%cien =%0%*}", "  100 ", 1.0),
    ("{=100 =%50%cien =%0%*}", "CIEN", 0.5),
    ("{=100 =%50%cien =%0%*}", "ciento", 0.0),
    ("{=100 =%50%cien =%0%*}", "", 0.0),
    ("{=100 =%50%cien =%0%*}", "   ", 0.0),
    ("{=100 =%50%cien =%0%*}", 100, 0.0),
    ("{=100 =%50%cien =%0%*}", None, 0.0),
    ("{=100 =%50%cien =%0%*}", ["100"], 0.0),
    ("{=resp*}", "respeto", 1.0),
    ("{=resp*}", "RESPONSABILIDAD", 1.0),
    ("{=resp*}", "resp", 1.0),
    ("{=resp*}", "irrespeto", 0.0),
    ("{=*ana}", "Banana", 1.0),
    ("{=*ana}", "anas", 0.0),
    ("{=a*b*c}", "aXbYc", 1.0),
    ("{=a*b*c}", "abc", 1.0),
    ("{=a*b*c}", "acb", 0.0),
    ("{=a*b*a}", "aba", 1.0),
    ("{=a*b*a}", "ab", 0.0),
    ("{=ab*ba}", "aba", 0.0),      # the two ends may not overlap
    ("{=5\\*3}", "5*3", 1.0),       # \* is a literal star
    ("{=5\\*3}", "5x3", 0.0),
    ("{=canción}", "cancio\u0301n", 1.0),  # the same letters, composed differently
    ("{=%50%*gato* =gato}", "gato", 1.0),  # the best matching answer counts
    ("{=%50%*gato* =gato}", "gatos", 0.5),
    ("{=%-50%mal =bien}", "mal", 0.0),
    ("{=%-50%*}", "algo", 0.0),
])
def test_short_answer_ignores_case_and_spaces_and_knows_wildcards(gift, response, score):
    assert score_response(question("::q::x" + gift), response) == score


@pytest.mark.parametrize("question_, response, score", [
    (NUMBER, "3.5", 1.0), (NUMBER, "3,5", 1.0), (NUMBER, " 3.5 ", 1.0), (NUMBER, 3.5, 1.0),
    (NUMBER, "3.6", 1.0), (NUMBER, "3,4", 1.0),          # the edges of the tolerance are inside
    (NUMBER, "3.61", 0.0), (NUMBER, "3.39", 0.0), (NUMBER, 4, 0.0), (NUMBER, "35e-1", 1.0),
    (NUMBER, "abc", 0.0), (NUMBER, "", 0.0), (NUMBER, "3,5,1", 0.0), (NUMBER, "1.000,5", 0.0),
    (NUMBER, "nan", 0.0), (NUMBER, "inf", 0.0), (NUMBER, "1e999", 0.0), (NUMBER, float("nan"), 0.0),
    (NUMBER, True, 0.0), (NUMBER, 10**400, 0.0), (NUMBER, None, 0.0), (NUMBER, ["3.5"], 0.0),
    (RANGE, "0.1", 1.0), (RANGE, "0.3", 1.0), (RANGE, "0,2", 1.0), (RANGE, "0.31", 0.0), (RANGE, "0.09", 0.0),
    (YEAR, "2015", 1.0), (YEAR, "2016", 0.5), (YEAR, "2014,5", 0.5), (YEAR, "2017", 0.0), (YEAR, "hace años", 0.0),
])
def test_numerical_accepts_a_decimal_comma_and_scores_the_best_answer_within_tolerance(question_, response, score):
    assert score_response(question_, response) == score


@pytest.mark.parametrize("gift, response, score", [
    ("{#=5 =%10%*}", "7", 0.1),
    ("{#=5 =%10%*}", "5", 1.0),
    ("{#=5 =%10%*}", "cinco", 0.0),
    ("{#=5 =%-50%6}", "6", 0.0),
    ("{#1e3:10}", "995", 1.0),
])
def test_numerical_catch_all_and_negative_weights(gift, response, score):
    assert score_response(question("::q::x" + gift), response) == score


@pytest.mark.parametrize("response, score", [
    ({0: "uno", 1: "dos", 2: "tres"}, 1.0),
    ({"0": "uno", "1": "dos"}, 2 / 3),
    ({0: " uno "}, 1 / 3),
    ({0: "dos", 1: "uno"}, 0.0),
    ({0: "uno", 3: "cuatro"}, 1 / 3),   # the extra answer is not a sub-question: index 3 names nothing
    ({1: "dos", 2: "tres"}, 2 / 3),     # sub-questions are counted without the extra answer before them
    ({0: "cuatro", 1: "cuatro", 2: "cuatro"}, 0.0),
    ({}, 0.0),
    ({0: 1}, 0.0),
    ({"x": "uno"}, 0.0),
    ({True: "dos"}, 0.0),
    ({9: "uno"}, 0.0),
    ("uno", 0.0),
    (["uno", "dos", "tres"], 0.0),
    (None, 0.0),
])
def test_matching_scores_right_pairs_over_real_pairs_by_sub_question_index(response, score):
    assert score_response(MATCH, response) == pytest.approx(score)


@pytest.mark.parametrize("response", ["Un texto largo", "", None, 3, ["x"]])
def test_an_essay_waits_for_a_person_and_a_description_scores_nothing(response):
    assert score_response(ESSAY, response) is None
    assert score_response(DESCRIPTION, response) == 0.0


@pytest.mark.parametrize("question_, response, feedback", [
    (SINGLE, 1, ["fb mala", "general"]),
    (SINGLE, "9", ["general"]),
    (SEVERAL, [2, 0], ["fb una", "fb error"]),
    (SEVERAL, [3], []),
    (TRUE, "true", ["si respondes verdadero", "general"]),
    (TRUE, "false", ["si respondes falso", "general"]),
    (TRUE, "quizá", ["general"]),
    (FALSE, "true", []),
    (SHORT, "CIEN", ["en letras"]),
    (SHORT, "mil", ["otra cosa"]),
    (YEAR, "2016", ["casi"]),
    (YEAR, "1990", ["no"]),
    (YEAR, "no sé", []),
    (MATCH, {0: "uno"}, []),
    (question("::q::x{=a -> 1 =b -> 2 ####todas las parejas}"), {0: "1"}, ["todas las parejas"]),
    (question("::q::x{####te leeremos}"), "mi texto", ["te leeremos"]),
    (DESCRIPTION, None, []),
])
def test_feedback_for_lists_what_applies_with_general_feedback_last(question_, response, feedback):
    assert feedback_for(question_, response) == feedback


# --------------------------------------------------------------------- property

FRACTION = st.sampled_from([1.0, 0.5, 0.0, -0.5, -1.0, 0.3333333]) | st.floats(-1, 1)
TEXT = st.text(st.sampled_from(list("ab *\\, 1.5")), max_size=6)


@st.composite
def scorable_questions(draw) -> Question:
    kind = draw(st.sampled_from(QUESTION_TYPES))
    if kind == "truefalse":
        right_is_true = draw(st.booleans())
        answers = [Answer("true", float(right_is_true)), Answer("false", float(not right_is_true))]
    elif kind == "numerical":
        answers = [Answer("n", draw(FRACTION), value=draw(st.floats(-1e6, 1e6)), tolerance=draw(st.floats(0, 10)))
                   for _ in range(draw(st.integers(1, 3)))]
        answers += [Answer("*", draw(FRACTION))] * draw(st.integers(0, 1))
    elif kind == "matching":
        answers = [Answer(a, float(bool(q)), question=q, answer=a)
                   for q, a in draw(st.lists(st.tuples(st.sampled_from(["", "p", "q", "r"]), TEXT), max_size=5))]
    elif kind in ("multichoice", "shortanswer"):
        answers = draw(st.lists(st.builds(Answer, TEXT, FRACTION), min_size=1, max_size=5))
    else:
        answers = []
    return Question(name="q", type=kind, text="x", answers=tuple(answers), single=draw(st.booleans()))


def responses_for(question_: Question) -> st.SearchStrategy:
    indexes = st.integers(-1, len(question_.answers))
    answer_texts = st.sampled_from([a.text for a in question_.answers] or [""])
    anything = st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.binary()
    return st.one_of(
        anything,
        indexes, indexes.map(str),
        st.lists(indexes | indexes.map(str) | anything, max_size=6),
        answer_texts, st.sampled_from(["true", "false", "3,5", "1e3"]),
        st.dictionaries(indexes | indexes.map(str), answer_texts | anything, max_size=6),
    )


@settings(max_examples=500, database=None)
@given(st.data())
def test_the_score_is_always_none_or_between_zero_and_the_maximum(data):
    question_ = data.draw(scorable_questions())
    response = data.draw(responses_for(question_))
    score = score_response(question_, response)
    if question_.type == "essay":
        assert score is None
    else:
        assert 0.0 <= score <= question_.max_score
    assert all(isinstance(text, str) and text for text in feedback_for(question_, response))
