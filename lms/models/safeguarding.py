"""Accreditation and safeguarding: the code of conduct a trainee accepts, his facilitator's
recommendation, and the concerns that hold accreditation until a coordinator decides.

Nothing here is ever shown to the trainee or written to an export: it is for the coordinators and,
for a concern, the facilitator who recorded it.
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.clock import utcnow
from lms.extensions import db
from lms.models._types import UTCDateTime
from lms.models.certificates import Certificate
from lms.models.cohorts import Enrollment
from lms.models.users import User


class ConductAcceptance(db.Model):
    """A trainee accepted the promoter's code of conduct (in week 12): when, and which text."""

    __tablename__ = "conduct_acceptances"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True)
    accepted_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_version: Mapped[str] = mapped_column(String(20))


class RecommendationDecision(enum.StrEnum):
    RECOMMEND = "recommend"
    NOT_YET = "not_yet"


class Recommendation(db.Model):
    """A facilitator's judgement on an eligible trainee; the latest one counts (the audit log keeps the rest)."""

    __tablename__ = "recommendations"
    __table_args__ = (CheckConstraint("decision IN ('recommend', 'not_yet')", name="decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True)
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrollment: Mapped[Enrollment] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def is_recommended(self) -> bool:
        return self.decision == RecommendationDecision.RECOMMEND


class ConcernCategory(enum.StrEnum):
    DISCLOSURE = "disclosure"          # he disclosed current use of violence
    THIRD_PARTY = "third_party"        # a report from a partner, family member or neighbour
    GROUP_THREATS = "group_threats"    # threats or harassment in the group
    OTHER = "other"
    PUBLIC = "public"                  # raised by anyone from a verification page


class ConcernDecision(enum.StrEnum):
    ACCREDIT = "accredit"
    DEFER = "defer"
    NOT_ACCREDIT = "not_accredit"


class Concern(db.Model):
    """A safeguarding concern about a trainee or an accredited promoter; open until a coordinator decides."""

    __tablename__ = "concerns"
    __table_args__ = (
        CheckConstraint("category IN ('disclosure', 'third_party', 'group_threats', 'other', 'public')",
                        name="category"),
        CheckConstraint("decision IS NULL OR decision IN ('accredit', 'defer', 'not_accredit')", name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))
    category: Mapped[str] = mapped_column(String(20))
    account: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))  # only a public sender's, and only if given
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_open: Mapped[bool] = mapped_column(default=True, index=True)
    decision: Mapped[str | None] = mapped_column(String(20))
    decided_on: Mapped[date | None]
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subject: Mapped[User] = relationship(foreign_keys=[subject_id])
    certificate: Mapped[Certificate | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def is_public(self) -> bool:
        return self.category == ConcernCategory.PUBLIC


__all__ = ["Concern", "ConcernCategory", "ConcernDecision", "ConductAcceptance", "Recommendation",
           "RecommendationDecision"]
