"""When each week of a cohort opens: 00:00 in the cohort's time zone (Lima), one week apart."""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lms.clock import utcnow
from lms.extensions import db
from lms.models import Cohort, CohortWeek

LIMA = ZoneInfo("America/Lima")

# Every date a person types is kept within these years: 9999-12-20 once made shared pages fail.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def date_in_range(day: date) -> bool:
    """Whether ``day`` is one the programme can use (between EARLIEST_DATE and LATEST_DATE)."""
    return EARLIEST_DATE <= day <= LATEST_DATE


def lima_today(now: datetime | None = None) -> date:
    """Today's date in Lima (UTC is five hours ahead, so after 19:00 in Lima it is already tomorrow in UTC)."""
    return (now or utcnow()).astimezone(LIMA).date()


def week_opens_on(cohort: Cohort, week: int, overrides: Mapping[int, date]) -> date:
    """The local date on which ``week`` opens: the coordinator's date if set, else start + 7·(week − 1) days."""
    try:
        return overrides.get(week) or cohort.start_date + timedelta(days=7 * (week - 1))
    except OverflowError:  # a date stored before forms were bounded: the week simply never opens
        return date.max


def week_opens_at(cohort: Cohort, week: int, overrides: Mapping[int, date]) -> datetime:
    """The moment ``week`` opens, as an aware datetime at local midnight."""
    day = min(week_opens_on(cohort, week, overrides), date.max - timedelta(days=1))  # room for a zone east of UTC
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(cohort.timezone))


def week_opening(cohort: Cohort, week: int, now: datetime, overrides: Mapping[int, date]) -> tuple[bool, datetime]:
    """Whether ``week`` (a week of the course: the caller knows it exists) has opened by ``now``, and the
    moment it opens. A cohort whose every week is open has opened them all, whatever the dates say."""
    opens_at = week_opens_at(cohort, week, overrides)
    return cohort.is_all_open or now >= opens_at, opens_at


def week_is_open(cohort: Cohort, week: int, now: datetime, overrides: Mapping[int, date]) -> bool:
    """Whether ``week`` has opened by ``now`` (``week_opening``)."""
    return week_opening(cohort, week, now, overrides)[0]


def current_week(cohort: Cohort, now: datetime, overrides: Mapping[int, date], weeks: int) -> int:
    """The latest of the course's ``weeks`` that has opened by ``now`` (0 before the first workshop day)."""
    opened = [w for w in range(1, weeks + 1) if now >= week_opens_at(cohort, w, overrides)]
    return max(opened, default=0)


def joining_week(cohort: Cohort, now: datetime, overrides: Mapping[int, date], weeks: int) -> int:
    """The week in which someone joining ``cohort`` at ``now`` starts: the cohort's current one (1 before it begins).

    Its workshop may still be ahead of him that week; the ones of earlier weeks are behind him for good.
    """
    return max(1, current_week(cohort, now, overrides, weeks))


def cohort_overrides(cohort: Cohort) -> dict[int, date]:
    """One cohort's own week dates, from its ``week_dates`` (already loaded with a trainee's account)."""
    return {w.week: w.opens_on for w in cohort.week_dates}


def overrides_for(cohort_ids) -> dict[int, dict[int, date]]:
    """Every cohort's own week dates, in one query: {cohort id: {week: date}}."""
    result: dict[int, dict[int, date]] = {cid: {} for cid in cohort_ids}
    if result:
        rows = db.session.execute(select(CohortWeek.cohort_id, CohortWeek.week, CohortWeek.opens_on)
                                  .where(CohortWeek.cohort_id.in_(list(result))))
        for cohort_id, week, opens_on in rows:
            result[cohort_id][week] = opens_on
    return result
