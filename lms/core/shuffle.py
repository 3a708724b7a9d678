"""The order in which a quiz attempt shows each question's options, drawn once per attempt.

Moodle shuffles the options within a question for every attempt ("Shuffle within questions")
and keeps the order it drew for the rest of that attempt; a matching question's choices are
shuffled too. We do the same: `draw_order` runs when an attempt starts, the order is stored
on the attempt, and the quiz page, its drafts and the review read it back from there.

The order is a presentation: responses always name options by their place in the course file,
so scoring, statistics and the offline copy of a draft (keyed by those places) never depend on it.

An author pins a question's order where the order carries meaning (a scale, "the first, then
the second…") with the GIFT comment `// [tag:fixed-order]`; Moodle imports that as a tag.
"""

import random
from collections.abc import Iterable

from lms.content.gift import Answer, Question

PINNED_TAG = "fixed-order"


def is_pinned(question: Question) -> bool:
    """Whether the author asked for this question's options to be shown in the file's order."""
    return PINNED_TAG in question.tags


def matching_pairs(question: Question) -> list[Answer]:
    """The real pairs of a matching question (an extra wrong choice has no sub-question)."""
    return [answer for answer in question.answers if answer.question]


def matching_choices(question: Question) -> list[str]:
    """The distinct choices of a matching question's menus, in the order of the file."""
    return list(dict.fromkeys(answer.answer or answer.text for answer in question.answers))


def draw_order(questions: Iterable[Question], rng: random.Random | None = None) -> dict:
    """A fresh order for every shuffled question: {name: {"answers": [...]}} for multiple choice,
    {name: {"stems": [...], "choices": [...]}} for matching, each a permutation of the file's places.

    Pinned questions, true/false and the types without options get no entry: they keep the file's order.
    """
    rng = rng or random.SystemRandom()
    order = {}
    for question in questions:
        if is_pinned(question):
            continue
        if question.type == "multichoice":
            order[question.name] = {"answers": _permutation(len(question.answers), rng)}
        elif question.type == "matching":
            order[question.name] = {"stems": _permutation(len(matching_pairs(question)), rng),
                                    "choices": _permutation(len(matching_choices(question)), rng)}
    return order


def _permutation(size: int, rng: random.Random) -> list[int]:
    places = list(range(size))
    rng.shuffle(places)
    return places


def _places(order: dict | None, question: Question, part: str, size: int) -> list[int]:
    """The stored order of one part of a question, or the file's order when there is none that fits.

    An attempt started before the course changed may hold an order for a different number of options.
    """
    stored = ((order or {}).get(question.name) or {}).get(part)
    if isinstance(stored, list) and sorted(stored) == list(range(size)):
        return stored
    return list(range(size))


def answers_in_order(question: Question, order: dict | None) -> list[tuple[int, Answer]]:
    """A multiple-choice question's options as the attempt shows them, each with its place in the file."""
    return [(place, question.answers[place]) for place in _places(order, question, "answers", len(question.answers))]


def stems_in_order(question: Question, order: dict | None) -> list[tuple[int, Answer]]:
    """A matching question's pairs as the attempt shows them, each with its place among the real pairs."""
    pairs = matching_pairs(question)
    return [(place, pairs[place]) for place in _places(order, question, "stems", len(pairs))]


def choices_in_order(question: Question, order: dict | None) -> list[str]:
    """A matching question's menu choices as the attempt shows them."""
    choices = matching_choices(question)
    return [choices[place] for place in _places(order, question, "choices", len(choices))]
