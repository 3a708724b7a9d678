"""Coordinators create cohorts and accounts, assign facilitators, move trainees."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from lms.access import role_required
from lms.clock import utcnow
from lms.content.loader import current_course
from lms.core.accounts import make_reset_link_token
from lms.core.calendar import overrides_for, week_opens_on
from lms.core.errors import RuleError
from lms.core.workshops import own_workshops, slot_of, workshops_for
from lms.extensions import db
from lms.forms import EmptyForm, choices
from lms.manage import audit_log as audit_sentences
from lms.manage import services
from lms.manage.forms import CalendarForm, CohortForm, MoveTraineeForm, UserForm, WeekWorkshopForm
from lms.models import AuditEvent, Cohort, Enrollment, Role, User
from lms.routing import bounded_int

bp = Blueprint("manage", __name__, url_prefix="/manage")


@bp.before_request
@role_required(Role.COORDINATOR)
def require_coordinator():
    """Every page here is for coordinators and administrators."""



def _facilitator_choices():
    rows = db.session.execute(select(User.id, User.display_name, User.username)
                              .where(User.role == Role.FACILITATOR, User.is_active.is_(True))
                              .order_by(User.display_name))
    return choices((row.id, f"{row.display_name} ({row.username})") for row in rows)


def _cohort_choices(exclude: int | None = None, blank: bool = False):
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc()))
    return choices(([(0, "—")] if blank else []) + [(c.id, c.name) for c in cohorts if c.id != exclude])


@bp.get("/")
def cohorts():
    """List every cohort with its size and facilitators."""
    sizes = dict(db.session.execute(select(Enrollment.cohort_id, func.count()).group_by(Enrollment.cohort_id)).all())
    rows = db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc())).unique().all()
    return render_template("manage/cohorts.html", cohorts=rows, sizes=sizes)


@bp.route("/cohorts/new", methods=["GET", "POST"])
def new_cohort():
    """Create a cohort."""
    form = CohortForm()
    form.facilitators.choices = _facilitator_choices()
    if form.validate_on_submit():
        cohort = services.create_cohort(current_user, name=form.name.data, start_date=form.start_date.data,
                                        course_slug=current_app.config["COURSE_SLUG"],
                                        facilitator_ids=form.facilitators.data, now=utcnow(),
                                        invite_days=current_app.config["INVITE_CODE_DAYS"])
        db.session.commit()
        flash(_("Cohort created. Its invite code is %(code)s.", code=services.format_invite_code(cohort.invite_code)),
              "success")
        return redirect(url_for("manage.cohort", cohort_id=cohort.id))
    return render_template("manage/cohort_form.html", form=form, cohort=None)


@bp.route("/cohorts/<id:cohort_id>", methods=["GET", "POST"])
def cohort(cohort_id: int):
    """Edit a cohort: name, calendar start, facilitators; see its invite code and trainees."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = CohortForm(obj=cohort if request.method == "GET" else None)
    form.facilitators.choices = _facilitator_choices()
    if request.method == "GET":
        form.facilitators.data = [f.id for f in cohort.facilitators]
    if form.validate_on_submit():
        services.update_cohort(current_user, cohort, name=form.name.data, start_date=form.start_date.data,
                               facilitator_ids=form.facilitators.data)
        db.session.commit()
        flash(_("Cohort saved."), "success")
        return redirect(url_for("manage.cohort", cohort_id=cohort.id))
    trainees = db.session.scalars(select(User).join(Enrollment, Enrollment.user_id == User.id)
                                  .where(Enrollment.cohort_id == cohort.id).order_by(User.display_name)).all()
    move_form = MoveTraineeForm()
    move_form.cohort_id.choices = _cohort_choices(exclude=cohort.id)
    return render_template("manage/cohort_form.html", form=form, cohort=cohort, trainees=trainees,
                           invite_code=services.format_invite_code(cohort.invite_code),
                           move_form=move_form)


@bp.post("/cohorts/<id:cohort_id>/invite")
def renew_invite(cohort_id: int):
    """Replace the cohort's invite code."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if EmptyForm().validate_on_submit():
        services.renew_invite(current_user, cohort, utcnow(), current_app.config["INVITE_CODE_DAYS"])
        db.session.commit()
        flash(_("New invite code: %(code)s. The old one no longer works.",
                code=services.format_invite_code(cohort.invite_code)), "success")
    return redirect(url_for("manage.cohort", cohort_id=cohort.id))


@bp.get("/users")
def users():
    """List accounts, filtered by role or searched by name."""
    role = request.args.get("role", "")
    q = request.args.get("q", "").strip()
    query = select(User).order_by(User.role, User.display_name)
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(User.display_name).like(like), User.username.like(like)))
    accounts = db.session.scalars(query.limit(500)).all()
    cohort_names = dict(db.session.execute(select(Enrollment.user_id, Cohort.name).join(Cohort)).all())
    return render_template("manage/users.html", accounts=accounts, role=role, q=q, roles=list(Role),
                           cohort_names=cohort_names)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account of any role and hand out its first password link."""
    form = UserForm()
    form.cohort_id.choices = _cohort_choices(blank=True)
    if form.validate_on_submit():
        cohort = db.session.get(Cohort, form.cohort_id.data) if form.cohort_id.data else None
        try:
            user = services.create_account(current_user, username=form.username.data,
                                           display_name=form.display_name.data, role=form.role.data,
                                           locale=form.locale.data, email=form.email.data, phone=form.phone.data,
                                           cohort=cohort)
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            link = _reset_link(user)
            db.session.commit()
            return render_template("reset_link.html", user=user, link=link, created=True)
    return render_template("manage/user_form.html", form=form)


def _reset_link(user: User) -> str:
    token = make_reset_link_token(current_user, user, utcnow(), current_app.config["RESET_LINK_HOURS"])
    return url_for("auth.reset_password", token=token, _external=True)


@bp.post("/users/<id:user_id>/reset-link")
def reset_link(user_id: int):
    """Make a one-time link with which the person chooses a new password."""
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not services.can_manage(current_user, user.role):
        abort(403)
    link = _reset_link(user)
    db.session.commit()
    return render_template("reset_link.html", user=user, link=link, created=False)


@bp.post("/users/<id:user_id>/active")
def toggle_active(user_id: int):
    """Deactivate an account (or activate it again); a deactivated account cannot log in."""
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        try:
            services.set_active(current_user, user, not user.is_active)
        except RuleError as error:
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("%(name)s is now active.", name=user.display_name) if user.is_active
                  else _("%(name)s can no longer log in.", name=user.display_name), "success")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("manage.users"))


@bp.post("/users/<id:user_id>/move")
def move_trainee(user_id: int):
    """Move a trainee to another cohort, keeping all his work."""
    trainee = db.get_or_404(User, user_id)
    form = MoveTraineeForm()
    form.cohort_id.choices = _cohort_choices()
    if trainee.enrollment is None:
        abort(404)
    if form.validate_on_submit():
        target = db.get_or_404(Cohort, form.cohort_id.data)
        services.move_trainee(current_user, trainee, target)
        db.session.commit()
        flash(_("%(name)s now belongs to %(cohort)s.", name=trainee.display_name, cohort=target.name), "success")
        return redirect(url_for("manage.cohort", cohort_id=target.id))
    abort(400)


@bp.route("/cohorts/<id:cohort_id>/calendar", methods=["GET", "POST"])
def calendar(cohort_id: int):
    """Set when each week opens and the cohort's usual workshop: its day, time, length and place."""
    cohort = db.get_or_404(Cohort, cohort_id)
    overrides = overrides_for([cohort.id])[cohort.id]
    form = CalendarForm(data={"is_all_open": cohort.is_all_open, "opens_on": [overrides.get(w) for w in current_course().week_numbers]}
                        | {name: getattr(cohort, name) for name in services.USUAL_WORKSHOP})
    if form.validate_on_submit():
        services.set_calendar(current_user, cohort, is_all_open=form.is_all_open.data,
                              week_dates={n: entry.data for n, entry in enumerate(form.opens_on, start=1)})
        usual = {name: _clean(getattr(form, name).data) for name in services.USUAL_WORKSHOP}
        services.set_workshops(current_user, cohort, usual=usual | {"workshop_minutes": usual["workshop_minutes"] or 150},
                               now=utcnow())
        db.session.commit()
        flash(_("Calendar saved."), "success")
        return redirect(url_for("manage.calendar", cohort_id=cohort.id))
    workshops = workshops_for([cohort], {cohort.id: overrides})[cohort.id]
    weeks = [(w, week_opens_on(cohort, w, {}), entry, workshops[w - 1])
             for w, entry in enumerate(form.opens_on, start=1)]
    return render_template("manage/calendar.html", cohort=cohort, form=form, weeks=weeks), \
        (422 if form.errors else 200)


@bp.route("/cohorts/<id:cohort_id>/calendar/<int:number>", methods=["GET", "POST"])
def week_workshop(cohort_id: int, number: int):
    """Give one week a workshop of its own (another day, time or place); empty fields follow the usual one."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if not 1 <= number <= 12:
        abort(404)
    own = own_workshops([cohort.id])[cohort.id].get(number)
    form = WeekWorkshopForm(obj=own)
    if form.validate_on_submit():
        services.set_workshops(current_user, cohort, now=utcnow(),
                               weeks={number: {name: _clean(getattr(form, name).data) for name in services.OWN_WORKSHOP}})
        db.session.commit()
        flash(_("Workshop of week %(n)s saved.", n=number), "success")
        return redirect(url_for("manage.calendar", cohort_id=cohort.id))
    usual = slot_of(cohort, number, overrides_for([cohort.id])[cohort.id], None)
    return render_template("manage/week_workshop.html", cohort=cohort, number=number, form=form, usual=usual), \
        (422 if form.errors else 200)


def _clean(value):
    return value.strip() if isinstance(value, str) else value


@bp.get("/audit")
def audit_log():
    """Read the audit log: who changed grades, attendance, certificates, cohorts and accounts, and when."""
    actor = request.args.get("actor", "").strip().lower()
    action = request.args.get("action", "").strip()
    cohort_id = bounded_int(request.args.get("cohort"))
    page = bounded_int(request.args.get("page")) or 1
    query = select(AuditEvent).order_by(AuditEvent.created_dt.desc(), AuditEvent.id.desc())
    if actor:
        query = query.join(User, AuditEvent.actor_id == User.id).where(User.username == actor)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if cohort_id:
        query = query.where(AuditEvent.cohort_id == cohort_id)
    events = db.session.scalars(query.options(joinedload(AuditEvent.actor)).limit(100).offset((page - 1) * 100)).all()
    actions = sorted(db.session.scalars(select(AuditEvent.action).distinct()))
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.name)).all()
    return render_template("manage/audit.html", lines=audit_sentences.readable(events, str(get_locale())),
                           actions=[(a, audit_sentences.action_name(a)) for a in actions], cohorts=cohorts, actor=actor,
                           action=action, cohort_id=cohort_id, page=page)
