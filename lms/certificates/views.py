"""Coordinators accredit (issue), suspend and revoke certificates and decide on safeguarding concerns; a trainee
accepts the code of conduct, then sees and downloads his certificate."""


from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lms.access import role_required
from lms.certificates.forms import CloseConcernForm, ConductForm, RevokeForm
from lms.clock import utcnow
from lms.content.loader import current_course
from lms.core import accreditation
from lms.core.certificates import services
from lms.core.certificates.codes import format_code
from lms.core.errors import RuleError
from lms.core.progress import progress_of
from lms.core.rosters import enrollments_of
from lms.core.standing import requirements, weeks_left
from lms.extensions import db
from lms.forms import EmptyForm
from lms.models import Certificate, Cohort, Concern, RevocationReason, Role
from lms.routing import bounded_int, public_base_url
from lms.safeguarding_labels import CONCERN_CATEGORIES, CONCERN_DECISIONS, RECOMMENDATIONS, STAGES

bp = Blueprint("certificates", __name__)
ISSUED_PER_PAGE = 50



@bp.get("/manage/certificates")
@role_required(Role.COORDINATOR)
def index():
    """Who may be accredited now, who completed the course but waits (and why), and every certificate issued."""
    course = current_course()
    cohort_ids = list(db.session.scalars(select(Cohort.id)))
    standings = accreditation.standings(enrollments_of(cohort_ids), course, utcnow())
    # Fifty at a time, newest first: each row carries its own forms, and five hundred of them made a
    # page of 4 MB that took seconds to draw (docs/performance-history.md).
    page = bounded_int(request.args.get("page")) or 1
    issued = db.session.scalars(select(Certificate).options(joinedload(Certificate.cohort))
                                .order_by(Certificate.issued_dt.desc(), Certificate.id.desc())
                                .offset((page - 1) * ISSUED_PER_PAGE).limit(ISSUED_PER_PAGE + 1)).all()
    older = len(issued) > ISSUED_PER_PAGE
    issued_count = db.session.scalar(select(func.count()).select_from(Certificate))
    open_concerns = db.session.scalar(select(func.count()).select_from(Concern).where(Concern.is_open))
    return render_template("certificates/index.html", candidates=[s for s in standings if s.is_ready],
                           waiting=[s for s in standings if not s.is_ready], issued=issued[:ISSUED_PER_PAGE],
                           page=page, older=older, issued_count=issued_count, form=EmptyForm(),
                           reasons=list(RevocationReason), stages=STAGES, recommendations=RECOMMENDATIONS,
                           open_concerns=open_concerns,
                           revoked=_revoked_reasons([s.enrollment.user_id for s in standings]),
                           revoke_form=RevokeForm(formdata=None))


def _revoked_reasons(user_ids: list[int]) -> dict[int, str]:
    """Why each of these people's last revoked certificate was revoked: the coordinator should know before
    issuing again, and nobody whose certificate was revoked is ticked for him."""
    if not user_ids:
        return {}
    rows = db.session.execute(select(Certificate.user_id, Certificate.revoked_reason)
                              .where(Certificate.user_id.in_(user_ids), Certificate.revoked_dt.is_not(None))
                              .order_by(Certificate.revoked_dt))
    return {user_id: reason for user_id, reason in rows}


@bp.post("/manage/certificates/issue")
@role_required(Role.COORDINATOR)
def issue():
    """Accredit the chosen trainees: issue their certificates, with each name as it will be printed. Anyone whom a
    concern or a missing recommendation holds is refused, with the reason."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    course, now = current_course(), utcnow()
    # Read by hand: one checkbox and one printed-name box per eligible trainee, a list only the roster knows.
    chosen = {int(v) for v in request.form.getlist("enrollment") if v.isdigit()}
    enrollments = [e for e in enrollments_of(list(db.session.scalars(select(Cohort.id)))) if e.id in chosen]
    candidates = {c.enrollment.id: c for c in services.eligible(enrollments, course, now)}
    if len(candidates) > 1 and request.form.get("confirmed") != "1":
        # More than one certificate at once: show who, with the names as they will print, and ask again.
        chosen_rows = [(candidates[e.id], " ".join(request.form.get(f"name-{e.id}", e.user.display_name).split()))
                       for e in enrollments if e.id in candidates]
        return render_template("certificates/confirm_issue.html", rows=chosen_rows, form=form)
    issued, problems = 0, []
    for enrollment in enrollments:
        candidate = candidates.get(enrollment.id)
        if candidate is None:
            continue  # already issued (a double click) or no longer eligible
        name = request.form.get(f"name-{enrollment.id}", enrollment.user.display_name)
        try:
            with db.session.begin_nested():
                services.issue(current_user, enrollment, course, printed_name=name, now=now,
                               progress=candidate.progress)
            issued += 1
        except RuleError as error:
            problems.append(str(error.message))
        except IntegrityError:
            continue  # issued by another request at the same moment
    db.session.commit()
    if issued:
        flash(_("Certificates issued: %(n)s.", n=issued), "success")
    for problem in problems:
        flash(problem, "error")
    if not issued and not problems:
        flash(_("Choose at least one trainee."), "error")
    return redirect(url_for("certificates.index"))


@bp.post("/manage/certificates/<id:certificate_id>/suspend")
@role_required(Role.COORDINATOR)
def suspend(certificate_id: int):
    """Suspend an accredited promoter's certificate while a concern is reviewed."""
    return _change_status(certificate_id, services.suspend, _("Certificate %(code)s suspended."))


@bp.post("/manage/certificates/<id:certificate_id>/lift-suspension")
@role_required(Role.COORDINATOR)
def lift_suspension(certificate_id: int):
    """Lift a suspension: the certificate reads VÁLIDO again."""
    return _change_status(certificate_id, services.lift_suspension,
                          _("The suspension of %(code)s is lifted: it is valid again."))


def _change_status(certificate_id: int, change, message: str):
    certificate = db.get_or_404(Certificate, certificate_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        change(current_user, certificate, utcnow())
    except RuleError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(message % {"code": format_code(certificate.code)}, "success")
    back = request.form.get("next", "")
    return redirect(back if back.startswith("/manage/") else url_for("certificates.index"))


@bp.post("/manage/certificates/<id:certificate_id>/revoke")
@role_required(Role.COORDINATOR)
def revoke(certificate_id: int):
    """Revoke a certificate (the record stays), optionally issuing a new one with a new code; asks first."""
    certificate = db.get_or_404(Certificate, certificate_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return render_template("certificates/confirm_revoke.html", certificate=certificate, form=form), 422
    name = " ".join((form.name.data or certificate.holder_name).split())
    if not form.is_confirmed:
        return render_template("certificates/confirm_revoke.html", certificate=certificate, form=form, name=name)
    try:
        if form.reissue.data:
            new = services.reissue(current_user, certificate, current_course(), printed_name=name, now=utcnow())
            message = _("Certificate revoked and re-issued with the code %(code)s.", code=format_code(new.code))
        else:
            services.revoke(current_user, certificate, form.reason.data, utcnow())
            message = _("Certificate %(code)s revoked.", code=format_code(certificate.code))
    except RuleError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("certificates.index"))


# ---------------------------------------------------------------- safeguarding concerns

@bp.get("/manage/concerns")
@role_required(Role.COORDINATOR)
def concerns():
    """The coordinators' queue of safeguarding concerns: open ones first, each with its person and certificate."""
    rows = db.session.scalars(accreditation.visible_concerns(current_user)
                              .options(joinedload(Concern.subject), joinedload(Concern.certificate),
                                       joinedload(Concern.recorded_by)).limit(500)).all()
    return render_template("certificates/concerns.html", concerns=rows, categories=CONCERN_CATEGORIES,
                           decisions=CONCERN_DECISIONS, reference=accreditation.format_reference)


@bp.route("/manage/concerns/<id:concern_id>", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def concern(concern_id: int):
    """Read a concern and close it with a decision, its date and the reasons; suspend the certificate if needed."""
    item = db.get_or_404(Concern, concern_id)
    form = CloseConcernForm()
    status = 200
    if item.is_open and form.validate_on_submit():
        try:
            accreditation.close_concern(current_user, item, form.decision.data, form.decided_on.data,
                                        form.reasons.data, utcnow())
        except RuleError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", None)
            if field is not None:
                field.errors = [*field.errors, str(error.message)]
            else:
                flash(str(error.message), "error")
            status = 422
        else:
            db.session.commit()
            flash(_("Concern %(reference)s closed.", reference=accreditation.format_reference(item.reference)),
                  "success")
            return redirect(url_for("certificates.concern", concern_id=item.id))
    elif form.is_submitted():
        status = 422
    certificate = item.certificate or db.session.scalar(
        select(Certificate).where(Certificate.user_id == item.subject_id).order_by(Certificate.issued_dt.desc()))
    enrollment = item.subject.enrollment
    return render_template("certificates/concern.html", concern=item, form=form, certificate=certificate,
                           categories=CONCERN_CATEGORIES, decisions=CONCERN_DECISIONS,
                           reference=accreditation.format_reference, status_form=EmptyForm(),
                           recommendation=accreditation.recommendation_of(enrollment) if enrollment else None,
                           recommendations=RECOMMENDATIONS), status


# ---------------------------------------------------------------- the trainee's side

@bp.route("/code-of-conduct", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def code_of_conduct():
    """Read the promoter's code of conduct and, in week 12, accept it: part of being eligible for accreditation."""
    course, now = current_course(), utcnow()
    enrollment = current_user.enrollment
    if enrollment is None or course.code_of_conduct is None:
        abort(404)
    accepted = accreditation.acceptance_of(enrollment)
    form = ConductForm()
    status = 200
    if accepted is None and form.validate_on_submit():
        try:
            accreditation.accept_code_of_conduct(enrollment, course, now)
        except RuleError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            status = 422
        else:
            db.session.commit()
            flash(_("Thank you. Your acceptance of the code of conduct is recorded."), "success")
            return redirect(url_for("certificates.code_of_conduct"))
    elif form.is_submitted() and accepted is None:
        status = 422
    return render_template("certificates/code_of_conduct.html", course=course, form=form, accepted=accepted,
                           is_open=accreditation.code_of_conduct_is_open(enrollment, now)), status


def _own_certificate() -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.user_id == current_user.id)
                             .order_by(Certificate.status.desc(), Certificate.issued_dt.desc()))


@bp.get("/certificate")
@role_required(Role.TRAINEE)
def mine():
    """Show the trainee his certificate, with its code and links to download and share it."""
    certificate = _own_certificate()
    if certificate is None:
        return _not_yet()
    return render_template("certificates/mine.html", certificate=certificate,
                           verify_url=url_for("verify.page", code=certificate.code, _external=True))


def _not_yet():
    """Before his certificate: what the certificate asks for, where he stands, and what is left week by week."""
    if current_user.enrollment is None:
        abort(404)
    course = current_course()
    progress = progress_of(current_user.enrollment, course, utcnow())
    return render_template("certificates/not_yet.html", course=course, progress=progress,
                           requirements=requirements(progress, course), left=weeks_left(progress))


@bp.get("/certificate.pdf")
@role_required(Role.TRAINEE)
def mine_pdf():
    """Download the certificate as a PDF."""
    certificate = _own_certificate()
    if certificate is None:
        abort(404)
    pdf = services.certificate_pdf(certificate, public_base_url())
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="certificado-{certificate.code}.pdf"'})


@bp.get("/manage/certificates/<id:certificate_id>.pdf")
@role_required(Role.COORDINATOR)
def pdf(certificate_id: int):
    """A coordinator's copy of a certificate's PDF, to print for the ceremony."""
    certificate = db.get_or_404(Certificate, certificate_id)
    return Response(services.certificate_pdf(certificate, public_base_url()), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="certificado-{certificate.code}.pdf"'})


