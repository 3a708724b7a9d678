"""Statistics per quiz question, as Moodle's quiz statistics report computes them.

For question i and the S attempts that answered it, with x(s) the attempt's score on the question,
X(s) its score on the whole quiz and m the question's maximum:

- **facility index** F = mean(x) / m: the share of the marks the attempts earned;
- **standard deviation** SD = sqrt(sum((x - mean x)^2) / (S - 1)) / m;
- **random guess score**: what picking at random earns on average (the mean fraction of the
  options of a one-answer multiple choice, 1/2 for true/false, 1/number of choices for matching;
  none for the types where guessing makes no sense);
- **discrimination index** D = the correlation between x and the rest of the quiz, X - x
  (Moodle's definition: the question against the rest of the test, so it does not correlate
  with itself);
- **discriminative efficiency** E = Cov(x, X - x) / Cov_max, where Cov_max is the covariance the
  same scores would have if they were ranked in the same order: how close D comes to the highest
  it could reach with these score distributions.

Flags: F above 0.9 (too easy) or below 0.2 (too hard), D below 0.1 (weak) or below 0 (the
strongest trainees do worse on it), and a wrong option nobody picks. Below MIN_ATTEMPTS attempts
no figure is shown: one trainee more or less would move F by over ten points, and a correlation
of so few pairs is noise.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.content.gift import Question
from lms.core.shuffle import matching_choices, matching_pairs
from lms.extensions import db
from lms.models import AttemptStatus, Enrollment, QuizAttempt

MIN_ATTEMPTS = 10
EASY, HARD = 0.9, 0.2
WEAK_DISCRIMINATION = 0.1
ALL_ATTEMPTS = "all"

FLAG_TEXT = {
    "easy": _l("very easy (facility above 90 %)"),
    "hard": _l("very hard (facility below 20 %)"),
    "negative": _l("negative discrimination: stronger trainees do worse on it"),
    "weak": _l("weak discrimination (below 0.10)"),
    "unpicked": _l("a wrong option nobody picks"),
}


@dataclass(frozen=True)
class AttemptRow:
    """What the statistics need of one submitted attempt."""

    cohort_id: int
    number: int
    responses: dict
    scores: dict


@dataclass(frozen=True)
class OptionShare:
    text: str
    fraction: float          # what the option earns; for a matching pair, 1
    share: float | None      # of the attempts that answered the question; None below the minimum


@dataclass(frozen=True)
class QuestionStats:
    question: Question
    attempts: int
    facility: float | None = None
    sd: float | None = None
    random_guess: float | None = None
    discrimination: float | None = None
    efficiency: float | None = None
    options: list[OptionShare] = field(default_factory=list)
    flags: tuple[str, ...] = ()

    @property
    def is_shown(self) -> bool:
        return self.attempts >= MIN_ATTEMPTS


# ---------------------------------------------------------------- reading

def attempt_rows(week: int, cohort_ids: Iterable[int], attempt_number: int | str = ALL_ATTEMPTS) -> list[AttemptRow]:
    """The graded attempts of one week's quiz in these cohorts (of one number, or all), in one query."""
    cohort_ids = list(cohort_ids)
    if not cohort_ids:
        return []
    query = (select(Enrollment.cohort_id, QuizAttempt.number, QuizAttempt.responses, QuizAttempt.scores)
             .join(Enrollment, QuizAttempt.enrollment_id == Enrollment.id)
             .where(QuizAttempt.week == week, QuizAttempt.status == AttemptStatus.GRADED.value,
                    Enrollment.cohort_id.in_(cohort_ids)))
    if attempt_number != ALL_ATTEMPTS:
        query = query.where(QuizAttempt.number == attempt_number)
    rows = db.session.execute(query)
    return [AttemptRow(cohort_id, number, responses or {}, scores or {}) for cohort_id, number, responses, scores
            in rows]


def select_attempts(rows: list[AttemptRow], attempt_number: int | str) -> list[AttemptRow]:
    """The attempts of one number (1 = every trainee's first try), or all of them."""
    if attempt_number == ALL_ATTEMPTS:
        return rows
    return [row for row in rows if row.number == attempt_number]


# ---------------------------------------------------------------- computing

def question_statistics(questions: tuple[Question, ...], rows: list[AttemptRow]) -> list[QuestionStats]:
    """The figures of every scored question over these attempts, in the quiz's order."""
    scored = [q for q in questions if q.type != "description" and q.max_score > 0]
    totals = [sum(v for name, v in row.scores.items() if isinstance(v, int | float)) for row in rows]
    return [_statistics(question, rows, totals) for question in scored]


def _statistics(question: Question, rows: list[AttemptRow], totals: list[float]) -> QuestionStats:
    answered = [(row, total) for row, total in zip(rows, totals)
                if isinstance(row.scores.get(question.name), int | float)]
    count = len(answered)
    if count < MIN_ATTEMPTS:
        return QuestionStats(question, count, random_guess=random_guess_score(question),
                             options=_option_shares(question, [], shown=False))
    maximum = question.max_score
    x = [row.scores[question.name] / maximum for row, _ in answered]
    rest = [total - row.scores[question.name] for row, total in answered]
    facility = sum(x) / count
    sd = math.sqrt(sum((v - facility) ** 2 for v in x) / (count - 1))
    discrimination = correlation(x, rest)
    efficiency = discriminative_efficiency(x, rest)
    options = _option_shares(question, [row for row, _ in answered], shown=True)
    return QuestionStats(question, count, facility, sd, random_guess_score(question), discrimination, efficiency,
                         options, flags(facility, discrimination, options))


def correlation(x: list[float], y: list[float]) -> float | None:
    """Pearson's r; None when either side does not vary (every attempt scored the same)."""
    n = len(x)
    mean_x, mean_y = sum(x) / n, sum(y) / n
    sxy = sum((a - mean_x) * (b - mean_y) for a, b in zip(x, y))
    sxx = sum((a - mean_x) ** 2 for a in x)
    syy = sum((b - mean_y) ** 2 for b in y)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def discriminative_efficiency(x: list[float], y: list[float]) -> float | None:
    """Cov(x, y) over the covariance of x and y each sorted ascending, the largest it could be."""
    n = len(x)
    mean_x, mean_y = sum(x) / n, sum(y) / n
    covariance = sum((a - mean_x) * (b - mean_y) for a, b in zip(x, y))
    best = sum((a - mean_x) * (b - mean_y) for a, b in zip(sorted(x), sorted(y)))
    if best <= 1e-12:
        return None
    return covariance / best


def random_guess_score(question: Question) -> float | None:
    """The mean score of a random answer, as Moodle's question types define it; None where it means nothing."""
    if question.type == "truefalse":
        return 0.5
    if question.type == "multichoice" and question.single:
        return sum(a.fraction for a in question.answers) / len(question.answers)
    if question.type == "matching":
        return 1 / len(matching_choices(question))
    return None


def flags(facility: float, discrimination: float | None, options: list[OptionShare]) -> tuple[str, ...]:
    found = []
    if facility > EASY:
        found.append("easy")
    if facility < HARD:
        found.append("hard")
    if discrimination is not None and discrimination < 0:
        found.append("negative")
    elif discrimination is not None and discrimination < WEAK_DISCRIMINATION:
        found.append("weak")
    if any(option.fraction <= 0 and option.share == 0 for option in options):
        found.append("unpicked")
    return tuple(found)


def _option_shares(question: Question, rows: list[AttemptRow], shown: bool) -> list[OptionShare]:
    """The share of the attempts that chose each option (each right pair, for matching)."""
    count = len(rows)
    responses = [row.responses.get(question.name) for row in rows]

    def share(chosen: int) -> float | None:
        return chosen / count if shown and count else None

    if question.type == "multichoice":
        picked = [_places(response) for response in responses]
        return [OptionShare(answer.text, answer.fraction, share(sum(str(place) in p for p in picked)))
                for place, answer in enumerate(question.answers)]
    if question.type == "truefalse":
        return [OptionShare(str(_l("True") if a.text == "true" else _l("False")), a.fraction,
                            share(sum(response == a.text for response in responses))) for a in question.answers]
    if question.type == "matching":
        return [OptionShare(f"{pair.question} → {pair.answer}", 1.0,
                            share(sum(isinstance(r, dict) and r.get(str(place)) == pair.answer for r in responses)))
                for place, pair in enumerate(matching_pairs(question))]
    return []


def _places(response) -> set[str]:
    return set(response) if isinstance(response, list) else {response}


# ---------------------------------------------------------------- CSV

def csv_table(week, questions: tuple[Question, ...], rows: list[AttemptRow]) -> tuple[list[str], list[list]]:
    """The header and rows of the CSV: one row per question and attempt number (1, 2, … and all)."""
    header = [str(_l("Week")), str(_l("Question")), str(_l("Line")), str(_l("Type")), str(_l("Attempt")),
              str(_l("Attempts")), str(_l("Facility %")), str(_l("Standard deviation %")),
              str(_l("Random guess score %")), str(_l("Discrimination index %")),
              str(_l("Discriminative efficiency %")), str(_l("Flags")), str(_l("Share of each option"))]
    lines = []
    for number in [*range(1, week.quiz.max_attempts + 1), ALL_ATTEMPTS]:
        for figure in question_statistics(questions, select_attempts(rows, number)):
            q = figure.question
            shown = figure.is_shown
            lines.append([week.number, q.name, q.line, q.type, str(_l("all")) if number == ALL_ATTEMPTS else number,
                          figure.attempts, *(_percent(v) if shown else "" for v in (
                              figure.facility, figure.sd, figure.random_guess, figure.discrimination,
                              figure.efficiency)),
                          " | ".join(str(FLAG_TEXT[f]) for f in figure.flags),
                          " | ".join(f"{o.text}: {_percent(o.share)}" for o in figure.options) if shown else ""])
    return header, lines


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}"
