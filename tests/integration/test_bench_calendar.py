"""The bench's cohort with a calendar is one a coordinator could have set up, and it changes nothing else.

`make bench` dates the twelve weeks of one scale cohort and sets its twelve workshops
(bench/calendar_cohort.py), so that two rows measure what a trainee of such a cohort pays on every page.
Those rows only mean something if his pages really carry the calendar, and the bench's other rows stay
comparable only if every week of that cohort stays open.
"""

from datetime import date, datetime, timedelta, timezone

from helpers import AuthActions
from sqlalchemy import func, select

from bench.calendar_cohort import COHORT, TRAINEE, date_the_calendar
from lms.content.loader import current_course
from lms.core.progress import progress_of
from lms.extensions import db
from lms.models import AuditEvent, CohortWeek, Role, Workshop


def test_the_bench_cohort_gets_a_whole_calendar_its_trainee_sees_and_every_week_stays_open(
        app, client, make_user, make_cohort):
    cohort = make_cohort(COHORT, start=date.today() - timedelta(days=101))
    make_user("demo-coordinator", Role.COORDINATOR)
    trainee = make_user(TRAINEE, cohort=cohort)

    assert date_the_calendar() == TRAINEE
    assert db.session.scalar(select(func.count()).select_from(CohortWeek).where(CohortWeek.cohort_id == cohort.id)) == 12
    assert db.session.scalar(select(func.count()).select_from(Workshop).where(Workshop.cohort_id == cohort.id)) == 12
    progress = progress_of(trainee.enrollment, current_course(), datetime.now(timezone.utc))
    assert all(week.is_open for week in progress.weeks)

    AuthActions(client).login(TRAINEE)
    assert "Local comunal, sala" in client.get("/weeks/2").get_data(as_text=True)

    # Run again (a second `make bench` on the same database): the calendar is already so, nothing is recorded.
    changes = db.session.scalar(select(func.count()).select_from(AuditEvent))
    date_the_calendar()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == changes
