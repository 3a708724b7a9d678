"""Certificates (of accreditation as a promoter) and the log of their public checks."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.clock import utcnow
from lms.extensions import db
from lms.models._types import UTCDateTime
from lms.models.cohorts import Cohort
from lms.models.users import User


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"  # while a concern is reviewed; lifting it makes the certificate valid again
    REVOKED = "revoked"


class RevocationReason(enum.StrEnum):
    ISSUED_IN_ERROR = "error_emision"
    FRAUD = "fraude"
    REISSUED = "reemitido"
    CONDUCT = "conducta"  # the promoter's conduct broke the code of conduct
    OTHER = "otro"


class Certificate(db.Model):
    """What was printed and signed, kept as issued: later renames or content changes do not alter it."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("status IN ('valid', 'suspended', 'revoked')", name="status"),
        CheckConstraint("revoked_reason IS NULL OR revoked_reason IN "
                        "('error_emision', 'fraude', 'reemitido', 'conducta', 'otro')", name="revoked_reason"),
        # At most one valid certificate per person, even when two coordinators issue at the same moment.
        Index("uq_certificates_one_valid_per_user", "user_id", unique=True,
              sqlite_where=text("status = 'valid'"), postgresql_where=text("status = 'valid'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="RESTRICT"), index=True)
    holder_name: Mapped[str] = mapped_column(String(120))
    course_slug: Mapped[str] = mapped_column(String(60))
    course_title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(200))
    hours: Mapped[int]
    locale: Mapped[str] = mapped_column(String(5))
    completed_on: Mapped[date]
    issued_on: Mapped[date]
    issued_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kid: Mapped[str] = mapped_column(String(64))
    token: Mapped[str] = mapped_column(Text)
    content_version: Mapped[str] = mapped_column(String(20))
    # [[name, role], …] as printed, in the holder's language; none on certificates issued before accreditation
    signatories: Mapped[list | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=CertificateStatus.VALID.value)
    suspended_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(20))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))

    holder: Mapped[User] = relationship(foreign_keys=[user_id])
    cohort: Mapped[Cohort] = relationship()


# "The certificate is valid", with 'valid' written into the SQL instead of bound. The partial index on valid
# certificates serves a query only when the planner sees that value. With it bound, SQLite prepared the
# statement again at every execution (55 µs against 6 in a loop; 176 µs of a trainee's home, issue 24),
# and the generic plan of a PostgreSQL prepared statement cannot use the index at all.
CERTIFICATE_IS_VALID = Certificate.status == literal_column(f"'{CertificateStatus.VALID.value}'")


class VerificationCheck(db.Model):
    """One public check of a code: only a hash of the code, the outcome and when, never who asked."""

    __tablename__ = "verification_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(8))  # web | api | bulk
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
