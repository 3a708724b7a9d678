"""Accreditation: from completing the course to being accredited as a promoter, and the concerns that hold it.

The steps, in order (``Stage``):

1. the course is complete (lms.core.progress) and the trainee accepted the code of conduct in
   week 12: he is *eligible*;
2. his facilitator records a recommendation: *recommend*, or *not yet*, each with a private reason;
3. a coordinator *accredits* him, which issues the certificate (lms.core.certificates.services.issue
   asks ``refuse_unless_ready`` first).

An open safeguarding concern about him holds step 3 whatever the recommendation. A coordinator
closes a concern with a decision: *accredit* lifts the hold; *defer* keeps it until the facilitator
records a new recommendation after the decision (the plan was followed); *not accredit* keeps it
until a later concern is closed otherwise. Concerns and recommendations are for coordinators and
the facilitator who wrote them: never the trainee's to see, never in an export.
"""

import enum
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lms import audit
from lms.content.model import Course
from lms.core.calendar import cohort_overrides, lima_today, week_is_open
from lms.core.errors import RuleError
from lms.core.progress import CourseProgress, progress_for
from lms.extensions import db
from lms.models import (
    Certificate,
    CertificateStatus,
    Concern,
    ConcernCategory,
    ConcernDecision,
    ConductAcceptance,
    Enrollment,
    Recommendation,
    RecommendationDecision,
    RevocationReason,
    User,
)

CODE_OF_CONDUCT_WEEK = 12
REASON_LIMIT = 2000
ACCOUNT_LIMIT = 4000
CONTACT_LIMIT = 200
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's: no I, L, O, U to misread


class Stage(enum.StrEnum):
    """Where a trainee who completed the course stands on the way to accreditation."""

    CODE_PENDING = "code_pending"            # complete, but the code of conduct is not accepted yet
    AWAITING_RECOMMENDATION = "awaiting"     # eligible; his facilitator has not recommended yet
    NOT_YET = "not_yet"                      # his facilitator said "not yet"
    HELD = "held"                            # an open concern holds accreditation
    DEFERRED = "deferred"                    # a concern closed as "defer": waits for a new recommendation
    NOT_ACCREDITED = "not_accredited"        # a concern closed as "not accredit"
    READY = "ready"                          # recommended and nothing holds him: a coordinator may accredit


@dataclass(frozen=True)
class Standing:
    enrollment: Enrollment
    progress: CourseProgress
    stage: Stage
    accepted_dt: datetime | None
    recommendation: Recommendation | None
    open_concerns: int

    @property
    def is_eligible(self) -> bool:
        return self.stage != Stage.CODE_PENDING

    @property
    def is_ready(self) -> bool:
        return self.stage == Stage.READY


# ---------------------------------------------------------------- the code of conduct

def code_of_conduct_is_open(enrollment: Enrollment, now: datetime) -> bool:
    """A trainee accepts the code in week 12, the week the course teaches it."""
    cohort = enrollment.cohort
    return week_is_open(cohort, CODE_OF_CONDUCT_WEEK, now, cohort_overrides(cohort))


def acceptance_of(enrollment: Enrollment) -> ConductAcceptance | None:
    return db.session.scalar(select(ConductAcceptance).where(ConductAcceptance.enrollment_id == enrollment.id))


def accept_code_of_conduct(enrollment: Enrollment, course: Course, now: datetime) -> ConductAcceptance:
    """Record that the trainee accepted the code of conduct, once; the caller commits."""
    if not code_of_conduct_is_open(enrollment, now):
        raise RuleError(_l("The code of conduct is accepted in week 12, once it has opened."))
    existing = acceptance_of(enrollment)
    if existing is not None:
        return existing
    acceptance = ConductAcceptance(enrollment_id=enrollment.id, accepted_dt=now, content_version=course.version)
    try:
        with db.session.begin_nested():  # a double click: the unique constraint keeps one
            db.session.add(acceptance)
    except IntegrityError:
        return acceptance_of(enrollment)
    audit.record(enrollment.user, "conduct.accept", acceptance, cohort_id=enrollment.cohort_id)
    return acceptance


# ---------------------------------------------------------------- standing

def _by_enrollment(model, ids: list[int], *options) -> dict:
    if not ids:
        return {}
    rows = db.session.scalars(select(model).where(model.enrollment_id.in_(ids)).options(*options))
    return {row.enrollment_id: row for row in rows}


def _concerns_by_subject(user_ids: list[int]) -> tuple[dict[int, int], dict[int, Concern]]:
    """How many open concerns each person has, and his most recently closed one (two queries)."""
    if not user_ids:
        return {}, {}
    open_counts = dict(db.session.execute(
        select(Concern.subject_id, func.count()).where(Concern.subject_id.in_(user_ids), Concern.is_open)
        .group_by(Concern.subject_id)).all())
    latest: dict[int, Concern] = {}
    for concern in db.session.scalars(select(Concern).where(Concern.subject_id.in_(user_ids), ~Concern.is_open)
                                      .order_by(Concern.closed_dt, Concern.id)):
        latest[concern.subject_id] = concern  # ordered, so the last one wins
    return open_counts, latest


def _revoked_for_conduct(user_ids: list[int]) -> set[int]:
    """People whose certificate was revoked for conduct: not accredited again by a click."""
    if not user_ids:
        return set()
    return set(db.session.scalars(select(Certificate.user_id).where(
        Certificate.user_id.in_(user_ids), Certificate.revoked_reason == RevocationReason.CONDUCT.value)))


def _holders(user_ids: list[int]) -> set[int]:
    """People who already hold a certificate in force (valid or suspended)."""
    if not user_ids:
        return set()
    return set(db.session.scalars(select(Certificate.user_id).where(
        Certificate.user_id.in_(user_ids),
        Certificate.status.in_([CertificateStatus.VALID.value, CertificateStatus.SUSPENDED.value]))))


def _stage(accepted: ConductAcceptance | None, recommendation: Recommendation | None, open_concerns: int,
           last_closed: Concern | None, revoked_for_conduct: bool = False) -> Stage:
    if accepted is None:
        return Stage.CODE_PENDING
    if open_concerns:
        return Stage.HELD
    if revoked_for_conduct or (last_closed is not None and last_closed.decision == ConcernDecision.NOT_ACCREDIT):
        return Stage.NOT_ACCREDITED
    if last_closed is not None and last_closed.decision == ConcernDecision.DEFER and (
            recommendation is None or recommendation.recorded_dt <= last_closed.closed_dt):
        return Stage.DEFERRED
    if recommendation is None:
        return Stage.AWAITING_RECOMMENDATION
    if not recommendation.is_recommended:
        return Stage.NOT_YET
    return Stage.READY


def standings(enrollments: list[Enrollment], course: Course, now: datetime) -> list[Standing]:
    """Each trainee who completed the course and holds no certificate in force, with his stage.

    A fixed number of queries, whatever the number of trainees.
    """
    # Holders first: in a programme that has run for years most men hold their certificate, and their
    # progress need not be worked out at all.
    holders = _holders([e.user_id for e in enrollments])
    enrollments = [e for e in enrollments if e.user_id not in holders]
    progress = progress_for(enrollments, course, now)
    complete = [e for e in enrollments if progress[e.id].is_complete]
    ids = [e.id for e in complete]
    acceptances, recommendations = _by_enrollment(ConductAcceptance, ids), _by_enrollment(Recommendation, ids, joinedload(Recommendation.recorded_by))
    open_counts, last_closed = _concerns_by_subject([e.user_id for e in complete])
    conduct = _revoked_for_conduct([e.user_id for e in complete])
    result = []
    for e in complete:
        accepted, recommendation = acceptances.get(e.id), recommendations.get(e.id)
        stage = _stage(accepted, recommendation, open_counts.get(e.user_id, 0), last_closed.get(e.user_id),
                       e.user_id in conduct)
        result.append(Standing(e, progress[e.id], stage, accepted.accepted_dt if accepted else None,
                               recommendation, open_counts.get(e.user_id, 0)))
    return result


REFUSALS = {
    Stage.CODE_PENDING: _l("%(name)s has not accepted the code of conduct yet (week 12)."),
    Stage.AWAITING_RECOMMENDATION: _l("%(name)s has no recommendation from his facilitator yet."),
    Stage.NOT_YET: _l("His facilitator does not recommend %(name)s yet."),
    Stage.HELD: _l("An open safeguarding concern holds the accreditation of %(name)s. "
                   "A coordinator must decide on it first."),
    Stage.DEFERRED: _l("The accreditation of %(name)s was deferred: it needs a new recommendation "
                       "from his facilitator."),
    Stage.NOT_ACCREDITED: _l("A coordinator decided not to accredit %(name)s."),  # or revoked him for conduct
}


def refuse_unless_ready(enrollment: Enrollment) -> None:
    """Raise RuleError, saying why, unless the trainee who completed the course may be accredited now."""
    accepted = acceptance_of(enrollment)
    recommendation = db.session.scalar(select(Recommendation).where(Recommendation.enrollment_id == enrollment.id))
    open_counts, last_closed = _concerns_by_subject([enrollment.user_id])
    stage = _stage(accepted, recommendation, open_counts.get(enrollment.user_id, 0),
                   last_closed.get(enrollment.user_id), bool(_revoked_for_conduct([enrollment.user_id])))
    if stage != Stage.READY:
        raise RuleError(REFUSALS[stage] % {"name": enrollment.user.display_name})


# ---------------------------------------------------------------- the facilitator's recommendation

def _text(value: str | None, limit: int, message, field: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleError(message, field=field)
    if len(value) > limit:
        raise RuleError(_l("Write at most %(n)s characters.", n=limit), field=field)
    return value


def record_recommendation(actor: User, enrollment: Enrollment, course: Course, decision: str, reason: str,
                          now: datetime) -> Recommendation:
    """Record (or change) the facilitator's recommendation for an eligible trainee; the caller commits."""
    if decision not in {d.value for d in RecommendationDecision}:
        raise RuleError(_l("Choose: recommend, or not yet."), field="decision")
    reason = _text(reason, REASON_LIMIT, _l("Write the reason: only coordinators and facilitators read it."),
                   "reason")
    if not progress_for([enrollment], course, now)[enrollment.id].is_complete:
        raise RuleError(_l("A recommendation is recorded once the trainee has completed the course."))
    if acceptance_of(enrollment) is None:
        raise RuleError(_l("A recommendation is recorded once the trainee has accepted the code of conduct."))
    recommendation = db.session.scalar(select(Recommendation).where(Recommendation.enrollment_id == enrollment.id))
    if recommendation is None:
        recommendation = Recommendation(enrollment_id=enrollment.id)
        db.session.add(recommendation)
    recommendation.decision, recommendation.reason = decision, reason
    recommendation.recorded_by_id, recommendation.recorded_dt = actor.id, now
    audit.record(actor, "accreditation.recommend", recommendation, cohort_id=enrollment.cohort_id,
                 trainee=enrollment.user_id, decision=decision)
    return recommendation


def recommendation_of(enrollment: Enrollment) -> Recommendation | None:
    return db.session.scalar(select(Recommendation).where(Recommendation.enrollment_id == enrollment.id))


# ---------------------------------------------------------------- concerns

STAFF_CATEGORIES = (ConcernCategory.DISCLOSURE, ConcernCategory.THIRD_PARTY, ConcernCategory.GROUP_THREATS,
                    ConcernCategory.OTHER)


def new_reference() -> str:
    """Eight random symbols a sender can read over the phone (40 bits), printed XXXX-XXXX."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def format_reference(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:]}"


def _certificate_in_force(user_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id,
        Certificate.status.in_([CertificateStatus.VALID.value, CertificateStatus.SUSPENDED.value])))


def record_concern(actor: User, subject: User, category: str, account: str, now: datetime) -> Concern:
    """A facilitator or coordinator records a concern about a trainee or promoter; the caller commits."""
    if category not in {c.value for c in STAFF_CATEGORIES}:
        raise RuleError(_l("Choose what the concern is about."), field="category")
    account = _text(account, ACCOUNT_LIMIT, _l("Write what happened, as it was told or seen."), "account")
    certificate = _certificate_in_force(subject.id)
    concern = Concern(reference=new_reference(), subject_id=subject.id, category=category, account=account,
                      recorded_by_id=actor.id, created_dt=now,
                      certificate_id=certificate.id if certificate else None)
    db.session.add(concern)
    audit.record(actor, "concern.record", concern, cohort_id=subject.enrollment.cohort_id if subject.enrollment
                 else None, subject=subject.id, category=category)
    return concern


def raise_public_concern(certificate: Certificate, account: str, contact: str | None, now: datetime) -> Concern:
    """Anyone raises a concern about a certified promoter from his verification page; the caller commits."""
    account = _text(account, ACCOUNT_LIMIT, _l("Write what happened."), "account")
    contact = _text(contact, CONTACT_LIMIT, None, "contact", required=False) or None
    concern = Concern(reference=new_reference(), subject_id=certificate.user_id, certificate_id=certificate.id,
                      category=ConcernCategory.PUBLIC.value, account=account, contact=contact, created_dt=now)
    db.session.add(concern)
    audit.record(None, "concern.public", concern, cohort_id=certificate.cohort_id, certificate=certificate.id)
    return concern


def close_concern(actor: User, concern: Concern, decision: str, decided_on: date | None, reasons: str,
                  now: datetime) -> None:
    """A coordinator closes a concern with a decision, its date and the reasons; the caller commits."""
    if not concern.is_open:
        raise RuleError(_l("This concern is already closed."))
    if decision not in {d.value for d in ConcernDecision}:
        raise RuleError(_l("Choose a decision."), field="decision")
    if decided_on is None:
        raise RuleError(_l("Give the date of the decision."), field="decided_on")
    if decided_on > lima_today(now) or decided_on < lima_today(concern.created_dt):
        raise RuleError(_l("The date of the decision is between the day the concern was raised and today."),
                        field="decided_on")
    message = (_l("Write the plan: what must happen before accreditation is considered again, and by when.")
               if decision == ConcernDecision.DEFER else _l("Write the reasons for the decision."))
    reasons = _text(reasons, ACCOUNT_LIMIT, message, "reasons")
    concern.is_open, concern.decision, concern.decided_on, concern.decision_reasons = False, decision, decided_on, reasons
    concern.closed_by_id, concern.closed_dt = actor.id, now
    audit.record(actor, "concern.close", concern, subject=concern.subject_id, decision=decision)


def open_concern_counts(user_ids: Iterable[int]) -> dict[int, int]:
    return _concerns_by_subject(list(user_ids))[0]


def visible_concerns(user: User):
    """A select() of the concerns ``user`` may read: a coordinator every one, a facilitator those he recorded."""
    query = select(Concern).order_by(Concern.is_open.desc(), Concern.created_dt.desc())
    if user.has_role("coordinator"):
        return query
    return query.where(Concern.recorded_by_id == user.id)
