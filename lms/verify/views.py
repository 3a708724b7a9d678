"""The public side of a certificate, and the municipality's registry and bulk checks."""


from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.access import role_required
from lms.clock import utcnow
from lms.core.calendar import lima_today
from lms.core.certificates import services
from lms.core.certificates.codes import check_code, format_code
from lms.core.certificates.openbadges import build_credential, vc_jwt
from lms.core.errors import RuleError
from lms.core.network import network_status
from lms.exports import csv_response
from lms.extensions import db, limiter
from lms.forms import EmptyForm
from lms.models import Certificate, Role
from lms.routing import public_base_url

bp = Blueprint("verify", __name__)

def public_limit() -> str:
    """Checks per address on the public endpoints (LMS_VERIFY_RATE_LIMIT), against code enumeration."""
    return current_app.config["VERIFY_RATE_LIMIT"]




@bp.after_request
def keep_out_of_search_engines(response):
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/v", methods=["GET"])
@bp.route("/v/<code>", methods=["GET"])
@limiter.limit(public_limit)
def page(code: str | None = None):
    """Verify a certificate by its code: VÁLIDO, REVOCADO, NO ENCONTRADO or CÓDIGO CON ERROR."""
    typed = request.args.get("code")
    if typed is not None:
        checked = check_code(typed)
        cleaned = checked.code if checked.is_well_formed else "".join(ch for ch in typed if ch.isalnum())[:40]
        return redirect(url_for("verify.page", code=cleaned) if cleaned else url_for("verify.page"))
    if code is None:
        return render_template("verify/page.html", result=None, code="")
    result = services.verify(code, "web", utcnow())
    # Rendered before the commit, which would expire the certificate and make it load again.
    html = render_template("verify/page.html", result=result, code=code)
    db.session.commit()
    return html, 404 if result.status in ("not_found", "malformed") else 200


# Printed QR codes use upper case (it makes the QR smaller); the same page answers there.
bp.add_url_rule("/V/<code>", endpoint="page_from_qr", view_func=page)


@bp.get("/api/v1/verify/<code>")
@limiter.limit(public_limit)
def api(code: str):
    """The same check as JSON: ``status`` is valid, revoked, not_found or malformed."""
    result = services.verify(code, "api", utcnow())
    answer = jsonify(result.public_json())  # before the commit, which would expire the certificate
    db.session.commit()
    return answer, 404 if result.status in ("not_found", "malformed") else 200


@bp.get("/.well-known/jwks.json")
def jwks():
    """Every public key that has signed certificates, with its status and validity window."""
    response = jsonify(services.key_store().jwks())
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/status/revocations.json")
def revocations():
    """The signed list of revoked certificate codes, for offline verifiers."""
    response = jsonify(services.revocation_document(utcnow(), public_base_url()))
    response.cache_control.public = True
    response.cache_control.max_age = 600
    return response


@bp.get("/verify/registry")
@role_required(Role.VERIFIER, Role.COORDINATOR)
def registry():
    """The registry of certified promoters: name, cohort, date, code, status; searchable."""
    q = request.args.get("q", "").strip()
    query = (select(Certificate).options(joinedload(Certificate.cohort))
             .order_by(Certificate.issued_on.desc(), Certificate.holder_name))
    certificates = db.session.scalars(query).all()
    if q:
        # Names are matched in Python so that "nahui" finds "Ñahui" on every database.
        checked, wanted = check_code(q), services.name_key(q)
        certificates = [c for c in certificates
                        if wanted in services.name_key(c.holder_name) or (checked.code and c.code == checked.code)]
    # The Network's status (active: an accepted activity in the last six months) of each valid holder.
    statuses = network_status({c.user_id for c in certificates if c.is_valid}, lima_today())
    return render_template("verify/registry.html", certificates=certificates, q=q, statuses=statuses)


@bp.get("/verify/registry.csv")
@role_required(Role.VERIFIER, Role.COORDINATOR)
def registry_csv():
    """The registry as CSV (UTF-8 with BOM, `;`), for the municipal records."""
    certificates = db.session.scalars(select(Certificate).options(joinedload(Certificate.cohort))
                                      .order_by(Certificate.issued_on, Certificate.holder_name)).all()
    header = ["nombre", "grupo", "fecha_emision", "codigo", "estado", "fecha_revocacion", "motivo_revocacion",
              "estado_red"]
    statuses = network_status({c.user_id for c in certificates if c.is_valid}, lima_today())
    network_words = {"active": "activo", "inactive": "inactivo"}
    rows = [[c.holder_name, c.cohort.name, c.issued_on.isoformat(), format_code(c.code), c.status,
             c.revoked_dt.date().isoformat() if c.revoked_dt else "", c.revoked_reason or "",
             network_words.get(statuses.get(c.user_id, "")) if c.is_valid else ""] for c in certificates]
    return csv_response(header, rows, "registro-promotores.csv")


@bp.route("/verify/bulk", methods=["GET", "POST"])
@role_required(Role.VERIFIER, Role.COORDINATOR)
def bulk():
    """Check many codes at once from a CSV with a ``codigo`` column; answer with a CSV."""
    form = EmptyForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = _("Choose a CSV file.")
        else:
            try:
                rows, separator = services.read_codes_csv(upload.read(services.MAX_BULK_ROWS * 200 + 1))
            except RuleError as bad_file:
                error = bad_file.message
            else:
                results = services.verify_many([r["codigo"] for r in rows], utcnow())
                from lms import audit
                audit.record(current_user, "certificate.bulk_verify", None, rows=len(rows))
                db.session.commit()
                header, lines = services.bulk_rows(rows, results)
                return csv_response(header, lines, "verificacion.csv", separator)
    return render_template("verify/bulk.html", form=form, error=error,
                           max_rows=services.MAX_BULK_ROWS), (422 if error else 200)


def _certificate_or_404(code: str):
    checked = check_code(code)
    if not checked.is_well_formed:
        abort(404)
    cert = db.session.scalar(select(Certificate).where(Certificate.code == checked.code))
    if cert is None:
        abort(404)
    return cert


def _criteria() -> str:
    return _("Completed the twelve weeks (lesson, quiz, accepted reflection, workshop) and attended at least "
             "four in five of the workshops.")


@bp.get("/credentials/<code>.json")
@limiter.limit(public_limit)
def credential(code: str):
    """The certificate as an Open Badges 3.0 OpenBadgeCredential, to keep in a digital wallet."""
    cert = _certificate_or_404(code)
    response = jsonify(build_credential(cert, public_base_url(), _criteria()))
    response.mimetype = "application/ld+json"
    return response


@bp.get("/credentials/<code>.jwt")
@limiter.limit(public_limit)
def credential_jwt(code: str):
    """The same credential as a VC-JWT signed with the issuer's current Ed25519 key."""
    cert = _certificate_or_404(code)
    base = public_base_url()
    token = vc_jwt(build_credential(cert, base, _criteria()), services.key_store().active_key(),
                   f"{base.rstrip('/')}/.well-known/jwks.json")
    return Response(token, mimetype="application/vc+jwt")
