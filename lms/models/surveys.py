"""Survey answers, stored under a pseudonym: nobody can tell from the database whose they are."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.clock import utcnow
from lms.extensions import db
from lms.models._types import UTCDateTime


class SurveyResponse(db.Model):
    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("pseudonym", "survey_id", "phase"),
        CheckConstraint("phase IN ('pre', 'post')", name="phase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A keyed hash of the enrollment (the key lives outside the database), never the person's id.
    pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    survey_id: Mapped[str] = mapped_column(String(40))
    phase: Mapped[str] = mapped_column(String(4))
    # Group-level only, for per-cohort aggregates of five or more.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    answers: Mapped[dict] = mapped_column(JSON)
    scores: Mapped[dict] = mapped_column(JSON)
    content_version: Mapped[str] = mapped_column(String(20))
    # Day only: an exact time next to a lesson view could re-identify the person.
    created_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
