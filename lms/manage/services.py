"""Rules for running the programme: cohorts, their facilitators, accounts."""

import secrets
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import audit
from lms.core.accounts import create_user
from lms.core.errors import RuleError
from lms.extensions import db
from lms.models import Cohort, Enrollment, Role, User

INVITE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))


def format_invite_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _facilitators(ids: list[int]) -> list[User]:
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.role == Role.FACILITATOR)))


def create_cohort(actor: User, *, name: str, start_date: date, course_slug: str, facilitator_ids: list[int],
                  now: datetime, invite_days: int) -> Cohort:
    """Create a cohort with a fresh invite code; the caller commits."""
    cohort = Cohort(name=name.strip(), start_date=start_date, course_slug=course_slug,
                    invite_code=new_invite_code(), invite_expires_dt=now + timedelta(days=invite_days),
                    facilitators=_facilitators(facilitator_ids))
    db.session.add(cohort)
    db.session.flush()
    audit.record(actor, "cohort.create", cohort, cohort_id=cohort.id, name=cohort.name,
                 facilitators=[f.username for f in cohort.facilitators])
    return cohort


def update_cohort(actor: User, cohort: Cohort, *, name: str, start_date: date, facilitator_ids: list[int]) -> None:
    before = {"name": cohort.name, "start_date": cohort.start_date.isoformat(),
              "facilitators": [f.username for f in cohort.facilitators]}
    cohort.name = name.strip()
    cohort.start_date = start_date
    cohort.facilitators = _facilitators(facilitator_ids)
    after = {"name": cohort.name, "start_date": cohort.start_date.isoformat(),
             "facilitators": [f.username for f in cohort.facilitators]}
    if before != after:
        audit.record(actor, "cohort.update", cohort, cohort_id=cohort.id, before=before, after=after)


def renew_invite(actor: User, cohort: Cohort, now: datetime, invite_days: int) -> None:
    """Give the cohort a new invite code; the old one stops working at once."""
    cohort.invite_code = new_invite_code()
    cohort.invite_expires_dt = now + timedelta(days=invite_days)
    audit.record(actor, "cohort.invite_renew", cohort, cohort_id=cohort.id)


# A coordinator manages the accounts of the people of the programme; an administrator manages every account.
COORDINATOR_MANAGES = {Role.TRAINEE, Role.FACILITATOR, Role.VERIFIER}


def can_manage(actor: User, role: str) -> bool:
    return actor.role == Role.ADMIN or role in COORDINATOR_MANAGES


def create_account(actor: User, *, username: str, display_name: str, role: str, locale: str,
                   email: str | None, phone: str | None, cohort: Cohort | None) -> User:
    """Create an account with an unusable random password; the person sets one through a reset link."""
    if role == Role.TRAINEE and cohort is None:
        raise RuleError(field="cohort_id", message=_l("A trainee must belong to a cohort."))
    if not can_manage(actor, role):
        raise RuleError(field="role", message=_l("Only an administrator can create coordinator or administrator accounts."))
    user = create_user(username=username, display_name=display_name, password=secrets.token_urlsafe(24),
                       role=role, locale=locale, email=email, phone=phone, actor=actor)
    if role == Role.TRAINEE:
        db.session.add(Enrollment(user=user, cohort=cohort))
        audit.record(actor, "enrollment.create", user, cohort_id=cohort.id)
    return user


def set_active(actor: User, user: User, is_active: bool) -> None:
    if user.id == actor.id:
        raise RuleError(field="user", message=_l("You cannot deactivate your own account."))
    if not can_manage(actor, user.role):
        raise RuleError(field="user", message=_l("Only an administrator can change coordinator or administrator accounts."))
    user.is_active = is_active
    audit.record(actor, "account.activate" if is_active else "account.deactivate", user)


def move_trainee(actor: User, trainee: User, cohort: Cohort) -> None:
    """Move a trainee to another cohort; his enrollment, and with it all his work, moves along."""
    enrollment = trainee.enrollment
    if enrollment is None or enrollment.cohort_id == cohort.id:
        return
    old = enrollment.cohort_id
    enrollment.cohort = cohort
    audit.record(actor, "enrollment.move", trainee, cohort_id=cohort.id, from_cohort=old, to_cohort=cohort.id)


def set_calendar(actor: User, cohort: Cohort, *, is_all_open: bool, week_dates: dict[int, date | None]) -> None:
    """Set the cohort's own opening dates (a None date falls back to the weekly calendar) or open every week."""
    from lms.models import CohortWeek
    existing = {cw.week: cw for cw in db.session.scalars(select(CohortWeek).where(CohortWeek.cohort_id == cohort.id))}
    changes = {}
    for week, opens_on in week_dates.items():
        current = existing.get(week)
        if opens_on is None and current is not None:
            db.session.delete(current)
            changes[week] = None
        elif opens_on is not None and current is None:
            db.session.add(CohortWeek(cohort_id=cohort.id, week=week, opens_on=opens_on))
            changes[week] = opens_on.isoformat()
        elif opens_on is not None and current.opens_on != opens_on:
            current.opens_on = opens_on
            changes[week] = opens_on.isoformat()
    if cohort.is_all_open != is_all_open:
        cohort.is_all_open = is_all_open
        changes["all_open"] = is_all_open
    if changes:
        audit.record(actor, "cohort.calendar", cohort, cohort_id=cohort.id, changes={str(k): v for k, v in changes.items()})


USUAL_WORKSHOP = ("workshop_weekday", "workshop_time", "workshop_minutes", "workshop_place", "workshop_place_note")
OWN_WORKSHOP = ("held_on", "starts_at", "minutes", "place", "place_note")


def _plain(value):
    """A value as the audit log's JSON can hold it."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def set_workshops(actor: User, cohort: Cohort, *, usual: dict | None = None, weeks: dict[int, dict] | None = None,
                  now: datetime) -> None:
    """Set the cohort's usual workshop and each week's own; every change goes to the audit log.

    ``usual`` holds the names of USUAL_WORKSHOP; ``weeks`` maps a week to the names of OWN_WORKSHOP,
    None (or empty text) where the week follows the cohort. A week left with nothing of its own loses
    its row; a week whose values change is stamped with ``now``, which is what trainees see as changed.
    """
    from lms.models import Workshop
    changes: dict[str, object] = {}
    for name in USUAL_WORKSHOP if usual is not None else ():
        value = usual[name]
        if getattr(cohort, name) != value:
            setattr(cohort, name, value)
            changes[name] = _plain(value)
    existing = {w.week: w for w in db.session.scalars(select(Workshop).where(Workshop.cohort_id == cohort.id))}
    for week, values in sorted((weeks or {}).items()):
        values = {name: values.get(name) or None for name in OWN_WORKSHOP}
        current = existing.get(week)
        if not any(v is not None for v in values.values()):
            if current is not None:
                db.session.delete(current)
                changes[f"week {week}"] = None
            continue
        if current is None:
            current = Workshop(cohort_id=cohort.id, week=week)
            db.session.add(current)
        elif all(getattr(current, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(current, name, value)
        current.changed_dt = now
        changes[f"week {week}"] = {name: _plain(v) for name, v in values.items() if v is not None}
    if changes:
        audit.record(actor, "cohort.workshops", cohort, cohort_id=cohort.id, changes=changes)
