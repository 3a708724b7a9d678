"""The trainee's weeks: home, lesson, quiz, reflection."""


from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.access import STAFF, role_required
from lms.clock import utcnow
from lms.content.loader import current_course
from lms.core.calendar import cohort_overrides, lima_today, week_is_open, week_opens_at
from lms.core.errors import RuleError
from lms.core.network import is_member
from lms.core.progress import progress_of
from lms.core.shuffle import answers_in_order, choices_in_order, stems_in_order
from lms.core.standing import requirements
from lms.core.surveys import phases_done
from lms.core.workshops import next_workshop_of, workshop_of
from lms.extensions import db
from lms.forms import EmptyForm
from lms.learn import review, services
from lms.learn.forms import ReflectionForm
from lms.models import AttemptStatus, ReflectionStatus, Role
from lms.offline import SAVE_HEADER, keep_offline

bp = Blueprint("learn", __name__)

ROLE_HOMES = {
    Role.FACILITATOR: "facilitate.index",
    Role.COORDINATOR: "manage.cohorts",
    Role.ADMIN: "manage.cohorts",
}



def _locale() -> str:
    return str(get_locale())


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/")
@login_required
def home():
    """Show a trainee his twelve weeks and what to do next; send everyone else to the home of their role."""
    if current_user.role in ROLE_HOMES:
        return redirect(url_for(ROLE_HOMES[current_user.role]))
    if current_user.role != Role.TRAINEE:
        return redirect(url_for("verify.registry"))
    course, now = current_course(), utcnow()
    enrollment = current_user.enrollment
    progress = progress_of(enrollment, course, now)
    has_certificate = is_member(current_user)  # an accredited promoter: the Network's part of his home
    return keep_offline(render_template(
        "learn/home.html", course=course, progress=progress, cohort=enrollment.cohort,
        has_certificate=has_certificate, requirements=requirements(progress, course),
        workshop=next_workshop_of(enrollment.cohort, lima_today(now))))


def _open_week_or_locked(number: int):
    """The course week and the trainee's enrollment, or a response saying when the week opens."""
    course = current_course()
    week = course.week(number)
    if week is None:
        abort(404)
    enrollment = current_user.enrollment
    overrides = cohort_overrides(enrollment.cohort)
    if not week_is_open(enrollment.cohort, number, utcnow(), overrides):
        opens_at = week_opens_at(enrollment.cohort, number, overrides)
        return course, week, enrollment, (render_template("learn/locked.html", week=week, opens_at=opens_at), 403)
    return course, week, enrollment, None


@bp.get("/weeks/<int:number>")
@login_required
def lesson(number: int):
    """Show a week's lesson and record that the trainee opened it."""
    if current_user.has_role(*STAFF):
        week = current_course().week(number) or abort(404)
        return keep_offline(render_template("learn/lesson.html", week=week, for_trainee=False))
    if current_user.role != Role.TRAINEE:
        abort(403)
    course, week, enrollment, locked = _open_week_or_locked(number)
    if locked:
        return locked
    if number == 1 and course.surveys_required and course.surveys:
        if "pre" not in phases_done([enrollment.id], course)[enrollment.id]:
            flash(_("Before the first lesson, answer two short surveys. They help us know if the course works."),
                  "info")
            return redirect(url_for("surveys.phase", phase="pre"))
    # A copy the phone keeps for reading offline is not a reading: it does not count as the lesson opened.
    if SAVE_HEADER not in request.headers and services.record_lesson_opened(enrollment, number):
        db.session.commit()
    return keep_offline(render_template("learn/lesson.html", week=week, for_trainee=True,
                                        workshop=workshop_of(enrollment.cohort, number)))


@bp.get("/glosario")
def glossary():
    """Show the words of the course explained in short, to anyone: lessons link each term to its entry here."""
    glossary = current_course().glossary or abort(404)
    return keep_offline(render_template("learn/glossary.html", glossary=glossary))


def _raw_responses(questions) -> dict:
    """The answers in the quiz form, read by hand: the fields are the week's questions, of several types."""
    responses = {}
    for q in questions:
        key = f"q-{q.name}"
        if q.type == "multichoice" and not q.single:
            responses[q.name] = request.form.getlist(key)
        elif q.type == "matching":
            pairs = [a for a in q.answers if a.question]
            responses[q.name] = {str(i): request.form.get(f"{key}-{i}", "") for i in range(len(pairs))}
        else:
            responses[q.name] = request.form.get(key, "")
    return responses


@bp.route("/weeks/<int:number>/quiz", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def quiz(number: int):
    """Answer the week's quiz: drafts are saved as the trainee goes; submitting scores an attempt."""
    course, week, enrollment, locked = _open_week_or_locked(number)
    if locked:
        return locked
    questions = week.quiz.questions(_locale())
    attempts = services.attempts_of(enrollment, number)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        draft = services.current_draft(attempts)
        attempt_id = request.form.get("attempt", type=int)
        if draft is None or draft.id != attempt_id:
            # Submitted already (a double click, or another tab): show that attempt's result.
            done = next((a for a in attempts if a.id == attempt_id), None)
            if done is not None:
                result_page = url_for("learn.attempt", number=number, attempt_number=done.number)
                if _wants_json():
                    return jsonify(saved=False, submitted=True, next=result_page)
                return redirect(result_page)
            abort(409)
        raw = _raw_responses(questions)
        overlong = services.overlong_answers(raw)
        if overlong:
            # Nothing is saved or cut: the answers come back as typed, with what to shorten.
            flash(_("A written answer may have up to %(n)s characters. Shorten the marked answer; nothing has "
                    "been lost.", n=services.ANSWER_MAX_CHARS), "error")
            return render_template("learn/quiz.html", week=week, questions=questions, attempt=draft,
                                   responses=raw, missing=set(overlong), attempts=attempts, form=form,
                                   order=draft.answer_order, answers_in_order=answers_in_order,
                                   stems_in_order=stems_in_order, choices_in_order=choices_in_order), 422
        responses = services.clean_responses(questions, raw)
        if request.form.get("action") == "submit":
            missing = services.missing_answers(questions, responses)
            if missing:
                services.save_draft(draft, responses, utcnow())
                db.session.commit()
                if _wants_json():
                    return jsonify(saved=True, submitted=False, missing=missing), 422
                flash(_("Answer every question before sending. Your answers so far are saved."), "error")
                return _quiz_page(week, questions, draft, responses, set(missing), attempts, form), 422
            # Built first: submitting expires the draft (its row changed under it), and reading it again
            # after that would cost a transaction and a query just for its number.
            result_page = url_for("learn.attempt", number=number, attempt_number=draft.number)
            services.submit_attempt(draft, responses, questions, week.quiz.pass_mark, utcnow())
            db.session.commit()
            if _wants_json():
                # autosave.js forgets the phone's copy only on this answer, then opens the page itself.
                return jsonify(saved=True, submitted=True, next=result_page)
            return redirect(result_page)
        saved = services.save_draft(draft, responses, utcnow())
        db.session.commit()
        if _wants_json():
            return jsonify(saved=saved, saved_at=utcnow().isoformat())
        flash(_("Draft saved. You can come back and finish later."), "success")
        return redirect(url_for("learn.quiz", number=number))

    progress = progress_of(enrollment, course, utcnow()).week(number)
    try:
        draft = services.start_draft(enrollment, week, course, _locale())
    except RuleError as error:
        return render_template("learn/quiz_closed.html", week=week, message=error.message, attempts=attempts,
                               progress=progress)
    db.session.commit()
    return _quiz_page(week, questions, draft, draft.responses or {}, set(), attempts, form)


def _quiz_page(week, questions, draft, responses: dict, missing: set, attempts, form):
    """The quiz form, its options in the order drawn for this attempt."""
    return render_template("learn/quiz.html", week=week, questions=questions, attempt=draft, responses=responses,
                           missing=missing, attempts=attempts, form=form, order=draft.answer_order,
                           answers_in_order=answers_in_order, stems_in_order=stems_in_order,
                           choices_in_order=choices_in_order)


@bp.get("/weeks/<int:number>/quiz/attempts/<int:attempt_number>")
@role_required(Role.TRAINEE)
def attempt(number: int, attempt_number: int):
    """Show a submitted attempt: score, passed or not, and what each answer teaches."""
    course, week, enrollment, locked = _open_week_or_locked(number)
    if locked:
        return locked
    attempts = services.attempts_of(enrollment, number)
    attempt = next((a for a in attempts if a.number == attempt_number and a.is_submitted), None)
    if attempt is None:
        abort(404)
    questions = week.quiz.questions(_locale())
    remaining = week.quiz.max_attempts - services.submitted_count(attempts)
    passed_any = any(a.is_passed for a in attempts)
    show_right = review.shows_right_answers(course.review_right_answer, passed=passed_any, attempts_left=remaining)
    best = max((a.percent for a in attempts if a.status == AttemptStatus.GRADED), default=None)
    return render_template("learn/attempt.html", week=week, attempt=attempt,
                           items=review.review_items(questions, attempt, show_right), show_right=show_right,
                           remaining=remaining, best=best, passed_any=passed_any)


@bp.route("/weeks/<int:number>/reflection", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def reflection(number: int):
    """Write the week's reflection: save drafts, send it, read the facilitator's feedback, revise."""
    course, week, enrollment, locked = _open_week_or_locked(number)
    if locked:
        return locked
    max_chars = current_app.config["REFLECTION_MAX_CHARS"]
    form = ReflectionForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        text = form.text.data or ""
        try:
            if form.is_submit:
                services.submit_reflection(enrollment, number, text, utcnow(), max_chars,
                                           current_app.config["REFLECTION_MAX_VERSIONS"])
                db.session.commit()
                flash(_("Your reflection was sent to your facilitator."), "success")
                short = services.shorter_than_asked(text)
                if short:
                    flash(short, "info")
                page = url_for("learn.reflection", number=number)
                if _wants_json():
                    return jsonify(saved=True, submitted=True, next=page)
                return redirect(page)
            services.save_reflection_draft(enrollment, number, text, utcnow(), max_chars)
            db.session.commit()
            if _wants_json():
                return jsonify(saved=True, saved_at=utcnow().isoformat())
            flash(_("Draft saved."), "success")
            return redirect(url_for("learn.reflection", number=number))
        except RuleError as work_error:
            db.session.rollback()
            if _wants_json():
                return jsonify(saved=False, submitted=False, error=str(work_error.message)), 422
            error = work_error.message
            form.text.errors = [error]
    reflection = services.reflection_of(enrollment, number)
    if request.method == "GET":
        form.text.data = reflection.draft_text if reflection else ""
    versions = list(reversed(reflection.versions)) if reflection else []
    return render_template("learn/reflection.html", week=week, reflection=reflection, form=form, error=error,
                           versions=versions, max_chars=max_chars, words=services.word_count(form.text.data),
                           suggested=services.SUGGESTED_WORDS, ReflectionStatus=ReflectionStatus), (422 if error else 200)
