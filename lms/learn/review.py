"""The review of a submitted attempt: for each question, what the trainee answered, the right
answer (when the course lets him see it) and the feedback, options in the order he saw them.

Moodle's review options decide what a review shows and when; we keep one of them, "Right answer",
in `course.toml` (`[review] right_answer`): after each attempt, or only once the quiz is finished
for him (passed, or no attempts left). His own answer, whether it was right and the feedback are
always shown, as Moodle shows them by default.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from lms.content.gift import Question
from lms.core.scoring import feedback_for
from lms.core.shuffle import answers_in_order, stems_in_order
from lms.models import QuizAttempt

AFTER_EACH_ATTEMPT = "after_each_attempt"
WHEN_FINISHED = "when_finished"


@dataclass(frozen=True)
class ReviewOption:
    text: str
    is_chosen: bool
    is_right: bool | None  # None while the right answer is not shown


@dataclass(frozen=True)
class ReviewPair:
    prompt: str
    chosen: str
    right: str | None  # None while the right answer is not shown


@dataclass(frozen=True)
class ReviewItem:
    question: Question
    score: float | None  # None while a facilitator has to grade it
    feedback: list[str]
    options: list[ReviewOption] = field(default_factory=list)  # multiple choice, true/false
    pairs: list[ReviewPair] = field(default_factory=list)       # matching
    written: str = ""                                           # short answer, number, essay
    right_answers: list[str] = field(default_factory=list)     # short answer, number: what is accepted


def shows_right_answers(setting: str, *, passed: bool, attempts_left: int) -> bool:
    """Whether the review may show the right answers now, under the course's `right_answer` setting."""
    return setting == AFTER_EACH_ATTEMPT or passed or attempts_left <= 0


def review_items(questions: tuple[Question, ...], attempt: QuizAttempt, show_right: bool) -> list[ReviewItem]:
    """One item per question that can be answered, in the quiz's order."""
    responses = attempt.responses or {}
    scores = attempt.scores or {}
    items = []
    for question in questions:
        if question.type == "description":
            continue
        response = responses.get(question.name)
        item = ReviewItem(question=question, score=scores.get(question.name),
                          feedback=feedback_for(question, response), **_answers(question, response,
                                                                                attempt.answer_order, show_right))
        items.append(item)
    return items


def _answers(question: Question, response, order: dict | None, show_right: bool) -> dict:
    if question.type == "multichoice":
        chosen = _chosen_places(response)
        best = max(a.fraction for a in question.answers)
        return {"options": [
            ReviewOption(answer.text, place in chosen,
                         (answer.fraction > 0 if not question.single else answer.fraction == best) if show_right
                         else None)
            for place, answer in answers_in_order(question, order)]}
    if question.type == "truefalse":
        labels = {"true": _l("True"), "false": _l("False")}
        return {"options": [ReviewOption(labels[a.text], response == a.text, (a.fraction > 0) if show_right else None)
                            for a in question.answers]}
    if question.type == "matching":
        given = response if isinstance(response, dict) else {}
        return {"pairs": [ReviewPair(pair.question, str(given.get(str(place), "") or ""),
                                     pair.answer if show_right else None)
                          for place, pair in stems_in_order(question, order)]}
    written = response if isinstance(response, str) else ""
    return {"written": written, "right_answers": _accepted(question) if show_right else []}


def _chosen_places(response) -> set[int]:
    values = response if isinstance(response, list) else [response]
    return {int(value) for value in values if isinstance(value, str) and value.isdigit()}


def _accepted(question: Question) -> list[str]:
    """The answers that earn full marks, written as a trainee would type them."""
    accepted = []
    for answer in question.answers:
        if answer.fraction < 1 or answer.text == "*":
            continue
        if question.type == "numerical" and answer.value is not None:
            low, high = answer.value - (answer.tolerance or 0), answer.value + (answer.tolerance or 0)
            accepted.append(f"{answer.value:g}" if low == high else f"{low:g}–{high:g}")
        elif question.type == "shortanswer":
            accepted.append(answer.text.replace("*", "…"))
    return list(dict.fromkeys(accepted))
