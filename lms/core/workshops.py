"""Each week's workshop of a cohort: the cohort's usual day, time and place, unless a week has its own.

A week's workshop is held on the cohort's usual weekday within the week (the day the week opens when
the cohort names none), at its usual time and place. A coordinator may give any week its own date,
time, length or place; that week is then shown as changed, with the moment it was changed.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lms.content.loader import current_course
from lms.core.calendar import cohort_overrides, overrides_for, week_opens_on
from lms.extensions import db
from lms.models import Cohort, Workshop


@dataclass(frozen=True, slots=True)
class WorkshopSlot:
    """One week's workshop as people should expect it."""

    cohort_id: int
    week: int
    held_on: date
    starts_at: time | None    # None: the coordinator has not set a time yet
    minutes: int
    place: str
    place_note: str
    timezone: str
    changed_dt: datetime | None = None  # set when this week differs from the cohort's usual workshop

    @property
    def is_changed(self) -> bool:
        return self.changed_dt is not None

    @property
    def starts(self) -> datetime | None:
        """The start as an aware datetime in the cohort's time zone (None without a time)."""
        if self.starts_at is None:
            return None
        return datetime.combine(self.held_on, self.starts_at, tzinfo=ZoneInfo(self.timezone))

    @property
    def ends(self) -> datetime | None:
        return self.starts + timedelta(minutes=self.minutes) if self.starts else None


def usual_day(cohort: Cohort, week: int, overrides: Mapping[int, date]) -> date:
    """The day of the cohort's usual weekday in the week that opens on its calendar date."""
    opens = week_opens_on(cohort, week, overrides)
    if cohort.workshop_weekday is None:
        return opens
    return opens + timedelta(days=(cohort.workshop_weekday - opens.weekday()) % 7)


def slot_of(cohort: Cohort, week: int, overrides: Mapping[int, date], own: Workshop | None) -> WorkshopSlot:
    """The workshop of ``week``: the week's own values where a coordinator set them, the cohort's otherwise."""
    own_value = (lambda name: getattr(own, name)) if own is not None else (lambda name: None)
    return WorkshopSlot(
        cohort_id=cohort.id, week=week,
        held_on=own_value("held_on") or usual_day(cohort, week, overrides),
        starts_at=own_value("starts_at") or cohort.workshop_time,
        minutes=own_value("minutes") or cohort.workshop_minutes or 150,
        place=own_value("place") or cohort.workshop_place or "",
        place_note=own_value("place_note") or cohort.workshop_place_note or "",
        timezone=cohort.timezone,
        changed_dt=own.changed_dt if own is not None else None,
    )


def own_workshops(cohort_ids: Iterable[int]) -> dict[int, dict[int, Workshop]]:
    """The weeks with a workshop of their own, in one query: {cohort id: {week: Workshop}}."""
    result: dict[int, dict[int, Workshop]] = {cid: {} for cid in cohort_ids}
    if result:
        for workshop in db.session.scalars(select(Workshop).where(Workshop.cohort_id.in_(list(result)))):
            result[workshop.cohort_id][workshop.week] = workshop
    return result


def _slots_in_order(cohort: Cohort) -> Iterator[WorkshopSlot]:
    """The cohort's workshops week by week, each worked out only when it is reached (from its calendar and
    workshops, loaded with a trainee's account)."""
    overrides = cohort_overrides(cohort)
    own = {w.week: w for w in cohort.own_workshops}
    return (slot_of(cohort, week, overrides, own.get(week)) for week in current_course().week_numbers)


def next_workshop_of(cohort: Cohort, today: date) -> WorkshopSlot | None:
    """A trainee's next workshop: his cohort's weeks are worked out in order, up to the first one found."""
    return next_workshop(_slots_in_order(cohort), today)


def workshop_of(cohort: Cohort, week: int) -> WorkshopSlot:
    """One week's workshop of a cohort, without working out the other eleven."""
    own = next((w for w in cohort.own_workshops if w.week == week), None)
    return slot_of(cohort, week, cohort_overrides(cohort), own)


def workshops_for(cohorts: list[Cohort], calendars: Mapping[int, Mapping[int, date]] | None = None,
                  ) -> dict[int, list[WorkshopSlot]]:
    """The twelve workshops of each cohort, in two queries whatever their number (one with ``calendars``,
    the cohorts' own week dates as lms.core.calendar.overrides_for gives them)."""
    if calendars is None:
        calendars = overrides_for([c.id for c in cohorts])
    own = own_workshops([c.id for c in cohorts])
    return {c.id: [slot_of(c, week, calendars[c.id], own[c.id].get(week)) for week in current_course().week_numbers]
            for c in cohorts}


def next_workshop(slots: Iterable[WorkshopSlot], today: date) -> WorkshopSlot | None:
    """The first workshop held today or later (None once the last one is past)."""
    return next((s for s in slots if s.held_on >= today), None)
