"""The trainee's pre and post surveys: a baseline before the first lesson, an endline in the last week."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import role_required
from lms.clock import utcnow
from lms.content.loader import current_course
from lms.core.calendar import cohort_overrides, week_is_open
from lms.core.errors import RuleError
from lms.core.surveys import PHASES, answered_surveys, phase_week
from lms.extensions import db
from lms.forms import EmptyForm
from lms.models import Role
from lms.surveys import services

bp = Blueprint("surveys", __name__)


def _phase_open(phase: str, course) -> bool:
    cohort = current_user.enrollment.cohort
    return week_is_open(cohort, phase_week(phase, course), utcnow(), cohort_overrides(cohort))


@bp.get("/surveys/<phase>")
@role_required(Role.TRAINEE)
def phase(phase: str):
    """Go to the first survey of this phase that is still unanswered, or home when all are."""
    course = current_course()
    if phase not in PHASES or not course.surveys:
        abort(404)
    if not _phase_open(phase, course):
        abort(403)
    done = answered_surveys(current_user.enrollment, phase)
    pending = [s for s in course.surveys if s.id not in done]
    if not pending:
        flash(_("Thank you: your answers are saved."), "success")
        return redirect(url_for("learn.home"))
    return redirect(url_for("surveys.survey", phase=phase, survey_id=pending[0].id))


@bp.route("/surveys/<phase>/<survey_id>", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def survey(phase: str, survey_id: str):
    """Answer one survey (attitudes or knowledge) at the start or the end of the course."""
    course = current_course()
    survey = next((s for s in course.surveys if s.id == survey_id), None)
    if phase not in PHASES or survey is None:
        abort(404)
    if not _phase_open(phase, course):
        abort(403)
    enrollment = current_user.enrollment
    if survey.id in answered_surveys(enrollment, phase):
        return redirect(url_for("surveys.phase", phase=phase))
    form = EmptyForm()
    missing: list[str] = []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            answers = services.parse_answers(survey, request.form)  # by hand: the survey file names the items
        except RuleError as error:
            missing = error.missing
            flash(str(error.message), "error")
        else:
            services.record(enrollment, survey, phase, answers, course)
            db.session.commit()
            return redirect(url_for("surveys.phase", phase=phase))
    position = [s.id for s in course.surveys].index(survey.id) + 1
    return render_template("surveys/survey.html", survey=survey, phase=phase, form=form, missing=set(missing),
                           position=position, total=len(course.surveys)), (422 if missing else 200)
