"""Who is on a cohort's roster, and how each of them stands."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.content.loader import current_course
from lms.content.model import Course
from lms.core.calendar import cohort_overrides, current_week, joining_week, overrides_for
from lms.core.progress import CourseProgress, progress_for
from lms.extensions import db
from lms.models import Cohort, Enrollment, User


def enrollments_of(cohort_ids) -> list[Enrollment]:
    """Active trainees' enrollments of these cohorts, with user and cohort loaded, in one query."""
    return list(db.session.scalars(
        select(Enrollment).join(User, Enrollment.user_id == User.id)
        .where(Enrollment.cohort_id.in_(list(cohort_ids)), User.is_active.is_(True))
        .options(joinedload(Enrollment.user), joinedload(Enrollment.cohort))
        .order_by(User.display_name)))


def enroll(user: User, cohort: Cohort, now: datetime) -> Enrollment:
    """Put ``user`` on ``cohort``'s roster from its current week on: workshops already held do not apply to him."""
    weeks = len(current_course().weeks)
    enrollment = Enrollment(user=user, cohort=cohort,
                            first_week=joining_week(cohort, now, cohort_overrides(cohort), weeks))
    db.session.add(enrollment)
    return enrollment


@dataclass(frozen=True)
class TraineeRow:
    user: User
    enrollment: Enrollment
    progress: CourseProgress
    overdue: tuple[int, ...]  # open weeks before the current one that are not complete
    at_risk: bool


def trainee_rows(cohort: Cohort, course: Course, now: datetime) -> list[TraineeRow]:
    """Every trainee of ``cohort`` with his progress, in a fixed number of queries."""
    enrollments = enrollments_of([cohort.id])
    progress = progress_for(enrollments, course, now)
    this_week = current_week(cohort, now, overrides_for([cohort.id])[cohort.id], len(course.weeks))
    rows = []
    for enrollment in enrollments:
        p = progress[enrollment.id]
        rows.append(TraineeRow(user=enrollment.user, enrollment=enrollment, progress=p,
                               overdue=p.overdue(this_week), at_risk=p.is_at_risk(this_week)))
    return rows
