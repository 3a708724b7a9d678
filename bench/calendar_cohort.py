"""Give one scale cohort a coordinator's whole calendar, for `make bench`: `python -m bench.calendar_cohort`.

The demo dates no week and changes no workshop, so until the eighth round of issue 24 the bench never
measured a cohort whose coordinator uses its calendar, and the account query's product of the two went
unseen (docs/performance-history.md). This dates all twelve weeks of "Escala 001" and sets each week's workshop
(an hour, a place, a reference), through the same services as the coordinator's pages and as the demo
coordinator. Every week stays open: the cohort started more than a hundred days ago and each date moves by
a day at most, so its trainees' progress, and every other row of the bench, reads as before. Prints the
username of one of its trainees. Uses the database of LMS_DATABASE_URL, like `flask lms demo`.
"""

from datetime import time, timedelta

from sqlalchemy import select

from lms import create_app
from lms.clock import utcnow
from lms.content.loader import current_course
from lms.extensions import db
from lms.manage.services import set_calendar, set_workshops
from lms.models import Cohort, User

COHORT = "Escala 001"
TRAINEE = "escala-1-0"  # lms/demo/scale.py's first trainee of that cohort, with the demo password


def date_the_calendar() -> str:
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == COHORT))
    coordinator = db.session.scalar(select(User).where(User.username == "demo-coordinator"))
    if cohort is None or coordinator is None:
        raise SystemExit(f"no {COHORT!r} or demo coordinator: run `flask lms demo --scale 1` first")
    weeks = [week.number for week in current_course().weeks]
    # The usual weekly dates, every third week a day later (a holiday moved): each one dated by hand.
    dates = {n: cohort.start_date + timedelta(days=7 * (n - 1) + (1 if n % 3 == 0 else 0)) for n in weeks}
    set_calendar(coordinator, cohort, is_all_open=False, week_dates=dates)
    set_workshops(coordinator, cohort, now=utcnow(), weeks={
        n: {"starts_at": time(18, 30), "minutes": 150, "place": f"Local comunal, sala {1 + n % 2}",
            "place_note": "Frente a la losa deportiva"} for n in weeks})
    db.session.commit()
    return TRAINEE


if __name__ == "__main__":
    with create_app().app_context():
        print(date_the_calendar())
