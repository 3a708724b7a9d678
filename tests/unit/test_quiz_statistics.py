"""Statistics per question, checked against figures worked out by hand on a ten-attempt quiz."""

import math

import pytest

from lms.content.gift import parse_gift
from lms.facilitate import statistics
from lms.facilitate.statistics import AttemptRow, question_statistics

QUIZ = parse_gift("""
::q1::¿Quién puede denunciar? {=Cualquier persona ~Solo ella ~Solo un abogado ~Solo la policía}

::q2::La violencia psicológica se puede denunciar. {T}

::q3::Hace falta un examen médico para denunciar. {F}
""")

# Ten attempts, one row each: the score on q1, q2, q3 (1 right, 0 wrong) and the option chosen in q1.
#      q1 q2 q3  q1 option
DATA = [(1, 1, 1, "0"),
        (1, 1, 1, "0"),
        (1, 1, 0, "0"),
        (1, 0, 1, "0"),
        (1, 1, 0, "0"),
        (0, 1, 0, "1"),
        (0, 0, 1, "1"),
        (1, 0, 0, "0"),
        (0, 0, 0, "2"),
        (0, 1, 0, "2")]


def _rows(data=DATA) -> list[AttemptRow]:
    rows = []
    for q1, q2, q3, option in data:
        responses = {"q1": option, "q2": "true" if q2 else "false", "q3": "false" if q3 else "true"}
        rows.append(AttemptRow(cohort_id=1, number=1, responses=responses,
                               scores={"q1": float(q1), "q2": float(q2), "q3": float(q3)}))
    return rows


def test_the_first_question_matches_the_hand_worked_figures():
    q1 = question_statistics(tuple(QUIZ), _rows())[0]
    # Facility: 6 of 10 right = 0.6.
    assert q1.attempts == 10
    assert q1.facility == pytest.approx(0.6)
    # SD: six deviations of 0.4 and four of 0.6: (6 × 0.16 + 4 × 0.36) / 9 = 2.4 / 9; its root is 0.5164.
    assert q1.sd == pytest.approx(math.sqrt(2.4 / 9))
    # Random guess: the mean of the options' fractions, (1 + 0 + 0 + 0) / 4.
    assert q1.random_guess == pytest.approx(0.25)
    # Discrimination: the rest of the quiz (q2 + q3) is 2 2 1 1 1 1 1 0 0 1, mean 1.
    # Σ(x − 0.6)(rest − 1) = 0.4 + 0.4 − 0.4 + 0.6 = 1.0; Σ(x − 0.6)² = 2.4; Σ(rest − 1)² = 4.
    # r = 1.0 / √(2.4 × 4) = 0.3227.
    assert q1.discrimination == pytest.approx(1 / math.sqrt(9.6))
    # Efficiency: sorted, x = 0 0 0 0 1 1 1 1 1 1 and rest = 0 0 1 1 1 1 1 1 2 2;
    # Σ = 2 × 0.6 + 2 × 0.4 = 2.0, the most the covariance could be. 1.0 / 2.0 = 0.5.
    assert q1.efficiency == pytest.approx(0.5)
    # Options: 6 chose the key, 2 "Solo ella", 2 "Solo un abogado", nobody "Solo la policía".
    assert [o.share for o in q1.options] == pytest.approx([0.6, 0.2, 0.2, 0.0])
    assert q1.flags == ("unpicked",)


def test_a_question_that_does_not_go_with_the_rest_of_the_quiz_is_flagged_weak():
    q2 = question_statistics(tuple(QUIZ), _rows())[1]
    # q2 is 1 1 1 0 1 1 0 0 0 1 (facility 0.6); the rest (q1 + q3) is 2 2 1 2 1 0 1 1 0 0, mean 1.
    # Σ(x − 0.6)(rest − 1) = 0.4 + 0.4 − 0.6 − 0.4 + 0.6 − 0.4 = 0: no discrimination at all.
    assert q2.facility == pytest.approx(0.6)
    assert q2.discrimination == pytest.approx(0.0, abs=1e-12)
    assert q2.random_guess == 0.5
    assert q2.flags == ("weak",)


def test_the_third_question_matches_the_hand_worked_figures():
    q3 = question_statistics(tuple(QUIZ), _rows())[2]
    # q3 is 1 1 0 1 0 0 1 0 0 0 (facility 0.4); the rest (q1 + q2) is 2 2 2 1 2 1 0 1 0 1, mean 1.2.
    # Σ(x − 0.4)(rest − 1.2) = 0.20; Σ(x − 0.4)² = 2.4; Σ(rest − 1.2)² = 4 × 0.64 + 4 × 0.04 + 2 × 1.44 = 5.6.
    # r = 0.20 / √(2.4 × 5.6) = 0.0546.
    assert q3.facility == pytest.approx(0.4)
    assert q3.discrimination == pytest.approx(0.2 / math.sqrt(2.4 * 5.6))
    assert [o.share for o in q3.options] == pytest.approx([0.6, 0.4])  # "true" (wrong) 6, "false" 4
    assert q3.flags == ("weak",)


def test_below_the_minimum_number_of_attempts_no_figure_is_shown():
    q1 = question_statistics(tuple(QUIZ), _rows(DATA[:statistics.MIN_ATTEMPTS - 1]))[0]
    assert q1.attempts == 9
    assert not q1.is_shown
    assert q1.facility is None and q1.discrimination is None
    assert all(o.share is None for o in q1.options)


def test_flags_for_too_easy_too_hard_and_negative_discrimination():
    assert statistics.flags(0.95, 0.3, []) == ("easy",)
    assert statistics.flags(0.15, 0.3, []) == ("hard",)
    assert statistics.flags(0.5, -0.2, []) == ("negative",)
    assert statistics.flags(0.5, 0.05, []) == ("weak",)
    assert statistics.flags(0.5, 0.3, []) == ()


def test_a_question_everyone_gets_right_has_no_discrimination_rather_than_a_division_by_zero():
    rows = _rows([(1, q2, q3, "0") for _, q2, q3, _ in DATA])
    q1 = question_statistics(tuple(QUIZ), rows)[0]
    assert q1.facility == 1.0 and q1.sd == 0.0
    assert q1.discrimination is None and q1.efficiency is None
    assert "easy" in q1.flags


def test_random_guess_score_of_matching_is_one_over_the_choices():
    matching = parse_gift("::m::Une. {=a -> 1 =b -> 2 =c -> 3 = -> 4}")[0]
    assert statistics.random_guess_score(matching) == pytest.approx(0.25)
    essay = parse_gift("::e::Escribe. {}")[0]
    assert statistics.random_guess_score(essay) is None


def test_attempt_numbers_are_kept_apart():
    rows = _rows() + [AttemptRow(1, 2, {"q1": "0"}, {"q1": 1.0, "q2": 1.0, "q3": 1.0})]
    assert len(statistics.select_attempts(rows, 1)) == 10
    assert len(statistics.select_attempts(rows, 2)) == 1
    assert len(statistics.select_attempts(rows, statistics.ALL_ATTEMPTS)) == 11
