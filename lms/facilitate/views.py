"""Facilitators follow their cohorts; coordinators see every cohort here too."""


from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.access import STAFF, cohort_or_404, role_required, trainee_or_404, visible_cohorts
from lms.charts import bar_chart
from lms.clock import utcnow
from lms.content.loader import current_course
from lms.core import accreditation
from lms.core.accounts import make_reset_link_token
from lms.core.calendar import current_week, lima_today, overrides_for
from lms.core.errors import RuleError
from lms.core.progress import AT_RISK_ABSENCES, progress_for, progress_of
from lms.core.rosters import enrollments_of, trainee_rows
from lms.core.workshops import next_workshop, workshops_for
from lms.exports import csv_response
from lms.extensions import db
from lms.facilitate import services, statistics
from lms.facilitate.forms import ConcernForm, NoteForm, RecommendationForm
from lms.forms import EmptyForm
from lms.labels import labels_for
from lms.localized import LANGUAGES
from lms.models import AttendanceStatus, Concern, QuizAttempt, Reflection, ReflectionVersion, TraineeNote
from lms.offline import keep_offline
from lms.safeguarding_labels import CONCERN_CATEGORIES, CONCERN_DECISIONS

bp = Blueprint("facilitate", __name__, url_prefix="/facilitate")


@bp.before_request
@role_required(*STAFF)
def require_staff():
    """Every page here is for facilitators and coordinators."""



def _locale() -> str:
    return str(get_locale())


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
        this_week = current_week(e.cohort, now, overrides[e.cohort_id], len(course.weeks))
        p = progress[e.id]
        if p.is_at_risk(this_week):
            behind[e.cohort_id].append(e.user)
    weeks = {c.id: current_week(c, now, overrides[c.id], len(course.weeks)) for c in cohorts}
    today = lima_today(now)
    workshops = {cid: next_workshop(slots, today) for cid, slots in workshops_for(cohorts, overrides).items()}
    return render_template("facilitate/index.html", cohorts=cohorts, weeks=weeks, week_count=len(course.weeks),
                           waiting=waiting, behind=behind, queue_size=len(queue), workshops=workshops)


@bp.get("/cohorts/<id:cohort_id>")
def cohort(cohort_id: int):
    """The cohort dashboard: completion, attendance and quiz scores as charts with tables; who is at risk."""
    cohort = cohort_or_404(current_user, cohort_id)
    course, now = current_course(), utcnow()
    rows = trainee_rows(cohort, course, now)
    figures = services.dashboard(rows, course)
    size = max(figures.size, 1)
    charts = {
        "complete": bar_chart([(_("W%(n)s", n=w), c) for w, c in zip(figures.weeks, figures.complete)],
                              maximum=size, title=_("Trainees who completed each week")),
        "attended": bar_chart([(_("W%(n)s", n=w), c) for w, c in zip(figures.weeks, figures.attended)],
                              maximum=size, title=_("Trainees present or late at each workshop")),
        "scores": bar_chart(figures.score_buckets, maximum=max([n for _, n in figures.score_buckets] + [1]),
                            title=_("Best quiz scores, all weeks")),
    }
    this_week = current_week(cohort, now, overrides_for([cohort.id])[cohort.id], len(course.weeks))
    invite_open = cohort.invite_expires_dt is None or cohort.invite_expires_dt > now
    return render_template("facilitate/cohort.html", cohort=cohort, course=course, rows=rows, figures=figures,
                           charts=charts, this_week=this_week, invite_open=invite_open,
                           at_risk=[r for r in rows if r.at_risk], at_risk_absences=AT_RISK_ABSENCES)


@bp.get("/cohorts/<id:cohort_id>/weeks/<int:number>")
def cohort_week(cohort_id: int, number: int):
    """One week of a cohort: who opened the lesson, passed the quiz, had the reflection accepted, attended."""
    cohort = cohort_or_404(current_user, cohort_id)
    week = current_course().week(number) or abort(404)
    rows = trainee_rows(cohort, current_course(), utcnow())
    return render_template("facilitate/cohort_week.html", cohort=cohort, week=week, rows=rows)


@bp.route("/cohorts/<id:cohort_id>/attendance/<int:number>", methods=["GET", "POST"])
def attendance(cohort_id: int, number: int):
    """Take (or correct) the attendance of one workshop: nobody is marked until the facilitator marks him."""
    cohort = cohort_or_404(current_user, cohort_id)
    week = current_course().week(number) or abort(404)
    form = EmptyForm()
    enrollments = enrollments_of([cohort.id])
    if form.validate_on_submit():
        # Read by hand: one radio group per trainee, and beside it what the page showed him as.
        statuses = {e.id: request.form.get(f"e-{e.id}", "") for e in enrollments}
        shown = {e.id: request.form.get(f"shown-{e.id}", "") for e in enrollments}
        changed = services.mark_attendance(current_user, cohort, number, statuses, utcnow(), shown)
        if request.form.get("action") == "all_present":
            changed += services.mark_unmarked_present(current_user, cohort, number, utcnow())
        db.session.commit()
        flash(_("Attendance saved (%(n)s changes).", n=changed), "success")
        if request.form.get("action") == "all_present":
            return redirect(url_for("facilitate.attendance", cohort_id=cohort.id, number=number))
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
    error = error_field = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        scores = {}  # read by hand: the rubric's criteria come from the week's file
        for criterion in week.rubric:
            value = request.form.get(f"c-{criterion.id}", "")
            if value.isdigit():
                scores[criterion.id] = int(value)
        try:
            services.review_reflection(current_user, version, week, decision=request.form.get("decision", ""),
                                       scores=scores, feedback=request.form.get("feedback", ""), now=utcnow())
        except RuleError as grading_error:
            db.session.rollback()
            error, error_field = grading_error.message, grading_error.field
        else:
            db.session.commit()
            flash(_("Review saved. %(name)s will see it on his reflection page.", name=trainee.display_name),
                  "success")
            if request.form.get("next") == "1":
                return redirect(_next_in_queue("reflection", version.id))
            return redirect(url_for("facilitate.trainee", trainee_id=trainee.id))
    history = [v for v in version.reflection.versions if v.id != version.id]
    return render_template("facilitate/review.html", version=version, week=week, trainee=trainee,
                           history=history, form=form, error=error, error_field=error_field,
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
            # Read by hand: one mark per essay question of this quiz.
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
    form = NoteForm()
    if form.validate_on_submit():
        services.add_note(current_user, trainee, form.note.data)
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
                           notes=notes, reflections=reflections, form=form, cohort=trainee.enrollment.cohort), \
        (422 if form.errors else 200)


GRADEBOOK_SORTS = ("name", "progress", "progress_asc")


@bp.get("/cohorts/<id:cohort_id>/gradebook")
def gradebook(cohort_id: int):
    """Trainees × weeks: best quiz score, reflection, attendance, week complete; sortable."""
    cohort = cohort_or_404(current_user, cohort_id)
    sort = request.args.get("sort", "name")
    course = current_course()
    rows = services.sort_rows(trainee_rows(cohort, course, utcnow()), sort if sort in GRADEBOOK_SORTS else "name")
    return render_template("facilitate/gradebook.html", cohort=cohort, rows=rows, sort=sort, course=course,
                           cells=services.gradebook_cells)


@bp.get("/cohorts/<id:cohort_id>/gradebook.csv")
def gradebook_csv(cohort_id: int):
    """The gradebook as CSV that Excel in Spanish opens right (UTF-8 with BOM, `;` by default)."""
    cohort = cohort_or_404(current_user, cohort_id)
    course = current_course()
    rows = services.sort_rows(trainee_rows(cohort, course, utcnow()), "name")
    header = [_("Name"), _("Username")]
    for w in course.week_numbers:
        header += [_("W%(n)s quiz %%", n=w), _("W%(n)s reflection", n=w), _("W%(n)s attendance", n=w),
                   _("W%(n)s complete", n=w)]
    header += [_("Weeks complete"), _("Attendance %")]
    words = labels_for(str(get_locale()))  # statuses in words, in the reader's language
    lines = []
    for r in rows:
        line = [r.user.display_name, r.user.username]
        for w in r.progress.weeks:
            attendance = words.attendance["not_applicable"] if w.before_joining else (
                words.attendance[w.attendance] if w.attendance else "")
            line += ["" if w.quiz_best_percent is None else f"{w.quiz_best_percent:.0f}",
                     words.reflection[w.reflection_status] if w.reflection_status else "",
                     attendance, words.yes if w.is_complete else words.no]
        line += [r.progress.weeks_complete, f"{r.progress.attendance_so_far:.0f}"]
        lines.append(line)
    return csv_response(header, lines, _("gradebook-cohort-%(id)s.csv", id=cohort.id))


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


# ---------------------------------------------------------------- quiz statistics

def _statistics_choice(course):
    """The week, cohort (None: every cohort I may see) and attempt number asked for in the query string."""
    week = course.week(request.args.get("week", 1, type=int)) or abort(404)
    cohort_id = request.args.get("cohort", type=int)
    cohort = cohort_or_404(current_user, cohort_id) if cohort_id else None
    attempt = request.args.get("attempt", "1")
    attempt = statistics.ALL_ATTEMPTS if attempt == statistics.ALL_ATTEMPTS else \
        (int(attempt) if attempt.isdigit() and 1 <= int(attempt) <= week.quiz.max_attempts else 1)
    return week, cohort, attempt


@bp.get("/quiz-statistics")
def quiz_statistics():
    """Statistics per question of one week's quiz: facility, discrimination, the share of each option, flags."""
    course = current_course()
    week, cohort, attempt = _statistics_choice(course)
    cohorts = _my_cohorts()
    rows = statistics.attempt_rows(week.number, [cohort.id] if cohort else [c.id for c in cohorts], attempt)
    figures = statistics.question_statistics(week.quiz.questions(_locale()), rows)
    return render_template("facilitate/quiz_statistics.html", course=course, week=week, cohort=cohort,
                           cohorts=cohorts, attempt=attempt, figures=figures, stats=statistics)


@bp.get("/quiz-statistics.csv")
def quiz_statistics_csv():
    """Every question of one week's quiz, for each attempt number and for all attempts, as CSV."""
    course = current_course()
    week, cohort, _attempt = _statistics_choice(course)
    rows = statistics.attempt_rows(week.number, [cohort.id] if cohort else [c.id for c in _my_cohorts()])
    header, lines = statistics.csv_table(week, week.quiz.questions(_locale()), rows)
    where = f"cohort-{cohort.id}" if cohort else "cohorts"
    return csv_response(header, lines, f"quiz-statistics-week-{week.number:02d}-{where}.csv")


@bp.get("/quiz-files/<int:number>")
def quiz_file(number: int):
    """The GIFT file of a week's quiz with numbered lines, so that a flagged question can be found in it."""
    course = current_course()
    week = course.week(number) or abort(404)
    language = request.args.get("lang", _locale())
    if language not in LANGUAGES:
        abort(404)
    path = (Path(current_app.config["COURSES_DIR"]) / current_app.config["COURSE_SLUG"]
            / f"{week.number:02d}-{week.slug}" / f"quiz.{language}.gift")
    lines = path.read_text(encoding="utf-8").splitlines()
    return render_template("facilitate/quiz_file.html", week=week, language=language, lines=lines,
                           name=f"{path.parent.name}/{path.name}")
# ---------------------------------------------------------------- accreditation and safeguarding (issue 20)

@bp.route("/trainees/<id:trainee_id>/recommendation", methods=["GET", "POST"])
def recommendation(trainee_id: int):
    """Recommend an eligible trainee for accreditation, or say not yet, with a private reason."""
    trainee = trainee_or_404(current_user, trainee_id)
    current = accreditation.recommendation_of(trainee.enrollment)
    form = RecommendationForm(obj=current)
    course, now = current_course(), utcnow()
    status = 200
    if form.validate_on_submit():
        try:
            accreditation.record_recommendation(current_user, trainee.enrollment, course, form.decision.data,
                                                form.reason.data, now)
        except RuleError as error:
            db.session.rollback()
            _form_error(form, error)
            status = 422
        else:
            db.session.commit()
            flash(_("Recommendation saved. The coordinators will see it when they decide."), "success")
            return redirect(url_for("facilitate.trainee", trainee_id=trainee.id))
    elif form.is_submitted():
        status = 422
    progress = progress_of(trainee.enrollment, course, now)
    return render_template("facilitate/recommendation.html", trainee=trainee, form=form, current=current,
                           progress=progress, accepted=accreditation.acceptance_of(trainee.enrollment),
                           cohort=trainee.enrollment.cohort), status


@bp.route("/trainees/<id:trainee_id>/concerns", methods=["GET", "POST"])
def concern(trainee_id: int):
    """Record a safeguarding concern about a trainee or promoter; list the ones I recorded."""
    trainee = trainee_or_404(current_user, trainee_id)
    form = ConcernForm()
    status = 200
    if form.validate_on_submit():
        try:
            recorded = accreditation.record_concern(current_user, trainee, form.category.data, form.account.data,
                                                    utcnow())
        except RuleError as error:
            db.session.rollback()
            _form_error(form, error)
            status = 422
        else:
            db.session.commit()
            flash(_("Concern %(reference)s recorded. It holds his accreditation until a coordinator decides.",
                    reference=accreditation.format_reference(recorded.reference)), "success")
            return redirect(url_for("facilitate.concern", trainee_id=trainee.id))
    elif form.is_submitted():
        status = 422
    mine = db.session.scalars(accreditation.visible_concerns(current_user)
                              .where(Concern.subject_id == trainee.id, Concern.recorded_by_id == current_user.id)).all()
    return render_template("facilitate/concern.html", trainee=trainee, form=form, concerns=mine,
                           categories=CONCERN_CATEGORIES, decisions=CONCERN_DECISIONS,
                           reference=accreditation.format_reference, cohort=trainee.enrollment.cohort), status


def _form_error(form, error: RuleError) -> None:
    """Show a rule's refusal beside its field (or above the form), keeping what was typed."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")
