"""When a week opens: midnight in Lima, not in UTC."""

from datetime import date, datetime, timezone

from lms.core.calendar import current_week, lima_today, week_is_open, week_opens_at
from lms.models import Cohort


def _cohort(start: date, all_open: bool = False) -> Cohort:
    return Cohort(name="Grupo", course_slug="promotores", start_date=start, timezone="America/Lima",
                  invite_code="X", is_all_open=all_open)


def test_week_one_opens_at_midnight_lima_which_is_five_in_the_morning_utc():
    cohort = _cohort(date(2026, 3, 2))
    assert week_opens_at(cohort, 1, {}) == datetime(2026, 3, 2, 5, 0, tzinfo=timezone.utc)
    assert not week_is_open(cohort, 1, datetime(2026, 3, 2, 4, 59, tzinfo=timezone.utc), {})
    assert week_is_open(cohort, 1, datetime(2026, 3, 2, 5, 0, tzinfo=timezone.utc), {})


def test_week_n_opens_seven_days_after_the_previous_one():
    cohort = _cohort(date(2026, 3, 2))
    assert week_opens_at(cohort, 4, {}).date() == date(2026, 3, 23)
    assert current_week(cohort, datetime(2026, 3, 23, 6, tzinfo=timezone.utc), {}, 12) == 4
    assert current_week(cohort, datetime(2026, 3, 1, tzinfo=timezone.utc), {}, 12) == 0


def test_evening_in_lima_is_already_tomorrow_in_utc_but_the_week_is_still_closed():
    cohort = _cohort(date(2026, 3, 2))
    evening_before = datetime(2026, 3, 2, 2, 30, tzinfo=timezone.utc)  # 21:30 on 1 March in Lima
    assert evening_before.date() == date(2026, 3, 2)
    assert lima_today(evening_before) == date(2026, 3, 1)
    assert not week_is_open(cohort, 1, evening_before, {})


def test_a_coordinators_own_date_replaces_the_calendar_for_that_week():
    cohort = _cohort(date(2026, 3, 2))
    overrides = {3: date(2026, 4, 20)}
    assert not week_is_open(cohort, 3, datetime(2026, 4, 1, 12, tzinfo=timezone.utc), overrides)
    assert week_is_open(cohort, 3, datetime(2026, 4, 20, 5, tzinfo=timezone.utc), overrides)


def test_opening_all_weeks_opens_every_week_of_the_course():
    cohort = _cohort(date(2030, 1, 7), all_open=True)
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert all(week_is_open(cohort, w, now, {}) for w in range(1, 13))
