"""The one place that decides what is complete.

A week is complete for a trainee when the lesson was opened, the quiz passed (best graded attempt
at or above the pass mark), the reflection accepted by a facilitator, and — where the workshop
counts — his attendance is present, late or excused. The course is complete when all twelve weeks
are and he was present (or late) at no less than the course's minimum share of the workshops that
count: an excused absence completes its week but does not raise the attendance rate. Workshops held
before he joined the cohort (weeks before ``Enrollment.first_week``) do not apply to him: they are
neither asked of him nor counted, and their online work is catch-up, never lateness.

`progress_for` reads everything for many enrollments in a fixed number of queries, so a page
costs the same for a cohort of 5 as for one of 300.
"""

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import Float, Integer, String, case, func, literal, null, select, union_all

from lms.content.model import Course, Week
from lms.core.calendar import cohort_overrides, overrides_for, week_opening
from lms.core.surveys import phases_done, week_phase
from lms.database import ForIds, request_connection
from lms.models import (
    ATTENDED,
    AttemptStatus,
    Attendance,
    AttendanceStatus,
    Enrollment,
    LessonView,
    QuizAttempt,
    Reflection,
    ReflectionStatus,
)

AT_RISK_ABSENCES = 2  # absences from which a facilitator is told to reach out


class WeekState(enum.StrEnum):
    LOCKED = "locked"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


class Task(enum.StrEnum):
    LESSON = "lesson"
    QUIZ = "quiz"
    REFLECTION = "reflection"
    ATTENDANCE = "attendance"
    SURVEY = "survey"   # the pre survey (week 1) or the post survey (week 12)


@dataclass(frozen=True, slots=True)
class WeekProgress:
    """One trainee's week: a value, so trainees whose week reads the same share one (`progress_for`)."""

    week: int
    is_open: bool
    opens_at: datetime
    lesson_opened: bool
    quiz_best_percent: float | None
    quiz_passed: bool
    quiz_pending: bool
    attempts_used: int
    reflection_status: str | None
    attendance: str | None
    attendance_counts: bool
    survey_pending: bool = False  # week 1: the pre survey; week 12: the post survey
    # Its workshop was held before he joined the cohort: no attendance is asked of him, none counts.
    before_joining: bool = False
    # What is still to do this week, in the order a trainee does it. Worked out once, at creation:
    # a 300-trainee gradebook asks it of 3,600 weeks, several times each.
    remaining: tuple[Task, ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "remaining", self._remaining())  # the one field a frozen value sets itself

    @property
    def attended(self) -> bool:
        return self.attendance in ATTENDED

    @property
    def attendance_applies(self) -> bool:
        """His attendance at this week's workshop is asked for and counts in his share."""
        return self.attendance_counts and not self.before_joining

    def _remaining(self) -> tuple[Task, ...]:
        todo = []
        if self.survey_pending and self.week == 1:
            todo.append(Task.SURVEY)  # the baseline comes before the first lesson
        if not self.lesson_opened:
            todo.append(Task.LESSON)
        if not self.quiz_passed:
            todo.append(Task.QUIZ)
        if self.reflection_status != ReflectionStatus.ACCEPTED:
            todo.append(Task.REFLECTION)
        if self.survey_pending and self.week != 1:
            todo.append(Task.SURVEY)
        if self.attendance_applies and not self.attended:
            todo.append(Task.ATTENDANCE)
        return tuple(todo)

    @property
    def is_complete(self) -> bool:
        return not self.remaining

    @property
    def state(self) -> WeekState:
        if self.is_complete:
            return WeekState.COMPLETE
        if not self.is_open:
            return WeekState.LOCKED
        started = self.lesson_opened or self.attempts_used or self.reflection_status or self.attendance
        return WeekState.IN_PROGRESS if started else WeekState.OPEN


@dataclass(frozen=True)
class CourseProgress:
    enrollment_id: int
    weeks: tuple[WeekProgress, ...]
    min_attendance: int

    def week(self, number: int) -> WeekProgress:
        return self.weeks[number - 1]

    @cached_property  # asked per row when a gradebook of 300 is drawn and sorted
    def weeks_complete(self) -> int:
        return sum(w.is_complete for w in self.weeks)

    @property
    def attendance_rate(self) -> float:
        """Percent of all the workshops that count where he was present or late: the completion rule."""
        return _present_share([w for w in self.weeks if w.attendance_applies])

    @property
    def attendance_so_far(self) -> float:
        """The same share over the workshops held so far, for showing progress during the course."""
        return _present_share([w for w in self.weeks if w.attendance_applies and (w.is_open or w.attendance)])

    @property
    def absences(self) -> int:
        return sum(w.attendance == AttendanceStatus.ABSENT for w in self.weeks)

    def overdue(self, this_week: int) -> tuple[int, ...]:
        """Open weeks before ``this_week`` (the cohort's current one) that are not complete.

        Weeks from before he joined are catch-up work, not lateness: they never make him overdue.
        """
        return tuple(w.week for w in self.weeks
                     if w.is_open and w.week < this_week and not w.before_joining and not w.is_complete)

    def is_at_risk(self, this_week: int) -> bool:
        """The at-risk rule: two absences or more, or an earlier week left incomplete."""
        return self.absences >= AT_RISK_ABSENCES or bool(self.overdue(this_week))

    @property
    def is_complete(self) -> bool:
        return self.weeks_complete == len(self.weeks) and self.attendance_rate >= self.min_attendance

    @property
    def next_step(self) -> tuple[int, Task] | None:
        """The first thing he can do now in the earliest open week, or None when nothing open is left to him.

        Waiting is not a step: a workshop is attended in person, a sent reflection or an essay answer
        waits for the facilitator. A returned reflection comes first: someone is waiting for it.
        """
        if self.returned_reflections:
            return self.returned_reflections[0], Task.REFLECTION
        for week in self.weeks:
            if week.is_open:
                for task in week.remaining:
                    if _can_act(week, task):
                        return week.week, task
        return None

    @property
    def returned_reflections(self) -> tuple[int, ...]:
        """Weeks whose reflection his facilitator returned for revision."""
        return tuple(w.week for w in self.weeks if w.reflection_status == ReflectionStatus.RETURNED)


def _can_act(week: WeekProgress, task: Task) -> bool:
    if task == Task.ATTENDANCE:
        return False
    if task == Task.REFLECTION:
        return week.reflection_status != ReflectionStatus.SUBMITTED
    if task == Task.QUIZ:
        return not week.quiz_pending
    return True


def _present_share(weeks: list[WeekProgress]) -> float:
    if not weeks:
        return 100.0
    present = sum(w.attendance in (AttendanceStatus.PRESENT, AttendanceStatus.LATE) for w in weeks)
    return 100.0 * present / len(weeks)


# Everything progress needs from four tables, in one statement built once (it runs on every trainee
# page): one round trip instead of four, which is most of what a read costs on PostgreSQL. The database
# merges the four into one row per trainee and week (each table has at most one row, or one group of
# attempts, per trainee and week), so a 300-trainee gradebook reads 3,600 rows rather than 14,400:
# (enrollment, week, opened, best, passed, pending, used, reflection, attendance).
_GRADED = QuizAttempt.status == AttemptStatus.GRADED.value
_NO_TEXT, _NO_NUMBER, _NO_INT = null().cast(String), null().cast(Float), null().cast(Integer)


def _progress_statement(wanted):
    """The statement for the enrollments ``wanted`` picks (see ForIds)."""
    found = union_all(
        select(LessonView.enrollment_id.label("enrollment"), LessonView.week.label("week"), literal(1).label("opened"),
               _NO_NUMBER.label("best"), _NO_INT.label("passed"), _NO_INT.label("pending"), _NO_INT.label("used"),
               _NO_TEXT.label("reflection"), _NO_TEXT.label("attendance"))
        .where(wanted(LessonView.enrollment_id)),
        select(QuizAttempt.enrollment_id, QuizAttempt.week, _NO_INT,
               func.max(case((_GRADED, QuizAttempt.percent))),
               func.max(case((_GRADED & QuizAttempt.is_passed, 1), else_=0)),
               func.max(case((QuizAttempt.status == AttemptStatus.PENDING.value, 1), else_=0)),
               func.sum(case((QuizAttempt.status != AttemptStatus.DRAFT.value, 1), else_=0)), _NO_TEXT, _NO_TEXT)
        .where(wanted(QuizAttempt.enrollment_id))
        .group_by(QuizAttempt.enrollment_id, QuizAttempt.week),
        select(Reflection.enrollment_id, Reflection.week, _NO_INT, _NO_NUMBER, _NO_INT, _NO_INT, _NO_INT,
               Reflection.status, _NO_TEXT).where(wanted(Reflection.enrollment_id)),
        select(Attendance.enrollment_id, Attendance.week, _NO_INT, _NO_NUMBER, _NO_INT, _NO_INT, _NO_INT, _NO_TEXT,
               Attendance.status).where(wanted(Attendance.enrollment_id)),
    ).subquery()
    return (select(found.c.enrollment, found.c.week, *(func.max(column) for column in list(found.c)[2:]))
            .group_by(found.c.enrollment, found.c.week))


_PROGRESS = ForIds("progress", _progress_statement)
_NOTHING = (None, None, None, None, None, None, None)  # a week he has not touched


def progress_for(enrollments: list[Enrollment], course: Course, now: datetime,
                 overrides: dict[int, dict[int, date]] | None = None) -> dict[int, CourseProgress]:
    """Every enrollment's progress, keyed by enrollment id, in three queries whatever their number.

    ``overrides`` ({cohort id: {week: date}}) saves a query when the caller has the calendars already.
    """
    if not enrollments:
        return {}
    ids = [e.id for e in enrollments]
    if overrides is None:
        overrides = overrides_for({e.cohort_id for e in enrollments})

    # Plain tuples, as keys and values: hashing SQLAlchemy rows costs more than the rest of this function.
    found = {row[:2]: row[2:] for row in _rows(_PROGRESS, ids)}  # (enrollment, week): what he did

    surveys = phases_done(ids, course) if course.surveys_required and course.surveys else {}
    calendars = {}  # the weeks' opening is the same for everyone in a cohort: work it out once per cohort
    for enrollment in enrollments:
        if enrollment.cohort_id not in calendars:
            cohort, dates = enrollment.cohort, overrides[enrollment.cohort_id]
            calendars[enrollment.cohort_id] = {w.number: week_opening(cohort, w.number, now, dates)
                                               for w in course.weeks}
    phases = {w.number: week_phase(w.number, course) for w in course.weeks}
    # Most weeks read the same as someone else's (a 300-trainee cohort's 3,600 weeks are a few dozen
    # values): each value is made once and shared.
    made = {}
    result = {}
    for enrollment in enrollments:
        eid, first_week, calendar = enrollment.id, enrollment.first_week, calendars[enrollment.cohort_id]
        weeks = []
        for week in course.weeks:
            n = week.number
            facts = (n, calendar[n], found.get((eid, n), _NOTHING), _survey_pending(surveys, eid, phases[n]),
                     n < first_week)
            if (value := made.get(facts)) is None:
                value = made[facts] = _week_progress(week, *facts[1:])
            weeks.append(value)
        result[enrollment.id] = CourseProgress(enrollment_id=enrollment.id, weeks=tuple(weeks),
                                               min_attendance=course.min_attendance)
    return result


def _week_progress(week: Week, opening: tuple[bool, datetime], found: tuple, survey_pending: bool,
                   before_joining: bool) -> WeekProgress:
    """One week from its facts: the week's opening, what he did in it (a row of the statement, or nothing)."""
    (is_open, opens_at), (opened, best, passed, pending, used, reflection, attendance) = opening, found
    return WeekProgress(
        week=week.number,
        is_open=is_open,
        opens_at=opens_at,
        lesson_opened=bool(opened),
        quiz_best_percent=best,
        quiz_passed=bool(passed),
        quiz_pending=bool(pending),
        attempts_used=int(used or 0),
        reflection_status=reflection,
        attendance=attendance,
        attendance_counts=week.attendance_counts,
        survey_pending=survey_pending,
        before_joining=before_joining,
    )


def _rows(statement: ForIds, ids: list[int]):
    """Plain rows on the request's connection: no ORM result processing for thousands of rows, and no ORM
    session opened for a trainee's own page."""
    return statement.execute(request_connection(), ids).all()  # fetched at once: not one call per row


def _survey_pending(done: dict[int, set[str]], enrollment_id: int, phase: str | None) -> bool:
    return bool(done) and phase is not None and phase not in done[enrollment_id]


def progress_of(enrollment: Enrollment, course: Course, now: datetime) -> CourseProgress:
    overrides = {enrollment.cohort_id: cohort_overrides(enrollment.cohort)}
    return progress_for([enrollment], course, now, overrides)[enrollment.id]
