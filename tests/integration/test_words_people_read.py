"""Spanish wherever a person reads, English when English is chosen (issue 17): CSV values and file
names, bulk-check statuses, revocation reasons, impact measures and the audit log. The JSON API keeps
its codes."""

import csv
import io

from helpers import post_form
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Certificate, User


def _issue_and_revoke(client, auth, graduate, name="Julio César Ñique"):
    auth.login("coordinadora")
    post_form(client, "/manage/certificates/issue",
              {"enrollment": str(graduate.enrollment.id), f"name-{graduate.enrollment.id}": name},
              form_url="/manage/certificates")
    cert = db.session.scalar(select(Certificate))
    post_form(client, f"/manage/certificates/{cert.id}/revoke", {"reason": "error_emision", "confirmed": "1"},
              form_url="/manage/certificates")
    return cert


def _english(client, url="/v"):
    post_form(client, "/language", {"lang": "en", "next": url}, form_url=url)


def test_the_audit_log_reads_as_sentences_with_the_details_on_demand(client, auth, graduate):
    db.session.execute(User.__table__.update().where(User.username == "coordinadora")
                       .values(display_name="Lucía Fernández"))
    db.session.commit()
    cert = _issue_and_revoke(client, auth, graduate)
    page = client.get("/manage/audit").get_data(as_text=True)
    code = f"{cert.code[:4]}-{cert.code[4:8]}-{cert.code[8:12]}-{cert.code[12:]}"
    assert f"Lucía Fernández revocó el certificado {code} de Julio César Ñique: emitido por error." in page
    assert f"Lucía Fernández emitió el certificado {code} a Julio César Ñique." in page
    assert "<summary>Detalles registrados</summary>" in page and "certificate.revoke" in page
    assert "\\u00e9" not in page and "&#34;" not in page
    assert 'value="certificate.revoke">Certificado revocado</option>' in page


def test_the_registry_csv_says_revoked_and_why_in_words_in_the_readers_language(client, auth, graduate):
    _issue_and_revoke(client, auth, graduate)
    response = client.get("/verify/registry.csv")
    assert 'filename="registro-promotores.csv"' in response.headers["Content-Disposition"]
    row = next(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert (row["estado"], row["motivo_revocacion"]) == ("revocado", "emitido por error")

    _english(client)
    response = client.get("/verify/registry.csv")
    assert 'filename="promoter-registry.csv"' in response.headers["Content-Disposition"]
    row = next(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert (row["estado"], row["motivo_revocacion"]) == ("revoked", "issued in error")


def test_the_json_api_keeps_its_codes(client, auth, graduate):
    cert = _issue_and_revoke(client, auth, graduate)
    api = client.get(f"/api/v1/verify/{cert.code}").get_json()
    assert api["status"] == "revoked"  # a code, in every language
    assert "revocation_reason" not in api  # the reason is the coordination's, never public (issue 18)


def test_the_gradebook_csv_says_statuses_in_words(client, auth, world):
    from datetime import datetime, timezone

    from lms.learn import services as learn
    learn.submit_reflection(world.trainee.enrollment, 1, "Mi reflexión", datetime.now(timezone.utc), 8000)
    db.session.commit()
    auth.login("facilitadora")
    post_form(client, f"/facilitate/cohorts/{world.cohort.id}/attendance/1",
              {f"e-{world.trainee.enrollment.id}": "late"})
    response = client.get(f"/facilitate/cohorts/{world.cohort.id}/gradebook.csv")
    assert f'filename="calificaciones-grupo-{world.cohort.id}.csv"' in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    row = next(csv.reader(io.StringIO(text), delimiter=";"), None) and list(csv.reader(io.StringIO(text),
                                                                                       delimiter=";"))[1]
    assert "Enviada, esperando a tu facilitador" in row and "Tarde" in row and "sí" not in row[:3]
    assert not {"submitted", "late", "present", "absent", "accepted", "returned"} & set(row)


def test_every_change_is_still_recorded_with_its_codes(client, auth, graduate):
    _issue_and_revoke(client, auth, graduate)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
    assert event.details["reason"] == "error_emision"
