"""Where and when each week's workshop is held, and each person's private calendar feed."""

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.clock import utcnow
from lms.extensions import db
from lms.models._types import UTCDateTime


class Workshop(db.Model):
    """A coordinator's change to one week's workshop of a cohort; what is left empty follows the cohort."""

    __tablename__ = "workshops"
    __table_args__ = (UniqueConstraint("cohort_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    week: Mapped[int]
    held_on: Mapped[date | None]
    starts_at: Mapped[time | None]
    minutes: Mapped[int | None]
    place: Mapped[str | None] = mapped_column(String(160))
    place_note: Mapped[str | None] = mapped_column(String(160))  # the reference people use: "local comunal de…"
    changed_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarFeed(db.Model):
    """The secret address of one person's calendar: whoever has it reads his workshops, so it can be renewed."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
