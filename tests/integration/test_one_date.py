"""One date for one event (issue 17).

A coordinator issues a certificate and revokes it at 23:30 in Lima on 1 December 2026, which is
04:30 UTC on the 2nd. Everyone who reads a date of it reads the 1st: the public page, the API's
dates, the PDF, the registry CSV and the audit log. The API's moments keep their -05:00 offset.
"""

import csv
import io
import subprocess
from datetime import UTC, datetime

import pytest
from helpers import needs_tools, post_form
from sqlalchemy import select

import lms.clock
from lms.models import Certificate

EVENING_IN_LIMA = datetime(2026, 12, 2, 4, 30, tzinfo=UTC)  # 23:30 on 1 December in Lima


class _Evening(datetime):
    @classmethod
    def now(cls, tz=None):
        return EVENING_IN_LIMA.astimezone(tz) if tz else EVENING_IN_LIMA.replace(tzinfo=None)


@pytest.fixture
def evening(monkeypatch):
    """Every clock of the app (lms.clock.utcnow: views, column defaults) reads 23:30 in Lima."""
    monkeypatch.setattr(lms.clock, "datetime", _Evening)
    return EVENING_IN_LIMA


@needs_tools("pdftotext")
def test_issued_and_revoked_at_23_30_in_lima_read_as_the_same_day_everywhere(client, auth, graduate, evening,
                                                                            tmp_path):
    auth.login("coordinadora")
    post_form(client, "/manage/certificates/issue", {"enrollment": str(graduate.enrollment.id)},
              form_url="/manage/certificates")
    cert = db_certificate()
    assert cert.issued_on.isoformat() == "2026-12-01"
    pdf = tmp_path / "certificado.pdf"
    pdf.write_bytes(client.get(f"/manage/certificates/{cert.id}.pdf").data)
    printed = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert "Emitido el 1 de diciembre de 2026" in printed

    post_form(client, f"/manage/certificates/{cert.id}/revoke", {"reason": "error_emision", "confirmed": "1"},
              form_url="/manage/certificates")

    # The registry CSV and the audit log, as the coordinator reads them.
    registry = client.get("/verify/registry.csv").data.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(registry), delimiter=";"))
    assert (row["fecha_emision"], row["fecha_revocacion"]) == ("01/12/2026", "01/12/2026")
    audit = client.get("/manage/audit").get_data(as_text=True)
    # The certificate's two events; the course work before them happened at the real clock's time.
    certificate_rows = [row for row in audit.split("<tr>") if "certificado" in row]
    assert audit.count("01/12/2026 23:30") >= 2
    assert certificate_rows and not any("02/12/2026" in row for row in certificate_rows)

    # The public page and the API.
    auth.logout()
    page = client.get(f"/v/{cert.code}").get_data(as_text=True)
    assert "revocado el 1 de diciembre de 2026" in page
    assert "1 de diciembre de 2026</dd>" in page and "2 de diciembre" not in page
    api = client.get(f"/api/v1/verify/{cert.code}").get_json()
    assert (api["issued_on"], api["revoked_on"]) == ("2026-12-01", "2026-12-01")
    assert api["revoked_at"] == "2026-12-01T23:30:00-05:00"
    assert api["issued_at"] == "2026-12-01T23:30:00-05:00"


def db_certificate() -> Certificate:
    from lms.extensions import db
    return db.session.scalar(select(Certificate))
