"""The public agenda: the approved plan's upcoming open activities, with date, time and place.

It names no promoter but by his first name, and only a promoter who agreed (MemberPreference) and is
still accredited. Nothing else about him is published.
"""

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from lms.core import ical
from lms.core.calendar import LIMA
from lms.core.certificates.services import valid_certificate_holders
from lms.extensions import db
from lms.models import MemberPreference, Network, Plan, PlannedActivity, PlanStatus

DEFAULT_MINUTES = 120


def upcoming(today: date, *, limit: int, public_only: bool = True) -> list[PlannedActivity]:
    """Activities of approved plans dated from ``today`` on, soonest first."""
    query = (select(PlannedActivity).join(Plan)
             .where(Plan.status == PlanStatus.APPROVED.value, PlannedActivity.starts_on >= today)
             .options(joinedload(PlannedActivity.sector), selectinload(PlannedActivity.promoters))
             .order_by(PlannedActivity.starts_on, PlannedActivity.starts_at, PlannedActivity.id).limit(limit))
    if public_only:
        query = query.where(PlannedActivity.is_public.is_(True))
    return list(db.session.scalars(query).unique())


def first_names(items: list[PlannedActivity]) -> dict[int, list[str]]:
    """{activity id: first names of its promoters who agreed to be named and are still accredited}."""
    people = {u.id: u for item in items for u in item.promoters}
    if not people:
        return {}
    agreed = set(db.session.scalars(select(MemberPreference.user_id).where(
        MemberPreference.user_id.in_(list(people)), MemberPreference.is_named_on_agenda.is_(True))))
    allowed = agreed & valid_certificate_holders(agreed)
    return {item.id: [u.display_name.split()[0] for u in item.promoters if u.id in allowed and u.display_name.split()]
            for item in items}


def place_of(item: PlannedActivity) -> str:
    return ", ".join(p for p in (item.place_reference, item.sector.name if item.sector else "") if p)


def ics(network: Network | None, items: list[PlannedActivity], names: dict[int, list[str]], kind_names: dict,
        base_url: str, now: datetime) -> str:
    """The agenda as an RFC 5545 calendar; times are Lima's, written in UTC."""
    host = urlsplit(base_url).hostname or "localhost"
    events = []
    for item in items:
        if item.starts_at is not None:
            starts = datetime.combine(item.starts_on, item.starts_at, tzinfo=LIMA)
            ends = starts + timedelta(minutes=item.duration_minutes or DEFAULT_MINUTES)
        else:
            starts, ends = item.starts_on, item.starts_on + timedelta(days=1)
        who = names.get(item.id) or []
        description = "\n".join(p for p in (item.audience, ", ".join(who)) if p)
        events.append(ical.Event(uid=f"red-actividad-{item.id}@{host}", start=starts, end=ends,
                                 summary=f"{kind_names.get(item.kind, item.kind)}: {item.title}",
                                 location=place_of(item), description=description,
                                 categories=kind_names.get(item.kind, item.kind),
                                 url=f"{base_url.rstrip('/')}/agenda#a{item.id}"))
    return ical.calendar(events, name=network.name if network else "La Red", now=now,
                         product="-//Promotores LMS//La Red//ES")


