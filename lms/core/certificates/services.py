"""Issuing, printing, revoking and verifying certificates: the rules, without the request."""

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, Row, bindparam, exists, select

from lms import audit, checklog
from lms.content.model import Course
from lms.core import accreditation
from lms.core.certificates.codes import check_code, format_code, new_code
from lms.core.certificates.keys import KeyStore
from lms.core.certificates.pdf import CertificatePrint, render_certificate_pdf
from lms.core.certificates.tokens import (
    CertificateClaims,
    RevocationEntry,
    SuspensionEntry,
    sign_revocation_list,
    sign_token,
    verification_url,
)
from lms.core.dates import lima_date, lima_iso, long_date, table_date
from lms.core.errors import RuleError
from lms.core.progress import CourseProgress, progress_for
from lms.database import named_statement, request_connection
from lms.extensions import db
from lms.models import CERTIFICATE_IS_VALID, Certificate, CertificateStatus, Enrollment, RevocationReason, User


def key_store() -> KeyStore:
    """The app's signing keys: ``<instance>/keys/``, encrypted when LMS_CERT_KEY_PASSPHRASE is set."""
    path = Path(current_app.config.get("CERT_KEYS_DIR") or Path(current_app.instance_path) / "keys")
    return KeyStore(path, current_app.config.get("CERT_KEY_PASSPHRASE") or None)


# ---------------------------------------------------------------- who may get one

@dataclass(frozen=True)
class Candidate:
    enrollment: Enrollment
    progress: CourseProgress


# Asked for whole cohorts when certificates are issued, and of one man on every visit of his home: built once.
_VALID_HOLDERS = select(Certificate.user_id).where(Certificate.user_id.in_(bindparam("users", expanding=True)),
                                                   CERTIFICATE_IS_VALID)
_HOLDS_VALID = named_statement("holds a valid certificate",
                               select(exists().where(Certificate.user_id == bindparam("user"),
                                                     CERTIFICATE_IS_VALID)))


_SUSPENDED = select(Certificate.id).where(Certificate.status == CertificateStatus.SUSPENDED.value)


def valid_certificate_holders(user_ids) -> set[int]:
    """Which of these people hold a valid certificate."""
    user_ids = list(user_ids)
    if not user_ids:
        return set()
    return set(db.session.scalars(_VALID_HOLDERS, {"users": user_ids}))


def holds_valid_certificate(user_id: int) -> bool:
    """Whether this man holds a valid certificate. One man's question has a plain statement of its own: the
    list of ``valid_certificate_holders`` is written out again for every call (a third of its cost)."""
    return request_connection().scalar(_HOLDS_VALID, {"user": user_id})


def eligible(enrollments: list[Enrollment], course: Course, now: datetime) -> list[Candidate]:
    """Trainees who completed the course (by the completion service) and hold no valid certificate."""
    progress = progress_for(enrollments, course, now)
    holders = valid_certificate_holders(e.user_id for e in enrollments)
    return [Candidate(e, progress[e.id]) for e in enrollments
            if progress[e.id].is_complete and e.user_id not in holders]


def completion_date(progress: CourseProgress) -> date:
    return max(w.opens_at for w in progress.weeks).date()


# ---------------------------------------------------------------- issuing

def issue(actor: User, enrollment: Enrollment, course: Course, *, printed_name: str, now: datetime,
          progress: CourseProgress, replacing: bool = False) -> Certificate:
    """Accredit a trainee: issue his signed certificate, if nothing holds it (lms.core.accreditation); the
    caller commits. ``replacing`` a certificate he held (a corrected name) asks only that the course is
    complete: he was accredited already."""
    if holds_valid_certificate(enrollment.user_id):
        raise RuleError(_l("%(name)s already holds a valid certificate.", name=enrollment.user.display_name))
    if db.session.scalar(_SUSPENDED.where(Certificate.user_id == enrollment.user_id)) is not None:
        raise RuleError(_l("The certificate of %(name)s is suspended: lift the suspension or revoke it first.",
                           name=enrollment.user.display_name))
    if not progress.is_complete:
        raise RuleError(_l("%(name)s has not completed the course yet.", name=enrollment.user.display_name))
    if not replacing:
        accreditation.refuse_unless_ready(enrollment)
    printed_name = " ".join(printed_name.split())
    if not 3 <= len(printed_name) <= 120:
        raise RuleError(_l("Write the name as it should be printed (3 to 120 characters)."))
    locale = enrollment.user.locale
    signing_key = key_store().active_key()
    code = new_code()
    claims = CertificateClaims(kid=signing_key.kid, code=code, name=printed_name, course=course.title(locale),
                               hours=course.hours, issued=lima_date(now))
    certificate = Certificate(
        code=code, user_id=enrollment.user_id, cohort_id=enrollment.cohort_id, holder_name=printed_name,
        course_slug=course.slug, course_title=course.title(locale), issuer=course.issuer(locale), hours=course.hours,
        locale=locale, completed_on=completion_date(progress), issued_on=lima_date(now), issued_dt=now,
        issued_by_id=actor.id if actor else None, kid=signing_key.kid,
        token=sign_token(claims, signing_key.private_key), content_version=course.version,
        signatories=[[person.name, person.role(locale)] for person in course.signatories])
    db.session.add(certificate)
    db.session.flush()
    audit.record(actor, "certificate.issue", certificate, cohort_id=enrollment.cohort_id,
                 code=certificate.code, holder=printed_name)
    return certificate


def revoke(actor: User | None, certificate: Certificate, reason: str, now: datetime) -> None:
    """Revoke a certificate: the record stays and verification shows REVOCADO with the date and reason."""
    if reason not in {r.value for r in RevocationReason}:
        raise RuleError(_l("Choose a reason for the revocation."))
    if certificate.status == CertificateStatus.REVOKED:
        raise RuleError(_l("This certificate is already revoked."))
    certificate.status = CertificateStatus.REVOKED.value
    certificate.revoked_dt, certificate.revoked_reason = now, reason
    certificate.revoked_by_id = actor.id if actor else None
    audit.record(actor, "certificate.revoke", certificate, cohort_id=certificate.cohort_id, code=certificate.code,
                 reason=reason)


def suspend(actor: User | None, certificate: Certificate, now: datetime) -> None:
    """Suspend a valid certificate while a concern is reviewed: verification shows SUSPENDIDO, with no reason."""
    if certificate.status != CertificateStatus.VALID:
        raise RuleError(_l("Only a valid certificate can be suspended."))
    certificate.status, certificate.suspended_dt = CertificateStatus.SUSPENDED.value, now
    audit.record(actor, "certificate.suspend", certificate, cohort_id=certificate.cohort_id, code=certificate.code)


def lift_suspension(actor: User | None, certificate: Certificate, now: datetime) -> None:
    """End a suspension: the certificate is valid again, as before."""
    if certificate.status != CertificateStatus.SUSPENDED:
        raise RuleError(_l("This certificate is not suspended."))
    certificate.status, certificate.suspended_dt = CertificateStatus.VALID.value, None
    audit.record(actor, "certificate.lift_suspension", certificate, cohort_id=certificate.cohort_id,
                 code=certificate.code)


def reissue(actor: User, certificate: Certificate, course: Course, *, printed_name: str, now: datetime) -> Certificate:
    """Revoke a certificate as re-issued and give the same person a new one with a new code."""
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == certificate.user_id))
    if certificate.status != CertificateStatus.VALID:
        raise RuleError(_l("Only a valid certificate can be re-issued."))
    if accreditation.open_concern_counts([certificate.user_id]):
        raise RuleError(_l("An open safeguarding concern holds the accreditation of %(name)s. "
                           "A coordinator must decide on it first.", name=certificate.holder_name))
    revoke(actor, certificate, RevocationReason.REISSUED.value, now)
    db.session.flush()
    progress = progress_for([enrollment], course, now)[enrollment.id]
    new = issue(actor, enrollment, course, printed_name=printed_name, now=now, progress=progress, replacing=True)
    certificate.replaced_by_id = new.id
    return new


# ---------------------------------------------------------------- printing

def qr_url(certificate: Certificate, base_url: str) -> str:
    return verification_url(base_url, certificate.code, certificate.token)


def certificate_pdf(certificate: Certificate, base_url: str) -> bytes:
    """The PDF in the holder's language; rendered once per certificate state and cached."""
    signatories = tuple(tuple(pair) for pair in certificate.signatories) if certificate.signatories is not None else None
    return _cached_pdf(certificate.id, certificate.status, base_url, certificate.code, certificate.holder_name,
                       certificate.course_title, certificate.hours, certificate.issued_on, certificate.completed_on,
                       certificate.issuer, certificate.locale, certificate.token, signatories)


WATERMARKS = {CertificateStatus.REVOKED: _l("REVOKED"), CertificateStatus.SUSPENDED: _l("SUSPENDED")}


@lru_cache(maxsize=256)
def _cached_pdf(certificate_id, status, base_url, code, name, course, hours, issued_on, completed_on, issuer,
                locale, token, signatories) -> bytes:
    accredited = signatories is not None  # issued since accreditation: it says so, and who signs
    with force_locale(locale):
        data = CertificatePrint(
            heading=_("Accreditation as a promoter") if accredited else _("Certificate of completion"),
            awarded_to=_("The programme certifies that") if accredited else _("awarded to"),
            accredits_line=_("is accredited as a promoter against family and sexual violence, having completed")
            if accredited else None,
            signatories=signatories or (),
            name=name,
            course=course,
            hours_line=_("%(hours)s hours of training: twelve weekly workshops and online work", hours=hours),
            dates_line=_("Completed on %(completed)s · Issued on %(issued)s",
                         completed=long_date(completed_on, locale), issued=long_date(issued_on, locale)),
            issuer=issuer,
            code=format_code(code),
            verify_line=_("Check it at %(url)s or scan the QR code", url=f"{base_url.rstrip('/')}/v"),
            qr_url=verification_url(base_url, code, token),
            watermark=str(WATERMARKS[status]) if status in WATERMARKS else None,
            lang=locale,
        )
    return render_certificate_pdf(data)


# ---------------------------------------------------------------- verifying

@dataclass(frozen=True)
class Verification:
    status: str                     # valid | suspended | revoked | not_found | malformed
    code: str | None
    certificate: Row | None         # the certificate's columns as read, by name: a check changes nothing

    def public_json(self) -> dict:
        """What the certificate itself prints, and its status: nothing else about the person.

        A revoked certificate shows that it is revoked and since when, with the course and issuer the
        paper names, but not the holder's name, and never the reason (docs/verification.md).
        """
        data = {"status": self.status, "code": format_code(self.code) if self.code else None}
        cert = self.certificate
        if cert is not None:
            data.update({
                "course": cert.course_title, "hours": cert.hours, "completed_on": cert.completed_on.isoformat(),
                "issued_on": cert.issued_on.isoformat(), "issued_at": lima_iso(cert.issued_dt), "issuer": cert.issuer,
            })
            # A suspension is published without a reason or a date: a concern is being reviewed, nothing more.
            if cert.status == CertificateStatus.REVOKED:
                # Dates are Lima calendar dates, moments carry their offset: docs/verification.md. A revoked
                # certificate publishes neither its holder's name nor the reason: docs/verification.md.
                data.update({"revoked_on": lima_date(cert.revoked_dt).isoformat(),
                             "revoked_at": lima_iso(cert.revoked_dt)})
            else:
                data["name"] = cert.holder_name
        return data


def code_hash(code: str) -> str:
    """What the check log keeps of a code (or of typed text that was not one)."""
    return hashlib.sha256(code.encode()).hexdigest()


# A check reads the certificate's columns on the connection, not an ORM object: it changes nothing, and a
# row costs half as much (SQLite, with the check's commit: 110-150 µs against 190-230). Built once.
_CERTIFICATE_COLUMNS = select(Certificate.__table__)
_BY_CODE = _CERTIFICATE_COLUMNS.where(Certificate.code == bindparam("code"))


def verify(text: str, channel: str, now: datetime, log: bool = True, connection: Connection | None = None
           ) -> Verification:
    """Tell a mistyped code (malformed) from an unknown one (not_found), and report a known one's status.

    Read on ``connection`` when one is given, else on the request's (``lms.database.request_connection``).
    The check log's row is written with the worker's next batch, which commits on its own (lms/checklog.py).
    """
    checked = check_code(text or "")
    if not checked.is_well_formed:
        result = Verification("malformed", None, None)
    else:
        reading = connection if connection is not None else request_connection()
        certificate = reading.execute(_BY_CODE, {"code": checked.code}).first()
        status = "not_found" if certificate is None else certificate.status
        result = Verification(status, checked.code, certificate)
    if log:
        checklog.add([_log_row(result, text, channel, now)], now)
    return result


def _logged_hash(result: Verification, typed: str) -> str:
    """What the log keeps of a check: a hash of the code, or of the typed text when it was not a code."""
    return code_hash(result.code or (typed or "").strip().upper())


def verify_many(codes: list[str], now: datetime) -> list[Verification]:
    """Verify many codes with one query; each check is logged as a bulk check."""
    checked = [check_code(c or "") for c in codes]
    wanted = {c.code for c in checked if c.is_well_formed}
    found = {}
    if wanted:
        for chunk in _chunks(sorted(wanted), 500):
            rows = db.session.connection().execute(_CERTIFICATE_COLUMNS.where(Certificate.code.in_(chunk)))
            found.update({c.code: c for c in rows})
    results = []
    for text, check in zip(codes, checked):
        if not check.is_well_formed:
            results.append(Verification("malformed", None, None))
        else:
            cert = found.get(check.code)
            results.append(Verification("not_found" if cert is None else cert.status, check.code, cert))
    checklog.write([_log_row(result, typed, "bulk", now) for result, typed in zip(results, codes)])
    return results


def _log_row(result: Verification, typed: str, channel: str, now: datetime) -> dict:
    """What the check log keeps of a check: a hash of the code, the outcome, the channel, the time, never
    who asked. A public check's row is written with its worker's next batch, a bulk check's rows at once in
    the caller's transaction (lms/checklog.py)."""
    return {"code_hash": _logged_hash(result, typed), "outcome": result.status, "channel": channel,
            "created_dt": now}


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# ---------------------------------------------------------------- bulk CSV for the municipality

MAX_BULK_ROWS = 5000
MAX_BULK_BYTES = 2_000_000  # 5,000 rows of code, name and a few more columns fit with room to spare
MAX_BULK_FIELD = 1000  # characters in one cell; a code has 19, a name at most 120


def read_codes_csv(raw: bytes) -> tuple[list[dict], str]:
    """Rows of an uploaded CSV with a ``codigo`` column (``,`` or ``;``, BOM tolerated) and its separator.

    The file is read whole or refused, never cut: a cut could fall inside a character and change the
    decoding of everything. Line endings may be Windows', Unix' or the old Macintosh CR alone (Excel's
    "CSV (Macintosh)"). Raises RuleError with a message for the person when the file cannot be used.
    """
    if len(raw) > MAX_BULK_BYTES:
        raise RuleError(_l("The file is larger than %(mb)s MB. A file may have up to %(n)s rows and %(mb)s MB; "
                           "split it into smaller files.", mb=MAX_BULK_BYTES // 1_000_000, n=MAX_BULK_ROWS))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")  # Excel's "CSV" on Windows in Spanish
        except UnicodeDecodeError:
            raise RuleError(_l("The file is not a text CSV file.")) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = text.split("\n", 1)[0] if text.strip() else ""
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = []
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=separator)
        fields = [(f or "").strip().lower() for f in (reader.fieldnames or [])]
        if "codigo" not in fields and "código" not in fields:
            raise RuleError(_l("The file needs a column named “codigo” with the certificate codes."))
        column = reader.fieldnames[fields.index("codigo" if "codigo" in fields else "código")]
        for row in reader:
            cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}
            if any(len(v) > MAX_BULK_FIELD for v in cells.values() if isinstance(v, str)):
                raise RuleError(_l("Line %(line)s has a cell longer than %(n)s characters. Check that the file is "
                                   "the list of codes.", line=reader.line_num, n=MAX_BULK_FIELD))
            rows.append(cells | {"codigo": (row.get(column) or "").strip()})
            if len(rows) > MAX_BULK_ROWS:
                raise RuleError(_l("The file has more than %(n)s rows. Split it into smaller files.",
                                   n=MAX_BULK_ROWS))
    except csv.Error:
        raise RuleError(_l("Line %(line)s of the file cannot be read as CSV: a cell is too long or its quotes "
                           "do not close. Save it again as CSV from your spreadsheet.", line=reader.line_num)) from None
    if not rows:
        raise RuleError(_l("The file has no rows under its header."))
    return rows, separator


def name_key(name: str) -> str:
    """A name folded for comparison: case, accents and spacing ignored (Ñahui = nahui)."""
    import unicodedata
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def bulk_rows(rows: list[dict], results: list[Verification], words) -> tuple[list[str], list[list]]:
    """The answer CSV: each row's code, status, printed name, course, date and whether the given name matches.

    The column names stay the same in every language (scripts read them); the values are in ``words``
    (``lms.labels.labels_for``), the reader's language.
    """
    header = ["codigo", "estado", "nombre_certificado", "curso", "fecha_emision", "coincide_nombre"]
    out = []
    for row, result in zip(rows, results):
        cert = result.certificate
        given = row.get("nombre") or row.get("name") or ""
        match = "" if not given or cert is None else (words.yes if name_key(given) == name_key(cert.holder_name)
                                                      else words.no)
        out.append([row["codigo"], words.check.get(result.status, result.status), cert.holder_name if cert else "",
                    cert.course_title if cert else "",
                    table_date(cert.issued_on) if cert else "", match])
    return header, out


# ---------------------------------------------------------------- for offline verifiers

REVOCATION_LIST_HOURS = 24  # how long a published list is current: verifiers fetch a new one daily


def revocation_document(now: datetime, base_url: str) -> dict:
    """The signed list of every revoked and every suspended certificate, for verifiers who check QR codes
    offline.

    What an offline verifier needs and no more (docs/verification.md): a hash of each revoked or suspended
    code, which the holder of the paper can compute from its QR, and the day; never a code, a name or a
    reason. It says when it was issued, when the next list is due, and the issuer's public address.
    """
    revoked = db.session.execute(select(Certificate.code, Certificate.revoked_dt)
                                 .where(Certificate.status == CertificateStatus.REVOKED.value))
    suspended = db.session.execute(select(Certificate.code, Certificate.suspended_dt)
                                   .where(Certificate.status == CertificateStatus.SUSPENDED.value))
    entries = [RevocationEntry.for_code(code, lima_date(revoked_dt)) for code, revoked_dt in revoked]
    suspensions = [SuspensionEntry.for_code(code, lima_date(since)) for code, since in suspended]
    return sign_revocation_list(entries, key_store().active_key().private_key, issued=now,
                                next_update=now + timedelta(hours=REVOCATION_LIST_HOURS), issuer_url=base_url,
                                suspensions=suspensions)
