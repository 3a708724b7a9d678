"""A person's calendar feed: its secret address, and the events it carries.

A trainee's feed has his cohort's workshops and the day each week opens; a facilitator's, the
workshops of his cohorts (a coordinator's, of every cohort). Workshops carry two alarms, a day
before and two hours before, so the phone's own calendar reminds him without an SMS.
"""

import secrets
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms import audit
from lms.access import visible_cohorts
from lms.content.loader import current_course
from lms.content.model import Course
from lms.core.calendar import overrides_for, week_opens_on
from lms.core.ical import Event, calendar
from lms.core.workshops import WorkshopSlot, workshops_for
from lms.extensions import db
from lms.models import CalendarFeed, Role, User

WORKSHOP_ALARMS = (timedelta(days=-1), timedelta(hours=-2))
# A workshop without a time yet is a whole day: remind at 18:00 the day before and 08:00 that morning.
ALL_DAY_ALARMS = (timedelta(hours=-6), timedelta(hours=8))
OPENING_ALARMS = (timedelta(hours=9),)  # 09:00 on the day a week opens


def feed_of(user: User) -> CalendarFeed:
    """The person's feed, made the first time it is asked for."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(24))
        db.session.add(feed)
    return feed


def renew_feed(user: User, now: datetime) -> CalendarFeed:
    """Give the feed a new secret address; the old one stops working at once."""
    feed = feed_of(user)
    feed.token = secrets.token_urlsafe(24)
    feed.created_dt = now
    audit.record(user, "calendar_feed.renew", user)
    return feed


def owner_of(token: str) -> User | None:
    """The active person whose feed has this address, or None."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
                             .where(CalendarFeed.token == token))
    return user if user is not None and user.is_active else None


def _workshop_event(slot: WorkshopSlot, title: str, cohort_name: str | None, host: str, link: str) -> Event:
    summary = _("Workshop, week %(n)s: %(title)s", n=slot.week, title=title)
    if cohort_name:
        summary = f"{summary} ({cohort_name})"
    location = ", ".join(part for part in (slot.place, slot.place_note) if part)
    if slot.starts is not None:
        start, end, alarms = slot.starts, slot.ends, WORKSHOP_ALARMS
    else:
        start, end, alarms = slot.held_on, slot.held_on + timedelta(days=1), ALL_DAY_ALARMS
    description = _("The in-person workshop of week %(n)s.", n=slot.week)
    if slot.is_changed:
        description += " " + _("Changed by the coordination.")
    return Event(uid=f"workshop-{slot.cohort_id}-{slot.week}@{host}", summary=summary, start=start, end=end,
                 location=location, description=description, url=link, alarms=alarms,
                 last_modified=slot.changed_dt)


def feed_text(user: User, course: Course, *, host: str, home_url: str, now: datetime) -> str:
    """The iCalendar text of ``user``'s feed, in his language."""
    cohorts = db.session.scalars(visible_cohorts(user)).unique().all()
    calendars = overrides_for([c.id for c in cohorts])
    slots = workshops_for(cohorts, calendars)
    is_trainee = user.role == Role.TRAINEE
    events = []
    with force_locale(user.locale or "es"):
        for cohort in cohorts:
            for slot in slots[cohort.id]:
                title = course.week(slot.week).title(user.locale or "es")
                events.append(_workshop_event(slot, title, None if is_trainee else cohort.name, host, home_url))
            if is_trainee:
                for week in current_course().week_numbers:
                    opens = week_opens_on(cohort, week, calendars[cohort.id])
                    events.append(Event(
                        uid=f"week-{cohort.id}-{week}@{host}",
                        summary=_("Week %(n)s opens: %(title)s", n=week,
                                  title=course.week(week).title(user.locale or "es")),
                        start=opens, end=opens + timedelta(days=1), url=home_url, alarms=OPENING_ALARMS,
                        description=_("The lesson, quiz and reflection of week %(n)s are open.", n=week)))
        name = _("Promotores: workshops")
    return calendar(events, name=name, now=now)
