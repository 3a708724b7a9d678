"""La Red: the accredited promoters' network — its home, the Annual Plan, activity reports, the report
for the municipality; and the public agenda of its open activities."""

import secrets
from datetime import timedelta

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.access import STAFF, can_look_after, network_required, role_required
from lms.charts import bar_chart
from lms.clock import utcnow
from lms.core.calendar import lima_today
from lms.core.errors import RuleError
from lms.core.network import is_member, network_status, the_network
from lms.exports import csv_response
from lms.extensions import db
from lms.forms import EmptyForm, choices
from lms.models import (
    AGE_BANDS,
    CERTIFICATE_IS_VALID,
    REFERRAL_SERVICES,
    SEXES,
    ActivityReport,
    Certificate,
    Enrollment,
    MemberPreference,
    Network,
    Plan,
    PlannedActivity,
    ReportStatus,
    Role,
    Sector,
    User,
    cohort_facilitators,
)
from lms.red import agenda, pdf, services
from lms.red.forms import (
    COUNT_NAMES,
    KIND_NAMES,
    MONTH_NAMES,
    PARTNER_NAMES,
    REFERRAL_NAMES,
    NetworkForm,
    PlannedActivityForm,
    PreferenceForm,
    ReportForm,
    ReviewForm,
    SectorForm,
    StartPlanForm,
)

bp = Blueprint("red", __name__, url_prefix="/red")
agenda_bp = Blueprint("agenda", __name__)

REPORT_READERS = (Role.VERIFIER, *STAFF)


@bp.context_processor
def names():
    return {"kind_names": KIND_NAMES, "count_names": COUNT_NAMES, "referral_names": REFERRAL_NAMES,
            "partner_names": PARTNER_NAMES, "month_names": MONTH_NAMES, "sexes": SEXES, "age_bands": AGE_BANDS,
            "referral_services": REFERRAL_SERVICES}


def _network():
    """The Network's record; a coordinator is sent to write it when there is none yet."""
    network = the_network()
    if network is None:
        if current_user.has_role(Role.COORDINATOR):
            return None
        abort(404)
    return network


# ---------------------------------------------------------------- home and the Network's record


@bp.get("/")
@network_required(*STAFF)
def home():
    """The Network's record, what is planned next, and the promoter's own reports and their state."""
    network = _network()
    if network is None:
        return redirect(url_for("red.edit_network"))
    today = lima_today()
    mine, preference, status = [], None, None
    if is_member(current_user):
        mine = db.session.scalars(select(ActivityReport).where(ActivityReport.reporter_id == current_user.id)
                                  .order_by(ActivityReport.updated_dt.desc()).limit(10)).all()
        preference = db.session.get(MemberPreference, current_user.id)
        status = network_status([current_user.id], today)[current_user.id]
    upcoming = agenda.upcoming(today, limit=5, public_only=False)
    form = PreferenceForm(is_named_on_agenda=bool(preference and preference.is_named_on_agenda))
    return render_template("red/home.html", network=network, mine=mine, upcoming=upcoming, form=form,
                           status=status, is_member=is_member(current_user))


@bp.post("/preferencias")
@network_required()
def preferences():
    """Say whether his first name may appear on the public agenda."""
    form = PreferenceForm()
    if not form.validate_on_submit():
        abort(400)
    preference = db.session.get(MemberPreference, current_user.id) or MemberPreference(user_id=current_user.id)
    preference.is_named_on_agenda = form.is_named_on_agenda.data
    db.session.add(preference)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("red.home"))


@bp.route("/datos", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit_network():
    """Write the Network's record: name, Public Registry entry, mayoral resolution, coordinator."""
    network = the_network()
    form = NetworkForm(obj=network)
    coordinators = db.session.execute(select(User.id, User.display_name)
                                      .where(User.role.in_([Role.COORDINATOR.value, Role.ADMIN.value]),
                                             User.is_active.is_(True)).order_by(User.display_name)).all()
    form.coordinator_id.choices = choices([(0, "—")] + [(c.id, c.display_name) for c in coordinators])
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in ("name", "district", "registry_entry", "resolution_number",
                                                   "resolution_date")}
        data["coordinator_id"] = form.coordinator_id.data or None
        if network is None:
            network = Network(**data)
            db.session.add(network)
            db.session.flush()
        services.update_network(current_user, network, data)
        db.session.commit()
        flash(_("The Network's record is saved."), "success")
        return redirect(url_for("red.home"))
    return render_template("red/network_form.html", form=form), (422 if form.errors else 200)


@bp.route("/sectores", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def sectors():
    """The list of the district's sectors that plans and reports choose from."""
    network = _network() or abort(404)
    form = SectorForm()
    if form.validate_on_submit():
        services.add_sector(network, form.name.data)
        db.session.commit()
        return redirect(url_for("red.sectors"))
    return render_template("red/sectors.html", sectors=services.sectors_of(network, active_only=False), form=form,
                           toggle=EmptyForm()), (422 if form.errors else 200)


@bp.post("/sectores/<id:sector_id>/activo")
@role_required(Role.COORDINATOR)
def toggle_sector(sector_id: int):
    """Take a sector off the list (past reports keep it), or put it back."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    sector = db.session.get(Sector, sector_id) or abort(404)
    sector.is_active = not sector.is_active
    db.session.commit()
    return redirect(url_for("red.sectors"))


# ---------------------------------------------------------------- the Annual Plan


@bp.get("/plan")
@network_required(*STAFF)
def plan():
    """The Annual Plan of Activities of a year: its activities, targets, partners, and its status."""
    network = _network() or abort(404)
    plans = services.plans_of(network)
    year = request.args.get("year", type=int) or lima_today().year
    chosen = next((p for p in plans if p.year == year), None) or (plans[0] if plans and "year" not in request.args
                                                                 else None)
    return render_template("red/plan.html", network=network, plans=plans, plan=chosen,
                           activities=services.activities_of(chosen) if chosen else [],
                           may_edit=chosen is not None and services.may_edit_plan(current_user, chosen),
                           start_form=StartPlanForm(year=lima_today().year + (0 if not plans else 1)),
                           step_form=EmptyForm())


@bp.post("/plan/nuevo")
@role_required(Role.COORDINATOR)
def start_plan():
    """Open a draft plan for a year, for promoters to propose activities."""
    network = _network() or abort(404)
    form = StartPlanForm()
    if not form.validate_on_submit():
        flash(_("Give a year such as 2027."), "error")
        return redirect(url_for("red.plan"))
    try:
        created = services.start_plan(current_user, network, form.year.data)
    except RuleError as refused:
        flash(refused.message, "error")
        return redirect(url_for("red.plan"))
    db.session.commit()
    return redirect(url_for("red.plan", year=created.year))


@bp.post("/plan/<id:plan_id>/estado")
@role_required(Role.COORDINATOR)
def advance_plan(plan_id: int):
    """Approve a draft plan, or close an approved one."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    chosen = db.session.get(Plan, plan_id) or abort(404)
    try:
        services.advance_plan(current_user, chosen, utcnow())
    except RuleError as refused:
        flash(refused.message, "error")
    else:
        db.session.commit()
        flash(_("The plan is now: %(status)s.", status=plan_status_name(chosen.status)), "success")
    return redirect(url_for("red.plan", year=chosen.year))


def plan_status_name(status: str) -> str:
    return {"draft": _("draft"), "approved": _("approved"), "closed": _("closed")}[status]


def _members_choices():
    """Promoters who can be responsible for an activity: the Network's members."""
    rows = db.session.execute(select(User.id, User.display_name).join(Certificate, Certificate.user_id == User.id)
                              .where(CERTIFICATE_IS_VALID)
                              .order_by(User.display_name)).all()
    return choices((r.id, r.display_name) for r in rows)


def _planned_form(network, activity: PlannedActivity | None):
    form = PlannedActivityForm(obj=activity)
    if activity is not None and request.method == "GET":
        form.promoters.data = [u.id for u in activity.promoters]
        form.sector_id.data = activity.sector_id or 0
        for name in SEXES + AGE_BANDS:
            getattr(form, name).data = activity.targets.get(name, 0)
    form.sector_id.choices = choices([(0, "—")] + [(s.id, s.name) for s in services.sectors_of(network)])
    form.promoters.choices = _members_choices()
    return form


@bp.route("/plan/<id:plan_id>/actividades/nueva", methods=["GET", "POST"], endpoint="new_planned",
          defaults={"activity_id": None})
@bp.route("/plan/actividades/<id:activity_id>", methods=["GET", "POST"], defaults={"plan_id": None})
@network_required(Role.COORDINATOR)
def planned(plan_id: int | None, activity_id: int | None):
    """Propose a planned activity (a promoter, while the plan is a draft) or change one (a coordinator)."""
    network = _network() or abort(404)
    activity = db.session.get(PlannedActivity, activity_id) if activity_id else None
    if activity_id and activity is None:
        abort(404)
    chosen = activity.plan if activity else (db.session.get(Plan, plan_id) or abort(404))
    if not services.may_edit_plan(current_user, chosen):
        abort(403)
    if activity is not None and not current_user.has_role(Role.COORDINATOR) and activity.proposed_by_id != current_user.id:
        abort(403)
    if activity is None and request.method == "GET" and is_member(current_user):
        form = _planned_form(network, None)
        form.promoters.data = [current_user.id]
    else:
        form = _planned_form(network, activity)
    error = None
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in services.PLANNED_FIELDS if k != "targets"}
        data["targets"] = {k: getattr(form, k).data or 0 for k in SEXES + AGE_BANDS}
        data["sector_id"] = data["sector_id"] or None
        data["month"] = data["month"] or None
        people = list(db.session.scalars(select(User).where(User.id.in_(form.promoters.data or []))))
        try:
            saved = services.save_planned_activity(current_user, chosen, activity, data, people)
        except RuleError as refused:
            error = refused
            if refused.field and hasattr(form, refused.field):
                getattr(form, refused.field).errors = [*getattr(form, refused.field).errors, refused.message]
        else:
            db.session.commit()
            flash(_("The activity is saved in the plan."), "success")
            return redirect(url_for("red.plan", year=chosen.year, _anchor=f"a{saved.id}"))
    status = 422 if (form.errors or error) else 200
    return render_template("red/planned_form.html", form=form, plan=chosen, activity=activity, error=error), status


# ---------------------------------------------------------------- activity reports


def _reports_for(user: User):
    """The reports ``user`` may see: a promoter his own, a facilitator his cohorts' promoters', a coordinator all."""
    query = select(ActivityReport).options(joinedload(ActivityReport.reporter), joinedload(ActivityReport.sector))
    if user.has_role(Role.COORDINATOR):
        return query.where(ActivityReport.status != ReportStatus.DRAFT.value)
    if user.role == Role.FACILITATOR:
        return (query.join(Enrollment, Enrollment.user_id == ActivityReport.reporter_id)
                .join(cohort_facilitators, cohort_facilitators.c.cohort_id == Enrollment.cohort_id)
                .where(cohort_facilitators.c.user_id == user.id, ActivityReport.status != ReportStatus.DRAFT.value))
    return query.where(ActivityReport.reporter_id == user.id)


@bp.get("/actividades")
@network_required(*STAFF)
def reports():
    """Reports: a promoter's own; for a facilitator or coordinator, those waiting for review first."""
    wanted = request.args.get("estado")
    query = _reports_for(current_user)
    if wanted in {s.value for s in ReportStatus}:
        query = query.where(ActivityReport.status == wanted)
    rows = db.session.scalars(query.order_by(ActivityReport.held_on.desc(), ActivityReport.id.desc())
                              .limit(200)).unique().all()
    return render_template("red/reports.html", reports=rows, wanted=wanted, is_member=is_member(current_user))


def _report_form(report: ActivityReport | None, draft_key: str):
    form = ReportForm(obj=report) if report is not None and request.method == "GET" else ReportForm()
    if request.method == "GET":
        form.draft_key.data = draft_key
        if report is not None:
            form.planned_activity_id.data = report.planned_activity_id or 0
            form.first_session_id.data = report.first_session_id or 0
            form.sector_id.data = report.sector_id or 0
            form.kind.data = report.kind or ""
    network = the_network()
    today = lima_today()
    planned = services.planned_choices([today.year - 1, today.year])
    form.planned_activity_id.choices = choices(
        [(0, _("Not planned: an activity outside the plan"))]
        + [(a.id, f"{a.plan.year} · {MONTH_NAMES[a.month - 1]} · {a.title}") for a in planned])
    firsts = services.first_sessions_of(current_user, exclude=report.id if report else None)
    form.first_session_id.choices = choices(
        [(0, _("No: a single activity, or the first session"))]
        + [(r.id, f"{r.held_on.isoformat() if r.held_on else '—'} · {r.title}") for r in firsts])
    form.sector_id.choices = choices([(0, "—")] + [(s.id, s.name) for s in services.sectors_of(network)])
    return form


def _report_data(form: ReportForm) -> dict:
    """What the form holds, field by field; a field whose value did not parse is left out (and shown back)."""
    return {name: getattr(form, name).data for name in services.REPORT_FIELDS if not getattr(form, name).errors}


def _handle_report_post(report: ActivityReport, form: ReportForm):
    """Save a draft or send the report; with bad input, keep everything typed and say what to fix."""
    form.validate()
    data = _report_data(form)
    today, now = lima_today(), utcnow()
    # The buttons are named "action": read by hand, as the quiz does, since both submit the same form.
    sending = request.form.get("action") == "submit"
    error = None
    try:
        if sending and not form.errors:
            services.submit_report(report, data, today, now)
        else:
            services.save_draft(report, data, now)
    except RuleError as refused:
        error = refused
        if refused.field and hasattr(form, refused.field):
            getattr(form, refused.field).errors = [*getattr(form, refused.field).errors, refused.message]
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(saved=True, saved_at=now.isoformat())
    if sending and error is None and not form.errors:
        flash(_("Report sent. A facilitator or the coordinator will review it."), "success")
        return redirect(url_for("red.report", report_id=report.id))
    if error is None and not form.errors:
        flash(_("Draft saved. You can come back and finish later."), "success")
        return redirect(url_for("red.report", report_id=report.id))
    flash(_("Check the marked fields. What you typed is kept as a draft."), "error")
    return render_template("red/report_form.html", form=form, report=report, error=error), 422


@bp.route("/actividades/nueva", methods=["GET", "POST"])
@network_required()
def new_report():
    """Report an activity: on a phone, without JavaScript; "Save draft" keeps it to finish later."""
    if request.method == "POST":
        key = request.form.get("draft_key", "")
        if not (key.isalnum() and 8 <= len(key) <= 32):
            abort(400)
        form = _report_form(None, key)
        if not form.validate_on_submit() and "csrf_token" in form.errors:
            abort(400)
        report = services.report_for_key(current_user, key)
        if not report.is_editable:  # a double click after sending: show what was sent
            return redirect(url_for("red.report", report_id=report.id))
        return _handle_report_post(report, form)
    form = _report_form(None, secrets.token_hex(8))
    return render_template("red/report_form.html", form=form, report=None, error=None)


def _report_or_404(report_id: int) -> ActivityReport:
    report = db.session.get(ActivityReport, report_id)
    if report is None:
        abort(404)
    if report.reporter_id == current_user.id:
        return report
    if report.status != ReportStatus.DRAFT and can_look_after(current_user, report.reporter):
        return report
    abort(404)


@bp.route("/actividades/<id:report_id>", methods=["GET", "POST"])
@network_required(*STAFF)
def report(report_id: int):
    """A report: its author edits it while a draft or returned; a reviewer reads it and accepts or returns it."""
    report = _report_or_404(report_id)
    is_author = report.reporter_id == current_user.id
    if request.method == "POST":
        if not is_author or not is_member(current_user):
            abort(403)
        form = _report_form(report, report.draft_key)
        if not form.validate_on_submit() and "csrf_token" in form.errors:
            abort(400)
        if not report.is_editable:
            flash(_("This report was sent and can no longer be changed."), "error")
            return redirect(url_for("red.report", report_id=report.id))
        return _handle_report_post(report, form)
    if is_author and report.is_editable and is_member(current_user):
        return render_template("red/report_form.html", form=_report_form(report, report.draft_key), report=report,
                               error=None)
    review = ReviewForm() if (not is_author and report.status == ReportStatus.SUBMITTED) else None
    return render_template("red/report.html", report=report, review=review)


@bp.post("/actividades/<id:report_id>/revision")
@role_required(*STAFF)
def review(report_id: int):
    """Accept a report (it then counts) or return it with a comment."""
    report = _report_or_404(report_id)
    if report.reporter_id == current_user.id:
        abort(403)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            done = services.review_report(current_user, report, form.decision.data, form.comment.data or "", utcnow())
        except RuleError as refused:
            getattr(form, refused.field or "comment").errors = [refused.message]
        else:
            db.session.commit()
            flash(_("Report reviewed.") if done else _("Someone reviewed this report already."),
                  "success" if done else "info")
            return redirect(url_for("red.reports", estado="submitted"))
    elif "csrf_token" in form.errors:
        abort(400)
    return render_template("red/report.html", report=report, review=form), 422


# ---------------------------------------------------------------- the report for the municipality


def _period():
    return services.Period.parse(request.args.get("periodo"), request.args.get("year"), request.args.get("n"),
                                 lima_today())


def period_label(period) -> str:
    if period.kind == "month":
        return f"{MONTH_NAMES[period.number - 1]} {period.year}"
    if period.kind == "quarter":
        return _("Quarter %(n)s of %(year)s", n=period.number, year=period.year)
    return _("Year %(year)s", year=period.year)


def _charts(figures) -> dict:
    # The chart's label column holds about nine characters: short labels there, the full ones in the tables.
    month_bars = [(f"{str(MONTH_NAMES[m - 1])[:3]} {y % 100:02d}", t.reached_total)
                  for (y, m), t in figures.by_month.items()]
    kind_bars = [(str(KIND_NAMES[k])[:9], t.reached_total) for k, t in figures.by_kind.items()]
    sex_bars = [(str(COUNT_NAMES[s])[:9], figures.total.reached[s]) for s in SEXES]
    age_bars = [(label, figures.total.reached[a]) for label, a in zip(("0–11", "12–17", "18–29", "30–59", "60+"),
                                                                      AGE_BANDS)]

    def chart(bars, title):
        top = max([v for _label, v in bars] + [1])
        return bar_chart(bars, maximum=top, title=title) if bars else None

    return {"month": chart(month_bars, _("People reached by month")),
            "kind": chart(kind_bars, _("People reached by type of activity")),
            "sex": chart(sex_bars, _("People reached by sex")),
            "age": chart(age_bars, _("People reached by age band"))}


@bp.get("/informe")
@role_required(*REPORT_READERS)
def informe():
    """The municipality's report: reach honestly counted, plan against done, and the Network's promoters."""
    network = the_network() or abort(404)
    period = _period()
    figures = services.network_report(network, period, lima_today())
    return render_template("red/informe.html", network=network, figures=figures, period=period,
                           period_label=period_label(period), charts=_charts(figures),
                           years=range(lima_today().year, lima_today().year - 5, -1))


@bp.get("/informe.csv")
@role_required(*REPORT_READERS)
def informe_csv():
    """The accepted activities of the period, one line each, with counts and no personal data."""
    network = the_network() or abort(404)
    period = _period()
    sectors = {s.id: s.name for s in services.sectors_of(network, active_only=False)}
    header = ["actividad", "primera_sesion", "fecha", "tipo", "sector", "actividad_plan", "duracion_min",
              "mujeres", "hombres", "sexo_no_especifica", "edad_0_11", "edad_12_17", "edad_18_29", "edad_30_59",
              "edad_60_mas", "derivaciones_cem", "derivaciones_linea100", "derivaciones_demuna",
              "derivaciones_salud"]
    rows = [[r.id, r.first_session_id or "", r.held_on.isoformat(), r.kind, sectors.get(r.sector_id, ""),
             r.planned_activity_id or "", r.duration_minutes or "",
             *(getattr(r, c) for c in SEXES + AGE_BANDS + REFERRAL_SERVICES)] for r in services.accepted_activities(period)]
    return csv_response(header, rows, f"red-actividades-{period.start.isoformat()}.csv")


@bp.get("/informe.pdf")
@role_required(*REPORT_READERS)
def informe_pdf():
    """The same report as a PDF, to file with the municipality's Social Development Division."""
    network = the_network() or abort(404)
    period = _period()
    figures = services.network_report(network, period, lima_today())
    body = pdf.render_report_pdf(network, figures, period_label(period), str(get_locale()))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="informe-red-{period.start.isoformat()}.pdf"'})


# ---------------------------------------------------------------- the public agenda


@agenda_bp.get("/agenda")
def agenda_page():
    """The Network's upcoming public activities — fairs, campaigns, open workshops — for everyone."""
    network = the_network()
    items = agenda.upcoming(lima_today(), limit=60)
    return render_template("red/agenda.html", network=network, items=items, kind_names=KIND_NAMES,
                           first_names=agenda.first_names(items))


@agenda_bp.get("/agenda.ics")
def agenda_ics():
    """The same agenda as an iCalendar feed (RFC 5545) to subscribe to from a phone's calendar."""
    network = the_network()
    items = agenda.upcoming(lima_today() - timedelta(days=30), limit=200)
    body = agenda.ics(network, items, agenda.first_names(items), {k: str(v) for k, v in KIND_NAMES.items()},
                      request.url_root, utcnow())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="agenda-red.ics"'
    response.cache_control.public = True
    response.cache_control.max_age = 900
    return response

