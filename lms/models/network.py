"""La Red: the promoters' network after the course — its record, its Annual Plan, its activity reports.

Membership is not stored: a promoter belongs to the Network while he holds a valid certificate
(lms.core.network). What is stored is what the Network does, counted by sex and age band and never
by name (Ley 29733).
"""

import enum
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.clock import utcnow
from lms.extensions import db
from lms.models._types import UTCDateTime
from lms.models.users import User


class ActivityType(enum.StrEnum):
    WORKSHOP = "taller"
    TALK = "charla"
    FAIR = "feria"
    CAMPAIGN = "campana"
    DOOR_TO_DOOR = "casa_por_casa"
    EVENT = "evento"
    OTHER = "otro"


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    CLOSED = "closed"


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


# The disaggregation every count uses: sex (women, men, not stated) and age band.
SEXES = ("women", "men", "sex_unstated")
AGE_BANDS = ("age_0_11", "age_12_17", "age_18_29", "age_30_59", "age_60_plus")
REFERRAL_SERVICES = ("referred_cem", "referred_linea100", "referred_demuna", "referred_health")
PARTNERS = ("demuna", "cem", "health_centre", "school", "parish", "police", "municipality")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Network(db.Model):
    """The Network's own record: what the municipality recognised, and who coordinates it."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(120))
    registry_entry: Mapped[str] = mapped_column(String(120), default="")  # Registros Públicos (SUNARP) entry
    resolution_number: Mapped[str] = mapped_column(String(120), default="")  # the mayoral resolution
    resolution_date: Mapped[date | None]
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    coordinator: Mapped[User | None] = relationship()


class Sector(db.Model):
    """A sector of the district, from the list the coordinator keeps."""

    __tablename__ = "network_sectors"
    __table_args__ = (UniqueConstraint("network_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    is_active: Mapped[bool] = mapped_column(default=True)


class MemberPreference(db.Model):
    """What a promoter agreed to: only his first name, and only on the public agenda."""

    __tablename__ = "network_member_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    is_named_on_agenda: Mapped[bool] = mapped_column(default=False)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Plan(db.Model):
    """The Annual Plan of Activities: promoters propose, a coordinator approves, and at the year's end closes."""

    __tablename__ = "network_plans"
    __table_args__ = (UniqueConstraint("network_id", "year"), CheckConstraint(_in("status", PlanStatus), name="status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=PlanStatus.DRAFT.value)
    approved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activities: Mapped[list["PlannedActivity"]] = relationship(
        back_populates="plan", order_by="(PlannedActivity.month, PlannedActivity.starts_on, PlannedActivity.id)")


planned_activity_promoters = Table(
    "network_planned_activity_promoters",
    db.metadata,
    Column("planned_activity_id", ForeignKey("network_planned_activities.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class PlannedActivity(db.Model):
    """One line of the plan: what, when (a month, or a date and time), where, who, for whom, with what."""

    __tablename__ = "network_planned_activities"
    __table_args__ = (CheckConstraint(_in("kind", ActivityType), name="kind"),
                      CheckConstraint("month BETWEEN 1 AND 12", name="month"))

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("network_plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(160))
    month: Mapped[int]
    starts_on: Mapped[date | None]
    starts_at: Mapped[time | None]  # Lima time
    duration_minutes: Mapped[int | None]
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("network_sectors.id", ondelete="SET NULL"))
    place_reference: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[str] = mapped_column(String(200), default="")
    targets: Mapped[dict] = mapped_column(JSON, default=dict)  # {"women": n, …, "age_0_11": n, …}
    resources: Mapped[str] = mapped_column(Text, default="")
    budget_soles: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    partners: Mapped[list] = mapped_column(JSON, default=list)
    other_partners: Mapped[str] = mapped_column(String(200), default="")
    is_public: Mapped[bool] = mapped_column(default=False)  # on the public agenda
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="activities")
    sector: Mapped[Sector | None] = relationship()
    promoters: Mapped[list[User]] = relationship(secondary=planned_activity_promoters, order_by="User.display_name")


class ActivityReport(db.Model):
    """What a promoter did: counts by sex and by age band, referrals as counts per service, never names."""

    __tablename__ = "network_activity_reports"
    __table_args__ = (
        CheckConstraint(_in("status", ReportStatus), name="status"),
        CheckConstraint(f"kind IS NULL OR {_in('kind', ActivityType)}", name="kind"),
        # A double click on "save" in a new report finds the draft the first click made.
        UniqueConstraint("reporter_id", "draft_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    draft_key: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(10), default=ReportStatus.DRAFT.value, index=True)
    planned_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_planned_activities.id", ondelete="SET NULL"), index=True)
    # The first session of a multi-session workshop with the same group; its people are counted once.
    first_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_activity_reports.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(160), default="")
    held_on: Mapped[date | None] = mapped_column(index=True)
    duration_minutes: Mapped[int | None]
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("network_sectors.id", ondelete="SET NULL"))
    place_reference: Mapped[str] = mapped_column(String(200), default="")
    women: Mapped[int] = mapped_column(default=0)
    men: Mapped[int] = mapped_column(default=0)
    sex_unstated: Mapped[int] = mapped_column(default=0)
    age_0_11: Mapped[int] = mapped_column(default=0)
    age_12_17: Mapped[int] = mapped_column(default=0)
    age_18_29: Mapped[int] = mapped_column(default=0)
    age_30_59: Mapped[int] = mapped_column(default=0)
    age_60_plus: Mapped[int] = mapped_column(default=0)
    referred_cem: Mapped[int] = mapped_column(default=0)
    referred_linea100: Mapped[int] = mapped_column(default=0)
    referred_demuna: Mapped[int] = mapped_column(default=0)
    referred_health: Mapped[int] = mapped_column(default=0)
    materials: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    incidents: Mapped[str] = mapped_column(Text, default="")
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    planned_activity: Mapped[PlannedActivity | None] = relationship()
    sector: Mapped[Sector | None] = relationship()

    @property
    def participants(self) -> int:
        return self.women + self.men + self.sex_unstated

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
