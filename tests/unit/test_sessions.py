"""The session cookie is checked once per worker, and every rule of Flask's own check still holds."""

from datetime import timedelta

import pytest
from flask import session
from helpers import app_config

from lms import create_app, sessions


@pytest.fixture
def site(database_url, tmp_path):
    app = create_app(app_config(database_url, tmp_path) | {"PERMANENT_SESSION_LIFETIME": timedelta(hours=1)})
    app.add_url_rule("/whoami", "whoami", lambda: session.get("name", "nobody"))
    return app


def _cookie(app, data: dict) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(data)


def _ask(app, cookie: str) -> str:
    client = app.test_client()
    client.set_cookie("session", cookie, domain="lms.test")
    return client.get("/whoami").get_data(as_text=True)


def test_a_browsers_cookie_is_checked_once_and_read_on_every_page(site, monkeypatch):
    cookie = _cookie(site, {"name": "ana"})
    serializer = site.session_interface.get_signing_serializer(site)
    checks = []
    loads = serializer.loads
    monkeypatch.setattr(serializer, "loads", lambda *a, **k: checks.append(1) or loads(*a, **k))
    assert [_ask(site, cookie) for _ in range(3)] == ["ana"] * 3
    assert len(checks) == 1


def test_a_cookie_changed_by_one_character_is_refused_after_the_real_one_was_kept(site):
    cookie = _cookie(site, {"name": "ana"})
    assert _ask(site, cookie) == "ana"
    payload, stamp, signature = cookie.split(".")

    def flipped(text: str, at: int) -> str:
        return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1:]

    for bad in (f"{payload}.{stamp}.{flipped(signature, 5)}", f"{flipped(payload, 3)}.{stamp}.{signature}",
                f"{payload}.{flipped(stamp, 2)}.{signature}", "x" + cookie):
        assert _ask(site, bad) == "nobody", bad


def test_a_kept_cookie_still_expires(site, monkeypatch):
    cookie = _cookie(site, {"name": "ana"})
    assert _ask(site, cookie) == "ana"
    later = sessions.time.time() + 2 * 3600
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    assert _ask(site, cookie) == "nobody"


def test_a_new_secret_key_forgets_every_cookie_signed_with_the_old_one(site):
    cookie = _cookie(site, {"name": "ana"})
    assert _ask(site, cookie) == "ana"
    site.secret_key = "another key, after a leak"
    assert _ask(site, cookie) == "nobody"


def test_what_one_request_adds_to_its_session_does_not_reach_the_next(site):
    """Flash messages are a list changed in place; the next page with the same cookie must not see them."""
    cookie = _cookie(site, {"name": "ana", "_flashes": [["message", "Guardado."]]})
    with site.test_request_context(headers={"Cookie": f"session={cookie}"}):
        first = site.session_interface.open_session(site, __import__("flask").request)
        first["_flashes"].append(["message", "Otra vez."])
    with site.test_request_context(headers={"Cookie": f"session={cookie}"}):
        second = site.session_interface.open_session(site, __import__("flask").request)
    assert second["_flashes"] == [["message", "Guardado."]]


def test_a_worker_keeps_a_bounded_number_of_cookies(site, monkeypatch):
    monkeypatch.setattr(sessions, "KEPT", 3)
    for n in range(6):
        assert _ask(site, _cookie(site, {"name": f"n{n}"})) == f"n{n}"
    assert len(site.session_interface._checked) == 3
