"""A pause before the irreversible (issue 17): issuing several, and revoking, ask first."""

from datetime import date, datetime, timedelta, timezone

from helpers import post_form
from sqlalchemy import func, select

from lms.content.loader import current_course
from lms.core import accreditation
from lms.demo.progress import answer_surveys, complete_week
from lms.extensions import db
from lms.models import Certificate


def _graduate(make_user, world, username: str, name: str):
    """Another man of Grupo A who completed the course, accepted the code and was recommended (issue 20)."""
    user = make_user(username, cohort=world.cohort, display_name=name)
    world.cohort.start_date = date.today() - timedelta(days=120)
    course = current_course()
    start = datetime.now(timezone.utc) - timedelta(days=100)
    for week in range(1, 13):
        complete_week(user, world.cohort, course, week, world.facilitator, start + timedelta(days=7 * week))
    for phase in ("pre", "post"):
        answer_surveys(user.enrollment, course, phase, 0.8, seed=2)
    now = datetime.now(timezone.utc)
    accreditation.accept_code_of_conduct(user.enrollment, course, now)
    accreditation.record_recommendation(world.facilitator, user.enrollment, course, "recommend",
                                        "Completó todo con compromiso.", now)
    db.session.commit()
    return user


def _certificates() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


def test_nobody_is_ticked_and_issuing_several_asks_with_the_count(client, auth, graduate, make_user, world):
    julio = _graduate(make_user, world, "julio", "Julio César Ñique Ramírez del Castillo")
    auth.login("coordinadora")
    page = client.get("/manage/certificates").get_data(as_text=True)
    assert 'name="enrollment"' in page and " checked" not in page
    assert 'value="Julio César Ñique Ramírez del Castillo" class="printed-name" size="40"' in page

    ids = [graduate.enrollment.id, julio.enrollment.id]
    data = {"enrollment": [str(i) for i in ids], f"name-{julio.enrollment.id}": "Julio César Ñique Ramírez"}
    asked = post_form(client, "/manage/certificates/issue", data, form_url="/manage/certificates")
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "¿Emitir 2 certificados?" in text
    assert "Julio César Ñique Ramírez" in text and "Sí, emitir 2 certificados" in text
    assert _certificates() == 0, "nothing is issued before the coordinator confirms"

    post_form(client, "/manage/certificates/issue", {**data, "confirmed": "1"}, form_url="/manage/certificates")
    names = set(db.session.scalars(select(Certificate.holder_name)))
    assert names == {"José Ñahui", "Julio César Ñique Ramírez"}


def test_one_certificate_is_issued_without_a_second_question(client, auth, graduate):
    auth.login("coordinadora")
    post_form(client, "/manage/certificates/issue", {"enrollment": str(graduate.enrollment.id)},
              form_url="/manage/certificates")
    assert _certificates() == 1


def test_revoking_shows_name_code_and_reason_before_it_happens(client, auth, graduate):
    auth.login("coordinadora")
    post_form(client, "/manage/certificates/issue", {"enrollment": str(graduate.enrollment.id)},
              form_url="/manage/certificates")
    cert = db.session.scalar(select(Certificate))
    url = f"/manage/certificates/{cert.id}/revoke"
    asked = post_form(client, url, {"reason": "error_emision"}, form_url="/manage/certificates")
    text = asked.get_data(as_text=True)
    assert "¿Revocar este certificado?" in text
    assert "José Ñahui" in text and "emitido por error" in text and cert.code[:4] in text
    db.session.expire_all()
    assert cert.status == "valid", "nothing is revoked before the coordinator confirms"

    post_form(client, url, {"reason": "error_emision", "confirmed": "1"}, form_url="/manage/certificates")
    db.session.expire_all()
    assert cert.status == "revoked"


def test_a_man_whose_certificate_was_revoked_is_listed_unticked_with_the_reason(client, auth, graduate):
    auth.login("coordinadora")
    post_form(client, "/manage/certificates/issue", {"enrollment": str(graduate.enrollment.id)},
              form_url="/manage/certificates")
    cert = db.session.scalar(select(Certificate))
    post_form(client, f"/manage/certificates/{cert.id}/revoke", {"reason": "error_emision", "confirmed": "1"},
              form_url="/manage/certificates")
    page = client.get("/manage/certificates").get_data(as_text=True)
    row = page.split(f'id="e-{graduate.enrollment.id}"', 1)[1].split("</tr>", 1)[0]
    assert " checked" not in page.split('aria-labelledby="issued-h"')[0]
    assert "Su certificado anterior fue revocado: emitido por error." in row


def test_revoking_without_a_reason_says_so_and_keeps_the_certificate(client, auth, graduate):
    auth.login("coordinadora")
    post_form(client, "/manage/certificates/issue", {"enrollment": str(graduate.enrollment.id)},
              form_url="/manage/certificates")
    cert = db.session.scalar(select(Certificate))
    refused = post_form(client, f"/manage/certificates/{cert.id}/revoke", {"reason": "", "confirmed": "1"},
                        form_url="/manage/certificates")
    assert refused.status_code == 422 and "Elige un motivo para la revocación." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert cert.status == "valid"
