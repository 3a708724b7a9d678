"""Certificates the municipality can trust: issue, download, verify online and offline, revoke."""

import io
import json
import os
import stat
import subprocess
from datetime import datetime, timezone

import pytest
from helpers import needs_tools, post_form
from sqlalchemy import func, select

from lms.content.loader import current_course
from lms.core.certificates import services
from lms.core.certificates.codes import format_code
from lms.extensions import db
from lms.models import AuditEvent, Certificate, VerificationCheck


def _issue(client, auth, graduate, name="José Ñahui Quispe"):
    auth.login("coordinadora")
    page = client.get("/manage/certificates").get_data(as_text=True)
    assert "José Ñahui" in page
    enrollment = graduate.enrollment.id
    post_form(client, "/manage/certificates/issue", {"enrollment": str(enrollment), f"name-{enrollment}": name},
              form_url="/manage/certificates")
    return db.session.scalar(select(Certificate))


def test_coordinator_issues_with_the_name_as_printed_and_it_is_audited(client, auth, graduate):
    cert = _issue(client, auth, graduate)
    assert cert.holder_name == "José Ñahui Quispe"
    assert cert.content_version == current_course().version
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.issue")) is not None


def test_double_clicked_issue_makes_one_certificate(client, auth, graduate):
    _issue(client, auth, graduate)
    enrollment = graduate.enrollment.id
    post_form(client, "/manage/certificates/issue", {"enrollment": str(enrollment)}, form_url="/manage/certificates")
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_only_complete_trainees_are_eligible(client, auth, world):
    auth.login("coordinadora")
    assert 'name="enrollment"' not in client.get("/manage/certificates").get_data(as_text=True)
    enrollment = world.trainee.enrollment.id
    post_form(client, "/manage/certificates/issue", {"enrollment": str(enrollment)}, form_url="/manage/certificates")
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


@pytest.mark.parametrize("username", ["jose", "facilitadora", "municipio"])
def test_nobody_but_a_coordinator_issues_or_revokes(client, auth, graduate, username):
    auth.login(username)
    assert client.post("/manage/certificates/issue", data={}).status_code in (400, 403)
    assert client.get("/manage/certificates").status_code == 403


def test_trainee_sees_and_downloads_his_certificate(client, auth, graduate):
    cert = _issue(client, auth, graduate)
    auth.logout()
    auth.login("jose")
    assert "Tu certificado" in client.get("/").get_data(as_text=True)
    page = client.get("/certificate").get_data(as_text=True)
    assert format_code(cert.code) in page
    pdf = client.get("/certificate.pdf")
    assert pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"


@pytest.mark.tools
@needs_tools("pdftoppm", "zbarimg")
def test_the_pdf_qr_code_decodes_to_the_verification_url(client, auth, graduate, tmp_path):
    cert = _issue(client, auth, graduate)
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(services.certificate_pdf(cert, "https://promotores.example.pe/"))
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True).stdout.strip()
    assert decoded == f"HTTPS://PROMOTORES.EXAMPLE.PE/V/{cert.code}#{cert.token}"


def test_anyone_verifies_a_valid_certificate_and_sees_only_what_it_prints(client, auth, graduate):
    graduate.email, graduate.phone = "jose@example.pe", "987654321"
    db.session.commit()
    cert = _issue(client, auth, graduate)
    auth.logout()
    response = client.get(f"/v/{format_code(cert.code).lower()}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "VÁLIDO" in page and "José Ñahui Quispe" in page
    assert "jose@example.pe" not in page and "987654321" not in page and "jose" not in page.replace("José", "")
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    api = client.get(f"/api/v1/verify/{cert.code}").get_json()
    assert api["status"] == "valid" and api["name"] == "José Ñahui Quispe"
    assert "email" not in json.dumps(api) and "987654321" not in json.dumps(api)


def test_a_mistyped_code_is_told_apart_from_an_unknown_one(client):
    from lms.core.certificates.codes import check_symbol, new_code
    code = new_code()
    typo = code[:3] + ("X" if code[3] != "X" else "Y") + code[4:]
    assert client.get(f"/api/v1/verify/{typo}").get_json()["status"] == "malformed"
    assert "CÓDIGO CON ERROR" in client.get(f"/v/{typo}").get_data(as_text=True)
    assert client.get(f"/api/v1/verify/{code}").get_json()["status"] == "not_found"
    assert "NO ENCONTRADO" in client.get(f"/v/{code}").get_data(as_text=True)
    assert check_symbol(code[:15]) == code[15]


def test_every_check_is_logged_with_a_hash_of_the_code_only(client):
    client.get("/api/v1/verify/ABCD-EFGH-JKMN-PQRS")
    check = db.session.scalar(select(VerificationCheck))
    assert check.channel == "api" and len(check.code_hash) == 64 and "ABCD" not in check.code_hash


def test_someone_trying_code_after_code_is_stopped_with_a_clear_answer(app, client):
    from lms.core.certificates.codes import new_code
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"  # LMS_VERIFY_RATE_LIMIT; 120 per minute by default
    for _ in range(3):
        assert client.get(f"/v/{new_code()}").status_code == 404
    stopped = client.get(f"/v/{new_code()}")
    assert stopped.status_code == 429
    assert "Demasiados intentos" in stopped.get_data(as_text=True)
    # One budget across every route that answers for a code: switching routes gives no fresh one.
    for url in (f"/V/{new_code()}", f"/api/v1/verify/{new_code()}", f"/credentials/{new_code()}.json",
                f"/credentials/{new_code()}.jwt"):
        assert client.get(url).status_code == 429, url


def test_a_script_calling_the_api_code_after_code_is_stopped_with_json(app, client):
    from lms.core.certificates.codes import new_code
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.get(f"/api/v1/verify/{new_code()}").get_json()["status"] == "not_found"
    stopped = client.get(f"/api/v1/verify/{new_code()}")  # no Accept header, as from curl
    assert stopped.status_code == 429
    assert stopped.get_json() == {"error": "Demasiados intentos"}


def test_revoked_reads_revocado_with_date_in_neutral_words_never_not_found(client, auth, graduate):
    cert = _issue(client, auth, graduate)
    post_form(client, f"/manage/certificates/{cert.id}/revoke", {"reason": "fraude", "confirmed": "1"},
              form_url="/manage/certificates")
    auth.logout()
    page = client.get(f"/v/{cert.code}").get_data(as_text=True)
    assert "REVOCADO" in page and "ya no es válido" in page
    assert "fraude" not in page and cert.holder_name not in page
    answer = client.get(f"/api/v1/verify/{cert.code}").get_json()
    assert answer["status"] == "revoked" and answer["revoked_on"]
    assert "name" not in answer and "fraude" not in json.dumps(answer)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke")) is not None


def test_a_revoked_certificate_is_no_longer_offered_on_the_trainee_home(client, auth, graduate):
    cert = _issue(client, auth, graduate)
    post_form(client, f"/manage/certificates/{cert.id}/revoke", {"reason": "error_emision", "confirmed": "1"},
              form_url="/manage/certificates")
    auth.logout()
    auth.login("jose")
    assert "Tu certificado" not in client.get("/").get_data(as_text=True)


def test_reissue_revokes_the_old_code_and_gives_a_new_one(client, auth, graduate):
    old = _issue(client, auth, graduate, name="Jose Nahui")
    post_form(client, f"/manage/certificates/{old.id}/revoke",
              {"reason": "reemitido", "reissue": "1", "name": "José Ñahui Quispe", "confirmed": "1"}, form_url="/manage/certificates")
    db.session.expire_all()
    new = db.session.scalar(select(Certificate).where(Certificate.status == "valid"))
    assert new.code != old.code and new.holder_name == "José Ñahui Quispe"
    assert old.status == "revoked" and old.revoked_reason == "reemitido" and old.replaced_by_id == new.id


def test_offline_verification_from_the_qr_text_alone(app, runner, client, auth, graduate, tmp_path):
    cert = _issue(client, auth, graduate)
    qr_text = services.qr_url(cert, "https://promotores.example.pe/")
    jwks = tmp_path / "jwks.json"
    jwks.write_text(client.get("/.well-known/jwks.json").get_data(as_text=True))
    ok = runner.invoke(args=["lms", "certs", "verify-offline", qr_text, "--jwks", str(jwks)])
    assert ok.exit_code == 0 and "status: valid" in ok.output and "José Ñahui Quispe" in ok.output
    tampered = qr_text[:-3] + ("A" if qr_text[-3] != "A" else "B") + qr_text[-2:]
    assert runner.invoke(args=["lms", "certs", "verify-offline", tampered, "--jwks", str(jwks)]).exit_code == 1
    post_form(client, f"/manage/certificates/{cert.id}/revoke", {"reason": "fraude", "confirmed": "1"}, form_url="/manage/certificates")
    revocations = tmp_path / "revocations.json"
    revocations.write_text(client.get("/status/revocations.json").get_data(as_text=True))
    revoked = runner.invoke(args=["lms", "certs", "verify-offline", qr_text, "--jwks", str(jwks),
                                  "--revocations", str(revocations)])
    assert revoked.exit_code == 1 and "status: revoked" in revoked.output
    assert "warning" not in revoked.output


def test_verify_offline_warns_when_the_revocation_list_is_past_its_next_update(app, runner, client, auth, graduate,
                                                                                tmp_path, monkeypatch):
    from datetime import datetime, timedelta, timezone

    import lms.clock
    cert = _issue(client, auth, graduate)
    jwks = tmp_path / "jwks.json"
    jwks.write_text(client.get("/.well-known/jwks.json").get_data(as_text=True))
    revocations = tmp_path / "revocations.json"
    revocations.write_text(client.get("/status/revocations.json").get_data(as_text=True))
    three_days_later = datetime.now(timezone.utc) + timedelta(days=3)
    monkeypatch.setattr(lms.clock, "utcnow", lambda: three_days_later)  # the verifier kept the list for three days
    out = runner.invoke(args=["lms", "certs", "verify-offline", services.qr_url(cert, "http://lms.test/"),
                              "--jwks", str(jwks), "--revocations", str(revocations)])
    assert out.exit_code == 0 and "warning: the revocation list was due for renewal" in out.output


def test_verify_offline_reports_a_qr_pointing_to_another_host(runner, client, auth, graduate, tmp_path):
    cert = _issue(client, auth, graduate)
    jwks = tmp_path / "jwks.json"
    jwks.write_text(client.get("/.well-known/jwks.json").get_data(as_text=True))
    revocations = tmp_path / "revocations.json"
    revocations.write_text(client.get("/status/revocations.json").get_data(as_text=True))
    assert json.loads(revocations.read_text())["issuer"] == "http://lms.test/"
    look_alike = services.qr_url(cert, "https://promotores-verifica.example.com/")
    out = runner.invoke(args=["lms", "certs", "verify-offline", look_alike, "--jwks", str(jwks),
                              "--revocations", str(revocations)])
    assert out.exit_code == 1 and "status: wrong_host" in out.output


def test_the_public_revocation_list_names_nobody(client, auth, graduate):
    """The tester's attack: fetch the list, feed each code to the API, read names and reasons."""
    old = _issue(client, auth, graduate, name="Jose Nahui")
    post_form(client, f"/manage/certificates/{old.id}/revoke",
              {"reason": "reemitido", "reissue": "1", "name": "José Ñahui Quispe", "confirmed": "1"}, form_url="/manage/certificates")
    auth.logout()
    listing = client.get("/status/revocations.json").get_data(as_text=True)
    assert old.code not in listing and format_code(old.code) not in listing
    assert "reemitido" not in listing and "Nahui" not in listing
    assert json.loads(listing)["next_update"] > json.loads(listing)["issued"]
    page = client.get(f"/v/{old.code}").get_data(as_text=True)
    assert "REVOCADO" in page and "Jose Nahui" not in page  # the old name is no longer public after a re-issue
    assert client.get(f"/credentials/{old.code}.json").status_code == 410
    assert client.get(f"/credentials/{old.code}.jwt").status_code == 410


def test_old_certificates_keep_verifying_after_key_rotation(runner, client, auth, graduate, tmp_path):
    cert = _issue(client, auth, graduate)
    assert runner.invoke(args=["lms", "certs", "rotate-key"]).exit_code == 0
    keys = client.get("/.well-known/jwks.json").get_json()["keys"]
    assert {k["status"] for k in keys} == {"active", "retired"} and all("d" not in k for k in keys)
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": keys}))
    out = runner.invoke(args=["lms", "certs", "verify-offline", services.qr_url(cert, "https://x.pe/"),
                              "--jwks", str(jwks)])
    assert out.exit_code == 0


def test_signing_keys_live_in_the_instance_folder_with_mode_600(app, client, auth, graduate):
    _issue(client, auth, graduate)
    keys_dir = os.path.join(app.instance_path, "keys")
    pems = [f for f in os.listdir(keys_dir) if f.endswith(".pem")]
    assert pems and all(stat.S_IMODE(os.stat(os.path.join(keys_dir, f)).st_mode) == 0o600 for f in pems)


def _bulk(client, content: bytes):
    return post_form(client, "/verify/bulk", {"file": (io.BytesIO(content), "codigos.csv")},
                     content_type="multipart/form-data")


def test_municipality_verifies_a_csv_of_codes_with_semicolons_bom_and_formulas(client, auth, graduate):
    cert = _issue(client, auth, graduate)
    auth.logout()
    auth.login("municipio")
    rows = "\ufeffcodigo;nombre\r\n" + f"{format_code(cert.code)};jose nahui quispe\r\n" + \
        "=cmd|'/c calc'!A1;x\r\nABCD-EFGH-JKMN-PQRS;y\r\n"
    response = _bulk(client, rows.encode("utf-8"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].split(";")[:2] == ["codigo", "estado"]
    assert lines[1].split(";")[1] == "válido" and lines[1].endswith(";sí")
    assert lines[2].startswith("'=cmd") and lines[2].split(";")[1] == "código mal escrito"
    assert lines[3].split(";")[1] in ("código mal escrito", "no encontrado")


def test_a_broken_csv_gets_a_clear_message(client, auth, world):
    auth.login("municipio")
    response = _bulk(client, b"nombre,fecha\r\nx,y\r\n")
    assert response.status_code == 422
    assert "codigo" in response.get_data(as_text=True)


def test_registry_lists_certified_promoters_and_exports_them(client, auth, graduate):
    cert = _issue(client, auth, graduate)
    auth.logout()
    auth.login("municipio")
    assert client.get("/").headers["Location"] == "/verify/registry"
    page = client.get("/verify/registry?q=ñahui").get_data(as_text=True)
    assert format_code(cert.code) in page
    csv_text = client.get("/verify/registry.csv").data.decode("utf-8-sig")
    assert "José Ñahui Quispe" in csv_text


def test_demo_graduate_holds_a_certificate_and_demo_prints_its_code(runner):
    out = runner.invoke(args=["lms", "demo"])
    code = out.output.split("demo certificate code: ")[1].split()[0]
    assert services.verify(code, "web", datetime.now(timezone.utc), log=False).status == "valid"


def test_open_badges_credential_and_its_vc_jwt_verify_with_the_published_key(client, auth, graduate):
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    cert = _issue(client, auth, graduate)
    auth.logout()
    credential = json.loads(client.get(f"/credentials/{cert.code}.json").data)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    subject = credential["credentialSubject"]
    assert subject["name"] == "José Ñahui Quispe" and subject["id"].startswith("urn:uuid:")
    assert subject["achievement"]["criteria"]["narrative"]
    assert credential["credentialStatus"]["type"] == "1EdTechRevocationList"
    token = client.get(f"/credentials/{cert.code}.jwt").get_data(as_text=True)
    header_b64, payload_b64, signature_b64 = token.split(".")
    unb64 = lambda text: base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))  # noqa: E731
    header, payload = json.loads(unb64(header_b64)), json.loads(unb64(payload_b64))
    assert header["alg"] == "EdDSA" and payload["jti"] == credential["id"] and payload["sub"] == subject["id"]
    kid = header["kid"].split("#")[1]
    jwk = next(k for k in client.get("/.well-known/jwks.json").get_json()["keys"] if k["kid"] == kid)
    Ed25519PublicKey.from_public_bytes(unb64(jwk["x"])).verify(unb64(signature_b64),
                                                                f"{header_b64}.{payload_b64}".encode())
    assert client.get("/credentials/ABCD-EFGH-JKMN-PQRS.json").status_code == 404


def test_the_coordinator_reads_issued_certificates_fifty_at_a_time_newest_first(client, auth, world):
    """Each row carries its suspend and revoke forms: five hundred of them made a page of megabytes."""
    from datetime import date, timedelta

    from sqlalchemy import insert

    from lms.core.certificates.codes import new_code
    from lms.models import User
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    people = [{"username": f"p{n}", "display_name": f"Promotor {n:02d}", "password_hash": "x", "role": "trainee",
               "locale": "es", "is_active": True, "session_token": f"p-{n}"} for n in range(60)]
    db.session.execute(insert(User), people)
    ids = db.session.scalars(select(User.id).where(User.username.like("p%")).order_by(User.id)).all()
    db.session.execute(insert(Certificate), [
        {"code": new_code(), "user_id": uid, "cohort_id": world.cohort.id, "holder_name": f"Promotor {n:02d}",
         "course_slug": "promotores", "course_title": "Curso", "issuer": "Municipio", "hours": 48, "locale": "es",
         "completed_on": date(2026, 1, 1), "issued_on": date(2026, 1, 1) + timedelta(days=n),
         "issued_dt": start + timedelta(days=n), "kid": "k", "token": "t", "content_version": "v",
         "status": "valid"} for n, uid in enumerate(ids)])
    db.session.commit()
    auth.login("coordinadora")
    first = client.get("/manage/certificates").get_data(as_text=True)
    assert "Emitido (60)" in first
    assert "Promotor 59" in first and "Promotor 10" in first and "Promotor 09" not in first
    assert first.count('action="/manage/certificates/') - first.count("/manage/certificates/issue") <= 50 * 3
    assert "Más antiguos" in first and "Más recientes" not in first
    second = client.get("/manage/certificates?page=2").get_data(as_text=True)
    assert "Promotor 09" in second and "Promotor 00" in second and "Promotor 10" not in second
    assert "Más recientes" in second and "Más antiguos" not in second
    beyond = client.get("/manage/certificates?page=9")
    assert beyond.status_code == 200 and "Volver a los certificados más recientes" in beyond.get_data(as_text=True)
