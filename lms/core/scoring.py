"""Score a trainee's response to one quiz question, the way Moodle grades it.

Responses come straight from the quiz form, so nothing here trusts them: a response of the
wrong shape, an index out of range or text that is not a number simply earns nothing.
"""

import math
import re
import unicodedata
from collections.abc import Iterable

from lms.content.gift import Answer, Question
from lms.models import AttemptStatus

_INDEX = re.compile(r"[0-9]{1,9}", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_WILDCARD = re.compile(r"(?<!\\)\*+")
# Like Moodle, count a number a hair beyond the tolerance as inside it, so that the edges of a
# range such as {#0.1..0.3} survive floating-point rounding.
_ABSOLUTE_SLACK = 1e-14
_RELATIVE_SLACK = 1e-12


def score_response(question: Question, response) -> float | None:
    """Return the fraction earned (0..1), or None when a person must grade it (essay); description → 0."""
    if question.type == "essay":
        return None
    if question.type == "matching":
        return _score_matching(question, response)
    earned = sum(answer.fraction for answer in _answers_given(question, response))
    return min(max(earned, 0.0), 1.0)


def feedback_for(question: Question, response) -> list[str]:
    """The feedback texts that apply to this response, the question's general feedback last."""
    texts = [answer.feedback for answer in _answers_given(question, response) if answer.feedback]
    if question.general_feedback:
        texts.append(question.general_feedback)
    return texts


def _answers_given(question: Question, response) -> list[Answer]:
    """The answers this response chose or matched, in the question's order; [] for anything unusable."""
    if question.type == "multichoice":
        if question.single:
            index = _index(response, len(question.answers))
            return [] if index is None else [question.answers[index]]
        return [question.answers[i] for i in sorted(_indexes(response, len(question.answers)))]
    if question.type == "truefalse":
        chosen = _true_or_false(response)
        return [answer for answer in question.answers if answer.text == chosen]
    if question.type == "shortanswer":
        return _best(answer for answer in question.answers if _matches_text(response, answer.text))
    if question.type == "numerical":
        number = _number(response)
        if number is None:
            return []
        return _best(answer for answer in question.answers if _matches_number(number, answer))
    return []


def _best(matching: Iterable[Answer]) -> list[Answer]:
    """The matching answer worth the most (the first of equals), as a list of zero or one."""
    best = None
    for answer in matching:
        if best is None or answer.fraction > best.fraction:
            best = answer
    return [] if best is None else [best]


def _index(raw, count: int) -> int | None:
    """An answer index given as int or digit string, if it names one of `count` answers."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and _INDEX.fullmatch(raw.strip()):
        raw = int(raw.strip())
    if isinstance(raw, int) and 0 <= raw < count:
        return raw
    return None


def _indexes(response, count: int) -> set[int]:
    """The distinct answer indexes in an iterable response; choosing one twice counts once."""
    if isinstance(response, (str, int)):
        response = [response]
    if isinstance(response, (bytes, bytearray)) or not isinstance(response, Iterable):
        return set()
    return {index for raw in response if (index := _index(raw, count)) is not None}


def _true_or_false(response) -> str | None:
    if isinstance(response, bool):
        return "true" if response else "false"
    if isinstance(response, str) and response.strip().lower() in ("true", "false"):
        return response.strip().lower()
    return None


def _matches_text(response, pattern: str) -> bool:
    """Moodle's short-answer comparison: trimmed, case ignored, `*` matches any run of characters."""
    if not isinstance(response, str):
        return False
    text = _comparable(response.strip())
    if not text:
        return False
    parts = [_comparable(part.replace("\\*", "*")) for part in _WILDCARD.split(pattern)]
    return _glob_match(parts, text)


def _comparable(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _glob_match(parts: list[str], text: str) -> bool:
    """Whether `text` is parts[0], anything, parts[1], anything, …, parts[-1].

    Greedy leftmost search is exact for `*`-only patterns and, unlike a regular expression,
    cannot backtrack for ages on a long response.
    """
    if len(parts) == 1:
        return text == parts[0]
    first, *middle, last = parts
    if len(first) + len(last) > len(text) or not (text.startswith(first) and text.endswith(last)):
        return False
    position, end = len(first), len(text) - len(last)
    for part in middle:
        found = text.find(part, position, end)
        if found == -1:
            return False
        position = found + len(part)
    return True


def _number(response) -> float | None:
    """A finite number from the form; "3,5" is read as 3.5 (a decimal comma, as written in Peru)."""
    if isinstance(response, bool):
        return None
    if isinstance(response, str):
        text = response.strip()
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if not _NUMBER.fullmatch(text):
            return None
        response = text
    elif not isinstance(response, (int, float)):
        return None
    try:
        number = float(response)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _matches_number(number: float, answer: Answer) -> bool:
    if answer.text == "*":
        return True
    if answer.value is None:
        return False
    tolerance = abs(answer.tolerance or 0.0)
    slack = _ABSOLUTE_SLACK + _RELATIVE_SLACK * max(abs(answer.value), tolerance)
    return abs(number - answer.value) <= tolerance + slack


def _score_matching(question: Question, response) -> float:
    """Right pairs over real pairs.

    `response` maps a sub-question's index, counting only real pairs as the quiz form does, to the answer chosen.
    """
    pairs = [answer for answer in question.answers if answer.question]
    if not pairs or not isinstance(response, dict):
        return 0.0
    chosen = {}
    for key, value in response.items():
        index = _index(key, len(pairs))
        if index is not None and isinstance(value, str):
            chosen[index] = value.strip()
    right = sum(1 for index, pair in enumerate(pairs) if chosen.get(index) == pair.answer)
    return right / len(pairs)


def grade(questions: tuple[Question, ...], responses: dict, pass_mark: int) -> dict:
    """Score every answer; essays stay None (pending) until a facilitator grades them."""
    scores = {q.name: score_response(q, responses.get(q.name)) for q in questions if q.type != "description"}
    return summarize(questions, scores, pass_mark)


def summarize(questions: tuple[Question, ...], scores: dict, pass_mark: int) -> dict:
    max_score = sum(q.max_score for q in questions)
    pending = any(v is None for v in scores.values())
    earned = sum(v or 0.0 for v in scores.values())
    percent = round(100.0 * earned / max_score, 2) if max_score else 0.0
    return {
        "scores": scores, "score": round(earned, 4), "max_score": max_score, "percent": percent,
        "status": AttemptStatus.PENDING.value if pending else AttemptStatus.GRADED.value,
        "is_passed": (not pending) and percent >= pass_mark,
    }
