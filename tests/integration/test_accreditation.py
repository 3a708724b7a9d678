"""Accreditation (issue 20): completing the course makes a man eligible; his facilitator recommends; a
coordinator accredits. A safeguarding concern holds accreditation until a coordinator decides; anyone can
raise one from a verification page; a coordinator can suspend a promoter while it is reviewed."""

import re
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from helpers import PASSWORD, AuthActions, complete_course, needs_tools, post_form
from sqlalchemy import func, select

from lms.content.loader import current_course
from lms.core import accreditation
from lms.core.calendar import lima_today
from lms.core.certificates import services
from lms.core.certificates.codes import format_code
from lms.core.certificates.tokens import code_sha256
from lms.core.errors import RuleError
from lms.core.progress import progress_of
from lms.extensions import db
from lms.models import AuditEvent, Certificate, Concern, Role

ACCOUNT = "En el taller contó que la semana pasada empujó a su pareja."


def _login(app, username):
    client = app.test_client()
    assert AuthActions(client).login(username, PASSWORD).status_code == 302
    return client


def _now():
    return datetime.now(timezone.utc)


def _issue_as(client, enrollment_id):
    return post_form(client, "/manage/certificates/issue", {"enrollment": str(enrollment_id)},
                     form_url="/manage/certificates", follow_redirects=True).get_data(as_text=True)


def _accredit(world):
    """José, complete and recommended, accredited by the coordinator through the service."""
    course, now = current_course(), _now()
    enrollment = world.trainee.enrollment
    certificate = services.issue(world.coordinator, enrollment, course, printed_name=world.trainee.display_name,
                                 now=now, progress=progress_of(enrollment, course, now))
    db.session.commit()
    return certificate


def _actions():
    return [a for (a,) in db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id))]


# ---------------------------------------------------------------- eligible → recommended → accredited

def test_completing_the_course_makes_him_eligible_but_not_accredited(app, world):
    complete_course(world, recommended=False)
    coordinator = _login(app, "coordinadora")
    page = coordinator.get("/manage/certificates").get_data(as_text=True)
    assert "Completaron el curso, aún no listos" in page and "Espera la recomendación de su facilitador" in page
    assert f'name="enrollment" value="{world.trainee.enrollment.id}"' not in page
    answer = _issue_as(coordinator, world.trainee.enrollment.id)
    assert "José Ñahui aún no tiene la recomendación de su facilitador." in answer
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_trainee_accepts_the_code_of_conduct_in_week_12_and_the_date_is_recorded(app, world):
    trainee_b = _login(app, "carlos")  # cohort B is in week 4
    page = trainee_b.get("/code-of-conduct").get_data(as_text=True)
    assert "Vivir sin violencia" in page and "cuando se abra la semana 12" in page
    assert post_form(trainee_b, "/code-of-conduct", {"accept": "y"}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0

    world.cohort.start_date -= timedelta(days=100)
    db.session.commit()
    jose = _login(app, "jose")
    unticked = post_form(jose, "/code-of-conduct", {})
    assert unticked.status_code == 422 and "Marca la casilla" in unticked.get_data(as_text=True)
    post_form(jose, "/code-of-conduct", {"accept": "y"})
    accepted = accreditation.acceptance_of(world.trainee.enrollment)
    assert accepted is not None and accepted.content_version == current_course().version
    assert "Aceptaste el código de conducta el" in jose.get("/code-of-conduct").get_data(as_text=True)
    assert "conduct.accept" in _actions()


def test_a_trainee_who_did_not_accept_the_code_is_not_yet_eligible(app, world):
    course = current_course()
    complete_course(world, recommended=False)
    db.session.delete(accreditation.acceptance_of(world.trainee.enrollment))
    db.session.commit()
    with pytest.raises(RuleError, match="código de conducta"):
        accreditation.record_recommendation(world.facilitator, world.trainee.enrollment, course, "recommend",
                                            "Listo.", _now())
    [standing] = accreditation.standings([world.trainee.enrollment], course, _now())
    assert standing.stage == accreditation.Stage.CODE_PENDING and not standing.is_eligible


def test_facilitator_recommends_and_the_coordinator_sees_it_and_accredits(app, world):
    complete_course(world, recommended=False)
    facilitator = _login(app, "facilitadora")
    url = f"/facilitate/trainees/{world.trainee.id}/recommendation"
    missing = post_form(facilitator, url, {"decision": "recommend", "reason": "  "})
    assert missing.status_code == 422 and "Escribe la razón" in missing.get_data(as_text=True)
    post_form(facilitator, url, {"decision": "recommend", "reason": "Lidera con respeto y escucha."})

    coordinator = _login(app, "coordinadora")
    page = coordinator.get("/manage/certificates").get_data(as_text=True)
    assert "Listos para acreditar (1)" in page and "Lidera con respeto y escucha." in page
    assert "Certificados emitidos: 1." in _issue_as(coordinator, world.trainee.enrollment.id)
    assert db.session.scalar(select(Certificate)).status == "valid"
    assert {"accreditation.recommend", "certificate.issue"} <= set(_actions())


def test_not_yet_from_his_facilitator_refuses_accreditation_with_the_reason_kept_private(app, world):
    complete_course(world, recommended=False)
    post_form(_login(app, "facilitadora"), f"/facilitate/trainees/{world.trainee.id}/recommendation",
              {"decision": "not_yet", "reason": "Aún grita a sus hijos; seguimos trabajando."})
    coordinator = _login(app, "coordinadora")
    assert "Aún grita a sus hijos" in coordinator.get("/manage/certificates").get_data(as_text=True)
    assert "Su facilitador todavía no recomienda a José Ñahui." in _issue_as(coordinator,
                                                                             world.trainee.enrollment.id)
    jose = _login(app, "jose")
    for url in ("/", "/code-of-conduct", "/weeks/12"):
        assert "Aún grita" not in jose.get(url).get_data(as_text=True), url


def test_facilitator_of_another_cohort_cannot_recommend(app, world):
    complete_course(world, recommended=False)
    other = _login(app, "facilitador-b")
    response = post_form(other, f"/facilitate/trainees/{world.trainee.id}/recommendation",
                         {"decision": "recommend", "reason": "Sí."}, form_url="/facilitate/")
    assert response.status_code == 404
    assert accreditation.recommendation_of(world.trainee.enrollment) is None


# ---------------------------------------------------------------- safeguarding concerns

def test_an_open_concern_holds_accreditation_one_by_one_and_in_bulk(app, world, make_user):
    complete_course(world)
    facilitator = _login(app, "facilitadora")
    recorded = post_form(facilitator, f"/facilitate/trainees/{world.trainee.id}/concerns",
                         {"category": "disclosure", "account": ACCOUNT}, follow_redirects=True)
    assert "Detiene su acreditación" in recorded.get_data(as_text=True)

    course, now = current_course(), _now()
    with pytest.raises(RuleError, match="preocupación de salvaguarda abierta"):
        services.issue(world.coordinator, world.trainee.enrollment, course, printed_name="José Ñahui", now=now,
                       progress=progress_of(world.trainee.enrollment, course, now))
    db.session.rollback()
    coordinator = _login(app, "coordinadora")
    page = coordinator.get("/manage/certificates").get_data(as_text=True)
    assert "Detenido: una preocupación de salvaguarda abierta" in page and "Listos para acreditar (0)" in page
    answer = _issue_as(coordinator, world.trainee.enrollment.id)  # a form sent before the concern was recorded
    assert "Una preocupación de salvaguarda abierta detiene la acreditación de José Ñahui." in answer
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_a_concern_is_read_only_by_coordinators_and_the_facilitator_who_recorded_it(app, world, make_user):
    complete_course(world)
    second = make_user("facilitador-a2", Role.FACILITATOR, display_name="Dora Cofacilitadora")
    world.cohort.facilitators.append(second)
    db.session.commit()
    post_form(_login(app, "facilitadora"), f"/facilitate/trainees/{world.trainee.id}/concerns",
              {"category": "third_party", "account": ACCOUNT})
    concern = db.session.scalar(select(Concern))
    assert concern.recorded_by_id == world.facilitator.id and concern.is_open

    url = f"/facilitate/trainees/{world.trainee.id}/concerns"
    mine = _login(app, "facilitadora").get(url).get_data(as_text=True)
    assert "Preocupaciones que registraste sobre él" in mine and ACCOUNT not in mine  # his list: kind and date
    theirs = _login(app, "facilitador-a2").get(url).get_data(as_text=True)
    assert "Preocupaciones que registraste" not in theirs and accreditation.format_reference(
        concern.reference) not in theirs
    coordinator = _login(app, "coordinadora")
    assert ACCOUNT in coordinator.get(f"/manage/concerns/{concern.id}").get_data(as_text=True)
    assert "José Ñahui" in coordinator.get("/manage/concerns").get_data(as_text=True)
    for visitor in ("facilitadora", "facilitador-a2", "jose", "municipio"):
        assert _login(app, visitor).get(f"/manage/concerns/{concern.id}").status_code == 403, visitor


def test_the_trainee_never_sees_a_concern_and_no_export_carries_one(app, world):
    complete_course(world)
    accreditation.record_concern(world.facilitator, world.trainee, "disclosure", ACCOUNT, _now())
    db.session.commit()
    jose = _login(app, "jose")
    for url in ("/", "/code-of-conduct", "/weeks/12", "/weeks/12/reflection"):
        body = jose.get(url).get_data(as_text=True)
        assert ACCOUNT not in body and "salvaguarda" not in body.lower(), url
    coordinator = _login(app, "coordinadora")
    exports = (f"/facilitate/cohorts/{world.cohort.id}/gradebook.csv", "/reports/impact.csv",
               "/verify/registry.csv")
    for url in exports:
        response = coordinator.get(url)
        assert response.status_code == 200
        assert "empujó" not in response.get_data(as_text=True), url


def test_recording_and_closing_a_concern_is_audited(app, world):
    complete_course(world)
    concern = accreditation.record_concern(world.facilitator, world.trainee, "group_threats", ACCOUNT, _now())
    db.session.commit()
    accreditation.close_concern(world.coordinator, concern, "accredit", lima_today(), "Revisado.", _now())
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "concerns")).all()
    assert [(e.action, e.actor_id) for e in events] == [("concern.record", world.facilitator.id),
                                                         ("concern.close", world.coordinator.id)]
    assert all("empujó" not in str(e.details) for e in events)  # the account stays in the concern only


def test_a_bad_decision_date_gets_a_clear_message_and_keeps_the_reasons_typed(app, world):
    complete_course(world)
    concern = accreditation.record_concern(world.facilitator, world.trainee, "other", ACCOUNT, _now())
    db.session.commit()
    coordinator = _login(app, "coordinadora")
    tomorrow = (_now() + timedelta(days=2)).date().isoformat()
    response = post_form(coordinator, f"/manage/concerns/{concern.id}",
                         {"decision": "defer", "decided_on": tomorrow, "reasons": "Plan: 6 sesiones con el CEM."})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "La fecha de la decisión va del día en que se presentó la preocupación hasta hoy." in body
    assert "Plan: 6 sesiones con el CEM." in body
    db.session.expire_all()
    assert db.session.get(Concern, concern.id).is_open


@pytest.mark.parametrize("decision, stage_after, stage_after_new_recommendation", [
    ("accredit", "ready", "ready"),
    ("defer", "deferred", "ready"),
    ("not_accredit", "not_accredited", "not_accredited"),
])
def test_closing_a_concern_decides_what_follows(app, world, decision, stage_after, stage_after_new_recommendation):
    course = current_course()
    complete_course(world)
    concern = accreditation.record_concern(world.facilitator, world.trainee, "disclosure", ACCOUNT, _now())
    db.session.commit()

    def stage():
        return accreditation.standings([world.trainee.enrollment], course, _now())[0].stage

    assert stage() == "held"
    coordinator = _login(app, "coordinadora")
    post_form(coordinator, f"/manage/concerns/{concern.id}",
              {"decision": decision, "decided_on": lima_today().isoformat(), "reasons": "Se habló con él."})
    db.session.expire_all()
    assert not db.session.get(Concern, concern.id).is_open
    assert stage() == stage_after
    accreditation.record_recommendation(world.facilitator, world.trainee.enrollment, course, "recommend",
                                        "Cumplió el plan.", _now() + timedelta(seconds=1))
    db.session.commit()
    assert stage() == stage_after_new_recommendation


# ---------------------------------------------------------------- a public way to raise a concern

def test_anyone_raises_a_concern_from_the_verification_page_and_gets_a_reference(app, world):
    world.trainee.email, world.trainee.phone = "jose@example.pe", "987654321"
    complete_course(world)
    certificate = _accredit(world)
    visitor = app.test_client()
    page = visitor.get(f"/v/{certificate.code}").get_data(as_text=True)
    assert "Reportar una preocupación sobre este promotor" in page
    form = visitor.get(f"/v/{certificate.code}/concern")
    body = form.get_data(as_text=True)
    # A plain form that posts without JavaScript (the site's one deferred script only enhances).
    assert form.status_code == 200 and "<script>" not in body and '<form method="post"' in body
    assert "105" in body and "911" in body and "Línea 100" in body
    assert body.index("Si alguien está en peligro ahora") < body.index('name="account"')  # help comes first
    for private in ("jose@example.pe", "987654321", "Grupo A", "Ana Facilitadora", "jose"):
        assert private not in body, private

    sent = post_form(visitor, f"/v/{certificate.code}/concern",
                     {"account": "Lo vi golpear a su pareja en el mercado.", "contact": "999 111 222"})
    text = sent.get_data(as_text=True)
    reference = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", text.split("número de referencia")[1]).group(0)
    assert sent.status_code == 200 and "Línea 100" in text

    concern = db.session.scalar(select(Concern))
    assert accreditation.format_reference(concern.reference) == reference
    assert concern.certificate_id == certificate.id and concern.subject_id == world.trainee.id
    assert concern.category == "public" and concern.recorded_by_id is None
    queue = _login(app, "coordinadora").get("/manage/concerns").get_data(as_text=True)
    assert reference in queue and format_code(certificate.code) in queue
    assert "concern.public" in _actions()


def test_the_public_form_keeps_what_was_typed_when_something_is_missing(app, world):
    complete_course(world)
    certificate = _accredit(world)
    visitor = app.test_client()
    response = post_form(visitor, f"/v/{certificate.code}/concern", {"account": "", "contact": "vecina@example.pe"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Escribe qué pasó." in body and "vecina@example.pe" in body
    assert db.session.scalar(select(func.count()).select_from(Concern)) == 0


def test_the_public_form_answers_only_for_a_real_certificate(app, world):
    visitor = app.test_client()
    assert visitor.get("/v/ABCD-EFGH-JKMN-PQRS/concern").status_code == 404
    assert visitor.get("/v/not-a-code/concern").status_code == 404


def test_the_public_form_is_rate_limited(app, world):
    complete_course(world)
    certificate = _accredit(world)
    app.config["CONCERN_RATE_LIMIT"] = "2 per hour"
    visitor = app.test_client()
    url = f"/v/{certificate.code}/concern"
    statuses = [post_form(visitor, url, {"account": f"Aviso {n}"}).status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    assert db.session.scalar(select(func.count()).select_from(Concern)) == 2


def test_the_municipal_registry_offers_the_concern_form(app, world):
    complete_course(world)
    certificate = _accredit(world)
    registry = _login(app, "municipio").get("/verify/registry").get_data(as_text=True)
    assert f'href="/v/{certificate.code}/concern"' in registry


# ---------------------------------------------------------------- suspension

def test_suspension_shows_suspendido_everywhere_and_lifting_it_restores_valido(app, world, runner, tmp_path):
    complete_course(world)
    certificate = _accredit(world)
    accreditation.record_concern(world.coordinator, world.trainee, "third_party", ACCOUNT, _now())
    db.session.commit()
    coordinator = _login(app, "coordinadora")
    post_form(coordinator, f"/manage/certificates/{certificate.id}/suspend", {}, form_url="/manage/certificates")
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).status == "suspended"

    visitor = app.test_client()
    page = visitor.get(f"/v/{certificate.code}").get_data(as_text=True)
    assert "SUSPENDIDO" in page and "VÁLIDO" not in page
    assert "empujó" not in page and "pareja" not in page and "preocupación de salvaguarda" not in page
    api = visitor.get(f"/api/v1/verify/{certificate.code}").get_json()
    assert api["status"] == "suspended" and not {"reason", "revocation_reason", "suspended_on"} & set(api)

    jwks, status_list = tmp_path / "jwks.json", tmp_path / "status.json"
    jwks.write_text(visitor.get("/.well-known/jwks.json").get_data(as_text=True))
    listed = visitor.get("/status/revocations.json").get_json()
    assert [entry["code_sha256"] for entry in listed["suspended"]] == [code_sha256(certificate.code)]
    status_list.write_text(visitor.get("/status/revocations.json").get_data(as_text=True))
    qr_text = services.qr_url(certificate, "https://promotores.example.pe/")
    offline = runner.invoke(args=["lms", "certs", "verify-offline", qr_text, "--jwks", str(jwks),
                                  "--revocations", str(status_list)])
    assert offline.exit_code == 1 and "status: suspended" in offline.output

    post_form(coordinator, f"/manage/certificates/{certificate.id}/lift-suspension", {},
              form_url="/manage/certificates")
    assert "VÁLIDO" in visitor.get(f"/v/{certificate.code}").get_data(as_text=True)
    assert visitor.get(f"/api/v1/verify/{certificate.code}").get_json()["status"] == "valid"
    assert visitor.get("/status/revocations.json").get_json()["suspended"] == []
    assert ["certificate.suspend", "certificate.lift_suspension"] == [
        a for a in _actions() if a.startswith("certificate.") and a != "certificate.issue"]


def test_a_suspended_promoter_cannot_be_accredited_again_until_the_suspension_ends(app, world):
    complete_course(world)
    certificate = _accredit(world)
    services.suspend(world.coordinator, certificate, _now())
    db.session.commit()
    assert "está suspendido" in _issue_as(_login(app, "coordinadora"), world.trainee.enrollment.id)
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_revocation_for_conduct_is_recorded_and_the_public_page_keeps_the_reason_private(app, world):
    complete_course(world)
    certificate = _accredit(world)
    services.suspend(world.coordinator, certificate, _now())
    db.session.commit()
    coordinator = _login(app, "coordinadora")
    post_form(coordinator, f"/manage/certificates/{certificate.id}/revoke", {"reason": "conducta", "confirmed": "1"},
              form_url="/manage/certificates")
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).revoked_reason == "conducta"
    page = app.test_client().get(f"/v/{certificate.code}").get_data(as_text=True)
    # The reason is the coordination's record, never public (issue 18): the paper's holder learns only
    # that it is revoked, and when.
    assert "REVOCADO" in page and "conducta" not in page
    assert "revocation_reason" not in app.test_client().get(f"/api/v1/verify/{certificate.code}").get_json()


def test_a_promoter_revoked_for_conduct_is_not_offered_for_accreditation_again(app, world):
    complete_course(world)
    certificate = _accredit(world)
    services.revoke(world.coordinator, certificate, "conducta", _now())
    db.session.commit()
    coordinator = _login(app, "coordinadora")
    page = coordinator.get("/manage/certificates").get_data(as_text=True)
    assert "Listos para acreditar (0)" in page and "No acreditado (decisión de la coordinación)" in page
    assert "La coordinación decidió no acreditar a José Ñahui." in _issue_as(coordinator, world.trainee.enrollment.id)


def test_nobody_but_a_coordinator_suspends(app, world):
    complete_course(world)
    certificate = _accredit(world)
    for username in ("facilitadora", "jose", "municipio"):
        client = _login(app, username)
        token_page = "/facilitate/" if username == "facilitadora" else "/account/password"
        response = post_form(client, f"/manage/certificates/{certificate.id}/suspend", {}, form_url=token_page)
        assert response.status_code == 403, username
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).status == "valid"


# ---------------------------------------------------------------- what the certificate says

def test_the_verification_page_says_he_is_accredited_as_a_promoter(app, world):
    complete_course(world)
    certificate = _accredit(world)
    page = app.test_client().get(f"/v/{certificate.code}").get_data(as_text=True)
    assert "acredita a este hombre como promotor" in page and "Acreditado como" in page


def test_the_certificate_keeps_the_signatories_of_course_toml(app, world):
    complete_course(world)
    certificate = _accredit(world)
    course = current_course()
    assert course.signatories and certificate.signatories == [[s.name, s.role("es")] for s in course.signatories]
    assert services.certificate_pdf(certificate, "https://promotores.example.pe/").startswith(b"%PDF")


@needs_tools("pdftotext")
def test_the_pdf_says_accredited_as_a_promoter_and_carries_its_signatories(app, world, tmp_path):
    complete_course(world)
    certificate = _accredit(world)
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(services.certificate_pdf(certificate, "https://promotores.example.pe/"))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "está acreditado como promotor contra la violencia familiar y sexual" in text
    for signatory in current_course().signatories:
        assert signatory.name in text
    assert "División de Desarrollo Social" in text


# ---------------------------------------------------------------- the demo

def test_the_demo_shows_a_held_trainee_one_waiting_and_a_suspended_promoter(app, runner):
    assert runner.invoke(args=["lms", "demo"]).exit_code == 0
    assert runner.invoke(args=["lms", "demo"]).exit_code == 0  # twice changes nothing
    from lms.core.rosters import enrollments_of
    from lms.models import Cohort, User
    cohorts = list(db.session.scalars(select(Cohort.id)))
    stages = {s.enrollment.user.username: s.stage
              for s in accreditation.standings(enrollments_of(cohorts), current_course(), _now())}
    assert stages["demo-promotor-3"] == "held" and stages["demo-promotor-7"] == "ready"
    suspended = db.session.scalar(select(User).where(User.username == "demo-promotor-4"))
    assert db.session.scalar(select(Certificate.status).where(Certificate.user_id == suspended.id)) == "suspended"
    assert db.session.scalar(select(func.count()).select_from(Concern)) == 2


# ---------------------------------------------------------------- cost

def test_the_certificates_page_and_the_concerns_queue_cost_the_same_for_one_or_three_men(app, world, make_user):
    from helpers import count_queries

    from lms.demo.progress import answer_surveys, complete_week
    course = current_course()
    complete_course(world)
    accreditation.record_concern(world.facilitator, world.trainee, "other", ACCOUNT, _now())
    db.session.commit()
    coordinator = _login(app, "coordinadora")

    def cost(url):
        coordinator.get(url)
        with count_queries() as queries:
            assert coordinator.get(url).status_code == 200
        return queries["n"]

    before = {url: cost(url) for url in ("/manage/certificates", "/manage/concerns")}
    second = make_user("facilitador-a2", Role.FACILITATOR, display_name="Dora Cofacilitadora")
    start = _now() - timedelta(days=100)
    for name in ("pedro", "luis"):
        man = make_user(name, cohort=world.cohort)
        for week in range(1, 13):
            complete_week(man, world.cohort, course, week, world.facilitator, start + timedelta(days=7 * week))
        for phase in ("pre", "post"):
            answer_surveys(man.enrollment, course, phase, 0.8, seed=2)
        accreditation.accept_code_of_conduct(man.enrollment, course, _now())
        accreditation.record_recommendation(second, man.enrollment, course, "recommend", "Bien.", _now())
        accreditation.record_concern(second, man, "group_threats", ACCOUNT, _now())
    db.session.commit()
    assert {url: cost(url) for url in before} == before
