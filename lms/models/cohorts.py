"""Cohorts of trainees, their facilitators and enrollments."""

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.clock import utcnow
from lms.extensions import db
from lms.models._types import UTCDateTime
from lms.models.users import User

if TYPE_CHECKING:
    from lms.models.progress import CohortWeek
    from lms.models.workshops import Workshop

cohort_facilitators = Table(
    "cohort_facilitators",
    db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[date]
    timezone: Mapped[str] = mapped_column(String(40), default="America/Lima")
    invite_code: Mapped[str] = mapped_column(String(16), unique=True)
    invite_expires_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_all_open: Mapped[bool] = mapped_column(default=False)  # every week open, whatever the calendar
    # Every week's workshop, unless a week has its own (a Workshop row). No weekday: the day the week opens.
    workshop_weekday: Mapped[int | None]  # 0 = Monday
    workshop_time: Mapped[time | None]
    workshop_minutes: Mapped[int] = mapped_column(default=150, server_default="150")
    workshop_place: Mapped[str] = mapped_column(String(160), default="", server_default="")
    workshop_place_note: Mapped[str] = mapped_column(String(160), default="", server_default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    facilitators: Mapped[list[User]] = relationship(
        secondary=cohort_facilitators, order_by="User.display_name"
    )
    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="cohort")
    # Read-only: the calendar service writes CohortWeek rows; this lets a trainee's request load them
    # with his account (see lms.user_loader) instead of asking again.
    week_dates: Mapped[list["CohortWeek"]] = relationship(viewonly=True, order_by="CohortWeek.week")
    # The same for the weeks with a workshop of their own (lms.core.workshops).
    own_workshops: Mapped[list["Workshop"]] = relationship(viewonly=True, order_by="Workshop.week")

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r}>"


class Enrollment(db.Model):
    """A trainee's place in a cohort; his work hangs from it and moves with it."""

    __tablename__ = "enrollments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="RESTRICT"), index=True)
    # The week he joined: workshops before it do not apply to him (see docs/course.md, late joiners).
    first_week: Mapped[int] = mapped_column(default=1, server_default="1")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="enrollment", foreign_keys=[user_id])
    cohort: Mapped[Cohort] = relationship(back_populates="enrollments")

    # The weeks whose lesson he had opened, read with the signed-in account on each of its requests
    # (lms.user_loader); None on an enrollment loaded any other way (lms.learn.services asks then).
    opened_weeks = None  # a frozenset of week numbers when read with the account
