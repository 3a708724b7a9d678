"""What a trainee does in a week: open the lesson, answer the quiz, write the reflection.

Services take plain arguments and never touch the request; views commit.
"""

import random
import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.exc import IntegrityError

from lms.content.gift import Question
from lms.content.model import Course, Week
from lms.core.errors import RuleError
from lms.core.scoring import grade
from lms.core.shuffle import draw_order
from lms.database import named_statement, request_connection
from lms.extensions import db
from lms.models import (
    AttemptStatus,
    Enrollment,
    LessonView,
    QuizAttempt,
    Reflection,
    ReflectionStatus,
    ReflectionVersion,
)

# ---------------------------------------------------------------- lesson

# Asked of an enrollment whose opened weeks did not come with the signed-in account: built once.
_OPENED = named_statement("lesson opened before",
                          select(exists().where(LessonView.enrollment_id == bindparam("enrollment"),
                                                LessonView.week == bindparam("week"))))


def record_lesson_opened(enrollment: Enrollment, week: int) -> bool:
    """Remember that the trainee opened this week's lesson; True the first time (there is something to commit).

    On his own pages the weeks he had opened came with his account (``Enrollment.opened_weeks``), read at
    the start of this request; otherwise the database is asked."""
    if enrollment.opened_weeks is not None:
        opened_before = week in enrollment.opened_weeks
    else:
        opened_before = request_connection().scalar(_OPENED, {"enrollment": enrollment.id, "week": week})
    if opened_before:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(LessonView(enrollment_id=enrollment.id, week=week))
    except IntegrityError:
        return False  # the same trainee opened it in another tab a moment ago
    return True


# ---------------------------------------------------------------- quiz

def attempts_of(enrollment: Enrollment, week: int) -> list[QuizAttempt]:
    return list(db.session.scalars(select(QuizAttempt).where(QuizAttempt.enrollment_id == enrollment.id,
                                                             QuizAttempt.week == week)
                                   .order_by(QuizAttempt.number)))


def submitted_count(attempts: list[QuizAttempt]) -> int:
    return sum(a.is_submitted for a in attempts)


def current_draft(attempts: list[QuizAttempt]) -> QuizAttempt | None:
    return next((a for a in attempts if a.status == AttemptStatus.DRAFT), None)


def start_draft(enrollment: Enrollment, week: Week, course: Course, locale: str,
                rng: random.Random | None = None) -> QuizAttempt:
    """Return the open draft attempt, starting a new one if attempts remain; raise RuleError if none do.

    A new attempt draws the order of its options once (`rng` lets a test choose the draw); both
    languages share it, since their questions have the same names and options in the same places.
    """
    attempts = attempts_of(enrollment, week.number)
    draft = current_draft(attempts)
    if draft is not None:
        return draft
    if any(a.is_passed for a in attempts):
        raise RuleError(_l("You already passed this quiz. Your best result is kept."))
    if submitted_count(attempts) >= week.quiz.max_attempts:
        raise RuleError(_l("You have used all %(n)s attempts for this quiz.", n=week.quiz.max_attempts))
    number = max((a.number for a in attempts), default=0) + 1
    try:
        with db.session.begin_nested():
            draft = QuizAttempt(enrollment_id=enrollment.id, week=week.number, number=number, locale=locale,
                                content_version=course.version, responses={},
                                answer_order=draw_order(week.quiz.questions_es, rng))
            db.session.add(draft)
    except IntegrityError:
        # A second tab started the same attempt at the same moment: use that one.
        return current_draft(attempts_of(enrollment, week.number))
    return draft


ANSWER_MAX_CHARS = 2000  # one written answer of a quiz


def overlong_answers(raw: dict) -> list[str]:
    """Names of the questions whose written answer is longer than ANSWER_MAX_CHARS."""
    return [name for name, value in raw.items() if isinstance(value, str) and len(value) > ANSWER_MAX_CHARS]


def clean_responses(questions: tuple[Question, ...], raw: dict) -> dict:
    """Keep only answers to questions of this quiz, as JSON-friendly values, each at most 2,000 characters."""
    names = {q.name for q in questions}
    cleaned = {}
    for name, value in raw.items():
        if name not in names:
            continue
        if isinstance(value, dict):
            cleaned[name] = {str(k)[:10]: str(v)[:2000] for k, v in value.items()}
        elif isinstance(value, list | tuple):
            cleaned[name] = [str(v)[:10] for v in value][:50]
        elif value is not None:
            cleaned[name] = str(value)[:2000]
    return cleaned


def save_draft(attempt: QuizAttempt, responses: dict, now: datetime) -> bool:
    """Store the answers of a draft; False when the attempt was already submitted (nothing changes)."""
    result = db.session.execute(update(QuizAttempt)
                                .where(QuizAttempt.id == attempt.id, QuizAttempt.status == AttemptStatus.DRAFT.value)
                                .values(responses=responses, saved_dt=now))
    db.session.expire(attempt)
    return result.rowcount == 1


def missing_answers(questions: tuple[Question, ...], responses: dict) -> list[str]:
    """Names of questions left unanswered (descriptions need no answer)."""
    missing = []
    for q in questions:
        if q.type == "description":
            continue
        value = responses.get(q.name)
        if q.type == "matching":
            # As in Moodle, some pairs chosen is an answer in part, scored in part; none is no answer.
            if not isinstance(value, dict) or not any(v for v in value.values()):
                missing.append(q.name)
        elif not value or (isinstance(value, str) and not value.strip()):
            missing.append(q.name)
    return missing


def submit_attempt(attempt: QuizAttempt, responses: dict, questions: tuple[Question, ...], pass_mark: int,
                   now: datetime) -> QuizAttempt:
    """Score and close a draft. A second submit of the same attempt (a double click) changes nothing."""
    result = grade(questions, responses, pass_mark)
    db.session.execute(update(QuizAttempt)
                       .where(QuizAttempt.id == attempt.id, QuizAttempt.status == AttemptStatus.DRAFT.value)
                       .values(responses=responses, submitted_dt=now, saved_dt=now,
                               graded_dt=None if result["status"] == AttemptStatus.PENDING else now, **result))
    db.session.expire(attempt)
    return attempt


# ---------------------------------------------------------------- reflection

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

def reflection_of(enrollment: Enrollment, week: int) -> Reflection | None:
    return db.session.scalar(select(Reflection).where(Reflection.enrollment_id == enrollment.id,
                                                      Reflection.week == week))


def _reflection_for_writing(enrollment: Enrollment, week: int) -> Reflection:
    reflection = reflection_of(enrollment, week)
    if reflection is None:
        try:
            with db.session.begin_nested():
                reflection = Reflection(enrollment_id=enrollment.id, week=week, draft_text="")
                db.session.add(reflection)
        except IntegrityError:
            reflection = reflection_of(enrollment, week)
    return reflection


# What every week's prompt asks ("entre 150 y 400 palabras"): a guide, not a rule; a shorter text is sent.
SUGGESTED_WORDS = (150, 400)


def word_count(text: str | None) -> int:
    """Words as a reader counts them: runs of letters or digits, so "—" and "*" are not words."""
    return len(_WORD.findall(text or ""))


def shorter_than_asked(text: str) -> str | None:
    """A gentle note when a reflection is under the suggested length, or None."""
    words = word_count(text)
    low, high = SUGGESTED_WORDS
    if 0 < words < low:
        return str(_l("Your reflection has %(n)s words; the week suggests %(low)s to %(high)s. If you can, add an "
                      "example from your life: your facilitator may ask for it.", n=words, low=low, high=high))
    return None


def check_reflection_text(text: str, max_chars: int) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > max_chars:
        raise RuleError(_l("Your reflection is %(n)s characters long; the limit is %(max)s. Shorten it a little; "
                           "nothing has been lost.", n=len(text), max=max_chars))
    return text


def save_reflection_draft(enrollment: Enrollment, week: int, text: str, now: datetime, max_chars: int) -> Reflection:
    """Keep what the trainee is writing; allowed until the reflection is accepted.

    After submitting, edits stay a draft until sent again: the facilitator grades what was sent.
    """
    text = check_reflection_text(text, max_chars)
    reflection = _reflection_for_writing(enrollment, week)
    if reflection.status == ReflectionStatus.ACCEPTED:
        raise RuleError(_l("This reflection was already accepted."))
    reflection.draft_text = text
    reflection.draft_saved_dt = now
    return reflection


def submit_reflection(enrollment: Enrollment, week: int, text: str, now: datetime, max_chars: int,
                      max_versions: int = 10) -> Reflection:
    """Send the reflection to the facilitators as a new version; a double click sends it once.

    At most ``max_versions`` versions a week: each is kept forever and shown on the review page.
    """
    text = check_reflection_text(text, max_chars)
    if not text:
        raise RuleError(_l("Write your reflection before sending it."))
    reflection = _reflection_for_writing(enrollment, week)
    if reflection.status == ReflectionStatus.ACCEPTED:
        raise RuleError(_l("This reflection was already accepted."))
    last = reflection.versions[-1] if reflection.versions else None
    if reflection.status == ReflectionStatus.SUBMITTED and last is not None and last.text == text:
        return reflection  # the same text again: already waiting for the facilitator
    if last is not None and last.number >= max_versions:
        raise RuleError(_l("You have sent %(n)s versions of this reflection, the most a week allows. Talk with your "
                           "facilitator at the workshop; your draft is kept.", n=max_versions))
    claimed = db.session.execute(
        update(Reflection).where(Reflection.id == reflection.id, Reflection.status == reflection.status,
                                 Reflection.updated_dt == reflection.updated_dt)
        .values(status=ReflectionStatus.SUBMITTED.value, submitted_dt=now, draft_text=text, draft_saved_dt=now,
                updated_dt=now))
    if claimed.rowcount != 1:
        db.session.expire(reflection)
        return reflection  # another request submitted it between our read and our write
    number = (last.number if last else 0) + 1
    db.session.add(ReflectionVersion(reflection_id=reflection.id, number=number, text=text, submitted_dt=now))
    db.session.expire(reflection)
    return reflection
