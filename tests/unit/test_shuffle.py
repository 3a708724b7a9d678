"""Options shuffled per attempt: every order is a permutation, pinned questions keep theirs, scores do not move."""

import itertools
import random

from lms.content.gift import parse_gift
from lms.core.scoring import score_response
from lms.core.shuffle import answers_in_order, choices_in_order, draw_order, stems_in_order

QUIZ = tuple(parse_gift("""
::mc::¿Quién puede denunciar? {=Cualquier persona ~Solo ella ~Solo un abogado ~Solo la policía}

// [tag:fixed-order]
::scale::¿Con qué frecuencia? {~Nunca ~A veces =Siempre}

::tf::Se puede denunciar sin abogado. {T}

::match::Une cada caso con su tipo. {=Un empujón -> Física =Un insulto -> Psicológica =Quitarle el sueldo -> Económica = -> Sexual}
"""))


def test_each_attempt_draws_a_permutation_of_every_shuffled_question():
    order = draw_order(QUIZ, random.Random(7))
    assert set(order) == {"mc", "match"}
    assert sorted(order["mc"]["answers"]) == [0, 1, 2, 3]
    assert sorted(order["match"]["stems"]) == [0, 1, 2]
    assert sorted(order["match"]["choices"]) == [0, 1, 2, 3]


def test_different_attempts_see_different_orders():
    orders = {tuple(draw_order(QUIZ, random.Random(seed))["mc"]["answers"]) for seed in range(20)}
    assert len(orders) > 5


def test_a_pinned_question_keeps_the_order_of_the_file():
    order = draw_order(QUIZ, random.Random(1))
    scale = QUIZ[1]
    assert [a.text for _, a in answers_in_order(scale, order)] == ["Nunca", "A veces", "Siempre"]


def test_the_options_come_back_in_the_drawn_order_each_with_its_place_in_the_file():
    mc = QUIZ[0]
    order = {"mc": {"answers": [2, 0, 3, 1]}}
    assert [(place, a.text) for place, a in answers_in_order(mc, order)] == [
        (2, "Solo un abogado"), (0, "Cualquier persona"), (3, "Solo la policía"), (1, "Solo ella")]


def test_an_order_that_no_longer_fits_the_question_falls_back_to_the_file():
    mc = QUIZ[0]
    assert [place for place, _ in answers_in_order(mc, {"mc": {"answers": [1, 0]}})] == [0, 1, 2, 3]
    assert [place for place, _ in answers_in_order(mc, None)] == [0, 1, 2, 3]


def test_matching_choices_include_the_extra_wrong_choice_and_are_shuffled_too():
    match = QUIZ[3]
    order = {"match": {"stems": [2, 0, 1], "choices": [3, 1, 0, 2]}}
    assert [pair.question for _, pair in stems_in_order(match, order)] == ["Quitarle el sueldo", "Un empujón",
                                                                             "Un insulto"]
    assert choices_in_order(match, order) == ["Sexual", "Psicológica", "Física", "Económica"]


def test_scoring_does_not_depend_on_the_order_shown():
    mc, match = QUIZ[0], QUIZ[3]
    for permutation in itertools.permutations(range(4)):
        order = {"mc": {"answers": list(permutation)}}
        # The trainee taps whatever option is shown first: he sends its place in the file.
        first_place, first = answers_in_order(mc, order)[0]
        assert score_response(mc, str(first_place)) == first.fraction
    for stems in itertools.permutations(range(3)):
        order = {"match": {"stems": list(stems), "choices": [3, 2, 1, 0]}}
        right = {str(place): pair.answer for place, pair in stems_in_order(match, order)}
        assert score_response(match, right) == 1.0
