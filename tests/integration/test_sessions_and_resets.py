"""Logging out ends the session on the server; a reset link dies with any later event of its account;
the login lockout is counted in the database, so every worker and host enforces the same five."""

from datetime import timedelta

from helpers import PASSWORD, csrf_token, post_form
from sqlalchemy import func, select

from lms.clock import utcnow
from lms.core.accounts import make_reset_link_token
from lms.extensions import db
from lms.models import LoginFailure, LoginSession


def _cookie(client) -> str:
    return client.get_cookie("session", domain="lms.test").value


def test_a_cookie_replayed_after_logout_opens_nothing(app, client, auth, world):
    auth.login("jose")
    stolen = _cookie(client)
    assert client.get("/").status_code == 200
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="lms.test")
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logging_out_on_one_device_keeps_the_other_logged_in(app, world):
    from helpers import AuthActions
    phone, laptop = app.test_client(), app.test_client()
    AuthActions(phone).login("jose")
    AuthActions(laptop).login("jose")
    AuthActions(phone).logout()
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302


def test_log_out_on_every_device_ends_them_all(app, world):
    from helpers import AuthActions
    phone, laptop = app.test_client(), app.test_client()
    AuthActions(phone).login("jose")
    AuthActions(laptop).login("jose")
    stolen = _cookie(laptop)
    page = phone.get("/account/password").get_data(as_text=True)
    assert "Cerrar sesión en todos los dispositivos" in page
    post_form(phone, "/logout/everywhere", form_url="/account/password")
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen, domain="lms.test")
    assert replay.get("/").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_a_new_password_logs_out_other_devices_and_keeps_this_one(app, world):
    from helpers import AuthActions
    phone, laptop = app.test_client(), app.test_client()
    AuthActions(phone).login("jose")
    AuthActions(laptop).login("jose")
    post_form(phone, "/account/password", {"current_password": PASSWORD, "password": "otra-clave-muy-larga-77",
                                           "confirm": "otra-clave-muy-larga-77"})
    assert phone.get("/").status_code == 200
    assert laptop.get("/").status_code == 302


def _reset_page(client, token: str) -> int:
    return client.get(f"/reset/{token}").status_code


def test_a_newer_reset_link_ends_the_older_one(app, client, world):
    older = make_reset_link_token(world.coordinator, world.trainee, utcnow(), 72)
    db.session.commit()
    newer = make_reset_link_token(world.coordinator, world.trainee, utcnow(), 72)
    db.session.commit()
    assert _reset_page(client, older) == 404
    assert _reset_page(client, newer) == 200


def test_a_used_reset_link_ends_every_older_one(app, client, world):
    from lms.models import PasswordReset
    older = make_reset_link_token(world.coordinator, world.trainee, utcnow() - timedelta(minutes=5), 72)
    db.session.commit()
    used = make_reset_link_token(world.coordinator, world.trainee, utcnow(), 72)
    db.session.commit()
    # Even were the older one the newest (say the newer row were gone), the password change ends it.
    db.session.execute(PasswordReset.__table__.update().where(PasswordReset.token_hash == PasswordReset.hash_token(older))
                       .values(created_dt=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    new_password = {"password": "otra-clave-muy-larga-77", "confirm": "otra-clave-muy-larga-77"}
    assert post_form(client, f"/reset/{used}", new_password).status_code == 302
    assert _reset_page(app.test_client(), used) == 404
    db.session.execute(PasswordReset.__table__.delete().where(PasswordReset.token_hash == PasswordReset.hash_token(used)))
    db.session.commit()
    assert _reset_page(app.test_client(), older) == 404


def test_a_password_change_ends_every_reset_link(app, client, auth, world):
    token = make_reset_link_token(world.coordinator, world.trainee, utcnow(), 72)
    db.session.commit()
    auth.login("jose")
    post_form(client, "/account/password", {"current_password": PASSWORD, "password": "otra-clave-muy-larga-77",
                                            "confirm": "otra-clave-muy-larga-77"})
    assert _reset_page(app.test_client(), token) == 404


def _try(app, username: str, password: str) -> int:
    client = app.test_client()
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client, "/login")}).status_code


def test_five_failed_logins_lock_the_account_for_every_worker(app, world):
    assert [_try(app, "jose", "mala-clave-1234") for _ in range(5)] == [200] * 5
    assert _try(app, "jose", PASSWORD) == 429  # the right password too, while locked
    # The count lives in the database: a second app (another worker, another host) sees the lockout.
    from lms import create_app
    other = create_app({**app.config, "TESTING": True})
    try:
        assert _try(other, "jose", PASSWORD) == 429
    finally:
        with other.app_context():
            db.engine.dispose()
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) >= 5


def test_a_successful_login_clears_the_account_count(app, world):
    for _ in range(4):
        _try(app, "jose", "mala-clave-1234")
    assert _try(app, "jose", PASSWORD) == 302
    assert [_try(app, "jose", "mala-clave-1234") for _ in range(5)] == [200] * 5
