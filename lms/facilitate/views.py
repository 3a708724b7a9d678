"""Facilitators follow their cohorts; coordinators see every cohort here too."""


from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.access import STAFF, cohort_or_404, role_required, trainee_or_404, visible_cohorts
from lms.charts import bar_chart
from lms.clock import utcnow
from lms.content.loader import current_course
from lms.core.accounts import make_reset_link_token
from lms.core.calendar import current_week, lima_today, overrides_for
from lms.core.errors import RuleError
from lms.core.progress import AT_RISK_ABSENCES, progress_for, progress_of
from lms.core.rosters import enrollments_of, trainee_rows
from lms.core.workshops import next_workshop, workshops_for
from lms.exports import csv_response
from lms.extensions import db
from lms.facilitate import services
from lms.forms import EmptyForm
from lms.models import AttendanceStatus, QuizAttempt, Reflection, ReflectionVersion, TraineeNote
from lms.offline import keep_offline

bp = Blueprint("facilitate", __name__, url_prefix="/facilitate")


@bp.before_request
@role_required(*STAFF)
def require_staff():
    """Every page here is for facilitators and coordinators."""



def _my_cohorts():
    return db.session.scalars(visible_cohorts(current_user)).unique().all()


@bp.get("/")
def index():
    """List my cohorts with this week's number, what waits for grading and who is falling behind."""
    cohorts = _my_cohorts()
    course, now = current_course(), utcnow()
    overrides = overrides_for([c.id for c in cohorts])
    queue = services.grading_queue([c.id for c in cohorts])
    waiting = {c.id: sum(1 for item in queue if item.cohort.id == c.id) for c in cohorts}
    enrollments = enrollments_of([c.id for c in cohorts])
    progress = progress_for(enrollments, course, now)
    behind = {c.id: [] for c in cohorts}
    for e in enrollments:
        this_week = current_week(e.cohort, now, overrides[e.cohort_id])
        p = progress[e.id]
        if p.is_at_risk(this_week):
            behind[e.cohort_id].append(e.user)
    weeks = {c.id: current_week(c, now, overrides[c.id]) for c in cohorts}
    today = lima_today(now)
    workshops = {cid: next_workshop(slots, today) for cid, slots in workshops_for(cohorts, overrides).items()}
    return render_template("facilitate/index.html", cohorts=cohorts, weeks=weeks, waiting=waiting, behind=behind,
                           queue_size=len(queue), workshops=workshops)


@bp.get("/cohorts/<id:cohort_id>")
def cohort(cohort_id: int):
    """The cohort dashboard: completion, attendance and quiz scores as charts with tables; who is at risk."""
    cohort = cohort_or_404(current_user, cohort_id)
    course, now = current_course(), utcnow()
    rows = trainee_rows(cohort, course, now)
    figures = services.dashboard(rows)
    size = max(figures.size, 1)
    charts = {
        "complete": bar_chart([(_("W%(n)s", n=w), c) for w, c in zip(figures.weeks, figures.complete)],
                              maximum=size, title=_("Trainees who completed each week")),
        "attended": bar_chart([(_("W%(n)s", n=w), c) for w, c in zip(figures.weeks, figures.attended)],
                              maximum=size, title=_("Trainees present or late at each workshop")),
        "scores": bar_chart(figures.score_buckets, maximum=max([n for _, n in figures.score_buckets] + [1]),
                            title=_("Best quiz scores, all weeks")),
    }
    this_week = current_week(cohort, now, overrides_for([cohort.id])[cohort.id])
    invite_open = cohort.invite_expires_dt is None or cohort.invite_expires_dt > now
    return render_template("facilitate/cohort.html", cohort=cohort, rows=rows, figures=figures, charts=charts,
                           this_week=this_week, invite_open=invite_open, at_risk=[r for r in rows if r.at_risk], button=EmptyForm(), at_risk_absences=AT_RISK_ABSENCES)


@bp.get("/cohorts/<id:cohort_id>/weeks/<int:number>")
def cohort_week(cohort_id: int, number: int):
    """One week of a cohort: who opened the lesson, passed the quiz, had the reflection accepted, attended."""
    cohort = cohort_or_404(current_user, cohort_id)
    week = current_course().week(number) or abort(404)
    rows = trainee_rows(cohort, current_course(), utcnow())
    return render_template("facilitate/cohort_week.html", cohort=cohort, week=week, rows=rows)


@bp.route("/cohorts/<id:cohort_id>/attendance/<int:number>", methods=["GET", "POST"])
def attendance(cohort_id: int, number: int):
    """Take (or correct) the attendance of one workshop: everyone present until changed."""
    cohort = cohort_or_404(current_user, cohort_id)
    week = current_course().week(number) or abort(404)
    form = EmptyForm()
    enrollments = enrollments_of([cohort.id])
    if form.validate_on_submit():
        statuses = {e.id: request.form.get(f"e-{e.id}", "") for e in enrollments}
        changed = services.mark_attendance(current_user, cohort, number, statuses, utcnow())
        db.session.commit()
        flash(_("Attendance saved (%(n)s changes).", n=changed), "success")
        return redirect(url_for("facilitate.cohort_week", cohort_id=cohort.id, number=number))
    records = services.attendance_of(cohort, number)
    workshop = workshops_for([cohort])[cohort.id][number - 1]
    return render_template("facilitate/attendance.html", cohort=cohort, week=week, enrollments=enrollments,
                           records=records, statuses=list(AttendanceStatus), form=form, workshop=workshop)


@bp.get("/queue")
def queue():
    """Reflections and essay answers waiting for grading, oldest first, in my cohorts."""
    items = services.grading_queue([c.id for c in _my_cohorts()])
    return render_template("facilitate/queue.html", items=items)


def _next_in_queue(after_kind: str, after_id: int):
    items = [i for i in services.grading_queue([c.id for c in _my_cohorts()])
             if not (i.kind == after_kind and i.id == after_id)]
    if not items:
        return url_for("facilitate.queue")
    first = items[0]
    endpoint = "facilitate.review" if first.kind == "reflection" else "facilitate.essays"
    return url_for(endpoint, item_id=first.id)


@bp.route("/reflections/<id:item_id>", methods=["GET", "POST"])
def review(item_id: int):
    """Grade a reflection with the week's rubric, write feedback, accept it or return it for revision."""
    version = db.get_or_404(ReflectionVersion, item_id)
    enrollment = version.reflection.enrollment
    trainee = trainee_or_404(current_user, enrollment.user_id)
    week = current_course().week(version.reflection.week)
    form = EmptyForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        scores = {}
        for criterion in week.rubric:
            value = request.form.get(f"c-{criterion.id}", "")
            if value.isdigit():
                scores[criterion.id] = int(value)
        try:
            services.review_reflection(current_user, version, week, decision=request.form.get("decision", ""),
                                       scores=scores, feedback=request.form.get("feedback", ""), now=utcnow())
        except RuleError as grading_error:
            db.session.rollback()
            error = grading_error.message
        else:
            db.session.commit()
            flash(_("Review saved. %(name)s will see it on his reflection page.", name=trainee.display_name),
                  "success")
            if request.form.get("next") == "1":
                return redirect(_next_in_queue("reflection", version.id))
            return redirect(url_for("facilitate.trainee", trainee_id=trainee.id))
    history = [v for v in version.reflection.versions if v.id != version.id]
    return render_template("facilitate/review.html", version=version, week=week, trainee=trainee,
                           history=history, form=form, error=error,
                           chosen={k[2:]: v for k, v in request.form.items() if k.startswith("c-")}), \
        (422 if error else 200)


@bp.route("/attempts/<id:item_id>", methods=["GET", "POST"])
def essays(item_id: int):
    """Grade the written (essay) answers of a quiz attempt."""
    attempt = db.get_or_404(QuizAttempt, item_id)
    trainee = trainee_or_404(current_user, attempt.enrollment.user_id)
    week = current_course().week(attempt.week)
    questions = [q for q in week.quiz.questions(attempt.locale) if q.type == "essay"]
    form = EmptyForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            fractions = {q.name: float(request.form.get(f"q-{q.name}", "")) / 100 for q in questions}
            services.grade_essays(current_user, attempt, week, fractions, utcnow())
        except ValueError as grading_error:
            db.session.rollback()
            error = getattr(grading_error, "message", _("Give every written answer a mark between 0 and 100 %."))
        else:
            db.session.commit()
            flash(_("Answers graded."), "success")
            if request.form.get("next") == "1":
                return redirect(_next_in_queue("essay", attempt.id))
            return redirect(url_for("facilitate.queue"))
    return render_template("facilitate/essays.html", attempt=attempt, week=week, trainee=trainee,
                           questions=questions, form=form, error=error), (422 if error else 200)


@bp.route("/trainees/<id:trainee_id>", methods=["GET", "POST"])
def trainee(trainee_id: int):
    """One trainee: his weeks, his reflections and the facilitators' private notes."""
    trainee = trainee_or_404(current_user, trainee_id)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            services.add_note(current_user, trainee, request.form.get("note", ""))
        except RuleError as note_error:
            flash(str(note_error.message), "error")
        else:
            db.session.commit()
            flash(_("Note saved. Only facilitators and coordinators can read it."), "success")
        return redirect(url_for("facilitate.trainee", trainee_id=trainee.id))
    course = current_course()
    progress = progress_of(trainee.enrollment, course, utcnow())
    notes = db.session.scalars(select(TraineeNote).where(TraineeNote.trainee_id == trainee.id)
                               .order_by(TraineeNote.created_dt.desc())).all()
    reflections = db.session.scalars(select(Reflection).where(Reflection.enrollment_id == trainee.enrollment.id)
                                     .order_by(Reflection.week)).all()
    return render_template("facilitate/trainee.html", trainee=trainee, progress=progress, course=course,
                           notes=notes, reflections=reflections, form=form, cohort=trainee.enrollment.cohort)


GRADEBOOK_SORTS = ("name", "progress", "progress_asc")


@bp.get("/cohorts/<id:cohort_id>/gradebook")
def gradebook(cohort_id: int):
    """Trainees × 12 weeks: best quiz score, reflection, attendance, week complete; sortable."""
    cohort = cohort_or_404(current_user, cohort_id)
    sort = request.args.get("sort", "name")
    rows = services.sort_rows(trainee_rows(cohort, current_course(), utcnow()),
                              sort if sort in GRADEBOOK_SORTS else "name")
    return render_template("facilitate/gradebook.html", cohort=cohort, rows=rows, sort=sort,
                           cells=services.gradebook_cells)


@bp.get("/cohorts/<id:cohort_id>/gradebook.csv")
def gradebook_csv(cohort_id: int):
    """The gradebook as CSV that Excel in Spanish opens right (UTF-8 with BOM, `;` by default)."""
    cohort = cohort_or_404(current_user, cohort_id)
    rows = services.sort_rows(trainee_rows(cohort, current_course(), utcnow()), "name")
    header = [_("Name"), _("Username")]
    for w in range(1, 13):
        header += [_("W%(n)s quiz %%", n=w), _("W%(n)s reflection", n=w), _("W%(n)s attendance", n=w),
                   _("W%(n)s complete", n=w)]
    header += [_("Weeks complete"), _("Attendance %")]
    lines = []
    for r in rows:
        line = [r.user.display_name, r.user.username]
        for w in r.progress.weeks:
            line += ["" if w.quiz_best_percent is None else f"{w.quiz_best_percent:.0f}", w.reflection_status or "",
                     w.attendance or "", _("yes") if w.is_complete else _("no")]
        line += [r.progress.weeks_complete, f"{r.progress.attendance_so_far:.0f}"]
        lines.append(line)
    filename = f"gradebook-cohort-{cohort.id}.csv"
    return csv_response(header, lines, filename)


@bp.post("/trainees/<id:trainee_id>/reset-link")
def reset_link(trainee_id: int):
    """Make a one-time password link for a trainee of my cohort."""
    trainee = trainee_or_404(current_user, trainee_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    token = make_reset_link_token(current_user, trainee, utcnow(), current_app.config["RESET_LINK_HOURS"])
    db.session.commit()
    link = url_for("auth.reset_password", token=token, _external=True)
    return render_template("reset_link.html", user=trainee, link=link, created=False)


@bp.get("/guide/<int:number>")
def guide(number: int):
    """Show the session guide of a week (facilitators and coordinators only)."""
    week = current_course().week(number)
    if week is None:
        abort(404)
    return keep_offline(render_template("facilitate/guide.html", week=week))
