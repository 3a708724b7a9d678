"""Coordinators issue and revoke certificates; a trainee sees and downloads his own."""


from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lms.access import role_required
from lms.clock import utcnow
from lms.content.loader import current_course
from lms.core.certificates import services
from lms.core.certificates.codes import format_code
from lms.core.errors import RuleError
from lms.core.progress import progress_of
from lms.core.rosters import enrollments_of
from lms.core.standing import requirements, weeks_left
from lms.extensions import db
from lms.forms import EmptyForm
from lms.models import Certificate, Cohort, RevocationReason, Role
from lms.routing import public_base_url

bp = Blueprint("certificates", __name__)



@bp.get("/manage/certificates")
@role_required(Role.COORDINATOR)
def index():
    """Who may receive a certificate now, and every certificate issued."""
    course = current_course()
    cohort_ids = list(db.session.scalars(select(Cohort.id)))
    candidates = services.eligible(enrollments_of(cohort_ids), course, utcnow())
    issued = db.session.scalars(select(Certificate).options(joinedload(Certificate.cohort))
                                .order_by(Certificate.issued_dt.desc()).limit(500)).all()
    return render_template("certificates/index.html", candidates=candidates, issued=issued, form=EmptyForm(),
                           reasons=list(RevocationReason))


@bp.post("/manage/certificates/issue")
@role_required(Role.COORDINATOR)
def issue():
    """Issue certificates to the chosen eligible trainees, with each name as it will be printed."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    course, now = current_course(), utcnow()
    chosen = {int(v) for v in request.form.getlist("enrollment") if v.isdigit()}
    enrollments = [e for e in enrollments_of(list(db.session.scalars(select(Cohort.id)))) if e.id in chosen]
    candidates = {c.enrollment.id: c for c in services.eligible(enrollments, course, now)}
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


@bp.post("/manage/certificates/<id:certificate_id>/revoke")
@role_required(Role.COORDINATOR)
def revoke(certificate_id: int):
    """Revoke a certificate (the record stays), optionally issuing a new one with a new code."""
    certificate = db.get_or_404(Certificate, certificate_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    reason = request.form.get("reason", "")
    try:
        if request.form.get("reissue") == "1":
            new = services.reissue(current_user, certificate, current_course(),
                                   printed_name=request.form.get("name") or certificate.holder_name, now=utcnow())
            message = _("Certificate revoked and re-issued with the code %(code)s.", code=format_code(new.code))
        else:
            services.revoke(current_user, certificate, reason, utcnow())
            message = _("Certificate %(code)s revoked.", code=format_code(certificate.code))
    except RuleError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("certificates.index"))


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


