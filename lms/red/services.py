"""The Network's work: the Annual Plan, activity reports and their review, and the reach they add up to.

Counting follows the IFRC's *Counting People Reached* (2018): a report counts participants by sex and by
age band, never by name; *direct participations* add every session up; *people reached* counts a group
that met several times (a multi-session workshop, linked to its first session) once, with the session
where most of them came. Plan against actual follows IATI's results shape: each target has a period,
a target value and an actual value. Services take plain arguments and never touch the request; views commit.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from lms import audit
from lms.core.errors import RuleError
from lms.core.network import active_since
from lms.extensions import db
from lms.models import (
    AGE_BANDS,
    CERTIFICATE_IS_VALID,
    REFERRAL_SERVICES,
    SEXES,
    ActivityReport,
    ActivityType,
    Certificate,
    Network,
    Plan,
    PlannedActivity,
    PlanStatus,
    ReportStatus,
    Role,
    Sector,
    User,
)

COUNTS = SEXES + AGE_BANDS
MAX_COUNT = 100_000  # more people than the district has: a typing slip, not a crowd


# ---------------------------------------------------------------- counts


def check_counts(counts: dict, *, required: bool) -> dict[str, int]:
    """Counts by sex and by age band as whole numbers ≥ 0 whose two totals agree.

    ``required``: a report must count somebody; a plan's targets may leave the age bands empty.
    """
    clean = {}
    for name in COUNTS:
        value = counts.get(name) or 0
        if not isinstance(value, int) or value < 0:
            raise RuleError(_l("Counts are whole numbers, 0 or more."), field=name)
        if value > MAX_COUNT:
            raise RuleError(_l("That number is larger than any activity: check it."), field=name)
        clean[name] = value
    by_sex, by_age = sum(clean[s] for s in SEXES), sum(clean[a] for a in AGE_BANDS)
    if required and by_sex == 0:
        raise RuleError(_l("Count the participants: at least one person by sex and by age band."), field="women")
    if (required or by_age) and by_sex != by_age:
        raise RuleError(_l("The totals do not add up: %(sex)s people by sex but %(age)s by age band. "
                           "Each person is counted once in each.", sex=by_sex, age=by_age), field="age_0_11")
    return clean


# ---------------------------------------------------------------- the Network's record and sectors


def update_network(actor: User, network: Network, data: dict) -> None:
    before = {k: str(getattr(network, k) or "") for k in data}
    for key, value in data.items():
        setattr(network, key, value)
    changed = {k: [before[k], str(data[k] or "")] for k in data if before[k] != str(data[k] or "")}
    if changed:
        audit.record(actor, "network.update", network, changes=changed)


def add_sector(network: Network, name: str) -> Sector:
    name = " ".join(name.split())
    if not name:
        raise RuleError(_l("Write the sector's name."), field="name")
    taken = db.session.scalar(select(Sector).where(Sector.network_id == network.id, Sector.name == name))
    if taken is not None:
        taken.is_active = True
        return taken
    sector = Sector(network_id=network.id, name=name)
    db.session.add(sector)
    return sector


def sectors_of(network: Network, *, active_only: bool = True) -> list[Sector]:
    query = select(Sector).where(Sector.network_id == network.id).order_by(Sector.name)
    if active_only:
        query = query.where(Sector.is_active.is_(True))
    return list(db.session.scalars(query))


# ---------------------------------------------------------------- the Annual Plan


def plan_of(network: Network, year: int) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.network_id == network.id, Plan.year == year))


def plans_of(network: Network) -> list[Plan]:
    return list(db.session.scalars(select(Plan).where(Plan.network_id == network.id).order_by(Plan.year.desc())))


def activities_of(plan: Plan) -> list[PlannedActivity]:
    """A plan's activities in the plan's order, with their sectors and promoters: three queries, whatever
    their number (the plan's page asked for each activity's promoters once per activity)."""
    return list(db.session.scalars(
        select(PlannedActivity).where(PlannedActivity.plan_id == plan.id)
        .options(selectinload(PlannedActivity.sector), selectinload(PlannedActivity.promoters))
        .order_by(*Plan.activities.property.order_by)))


def start_plan(actor: User, network: Network, year: int) -> Plan:
    """A draft plan for ``year``: the one drafted in weeks 11 and 12 of the course, now in the platform."""
    if not 2000 <= year <= 2100:
        raise RuleError(_l("Give a year such as 2027."), field="year")
    if plan_of(network, year) is not None:
        raise RuleError(_l("There is already a plan for %(year)s.", year=year), field="year")
    plan = Plan(network_id=network.id, year=year)
    db.session.add(plan)
    audit.record(actor, "network.plan.start", plan, year=year)
    return plan


PLAN_STEPS = {PlanStatus.DRAFT: PlanStatus.APPROVED, PlanStatus.APPROVED: PlanStatus.CLOSED}


def advance_plan(actor: User, plan: Plan, now: datetime) -> None:
    """Approve a draft plan, or close an approved one; only a coordinator calls this."""
    following = PLAN_STEPS.get(PlanStatus(plan.status))
    if following is None:
        raise RuleError(_l("This plan is closed."))
    if following == PlanStatus.APPROVED and not plan.activities:
        raise RuleError(_l("A plan needs at least one activity before it is approved."))
    plan.status = following.value
    if following == PlanStatus.APPROVED:
        plan.approved_dt, plan.approved_by_id = now, actor.id
    audit.record(actor, f"network.plan.{following.value}", plan, year=plan.year)


def may_edit_plan(user: User, plan: Plan) -> bool:
    """Promoters propose while the plan is a draft; a coordinator changes it until it is closed."""
    if plan.status == PlanStatus.CLOSED:
        return False
    return user.has_role(Role.COORDINATOR) or plan.status == PlanStatus.DRAFT


PLANNED_FIELDS = ("kind", "title", "month", "starts_on", "starts_at", "duration_minutes", "sector_id",
                  "place_reference", "audience", "targets", "resources", "budget_soles", "partners",
                  "other_partners", "is_public")


PLANNED_DEFAULTS = {"starts_on": None, "starts_at": None, "duration_minutes": None, "sector_id": None,
                    "place_reference": "", "audience": "", "targets": {}, "resources": "", "budget_soles": None,
                    "partners": [], "other_partners": "", "is_public": False}


def save_planned_activity(actor: User, plan: Plan, activity: PlannedActivity | None, data: dict,
                          promoters: list[User]) -> PlannedActivity:
    """Add or change a line of the plan; after approval, every change is written to the audit log."""
    if not may_edit_plan(actor, plan):
        raise RuleError(_l("This plan can no longer be changed."))
    if activity is not None and not actor.has_role(Role.COORDINATOR) and activity.proposed_by_id != actor.id:
        raise RuleError(_l("Only the promoter who proposed it or a coordinator can change this activity."))
    if not (data.get("title") or "").strip():
        raise RuleError(_l("Give the activity a title."), field="title")
    starts_on = data.get("starts_on")
    if starts_on is not None:
        if starts_on.year != plan.year:
            raise RuleError(_l("The date is outside the plan's year (%(year)s).", year=plan.year), field="starts_on")
        data["month"] = starts_on.month
    if not data.get("month"):
        raise RuleError(_l("Choose a month or a date."), field="month")
    if data.get("starts_at") is not None and starts_on is None:
        raise RuleError(_l("A time needs a date."), field="starts_on")
    if data.get("is_public") and starts_on is None:
        raise RuleError(_l("A public activity needs a date and time for the agenda."), field="starts_on")
    data = PLANNED_DEFAULTS | {k: v for k, v in data.items() if v is not None}
    data["targets"] = {k: v for k, v in check_counts(data.get("targets") or {}, required=False).items() if v}
    budget = data.get("budget_soles")
    if budget is not None and budget < 0:
        raise RuleError(_l("The budget cannot be negative."), field="budget_soles")
    if activity is None:
        activity = PlannedActivity(plan=plan, proposed_by_id=actor.id, **{k: data.get(k) for k in PLANNED_FIELDS})
        activity.promoters = promoters
        db.session.add(activity)
        if plan.status != PlanStatus.DRAFT:
            audit.record(actor, "network.plan.activity_added", activity, plan=plan.year, title=activity.title)
        return activity
    changes = {}
    for key in PLANNED_FIELDS:
        old, new = getattr(activity, key), data.get(key)
        if old != new:
            changes[key] = [_plain(old), _plain(new)]
            setattr(activity, key, new)
    old_people, new_people = sorted(u.id for u in activity.promoters), sorted(u.id for u in promoters)
    if old_people != new_people:
        changes["promoters"] = [old_people, new_people]
        activity.promoters = promoters
    if changes and plan.status != PlanStatus.DRAFT:
        audit.record(actor, "network.plan.activity_changed", activity, plan=plan.year, changes=changes)
    return activity


def _plain(value):
    """A value as the audit log's JSON can hold it."""
    if value is None or isinstance(value, (int, str, bool, list, dict)):
        return value
    return str(value)


def planned_choices(years: list[int]) -> list[PlannedActivity]:
    """Activities of the approved plans of ``years`` a report can say it fulfils."""
    query = (select(PlannedActivity).join(Plan).where(Plan.year.in_(years), Plan.status == PlanStatus.APPROVED.value)
             .order_by(PlannedActivity.month, PlannedActivity.starts_on, PlannedActivity.id))
    return list(db.session.scalars(query))


# ---------------------------------------------------------------- activity reports

REPORT_FIELDS = ("planned_activity_id", "first_session_id", "kind", "title", "held_on", "duration_minutes",
                 "sector_id", "place_reference", *COUNTS, *REFERRAL_SERVICES, "materials", "description", "incidents")


def report_for_key(reporter: User, draft_key: str) -> ActivityReport:
    """The report a new-report form made: found again by its key, so a double click makes one draft."""
    report = db.session.scalar(select(ActivityReport).where(ActivityReport.reporter_id == reporter.id,
                                                            ActivityReport.draft_key == draft_key))
    if report is not None:
        return report
    try:
        with db.session.begin_nested():
            report = ActivityReport(reporter_id=reporter.id, draft_key=draft_key)
            db.session.add(report)
    except IntegrityError:
        return db.session.scalar(select(ActivityReport).where(ActivityReport.reporter_id == reporter.id,
                                                              ActivityReport.draft_key == draft_key))
    return report


def save_draft(report: ActivityReport, data: dict, now: datetime) -> None:
    """Keep what was typed, checked or not: a draft is never refused (only a sent report is checked)."""
    if not report.is_editable:
        raise RuleError(_l("This report was sent and can no longer be changed."))
    for key in REPORT_FIELDS:
        if key in data:
            value = data[key]
            if key in ("planned_activity_id", "first_session_id", "sector_id") and not value:
                value = None
            if key in COUNTS + REFERRAL_SERVICES and value is None:
                value = 0
            if isinstance(value, int) and key in COUNTS + REFERRAL_SERVICES and value < 0:
                continue  # shown back with its error, never stored
            setattr(report, key, value)
    report.updated_dt = now


def submit_report(report: ActivityReport, data: dict, today: date, now: datetime) -> None:
    """Check a report and send it for review; a returned report goes back the same way."""
    save_draft(report, data, now)
    if not report.kind:
        raise RuleError(_l("Choose the type of activity."), field="kind")
    if not report.title.strip():
        raise RuleError(_l("Give the activity a title."), field="title")
    if report.held_on is None:
        raise RuleError(_l("Give the date of the activity."), field="held_on")
    if report.held_on > today:
        raise RuleError(_l("The date is in the future: report an activity after it took place."), field="held_on")
    if not report.duration_minutes or report.duration_minutes <= 0 or report.duration_minutes > 24 * 60:
        raise RuleError(_l("Give the duration in minutes (at most a day)."), field="duration_minutes")
    if report.sector_id is None:
        raise RuleError(_l("Choose the sector where it took place."), field="sector_id")
    check_counts({k: getattr(report, k) for k in COUNTS}, required=True)
    for name in REFERRAL_SERVICES:
        if getattr(report, name) < 0:
            raise RuleError(_l("Counts are whole numbers, 0 or more."), field=name)
    if report.planned_activity_id is not None:
        planned = db.session.get(PlannedActivity, report.planned_activity_id)
        if planned is None or planned.plan.status == PlanStatus.DRAFT:
            raise RuleError(_l("Choose an activity of an approved plan, or say it was not planned."),
                            field="planned_activity_id")
        if planned.plan.year != report.held_on.year:
            raise RuleError(_l("The date is outside the plan's year (%(year)s).", year=planned.plan.year),
                            field="held_on")
    if report.first_session_id is not None:
        first = db.session.get(ActivityReport, report.first_session_id)
        if (first is None or first.id == report.id or first.reporter_id != report.reporter_id
                or first.first_session_id is not None):
            raise RuleError(_l("Choose the first session of the same workshop."), field="first_session_id")
        if first.held_on is not None and first.held_on > report.held_on:
            raise RuleError(_l("A later session cannot be dated before the first one."), field="held_on")
    report.status, report.submitted_dt = ReportStatus.SUBMITTED.value, now


def first_sessions_of(reporter: User, exclude: int | None = None) -> list[ActivityReport]:
    """His sent workshop reports that can open a series of sessions with the same group."""
    query = (select(ActivityReport).where(ActivityReport.reporter_id == reporter.id,
                                          ActivityReport.kind == ActivityType.WORKSHOP.value,
                                          ActivityReport.first_session_id.is_(None),
                                          ActivityReport.status != ReportStatus.DRAFT.value)
             .order_by(ActivityReport.held_on.desc()))
    return [r for r in db.session.scalars(query) if r.id != exclude]


def review_report(reviewer: User, report: ActivityReport, decision: str, comment: str, now: datetime) -> bool:
    """Accept a sent report, or return it with a comment. Only the first of two reviewers acts."""
    if decision not in (ReportStatus.ACCEPTED, ReportStatus.RETURNED):
        raise RuleError(_l("Choose to accept or to return the report."), field="decision")
    comment = comment.strip()
    if decision == ReportStatus.RETURNED and not comment:
        raise RuleError(_l("Say what to correct: a returned report needs a comment."), field="comment")
    changed = db.session.execute(
        update(ActivityReport).where(ActivityReport.id == report.id,
                                     ActivityReport.status == ReportStatus.SUBMITTED.value)
        .values(status=decision, review_comment=comment, reviewed_by_id=reviewer.id, reviewed_dt=now)
        .execution_options(synchronize_session=False)).rowcount
    if changed:
        audit.record(reviewer, f"network.report.{decision}", report, reporter=report.reporter_id,
                     held_on=report.held_on.isoformat() if report.held_on else None)
        db.session.expire(report)
    return bool(changed)


# ---------------------------------------------------------------- reach and the report


@dataclass(frozen=True)
class Period:
    """A month, a quarter or a year: what the municipality's report covers."""

    kind: str  # month | quarter | year
    year: int
    number: int = 0  # the month or the quarter

    @property
    def start(self) -> date:
        if self.kind == "month":
            return date(self.year, self.number, 1)
        if self.kind == "quarter":
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        index = self.start.year * 12 + self.start.month - 1 + months
        return date(index // 12, index % 12 + 1, 1)

    @property
    def months(self) -> list[tuple[int, int]]:
        first = self.start.year * 12 + self.start.month - 1
        last = self.end.year * 12 + self.end.month - 1
        return [(i // 12, i % 12 + 1) for i in range(first, last)]

    @classmethod
    def parse(cls, kind: str | None, year: str | None, number: str | None, today: date) -> "Period":
        """The period asked for, or the current year; anything out of range falls back to it."""
        y = int(year) if year and year.isdigit() and 2000 <= int(year) <= 2100 else today.year
        n = int(number) if number and number.isdigit() else 0
        if kind == "month" and 1 <= n <= 12:
            return cls("month", y, n)
        if kind == "quarter" and 1 <= n <= 4:
            return cls("quarter", y, n)
        return cls("year", y)


@dataclass
class Tally:
    """Participations and people reached, by sex and by age band."""

    direct: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    reached: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    sessions: int = 0
    groups: int = 0

    @property
    def direct_total(self) -> int:
        return sum(self.direct[s] for s in SEXES)

    @property
    def reached_total(self) -> int:
        return sum(self.reached[s] for s in SEXES)


_ROW = (ActivityReport.id, ActivityReport.first_session_id, ActivityReport.held_on, ActivityReport.kind,
        ActivityReport.sector_id, ActivityReport.planned_activity_id, ActivityReport.duration_minutes,
        *(getattr(ActivityReport, c) for c in COUNTS + REFERRAL_SERVICES))
_SUMMED = COUNTS + REFERRAL_SERVICES + ("duration_minutes",)


@dataclass
class NetworkReport:
    period: Period
    total: Tally
    by_month: dict
    by_kind: dict
    by_sector: dict
    referrals: dict
    hours: float
    planned: list  # (PlannedActivity, Tally, target total)
    unplanned: Tally
    targets: dict  # {count: (target, reached)} over the planned activities of the period
    sectors: dict
    members: int
    active_members: int


def _accepted_in(period: Period):
    return (ActivityReport.status == ReportStatus.ACCEPTED.value, ActivityReport.held_on >= period.start,
            ActivityReport.held_on < period.end)


def accepted_activities(period: Period) -> list:
    """The accepted reports of ``period``, one row each: counts, type, sector, no text and no person."""
    return db.session.execute(select(*_ROW).where(*_accepted_in(period))
                              .order_by(ActivityReport.held_on, ActivityReport.id)).all()


def network_report(network: Network, period: Period, today: date) -> NetworkReport:
    """Every figure of the municipality's report, in a fixed number of queries whatever the Network's size.

    Single activities are summed by the database, grouped by month, type, sector and planned activity:
    for them people reached equals participations. Only the sessions of multi-session workshops come
    back one by one, to count each group once.
    """
    in_series = or_(ActivityReport.first_session_id.is_not(None),
                    ActivityReport.id.in_(select(ActivityReport.first_session_id)
                                          .where(ActivityReport.first_session_id.is_not(None))))
    year, month = extract("year", ActivityReport.held_on), extract("month", ActivityReport.held_on)
    keys = (year, month, ActivityReport.kind, ActivityReport.sector_id, ActivityReport.planned_activity_id)
    singles = db.session.execute(
        select(*keys, func.count(), *(func.coalesce(func.sum(getattr(ActivityReport, c)), 0) for c in _SUMMED))
        .where(*_accepted_in(period), ~in_series).group_by(*keys)).all()
    series = db.session.execute(select(*_ROW).where(*_accepted_in(period), in_series)
                                .order_by(ActivityReport.held_on, ActivityReport.id)).all()

    total, unplanned = Tally(), Tally()
    by_month = defaultdict(Tally, {m: Tally() for m in period.months if m <= (today.year, today.month)})
    by_kind, by_sector, by_planned = defaultdict(Tally), defaultdict(Tally), defaultdict(Tally)
    referrals, minutes = dict.fromkeys(REFERRAL_SERVICES, 0), 0

    def tallies(y, m, kind, sector, planned_id):
        return (total, by_month[(int(y), int(m))], by_kind[kind], by_sector[sector],
                by_planned[planned_id] if planned_id else unplanned)

    for y, m, kind, sector, planned_id, sessions, *sums in singles:
        values = dict(zip(_SUMMED, (int(v) for v in sums)))
        for tally in tallies(y, m, kind, sector, planned_id):
            tally.sessions += sessions
            tally.groups += sessions
            for c in COUNTS:
                tally.direct[c] += values[c]
                tally.reached[c] += values[c]
        for name in REFERRAL_SERVICES:
            referrals[name] += values[name]
        minutes += values["duration_minutes"]

    groups = defaultdict(list)
    for row in series:
        groups[row.first_session_id or row.id].append(row)
    for sessions in groups.values():
        largest = max(sessions, key=lambda r: (sum(getattr(r, s) for s in SEXES), -r.id))
        first = sessions[0]
        for tally in tallies(first.held_on.year, first.held_on.month, first.kind, first.sector_id,
                             first.planned_activity_id):
            tally.groups += 1
            for c in COUNTS:
                tally.reached[c] += getattr(largest, c)
        for row in sessions:
            for tally in tallies(row.held_on.year, row.held_on.month, row.kind, row.sector_id,
                                 first.planned_activity_id):
                tally.sessions += 1
                for c in COUNTS:
                    tally.direct[c] += getattr(row, c)
            for name in REFERRAL_SERVICES:
                referrals[name] += getattr(row, name)
            minutes += row.duration_minutes or 0

    planned_activities = db.session.scalars(
        select(PlannedActivity).join(Plan).options(contains_eager(PlannedActivity.plan))
        .where(Plan.network_id == network.id, Plan.year.between(period.start.year, period.end.year),
               Plan.status != PlanStatus.DRAFT.value)
        .order_by(PlannedActivity.month, PlannedActivity.starts_on, PlannedActivity.id)).all()
    months = set(period.months)
    in_period = [a for a in planned_activities if (a.plan.year, a.month) in months]
    planned = [(a, by_planned.get(a.id, Tally()), sum(a.targets.get(s, 0) for s in SEXES)) for a in in_period]
    targets = {c: (sum(a.targets.get(c, 0) for a in in_period), sum(t.reached[c] for _a, t, _n in planned))
               for c in COUNTS}
    sectors = dict(db.session.execute(select(Sector.id, Sector.name).where(Sector.network_id == network.id)).all())

    holders = select(Certificate.user_id).where(CERTIFICATE_IS_VALID)
    members = db.session.scalar(select(func.count(func.distinct(Certificate.user_id)))
                                .where(CERTIFICATE_IS_VALID))
    active = db.session.scalar(
        select(func.count(func.distinct(ActivityReport.reporter_id)))
        .where(ActivityReport.status == ReportStatus.ACCEPTED.value, ActivityReport.held_on >= active_since(today),
               ActivityReport.held_on <= today, ActivityReport.reporter_id.in_(holders)))
    return NetworkReport(period=period, total=total, by_month=dict(sorted(by_month.items())), by_kind=dict(by_kind),
                         by_sector=dict(by_sector), referrals=referrals, hours=round(minutes / 60, 1),
                         planned=planned, unplanned=unplanned, targets=targets, sectors=sectors, members=members,
                         active_members=active)
