"""The public side of a certificate, and the municipality's registry and bulk checks."""


from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms import audit
from lms.access import role_required
from lms.clock import utcnow
from lms.content.loader import current_course
from lms.core import accreditation
from lms.core.calendar import lima_today
from lms.core.certificates import services
from lms.core.certificates.codes import check_code, format_code
from lms.core.certificates.openbadges import build_credential, vc_jwt
from lms.core.dates import table_date
from lms.core.errors import RuleError
from lms.core.network import network_status
from lms.database import one_statement
from lms.exports import csv_response
from lms.extensions import db, limiter
from lms.labels import labels_for
from lms.models import Certificate, CertificateStatus, Role
from lms.ratelimits import SharedBudget
from lms.routing import public_base_url
from lms.verify.forms import BulkCheckForm, PublicConcernForm

bp = Blueprint("verify", __name__)

def public_limit() -> str:
    """Checks per address on the public endpoints (LMS_VERIFY_RATE_LIMIT), against code enumeration."""
    return current_app.config["VERIFY_RATE_LIMIT"]


# One budget per client across every route that tells whether a code exists: /v/, /V/, the API and
# the credentials, so that switching routes does not multiply the limit.
verification_budget = SharedBudget(limiter, public_limit, scope="verification")




@bp.after_request
def keep_out_of_search_engines(response):
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/v", methods=["GET"])
@bp.route("/v/<code>", methods=["GET"])
@verification_budget
def page(code: str | None = None):
    """Verify a certificate by its code: VÁLIDO, SUSPENDIDO, REVOCADO, NO ENCONTRADO or CÓDIGO CON ERROR."""
    typed = request.args.get("code")
    if typed is not None:
        checked = check_code(typed)
        cleaned = checked.code if checked.is_well_formed else "".join(ch for ch in typed if ch.isalnum())[:40]
        return redirect(url_for("verify.page", code=cleaned) if cleaned else url_for("verify.page"))
    if code is None:
        return render_template("verify/page.html", result=None, code="")
    result = _checked(code, "web")
    return render_template("verify/page.html", result=result, code=code), _status(result)


# Printed QR codes use upper case (it makes the QR smaller); the same page answers there.
bp.add_url_rule("/V/<code>", endpoint="page_from_qr", view_func=page)


@bp.get("/api/v1/verify/<code>")
@verification_budget
def api(code: str):
    """The same check as JSON: ``status`` is valid, suspended, revoked, not_found or malformed."""
    result = _checked(code, "api")
    return jsonify(result.public_json()), _status(result)


def _checked(code: str, channel: str) -> services.Verification:
    """One public check, on a pooled connection rather than the ORM session a page needs: the session's
    start and commit were a sixth of the API's answer (issue 24, docs/performance-history.md). It writes nothing
    (the check log's batch commits on its own), so on PostgreSQL it is one round trip (lms/database.py)."""
    with one_statement() as connection:
        return services.verify(code, channel, utcnow(), connection=connection)


def _status(result: services.Verification) -> int:
    return 404 if result.status in ("not_found", "malformed") else 200


def concern_limit() -> str:
    """Concerns sent per address (LMS_CONCERN_RATE_LIMIT), against floods; reading the form is not counted."""
    return current_app.config.get("CONCERN_RATE_LIMIT", "5 per hour")


@bp.route("/v/<code>/concern", methods=["GET", "POST"])
@limiter.limit(public_limit)
@limiter.limit(concern_limit, methods=["POST"])
def concern(code: str):
    """Anyone raises a concern about a certified promoter: no account, no JavaScript; a reference number back."""
    certificate = _certificate_or_404(code)
    form = PublicConcernForm()
    status = 200
    if form.validate_on_submit():
        try:
            raised = accreditation.raise_public_concern(certificate, form.account.data, form.contact.data, utcnow())
        except RuleError as error:
            db.session.rollback()
            form.account.errors = [*form.account.errors, str(error.message)]
            status = 422
        else:
            reference = accreditation.format_reference(raised.reference)
            db.session.commit()
            # Answered here rather than redirected, so the reference never travels in a URL.
            return render_template("verify/concern_sent.html", reference=reference)
    elif form.is_submitted():
        status = 422
    return render_template("verify/concern.html", form=form, certificate=certificate), status


@bp.get("/.well-known/jwks.json")
def jwks():
    """Every public key that has signed certificates, with its status and validity window."""
    response = jsonify(services.key_store().jwks())
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/status/revocations.json")
def revocations():
    """The signed list of revoked and suspended certificate codes, for offline verifiers."""
    response = jsonify(services.revocation_document(utcnow(), public_base_url()))
    response.cache_control.public = True
    response.cache_control.max_age = 600
    return response


@bp.get("/verify/registry")
@role_required(Role.VERIFIER, Role.COORDINATOR)
def registry():
    """The registry of certified promoters: name, cohort, date, code, status; searchable."""
    q = request.args.get("q", "").strip()[:120]  # a name or a code; a longer search would only cost time
    query = (select(Certificate).options(joinedload(Certificate.cohort))
             .order_by(Certificate.issued_on.desc(), Certificate.holder_name))
    certificates = db.session.scalars(query).all()
    if q:
        # Names are matched in Python so that "nahui" finds "Ñahui" on every database.
        checked, wanted = check_code(q), services.name_key(q)
        certificates = [c for c in certificates
                        if wanted in services.name_key(c.holder_name) or (checked.code and c.code == checked.code)]
    # The Network's status (active: an accepted activity in the last six months) of each valid holder.
    statuses = network_status({c.user_id for c in certificates if c.status == CertificateStatus.VALID}, lima_today())
    return render_template("verify/registry.html", certificates=certificates, q=q, statuses=statuses)


@bp.get("/verify/registry.csv")
@role_required(Role.VERIFIER, Role.COORDINATOR)
def registry_csv():
    """The registry as CSV (UTF-8 with BOM, `;`), for the municipal records."""
    certificates = db.session.scalars(select(Certificate).options(joinedload(Certificate.cohort))
                                      .order_by(Certificate.issued_on, Certificate.holder_name)).all()
    header = ["nombre", "grupo", "fecha_emision", "codigo", "estado", "fecha_revocacion", "motivo_revocacion",
              "estado_red"]
    words = labels_for(str(get_locale()))
    valid = {c.user_id for c in certificates if c.status == CertificateStatus.VALID}
    statuses = network_status(valid, lima_today())
    network_words = {"active": _("active"), "inactive": _("inactive")}
    rows = [[c.holder_name, c.cohort.name, table_date(c.issued_on), format_code(c.code),
             words.certificate.get(c.status, c.status), table_date(c.revoked_dt), words.reason.get(c.revoked_reason, ""),
             network_words.get(statuses.get(c.user_id, ""), "") if c.user_id in valid and c.status == "valid" else ""]
            for c in certificates]
    return csv_response(header, rows, _("promoter-registry.csv"))


@bp.route("/verify/bulk", methods=["GET", "POST"])
@role_required(Role.VERIFIER, Role.COORDINATOR)
def bulk():
    """Check many codes at once from a CSV with a ``codigo`` column; answer with a CSV."""
    form = BulkCheckForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            # One byte past the limit is enough to tell an over-limit file: it is refused, never cut.
            raw = upload.read(services.MAX_BULK_BYTES + 1)
        finally:
            upload.close()  # a large upload is a temporary file
        try:
            rows, separator = services.read_codes_csv(raw)
        except RuleError as bad_file:
            form.file.errors.append(bad_file.message)
        else:
            results = services.verify_many([r["codigo"] for r in rows], utcnow())
            audit.record(current_user, "certificate.bulk_verify", None, rows=len(rows))
            db.session.commit()
            header, lines = services.bulk_rows(rows, results, labels_for(str(get_locale())))
            return csv_response(header, lines, _("verification.csv"), separator)
    elif request.method == "POST" and form.csrf_token.errors:
        abort(400)
    return render_template("verify/bulk.html", form=form, max_rows=services.MAX_BULK_ROWS,
                           max_megabytes=services.MAX_BULK_BYTES // 1_000_000), (422 if form.errors else 200)


def _certificate_or_404(code: str):
    """The certificate of a credential URL; a revoked one is refused (410) rather than served as a credential."""
    checked = check_code(code)
    if not checked.is_well_formed:
        abort(404)
    cert = db.session.scalar(select(Certificate).where(Certificate.code == checked.code))
    if cert is None:
        abort(404)
    if cert.status != CertificateStatus.VALID:  # a wallet refreshing it learns it is gone
        abort(410)
    return cert


def _criteria() -> str:
    course = current_course()
    return _("Completed all %(weeks)s weeks (lesson, quiz, accepted reflection, workshop) and attended at least "
             "%(share)s %% of the workshops.", weeks=len(course.weeks), share=course.min_attendance)


@bp.get("/credentials/<code>.json")
@verification_budget
def credential(code: str):
    """The certificate as an Open Badges 3.0 OpenBadgeCredential, to keep in a digital wallet."""
    cert = _certificate_or_404(code)
    response = jsonify(build_credential(cert, public_base_url(), _criteria()))
    response.mimetype = "application/ld+json"
    return response


@bp.get("/credentials/<code>.jwt")
@verification_budget
def credential_jwt(code: str):
    """The same credential as a VC-JWT signed with the issuer's current Ed25519 key."""
    cert = _certificate_or_404(code)
    base = public_base_url()
    token = vc_jwt(build_credential(cert, base, _criteria()), services.key_store().active_key(),
                   f"{base.rstrip('/')}/.well-known/jwks.json")
    return Response(token, mimetype="application/vc+jwt")
