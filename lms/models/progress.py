"""A trainee's work through the weeks: lessons opened, quiz attempts, reflections, attendance."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from lms.clock import utcnow
from lms.content.markdown import render_user_markdown
from lms.extensions import db
from lms.models._types import UTCDateTime
from lms.models.cohorts import Enrollment
from lms.models.users import User


class CohortWeek(db.Model):
    """A coordinator's own opening date for one week of a cohort, instead of the weekly calendar."""

    __tablename__ = "cohort_weeks"
    __table_args__ = (UniqueConstraint("cohort_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    week: Mapped[int]
    opens_on: Mapped[date]


class LessonView(db.Model):
    __tablename__ = "lesson_views"
    __table_args__ = (UniqueConstraint("enrollment_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    week: Mapped[int]
    first_opened_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AttemptStatus(enum.StrEnum):
    DRAFT = "draft"          # being answered; saved as the trainee goes
    PENDING = "pending"      # submitted, an essay answer waits for a facilitator
    GRADED = "graded"        # submitted and fully scored


class QuizAttempt(db.Model):
    """One go at a week's quiz. The draft is the attempt that is not yet submitted."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "week", "number"),
        CheckConstraint("status IN ('draft', 'pending', 'graded')", name="status"),
        # Progress reads best score, pass and status per (enrollment, week) for a whole cohort; with
        # every column it needs in the index, PostgreSQL answers from the index alone (a 300-trainee
        # gradebook's read: 12 ms by scanning the table, 1.5 ms; docs/performance.md).
        Index("ix_quiz_attempts_progress", "enrollment_id", "week", "status", "percent", "is_passed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    week: Mapped[int]
    number: Mapped[int]  # 1 for the first attempt
    status: Mapped[str] = mapped_column(String(10), default=AttemptStatus.DRAFT.value)
    responses: Mapped[dict] = mapped_column(JSON, default=dict)   # question name -> response
    scores: Mapped[dict] = mapped_column(JSON, default=dict)      # question name -> fraction, None while pending
    # question name -> the order its options were shown in, drawn once per attempt (lms.core.shuffle)
    answer_order: Mapped[dict | None] = mapped_column(JSON)
    score: Mapped[float | None]          # points earned
    max_score: Mapped[float | None]
    percent: Mapped[float | None]
    is_passed: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(String(5), default="es")
    content_version: Mapped[str] = mapped_column(String(20))
    started_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    graded_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    enrollment: Mapped[Enrollment] = relationship()

    @property
    def is_submitted(self) -> bool:
        return self.status != AttemptStatus.DRAFT


class ReflectionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class Reflection(db.Model):
    """A trainee's reflection for one week: the draft being written and every submitted version."""

    __tablename__ = "reflections"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "week"),
        CheckConstraint("status IN ('draft', 'submitted', 'returned', 'accepted')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    week: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=ReflectionStatus.DRAFT.value)
    draft_text: Mapped[str] = mapped_column(Text, default="")
    draft_saved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)  # of the latest version
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    enrollment: Mapped[Enrollment] = relationship()
    versions: Mapped[list["ReflectionVersion"]] = relationship(
        back_populates="reflection", order_by="ReflectionVersion.number"
    )


class ReflectionVersion(db.Model):
    """One submitted text of a reflection, kept forever; a facilitator's review hangs from it."""

    __tablename__ = "reflection_versions"
    __table_args__ = (UniqueConstraint("reflection_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    submitted_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The review, once a facilitator has given it.
    decision: Mapped[str | None] = mapped_column(String(10))  # accepted | returned
    rubric_scores: Mapped[dict | None] = mapped_column(JSON)  # criterion id -> points
    points: Mapped[int | None]
    max_points: Mapped[int | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    reviewed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # The sanitised HTML of text and feedback, rendered once when they are saved, never per page view.
    text_html: Mapped[str | None] = mapped_column(Text)
    feedback_html: Mapped[str | None] = mapped_column(Text)

    reflection: Mapped[Reflection] = relationship(back_populates="versions")
    reviewer: Mapped[User | None] = relationship()

    @validates("text", "feedback")
    def _render_once(self, key: str, value: str | None) -> str | None:
        setattr(self, f"{key}_html", None if value is None else str(render_user_markdown(value)))
        return value


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED)


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "week"),
        CheckConstraint("status IN ('present', 'late', 'absent', 'excused')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    week: Mapped[int]
    status: Mapped[str] = mapped_column(String(10))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TraineeNote(db.Model):
    """A facilitator's private note on a trainee: never shown to the trainee."""

    __tablename__ = "trainee_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


__all__ = ["ATTENDED", "Attendance", "AttendanceStatus", "AttemptStatus", "CohortWeek", "LessonView",
           "QuizAttempt", "Reflection", "ReflectionStatus", "ReflectionVersion", "TraineeNote"]
