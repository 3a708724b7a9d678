"""Response headers and cookies that keep pages from being framed, sniffed, leaked or scripted,
and error pages that never show how the app is built."""

import base64
import re
import zlib

import pytest
from flask_babel import force_locale
from helpers import PASSWORD, app_config, csrf_token
from security_cast import cast, client_as  # noqa: F401  (cast is a fixture)

from lms import create_app
from lms.errors import MESSAGES
from lms.extensions import db

# One of every kind of answer: HTML, JSON, CSV, PDF, a redirect, the static stylesheet, an error.
ANSWERS = [
    ("anonymous", "/login"),
    ("anonymous", "/v/{code}"),
    ("anonymous", "/api/v1/verify/{code}"),
    ("anonymous", "/.well-known/jwks.json"),
    ("anonymous", "/static/style.css"),
    ("anonymous", "/"),                                  # a redirect to the login page
    ("anonymous", "/no-such-page"),                      # 404
    ("trainee", "/weeks/{week}/reflection"),
    ("trainee", "/certificate.pdf"),
    ("trainee", "/manage/"),                             # 403
    ("facilitator", "/facilitate/cohorts/{cohort}/gradebook.csv"),
    ("verifier", "/verify/registry.csv"),
]


def _policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def test_every_kind_of_answer_carries_the_security_headers(app, cast):
    wrong = []
    for visitor, url in ANSWERS:
        client = client_as(app, visitor)
        response = client.get(url.format(code=cast.certificate_code, week=cast.week, cohort=cast.world.cohort.id))
        response.close()  # the stylesheet is streamed from its file
        policy, header = _policy(response), response.headers.get("Content-Security-Policy", "")
        problems = [
            "'unsafe-inline' in the CSP" if "'unsafe-inline'" in header else None,
            "'unsafe-eval' in the CSP" if "'unsafe-eval'" in header else None,
            "no frame-ancestors 'none'" if policy.get("frame-ancestors") != "frame-ancestors 'none'" else None,
            "scripts not limited to 'self'" if policy.get("script-src", policy.get("default-src", "")).split()[1:]
            != ["'self'"] else None,
            "no object-src 'none'" if policy.get("object-src") != "object-src 'none'" else None,
            "no nosniff" if response.headers.get("X-Content-Type-Options") != "nosniff" else None,
            "no Referrer-Policy keeping paths on this site" if response.headers.get("Referrer-Policy") not in (
                "same-origin", "strict-origin-when-cross-origin", "no-referrer", "strict-origin") else None,
            "no X-Frame-Options DENY" if response.headers.get("X-Frame-Options") != "DENY" else None,
        ]
        wrong += [f"{url} as {visitor} ({response.status_code}): {p}" for p in problems if p]
    assert not wrong, "\n".join(wrong)


def test_no_page_needs_inline_script_that_the_policy_would_block(app, cast):
    """With script-src 'self', inline scripts and on…= handlers would silently not run."""
    for visitor, url in [("trainee", "/"), ("trainee", f"/weeks/{cast.week}/reflection"),
                         ("trainee_b", f"/weeks/{cast.week}/quiz"), ("facilitator", "/facilitate/"),
                         ("coordinator", "/manage/certificates"), ("anonymous", "/login")]:
        html = client_as(app, visitor).get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html, re.I), url
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I), url
        assert "javascript:" not in html.lower(), url


def _set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def _session_cookie(response, name: str = "session") -> str:
    cookies = [c for c in _set_cookies(response) if c.startswith(f"{name}=")]
    assert cookies, f"no {name} cookie set: {_set_cookies(response)}"
    return cookies[-1]


def test_the_session_cookie_is_httponly_and_samesite_lax(app, world):
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "jose", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    cookie = _session_cookie(response)
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "secure" not in attributes  # plain HTTP in development: a Secure cookie would never come back


def test_the_session_cookie_is_secure_when_the_app_is_made_for_https(database_url, tmp_path, world):
    secure_app = create_app(app_config(database_url, tmp_path / "secure") | {"SESSION_COOKIE_SECURE": True})
    client = secure_app.test_client()
    base = "https://lms.test"
    page = client.get("/login", base_url=base)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    # Over HTTPS, Flask-WTF also wants a same-site Referer, as a browser sends.
    response = client.post("/login", base_url=base, headers={"Referer": f"{base}/login"},
                           data={"username": "jose", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    attributes = [part.strip().lower() for part in _session_cookie(response).split(";")[1:]]
    assert {"secure", "httponly", "samesite=lax"} <= set(attributes)
    with secure_app.app_context():
        db.engine.dispose()


def test_the_session_cookie_carries_no_readable_secret(app, world):
    """Flask's session is signed, not encrypted: it must hold ids and tokens, never a password."""
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "jose", "password": PASSWORD, "csrf_token": token})
    value = _session_cookie(response).split(";")[0].split("=", 1)[1]
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = (zlib.decompress(raw) if value.startswith(".") else raw).decode()
    assert PASSWORD not in text
    assert "password" not in text.lower()


# ---------------------------------------------------------------- error pages

SECRET = "secreto-interno-del-servidor"


def _explode(*args, **kwargs):
    raise RuntimeError(f"{SECRET}: password=hunter2 at /srv/lms/lms/facilitate/services.py")


def _assert_friendly(response, status: int = 500):
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    for leak in ("Traceback", "RuntimeError", SECRET, "hunter2", "File \"", ".py", "werkzeug", "sqlalchemy"):
        assert leak not in body, leak
    assert "Línea 100" in body


def test_an_unexpected_error_shows_the_friendly_page_and_no_traceback(app, world, monkeypatch):
    monkeypatch.setattr("lms.facilitate.services.grading_queue", _explode)
    client = client_as(app, "facilitator")
    response = client.get("/facilitate/queue")
    _assert_friendly(response)
    with force_locale("es"):
        assert str(MESSAGES[500][0]) in response.get_data(as_text=True)
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", "")


def test_an_unexpected_error_on_a_public_page_shows_the_friendly_page(app, cast, monkeypatch):
    monkeypatch.setattr("lms.core.certificates.services.verify", _explode)
    _assert_friendly(client_as(app, "anonymous").get(f"/v/{cast.certificate_code}"))


def test_an_unexpected_error_in_a_post_shows_the_friendly_page(app, world, monkeypatch):
    monkeypatch.setattr("lms.facilitate.services.add_note", _explode)
    client = client_as(app, "facilitator")
    url = f"/facilitate/trainees/{world.trainee.id}"
    response = client.post(url, data={"note": "Una nota", "csrf_token": csrf_token(client, url)})
    _assert_friendly(response)


def test_an_unexpected_error_answers_json_clients_in_json_without_a_trace(app, cast, monkeypatch):
    monkeypatch.setattr("lms.core.certificates.services.verify", _explode)
    response = client_as(app, "anonymous").get(f"/api/v1/verify/{cast.certificate_code}",
                                               headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert set(response.get_json()) == {"error"}
    assert SECRET not in response.get_data(as_text=True)


def test_when_even_the_error_page_fails_a_plain_page_without_a_trace_is_shown(app, world, monkeypatch):
    monkeypatch.setattr("lms.facilitate.services.grading_queue", _explode)
    monkeypatch.setattr("lms.errors.render_template", _explode)
    _assert_friendly(client_as(app, "facilitator").get("/facilitate/queue"))


@pytest.mark.parametrize("visitor, method, url, status", [
    ("anonymous", "get", "/no-such-page", 404),
    ("anonymous", "get", "/logout", 405),
    ("trainee", "post", "/logout", 400),
    ("trainee", "get", "/manage/", 403),
    ("facilitator_b", "get", "/facilitate/cohorts/{cohort}", 404),
])
def test_error_pages_are_friendly(app, world, visitor, method, url, status):
    response = getattr(client_as(app, visitor), method)(url.format(cohort=world.cohort.id))
    _assert_friendly(response, status)
