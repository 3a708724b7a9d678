"""The audit log as sentences a coordinator can read, with the recorded details kept on demand.

The log itself stores codes (``certificate.revoke``, ``error_emision``) and ids: they are what
machines and exports need. This turns each event into "Lucía Fernández revocó el certificado
287E-TT7Y-… de Julio César Ñique: emitido por error", naming people, cohorts and certificates
with a fixed number of queries for a page of events. An action without a sentence yet reads as
its code, so a new kind of event is never hidden.
"""

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core.certificates.codes import format_code
from lms.extensions import db
from lms.labels import labels_for
from lms.models import AuditEvent, Certificate, Cohort, Enrollment, User

ACTION_NAMES = {
    "account.activate": _l("Account reactivated"),
    "account.create": _l("Account created"),
    "account.deactivate": _l("Account deactivated"),
    "account.password_change": _l("Password changed"),
    "account.password_reset": _l("Password chosen with a link"),
    "account.reset_link": _l("Password link made"),
    "attendance.mark": _l("Attendance"),
    "certificate.bulk_verify": _l("List of codes checked"),
    "certificate.issue": _l("Certificate issued"),
    "certificate.revoke": _l("Certificate revoked"),
    "cohort.calendar": _l("Calendar changed"),
    "cohort.create": _l("Cohort created"),
    "cohort.invite_renew": _l("Invite code renewed"),
    "cohort.update": _l("Cohort changed"),
    "enrollment.create": _l("Trainee enrolled"),
    "enrollment.join": _l("Joined with the invite code"),
    "enrollment.move": _l("Trainee moved"),
    "note.add": _l("Private note"),
    "quiz.essay_grade": _l("Written answers graded"),
    "reflection.accepted": _l("Reflection accepted"),
    "reflection.returned": _l("Reflection returned"),
}


@dataclass(frozen=True)
class LogLine:
    event: AuditEvent
    sentence: str
    details: list[tuple[str, str]]  # what was recorded, as written, for "details"


def action_name(code: str) -> str:
    return str(ACTION_NAMES.get(code, code))


def readable(events: list[AuditEvent], locale: str) -> list[LogLine]:
    """Each event as a sentence in the current language, naming whom and what it is about."""
    words = labels_for(locale)
    names = _Names(events)
    return [LogLine(e, _sentence(e, names, words), _details(e)) for e in events]


class _Names:
    """The people, cohorts and certificates a page of events mentions, fetched once."""

    def __init__(self, events: list[AuditEvent]):
        user_ids = {e.target_id for e in events if e.target_type == "users" and e.target_id}
        user_ids |= {e.details.get("trainee_id") for e in events if isinstance(e.details.get("trainee_id"), int)}
        enrollment_ids = {e.details.get("enrollment_id") for e in events
                          if isinstance(e.details.get("enrollment_id"), int)}
        cohort_ids = {e.cohort_id for e in events if e.cohort_id} | {
            e.details.get("from_cohort") for e in events if isinstance(e.details.get("from_cohort"), int)}
        certificate_ids = {e.target_id for e in events if e.target_type == "certificates" and e.target_id}
        self.users = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all()) \
            if user_ids else {}
        self.enrollments = dict(db.session.execute(
            select(Enrollment.id, User.display_name).join(User, Enrollment.user_id == User.id)
            .where(Enrollment.id.in_(enrollment_ids))).all()) if enrollment_ids else {}
        self.cohorts = dict(db.session.execute(select(Cohort.id, Cohort.name).where(Cohort.id.in_(cohort_ids))).all()) \
            if cohort_ids else {}
        self.certificates = {c.id: c for c in db.session.scalars(
            select(Certificate).where(Certificate.id.in_(certificate_ids)))} if certificate_ids else {}

    def user(self, user_id) -> str:
        return self.users.get(user_id) or _("someone no longer listed")

    def cohort(self, cohort_id) -> str:
        return self.cohorts.get(cohort_id) or "—"


def _sentence(e: AuditEvent, names: _Names, words) -> str:
    d = e.details or {}
    actor = e.actor.display_name if e.actor else _("The system")
    target = names.user(e.target_id) if e.target_type == "users" else ""
    cohort = names.cohort(e.cohort_id)
    week = d.get("week", "")
    match e.action:
        case "certificate.issue":
            code = format_code(d.get("code", "")) if d.get("code") else ""
            return _("%(actor)s issued certificate %(code)s to %(holder)s.", actor=actor, code=code,
                     holder=d.get("holder", ""))
        case "certificate.revoke":
            cert = names.certificates.get(e.target_id)
            return _("%(actor)s revoked certificate %(code)s of %(holder)s: %(reason)s.", actor=actor,
                     code=format_code(d.get("code", "")) if d.get("code") else "",
                     holder=cert.holder_name if cert else "—",
                     reason=words.reason.get(d.get("reason"), d.get("reason", "")))
        case "certificate.bulk_verify":
            return _("%(actor)s checked a list of %(n)s codes.", actor=actor, n=d.get("rows", 0))
        case "attendance.mark":
            return _("%(actor)s marked %(trainee)s at the workshop of week %(week)s: %(status)s.", actor=actor,
                     trainee=names.enrollments.get(d.get("enrollment_id"), "—"), week=week,
                     status=words.attendance.get(d.get("after"), d.get("after", "")))
        case "reflection.accepted":
            return _("%(actor)s accepted the week %(week)s reflection of %(trainee)s.", actor=actor, week=week,
                     trainee=names.user(d.get("trainee_id")))
        case "reflection.returned":
            return _("%(actor)s returned the week %(week)s reflection of %(trainee)s for revision.", actor=actor,
                     week=week, trainee=names.user(d.get("trainee_id")))
        case "quiz.essay_grade":
            return _("%(actor)s graded the written answers of %(trainee)s in week %(week)s.", actor=actor,
                     week=week, trainee=names.user(d.get("trainee_id")))
        case "note.add":
            return _("%(actor)s wrote a private note about %(trainee)s.", actor=actor, trainee=target)
        case "account.create":
            return _("%(actor)s created the account of %(person)s.", actor=actor, person=target)
        case "account.password_change":
            return _("%(actor)s changed the password of the account.", actor=actor)
        case "account.password_reset":
            return _("%(person)s chose a new password with a one-time link.", person=target)
        case "account.reset_link":
            return _("%(actor)s made a one-time password link for %(person)s.", actor=actor, person=target)
        case "account.activate":
            return _("%(actor)s reactivated the account of %(person)s.", actor=actor, person=target)
        case "account.deactivate":
            return _("%(actor)s deactivated the account of %(person)s.", actor=actor, person=target)
        case "enrollment.join":
            return _("%(actor)s joined %(cohort)s with the invite code.", actor=actor, cohort=cohort)
        case "enrollment.create":
            return _("%(actor)s enrolled %(person)s in %(cohort)s.", actor=actor, person=target, cohort=cohort)
        case "enrollment.move":
            return _("%(actor)s moved %(person)s from %(old)s to %(cohort)s.", actor=actor, person=target,
                     old=names.cohort(d.get("from_cohort")), cohort=cohort)
        case "cohort.create":
            return _("%(actor)s created the cohort %(cohort)s.", actor=actor, cohort=cohort)
        case "cohort.update":
            return _("%(actor)s changed the cohort %(cohort)s.", actor=actor, cohort=cohort)
        case "cohort.invite_renew":
            return _("%(actor)s renewed the invite code of %(cohort)s.", actor=actor, cohort=cohort)
        case "cohort.calendar":
            return _("%(actor)s changed the calendar of %(cohort)s.", actor=actor, cohort=cohort)
    return f"{actor}: {action_name(e.action)}"


def _details(e: AuditEvent) -> list[tuple[str, str]]:
    """What the event recorded, key by key, accents as written (never ``\\u00e9``)."""
    recorded = [(_("Action"), e.action)]
    if e.target_type:
        recorded.append((_("On"), f"{e.target_type} {e.target_id or ''}".strip()))
    for key, value in (e.details or {}).items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        recorded.append((key, shown))
    return recorded
