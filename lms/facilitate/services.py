"""Rules of the facilitator's work: attendance, grading, notes, the gradebook and the dashboard.

Services take plain arguments and never touch the request; views commit.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms import audit
from lms.content.markdown import render_user_markdown
from lms.content.model import Course, Week
from lms.core.errors import RuleError
from lms.core.rosters import TraineeRow, enrollments_of
from lms.core.scoring import summarize
from lms.extensions import db
from lms.models import (
    AttemptStatus,
    Attendance,
    AttendanceStatus,
    Cohort,
    Enrollment,
    QuizAttempt,
    Reflection,
    ReflectionStatus,
    ReflectionVersion,
    TraineeNote,
    User,
)

FEEDBACK_MAX_CHARS = 4000  # a reviewer's feedback; a page of text on a phone
NOTE_MAX_CHARS = 4000

REFLECTION_MARKS = {"accepted": "✓", "submitted": "…", "returned": "↺", "draft": "·"}
ATTENDANCE_MARKS = {"present": "P", "late": "T", "absent": "A", "excused": "J"}


def gradebook_cells(row: TraineeRow) -> list[tuple[str, bool]]:
    """The cells of a gradebook row, one a week: "best score · reflection · attendance" and whether the week is complete.

    Built here rather than in the template: a cohort of 300 has 3,600 cells.
    """
    cells = []
    for w in row.progress.weeks:
        score = "–" if w.quiz_best_percent is None else f"{w.quiz_best_percent:.0f}"
        cells.append((f"{score} {REFLECTION_MARKS.get(w.reflection_status, '–')} "
                      f"{'n/a' if w.before_joining else ATTENDANCE_MARKS.get(w.attendance, '–')}", w.is_complete))
    return cells


def sort_rows(rows: list[TraineeRow], key: str) -> list[TraineeRow]:
    if key == "progress":
        return sorted(rows, key=lambda r: (-r.progress.weeks_complete, r.user.display_name.casefold()))
    if key == "progress_asc":
        return sorted(rows, key=lambda r: (r.progress.weeks_complete, r.user.display_name.casefold()))
    return sorted(rows, key=lambda r: r.user.display_name.casefold())


# ---------------------------------------------------------------- attendance

def attendance_of(cohort: Cohort, week: int) -> dict[int, Attendance]:
    return {a.enrollment_id: a for a in db.session.scalars(
        select(Attendance).where(Attendance.cohort_id == cohort.id, Attendance.week == week))}


def mark_attendance(marker: User, cohort: Cohort, week: int, statuses: dict[int, str], now: datetime,
                    shown: dict[int, str] | None = None) -> int:
    """Record the attendance a facilitator marked at a workshop; returns how many records changed.

    ``statuses`` holds what the form sent for each trainee ("" where nothing is marked), ``shown``
    what the page showed when it was drawn. Only a row whose mark differs from what was shown is
    written: saving a week to correct one man touches nobody else, and a blank row records nothing.
    Only enrollments of ``cohort`` that had joined by ``week`` are accepted, so a forged id cannot
    touch another cohort and nobody is marked for a workshop held before he joined.
    """
    valid = {s.value for s in AttendanceStatus}
    shown = shown or {}
    members = {e.id for e in enrollments_of([cohort.id]) if e.first_week <= week}
    existing = attendance_of(cohort, week)
    changed = 0
    for enrollment_id, status in statuses.items():
        if enrollment_id not in members or status not in valid or status == shown.get(enrollment_id, ""):
            continue
        record = existing.get(enrollment_id)
        if record is None and _insert_attendance(marker, cohort, week, enrollment_id, status, now):
            before = None
        else:
            # Either marked before, or another facilitator saved this workshop a moment ago.
            record = record or db.session.scalar(select(Attendance).where(Attendance.enrollment_id == enrollment_id,
                                                                          Attendance.week == week))
            if record.status == status:
                continue
            before = record.status
            record.status, record.marked_by_id, record.marked_dt = status, marker.id, now
        changed += 1
        audit.record(marker, "attendance.mark", cohort, cohort_id=cohort.id, week=week,
                     enrollment_id=enrollment_id, before=before, after=status)
    return changed


def mark_unmarked_present(marker: User, cohort: Cohort, week: int, now: datetime) -> int:
    """The deliberate "everyone present" of a facilitator: every trainee of the week not yet marked becomes present."""
    marked = attendance_of(cohort, week)
    unmarked = {e.id: AttendanceStatus.PRESENT.value for e in enrollments_of([cohort.id])
                if e.first_week <= week and e.id not in marked}
    return mark_attendance(marker, cohort, week, unmarked, now)


def _insert_attendance(marker: User, cohort: Cohort, week: int, enrollment_id: int, status: str,
                       now: datetime) -> bool:
    """Insert a first attendance record; False when one already exists (the unique constraint said so)."""
    try:
        with db.session.begin_nested():
            db.session.add(Attendance(enrollment_id=enrollment_id, cohort_id=cohort.id, week=week, status=status,
                                      marked_by_id=marker.id, marked_dt=now))
    except IntegrityError:
        return False
    return True


# ---------------------------------------------------------------- grading

@dataclass(frozen=True)
class QueueItem:
    kind: str               # "reflection" or "essay"
    id: int                 # reflection version id or quiz attempt id
    week: int
    trainee: User
    cohort: Cohort
    submitted_dt: datetime


def grading_queue(cohort_ids) -> list[QueueItem]:
    """Reflections and essay answers waiting for a facilitator, oldest first."""
    cohort_ids = list(cohort_ids)
    if not cohort_ids:
        return []
    items = []
    latest = (select(ReflectionVersion, Reflection, Enrollment)
              .join(Reflection, ReflectionVersion.reflection_id == Reflection.id)
              .join(Enrollment, Reflection.enrollment_id == Enrollment.id)
              .where(Reflection.status == ReflectionStatus.SUBMITTED.value, ReflectionVersion.decision.is_(None),
                     Enrollment.cohort_id.in_(cohort_ids)))
    enrollment_ids = set()
    rows = db.session.execute(latest).all()
    pending = db.session.execute(select(QuizAttempt, Enrollment).join(Enrollment)
                                 .where(QuizAttempt.status == AttemptStatus.PENDING.value,
                                        Enrollment.cohort_id.in_(cohort_ids))).all()
    enrollment_ids = {e.id for *_, e in rows} | {e.id for _, e in pending}
    people = {e.id: e for e in enrollments_of(cohort_ids) if e.id in enrollment_ids}
    for version, reflection, enrollment in rows:
        if enrollment.id in people:
            items.append(QueueItem("reflection", version.id, reflection.week, people[enrollment.id].user,
                                   people[enrollment.id].cohort, version.submitted_dt))
    for attempt, enrollment in pending:
        if enrollment.id in people:
            items.append(QueueItem("essay", attempt.id, attempt.week, people[enrollment.id].user,
                                   people[enrollment.id].cohort, attempt.submitted_dt))
    return sorted(items, key=lambda item: (item.submitted_dt, item.kind, item.id))


def review_reflection(reviewer: User, version: ReflectionVersion, week: Week, *, decision: str,
                      scores: dict[str, int], feedback: str, now: datetime) -> None:
    """Grade a submitted reflection with the week's rubric, then accept it or return it for revision."""
    reflection = version.reflection
    if version.decision is not None or reflection.status != ReflectionStatus.SUBMITTED:
        raise RuleError(_l("This reflection was already reviewed."))
    if reflection.versions[-1].id != version.id:
        raise RuleError(_l("The trainee sent a newer version; review that one."))
    if decision not in ("accepted", "returned"):
        raise RuleError(_l("Choose whether to accept the reflection or return it for revision."), field="decision")
    levels = {c.id: {lv.points for lv in c.levels} for c in week.rubric}
    if set(scores) != set(levels) or any(scores[c] not in levels[c] for c in levels):
        raise RuleError(_l("Choose one level for every rubric criterion."), field="rubric")
    feedback = (feedback or "").replace("\r\n", "\n").strip()
    if len(feedback) > FEEDBACK_MAX_CHARS:
        raise RuleError(_l("The feedback is %(n)s characters long; the limit is %(max)s. Shorten it a little; "
                           "nothing has been lost.", n=len(feedback), max=FEEDBACK_MAX_CHARS), field="feedback")
    if decision == "returned" and not feedback:
        raise RuleError(_l("Write what he should revise before returning the reflection."), field="feedback")
    # Claim the version with a conditional update, so two facilitators saving at once give one review.
    claimed = db.session.execute(
        update(ReflectionVersion).where(ReflectionVersion.id == version.id, ReflectionVersion.decision.is_(None))
        .values(decision=decision, rubric_scores=scores, points=sum(scores.values()), max_points=week.rubric_max,
                feedback=feedback, feedback_html=str(render_user_markdown(feedback)), reviewed_dt=now,
                reviewer_id=reviewer.id))
    if claimed.rowcount != 1:
        raise RuleError(_l("This reflection was already reviewed."))
    db.session.expire(version)
    reflection.status = ReflectionStatus.ACCEPTED.value if decision == "accepted" else ReflectionStatus.RETURNED.value
    reflection.updated_dt = now
    audit.record(reviewer, f"reflection.{decision}", version, cohort_id=reflection.enrollment.cohort_id,
                 week=reflection.week, trainee_id=reflection.enrollment.user_id, points=sum(scores.values()))


def grade_essays(grader: User, attempt: QuizAttempt, week: Week, fractions: dict[str, float], now: datetime) -> None:
    """Give each essay answer of a pending attempt its share of the marks (0 to 1) and finish the attempt."""
    if attempt.status != AttemptStatus.PENDING:
        raise RuleError(_l("This attempt is already graded."))
    questions = week.quiz.questions(attempt.locale)
    essays = [q.name for q in questions if q.type == "essay"]
    if set(fractions) != set(essays) or any(not 0 <= f <= 1 for f in fractions.values()):
        raise RuleError(_l("Give every written answer a mark between 0 and 100 %."))
    scores = dict(attempt.scores or {})
    scores.update(fractions)
    result = summarize(questions, scores, week.quiz.pass_mark)
    claimed = db.session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id,
                                                           QuizAttempt.status == AttemptStatus.PENDING.value)
                                 .values(graded_dt=now, graded_by_id=grader.id, **result))
    if claimed.rowcount != 1:
        raise RuleError(_l("This attempt is already graded."))
    db.session.expire(attempt)
    audit.record(grader, "quiz.essay_grade", attempt, cohort_id=attempt.enrollment.cohort_id, week=attempt.week,
                 trainee_id=attempt.enrollment.user_id, percent=attempt.percent)


# ---------------------------------------------------------------- notes

def add_note(author: User, trainee: User, text: str) -> TraineeNote:
    text = (text or "").strip()
    if not text:
        raise RuleError(_l("The note is empty."))
    if len(text) > NOTE_MAX_CHARS:
        raise RuleError(_l("The note is %(n)s characters long; the limit is %(max)s.", n=len(text),
                           max=NOTE_MAX_CHARS))
    note = TraineeNote(trainee_id=trainee.id, author_id=author.id, text=text)
    db.session.add(note)
    audit.record(author, "note.add", trainee, cohort_id=trainee.enrollment.cohort_id if trainee.enrollment else None)
    return note


# ---------------------------------------------------------------- gradebook export


# ---------------------------------------------------------------- dashboard figures

@dataclass(frozen=True)
class Dashboard:
    weeks: list[int]
    complete: list[int]          # trainees who completed each week
    attended: list[int]          # present or late at each workshop
    marked: list[int]            # attendance taken at each workshop
    score_buckets: list[tuple[str, int]]  # best quiz score distribution, all weeks
    size: int


def dashboard(rows: list[TraineeRow], course: Course) -> Dashboard:
    weeks = list(course.week_numbers)
    complete = [sum(r.progress.week(w).is_complete for r in rows) for w in weeks]
    attended = [sum(r.progress.week(w).attendance in ("present", "late") for r in rows) for w in weeks]
    marked = [sum(r.progress.week(w).attendance is not None for r in rows) for w in weeks]
    buckets = Counter()
    for r in rows:
        for w in r.progress.weeks:
            if w.quiz_best_percent is not None:
                buckets[min(int(w.quiz_best_percent // 20), 4)] += 1
    labels = ["0–19 %", "20–39 %", "40–59 %", "60–79 %", "80–100 %"]
    return Dashboard(weeks=weeks, complete=complete, attended=attended, marked=marked,
                     score_buckets=[(labels[i], buckets[i]) for i in range(5)], size=len(rows))
