"""Logging in and out, joining a cohort, passwords: the stories of issue 2."""

import io
import logging
from datetime import datetime, timedelta, timezone

from helpers import PASSWORD, app_config, csrf_token, post_form
from sqlalchemy import select

from lms import create_app
from lms.extensions import db
from lms.models import AuditEvent, Cohort, Role, User


def test_trainee_logs_in_and_lands_on_his_weeks(client, auth, world):
    response = auth.login("jose")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "José Ñahui" in page
    assert "Semana 1" in page


def test_each_role_lands_on_a_home_fit_for_it(client, auth, world):
    homes = {"facilitadora": "/facilitate/", "coordinadora": "/manage/", "admin": "/manage/"}
    for username, home in homes.items():
        auth.login(username)
        assert client.get("/").headers["Location"] == home
        assert client.get(home).status_code == 200
        auth.logout()


def test_wrong_password_and_unknown_user_get_the_same_message(client, auth, world):
    wrong = auth.login("jose", "not-the-password").get_data(as_text=True)
    unknown = auth.login("nadie", "not-the-password").get_data(as_text=True)
    message = "Usuario o contraseña incorrectos."
    assert message in wrong and message in unknown
    assert 'value="jose"' in wrong  # what he typed is kept


def test_repeated_failures_slow_the_account_down_with_a_clear_message(client, auth, world):
    for _ in range(5):
        auth.login("jose", "wrong-password-1")
    blocked = auth.login("jose")  # even the right password waits now
    assert blocked.status_code == 429
    assert "Demasiados intentos fallidos" in blocked.get_data(as_text=True)


def test_deactivated_account_cannot_log_in(client, auth, world):
    world.trainee.is_active = False
    db.session.commit()
    assert "Usuario o contraseña incorrectos." in auth.login("jose").get_data(as_text=True)


def test_logout_needs_a_post_with_csrf_token(client, auth, world):
    auth.login("jose")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    auth.logout()
    assert client.get("/").status_code == 302


def test_login_follows_only_local_next_links(client, world):
    token = csrf_token(client, "/login")
    evil = client.post("/login", data={"username": "jose", "password": PASSWORD, "csrf_token": token,
                                       "next": "https://evil.example/steal"})
    assert evil.headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/password")})
    token = csrf_token(client, "/login")
    good = client.post("/login", data={"username": "jose", "password": PASSWORD, "csrf_token": token,
                                       "next": "/weeks/1"})
    assert good.headers["Location"] == "/weeks/1"


def test_post_without_csrf_token_is_refused(client, world):
    response = client.post("/login", data={"username": "jose", "password": PASSWORD})
    assert response.status_code == 400
    assert "Algo en la solicitud no estaba bien" in response.get_data(as_text=True)


def _join(client, **fields):
    data = {"invite_code": "grupo-aaa", "display_name": "Pedro Quispe", "username": "pedro",
            "password": "mi clave de promotor", "confirm": "mi clave de promotor"}
    data.update(fields)
    return post_form(client, "/join", data)


def test_new_trainee_joins_with_the_invite_code_and_is_enrolled(client, world):
    response = _join(client)
    assert response.status_code == 302
    pedro = db.session.scalar(select(User).where(User.username == "pedro"))
    assert pedro.role == Role.TRAINEE
    assert pedro.enrollment.cohort_id == world.cohort.id
    assert "Pedro Quispe" in client.get("/").get_data(as_text=True)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"account.create", "enrollment.join"} <= actions


def test_wrong_invite_code_is_told_and_keeps_what_was_typed(client, world):
    page = _join(client, invite_code="NOPE-NOPE").get_data(as_text=True)
    assert "No hay ningún grupo con ese código" in page
    assert 'value="Pedro Quispe"' in page
    assert db.session.scalar(select(User).where(User.username == "pedro")) is None


def test_expired_invite_code_is_told_apart(client, world):
    world.cohort.invite_expires_dt = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    assert "Ese código de invitación ha vencido" in _join(client).get_data(as_text=True)


def test_duplicate_username_keeps_what_was_typed(client, world):
    page = _join(client, username="jose").get_data(as_text=True)
    assert "Ese nombre de usuario ya está en uso" in page
    assert 'value="Pedro Quispe"' in page and 'value="jose"' in page


def test_weak_or_mismatched_passwords_are_explained_next_to_the_field(client, world):
    short = _join(client, password="corta", confirm="corta").get_data(as_text=True)
    assert "Usa al menos 10 caracteres." in short
    common = _join(client, password="1234567890", confirm="1234567890").get_data(as_text=True)
    assert "demasiado fácil de adivinar" in common
    mismatch = _join(client, confirm="otra clave distinta").get_data(as_text=True)
    assert "Las dos contraseñas no son iguales." in mismatch


def test_changing_the_password_ends_the_other_sessions(app, world):
    phone, laptop = app.test_client(), app.test_client()
    for c in (phone, laptop):
        post_form(c, "/login", {"username": "jose", "password": PASSWORD})
    assert phone.get("/").status_code == 200
    response = post_form(laptop, "/account/password", {"current_password": PASSWORD,
                                                       "password": "nueva clave segura 2026",
                                                       "confirm": "nueva clave segura 2026"})
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200      # this browser stays logged in
    assert phone.get("/").status_code == 302       # the other one is logged out


def test_facilitator_makes_a_one_time_reset_link_for_his_trainee(app, client, auth, world):
    auth.login("facilitadora")
    page = post_form(client, f"/facilitate/trainees/{world.trainee.id}/reset-link",
                     form_url=f"/facilitate/cohorts/{world.cohort.id}").get_data(as_text=True)
    link = page.split("<code>")[1].split("</code>")[0]
    path = link.replace("http://lms.test", "")
    visitor = app.test_client()
    response = post_form(visitor, path, {"password": "otra clave muy buena", "confirm": "otra clave muy buena"})
    assert response.status_code == 302
    assert visitor.get(path).status_code == 404  # single use
    assert "Este enlace ya no funciona" in visitor.get(path).get_data(as_text=True)


def test_facilitator_cannot_make_reset_links_for_another_cohort(client, auth, world):
    auth.login("facilitadora")
    response = post_form(client, f"/facilitate/trainees/{world.other_trainee.id}/reset-link",
                         form_url=f"/facilitate/cohorts/{world.cohort.id}")
    assert response.status_code == 404


def test_reset_link_expires(app, client, auth, world):
    from lms.core.accounts import make_reset_link_token
    token = make_reset_link_token(world.facilitator, world.trainee, datetime.now(timezone.utc) - timedelta(days=10), 72)
    db.session.commit()
    assert client.get(f"/reset/{token}").status_code == 404


def test_coordinator_creates_cohort_and_assigns_a_facilitator(client, auth, world):
    auth.login("coordinadora")
    response = post_form(client, "/manage/cohorts/new", {"name": "Grupo C", "start_date": "2026-12-07",
                                                         "facilitators": [str(world.facilitator.id)]})
    assert response.status_code == 302
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Grupo C"))
    assert [f.username for f in cohort.facilitators] == ["facilitadora"]
    assert len(cohort.invite_code) == 8


def test_coordinator_creates_an_account_and_gets_its_password_link(client, auth, world):
    auth.login("coordinadora")
    page = post_form(client, "/manage/users/new", {"display_name": "Nueva Facilitadora", "username": "nueva",
                                                   "role": "facilitator", "cohort_id": "0", "locale": "es"})
    assert page.status_code == 200
    assert "/reset/" in page.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "nueva")).role == "facilitator"


def test_coordinator_cannot_create_an_administrator(client, auth, world):
    auth.login("coordinadora")
    page = post_form(client, "/manage/users/new", {"display_name": "Otro Admin", "username": "otroadmin",
                                                   "role": "admin", "cohort_id": "0", "locale": "es"})
    assert "Solo un administrador puede crear cuentas de coordinación o de administración." in page.get_data(as_text=True)


def test_trainee_and_facilitator_cannot_open_coordination(client, auth, world):
    for username in ("jose", "facilitadora", "municipio"):
        auth.login(username)
        assert client.get("/manage/").status_code == 403
        auth.logout()


def test_facilitator_sees_only_his_cohorts(client, auth, world):
    auth.login("facilitadora")
    page = client.get("/facilitate/").get_data(as_text=True)
    assert "Grupo A" in page and "Grupo B" not in page
    assert client.get(f"/facilitate/cohorts/{world.other_cohort.id}").status_code == 404
    assert client.get(f"/facilitate/cohorts/{world.cohort.id}").status_code == 200


def test_coordinator_moves_a_trainee_keeping_his_enrollment(client, auth, world):
    enrollment_id = world.trainee.enrollment.id
    auth.login("coordinadora")
    post_form(client, f"/manage/users/{world.trainee.id}/move", {"cohort_id": str(world.other_cohort.id)},
              form_url=f"/manage/cohorts/{world.cohort.id}")
    db.session.expire_all()
    assert world.trainee.enrollment.id == enrollment_id
    assert world.trainee.enrollment.cohort_id == world.other_cohort.id


def test_language_switch_is_remembered_for_the_account(app, client, auth, world):
    auth.login("jose")
    post_form(client, "/language", {"lang": "en", "next": "/"}, form_url="/")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    other_browser = app.test_client()
    post_form(other_browser, "/login", {"username": "jose", "password": PASSWORD})
    assert "Week 1" in other_browser.get("/").get_data(as_text=True)


def test_healthz_reports_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "up"}


def test_healthz_answers_503_when_the_database_is_down(database_url, tmp_path):
    # A host whose database cannot be reached: a folder that does not exist, or a port nothing listens on.
    unreachable = (f"sqlite:///{tmp_path / 'no-such-folder' / 'lms.sqlite3'}" if database_url.startswith("sqlite")
                   else "postgresql+psycopg://postgres@127.0.0.1:1/lms")
    app = create_app(app_config(unreachable, tmp_path))
    log = io.StringIO()
    app.logger.addHandler(logging.StreamHandler(log))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "down"}
    assert "the health check could not reach the database" in log.getvalue()  # the operator learns why


def test_error_pages_are_translated_and_show_no_trace(client, world):
    assert "No encontramos esa página" in client.get("/no-such-page").get_data(as_text=True)


def test_logs_are_json_lines_with_a_request_id_and_no_password(app, client, world, capsys):
    import json
    import logging

    from lms.logs import JsonFormatter
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("lms.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        response = post_form(client, "/login", {"username": "jose", "password": PASSWORD})
    finally:
        access.removeHandler(handler)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert lines and all(line["request_id"] for line in lines)
    assert response.headers["X-Request-ID"] == lines[-1]["request_id"]
    assert PASSWORD not in json.dumps(lines)
