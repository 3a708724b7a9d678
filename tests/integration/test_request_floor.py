"""What every request pays for before its own work, and what it no longer pays for (issue 24).

Each story here was a per-request cost that bought nothing: an account query for the log line of a
stylesheet, a catalog lookup for every translated string, hooks for features the platform does not use.
The checks they sit beside (the session, the account, the security headers, the access line) stay.
"""

import ast
import json
import logging
from pathlib import Path

import flask_babel
import pytest
from flask import render_template_string
from flask_babel import force_locale
from helpers import app_config, count_queries, issue_certificate
from sqlalchemy.events import ConnectionEvents

from lms import create_app
from lms.extensions import db

LMS = Path(__file__).resolve().parents[2] / "lms"


class _Lines(logging.Handler):
    """Keeps each access line as written, formatted while its request is still running."""

    def __init__(self):
        from lms.logs import JsonFormatter
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def access_lines():
    """The JSON access lines written while the test runs."""
    handler = _Lines()
    access = logging.getLogger("lms.access")
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    yield lambda: handler.lines
    access.removeHandler(handler)
    access.setLevel(level)


def test_a_signed_in_trainees_stylesheet_and_the_health_check_ask_nothing_of_the_accounts(auth, client, world,
                                                                                        access_lines):
    auth.login("jose")
    client.get("/static/style.css").close()
    with count_queries() as stylesheet:
        client.get("/static/style.css").close()
    with count_queries() as health:
        assert client.get("/healthz").get_json()["database"] == "up"
    assert stylesheet["n"] == 0, "the access line of a stylesheet ran the account query"
    assert health["n"] == 1, "the health check is one SELECT 1"
    client.get("/")
    lines = access_lines()
    by_route = {line["route"]: line for line in lines}
    assert by_route["/"]["user_id"] == world.trainee.id  # a signed-in page still names him
    assert by_route["/healthz"]["user_id"] is None and by_route["/healthz"]["request_id"]


def test_the_database_engine_listens_to_none_of_sqlalchemys_connection_events(database_url, tmp_path):
    """One listener of a connection event (before a statement, at a transaction's start) puts every
    statement, begin and commit of the engine through SQLAlchemy's event path: on PostgreSQL 19 µs of CPU a
    statement, 5-8 % of each page. The app's rules about PostgreSQL's transactions are kept by psycopg's
    connection and cursor of our own instead (lms/pg_driver.py), and the pool's events cost nothing per
    statement."""
    app = create_app(app_config(database_url, tmp_path))
    with app.app_context():
        engine = db.engine
    events = [name for name in dir(ConnectionEvents) if not name.startswith("_") and name != "dispatch"]
    assert [name for name in events if getattr(engine.dispatch, name)] == []
    engine.dispose()


def test_a_public_check_of_a_code_is_one_query_and_no_orm_session(app, client, world, graduate):
    """The verification page and API read the certificate on a pooled connection (lms/verify/views.py):
    the ORM session's start and commit were a sixth of the API's answer."""
    from sqlalchemy import event

    from lms.extensions import db
    code = issue_certificate(world, graduate).code
    app.config["VERIFICATION_LOG_BATCH"] = 20  # the check log's row waits for the worker's batch
    app.config["VERIFICATION_LOG_WAIT"] = 3600  # and no batch comes due while a slow machine draws the page
    began = {"n": 0}

    def session_began(*_):
        began["n"] += 1

    event.listen(db.session, "after_begin", session_began)
    try:
        for url in (f"/api/v1/verify/{code}", f"/v/{code}"):
            client.get(url).close()  # a first check may take the pool's first connection
            with count_queries() as checked:
                response = client.get(url)
            assert response.status_code == 200 and checked["n"] == 1, url
    finally:
        event.remove(db.session, "after_begin", session_began)
    assert began["n"] == 0, "a public check opened the ORM session"
    assert client.get(f"/api/v1/verify/{code}").get_json()["status"] == "valid"
    app.extensions["checklog"].write_pending()  # the kept rows, written while the test's database is there


def test_a_trainees_home_asks_for_his_valid_certificate_with_valid_written_into_the_sql(app, auth, client, world,
                                                                                       graduate):
    """The partial index on valid certificates serves the question only if the planner sees 'valid'. Bound,
    it made SQLite prepare the statement again at every execution: 176 µs of his home (issue 24)."""
    from sqlalchemy import event

    from lms.extensions import db
    issue_certificate(world, graduate)
    auth.login("jose")
    client.get("/").close()
    asked = []

    def executed(connection, cursor, statement, parameters, *_):
        if "FROM certificates" in statement:
            asked.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", executed)
    try:
        home = client.get("/").text
    finally:
        event.remove(db.engine, "before_cursor_execute", executed)
    assert 'id="cert-h"' in home, "his home does not offer his certificate"
    [(statement, parameters)] = asked
    assert "'valid'" in statement, statement
    assert "valid" not in str(parameters), parameters
    if db.engine.dialect.name == "sqlite":
        plan = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        assert "uq_certificates_one_valid_per_user" in str(plan), plan


def test_a_name_belongs_to_one_statement_and_each_named_statement_reads_its_own_rows(app, world):
    """Named statements are all built by one lambda, so only their names tell them apart in the cache."""
    from uuid import uuid4

    from sqlalchemy import bindparam, select

    from lms.database import named_statement
    from lms.extensions import db
    from lms.models import User
    name = f"a story's statement {uuid4()}"
    usernames = named_statement(name, select(User.username).where(User.id == bindparam("id")))
    names = named_statement(f"{name}, shown", select(User.display_name).where(User.id == bindparam("id")))
    with pytest.raises(ValueError, match="already named"):
        named_statement(name, select(User.id))
    with db.engine.connect() as connection:
        assert connection.scalar(usernames, {"id": world.trainee.id}) == "jose"
        assert connection.scalar(names, {"id": world.trainee.id}) == "José Ñahui"
        assert connection.scalar(usernames, {"id": world.facilitator.id}) == "facilitadora"


def _count_calls(monkeypatch, owner, name: str) -> dict:
    """From now on, count the calls of ``owner.name`` (which still does its work) in the returned ``["n"]``."""
    calls = {"n": 0}
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls["n"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_page_looks_up_its_language_once_not_once_per_string(auth, client, world, monkeypatch):
    auth.login("jose")
    client.get("/")
    lookups = _count_calls(monkeypatch, flask_babel.Domain, "get_translations")
    page = client.get("/").get_data(as_text=True)
    assert "Mis semanas" in page or "Semana" in page
    # Macros imported without context and strings made in Python still look it up themselves; the page's
    # own 50-odd strings do not (it was 54 lookups).
    assert lookups["n"] <= 12, f"{lookups['n']} catalog lookups for one page"


def test_a_page_drawn_in_another_language_for_a_moment_uses_that_languages_words(app):
    template = "{{ _('Log out') }} · {{ ngettext('%(num)s week', '%(num)s weeks', 3) }}"
    with app.test_request_context("/"):
        spanish = render_template_string(template)
        with force_locale("en"):
            english = render_template_string(template)
        again = render_template_string(template)
    assert english == "Log out · 3 weeks"
    assert spanish == again != english and "3" in spanish


def test_a_translated_string_is_escaped_and_formatted_as_jinja_would(app):
    with app.test_request_context("/"):
        shown = render_template_string("{{ _('Hello %(name)s', name=name) }}", name="<b>Ana</b>")
    assert "&lt;b&gt;Ana&lt;/b&gt;" in shown and "<b>" not in shown
    with app.test_request_context("/"):
        # No placeholder and no argument: the text as it is, trusted like any translation (Markup, as
        # Jinja's own gettext gives it); "%%" still means "%".
        plain = render_template_string("{{ _('Log out') }}|{{ _('100%% done') }}|{{ _('<b>') }}")
    assert plain == "Salir|100% done|<b>", plain


def test_a_header_a_view_sets_itself_is_kept_and_the_others_are_added(database_url, tmp_path):
    app = create_app(app_config(database_url, tmp_path))

    @app.get("/framed-by-us")
    def framed():
        return "ok", 200, {"X-Frame-Options": "SAMEORIGIN"}

    response = app.test_client().get("/framed-by-us")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_public_answer_does_not_vary_by_cookie(client):
    for url in ("/healthz", "/api/v1/verify/ABCD-EFGH-JKMN-PQRS", "/.well-known/jwks.json"):
        response = client.get(url)
        assert response.status_code < 500 and "Cookie" not in response.headers.get("Vary", ""), url


def _calls(function_name: str):
    """Every call of ``function_name`` in lms/, with the file it is in."""
    for path in LMS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == function_name:
                    yield path, node


def test_the_hooks_taken_out_at_startup_are_for_features_nobody_uses(app):
    """The limiter's after-request hook and Flask-Login's remember-me hook are removed in create_app."""
    from lms.extensions import limiter
    hooks = app.after_request_funcs[None]
    assert not any(getattr(hook, "args", None) == (limiter,) for hook in hooks)
    assert all(getattr(hook, "__name__", "") != "_update_remember_cookie" for hook in hooks)
    assert app.config["RATELIMIT_HEADERS_ENABLED"] is False, "headers on: the limiter's hook must stay"
    # Nothing relies on them: no limit counts only some answers, and no login asks to be remembered.
    limits = [node for _, node in _calls("limit") if any(k.arg == "deduct_when" for k in node.keywords)]
    assert not limits, "a limit with deduct_when needs the limiter's after-request hook"
    remembered = [path for path, node in _calls("login_user")
                  if len(node.args) > 1 or any(k.arg == "remember" for k in node.keywords)]
    assert not remembered, f"a login asks to be remembered: {remembered}"
    assert list(_calls("login_user")), "the scan no longer finds the logins"


def test_the_limiters_teardown_hook_is_taken_out_and_a_limit_still_counts_across_requests(app, client):
    """Its teardown emptied per-request state that dies with the request anyway (lms/__init__.py)."""
    from lms.extensions import limiter
    hooks = app.teardown_request_funcs.get(None, [])
    assert all(getattr(hook, "__self__", None) is not limiter for hook in hooks)
    from lms.core.certificates.codes import new_code
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    answers = []
    for _ in range(4):  # pages with no limit in between
        answers.append(client.get(f"/api/v1/verify/{new_code()}").status_code)
        assert client.get("/healthz").status_code == 200
    assert answers == [404, 404, 404, 429]


def test_an_operator_who_switches_rate_limits_off_gets_a_platform_that_starts(app, database_url, tmp_path):
    """LMS_RATELIMIT_ENABLED=false: the limiter registers no hooks, so there are none to take out. The app
    used to fail at startup looking for them. A later app with the default still counts its limits: the
    limiter is one object shared by every app of the process."""
    from lms.core.certificates.codes import new_code
    from lms.extensions import db

    def answers(settings: dict, times: int) -> list[int]:
        other = create_app({**app_config(database_url, tmp_path / str(len(settings))), **settings})
        try:
            return [other.test_client().get(f"/api/v1/verify/{new_code()}").status_code for _ in range(times)]
        finally:
            with other.app_context():
                db.engine.dispose()

    assert answers({"RATELIMIT_ENABLED": False, "VERIFY_RATE_LIMIT": "1 per minute"}, 3) == [404] * 3
    assert answers({"VERIFY_RATE_LIMIT": "1 per minute"}, 2) == [404, 429]


def test_flask_asks_once_per_hook_whether_it_is_a_coroutine(auth, client, world, monkeypatch):
    import flask.app
    auth.login("jose")
    client.get("/")
    asked = _count_calls(monkeypatch, flask.app, "iscoroutinefunction")
    assert client.get("/").status_code == 200
    assert asked["n"] == 0, f"{asked['n']} hooks and views inspected again on the second page"


def _page_token(client, url: str) -> str:
    import re
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


@pytest.fixture
def signings(monkeypatch):
    """How many times Flask-WTF made a serializer to sign (or check) a CSRF token."""
    import flask_wtf.csrf
    return _count_calls(monkeypatch, flask_wtf.csrf, "URLSafeTimedSerializer")


def test_a_trainees_pages_carry_the_token_signed_once_and_his_forms_take_it(app, auth, client, world, signings):
    auth.login("jose")
    first = _page_token(client, "/")
    signings["n"] = 0
    assert _page_token(client, "/weeks/2") == _page_token(client, "/certificate") == _page_token(client, "/") == first
    assert signings["n"] == 0, "a page signed the session's token again"
    # A page whose view builds a form signs when the form is made (WTForms does it then): one token for
    # all its forms. Both tokens are taken.
    import re
    page = client.get("/account/password").get_data(as_text=True)
    own = set(re.findall(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page))
    assert len(own) == 1 and signings["n"] == 1
    for token in (first, *own):
        answer = client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
        assert answer.status_code == 302
    # Another browser has its own session value, so its own token; the first browser's is refused there.
    other = app.test_client()
    assert _page_token(other, "/login") != first
    refused = other.post("/language", data={"lang": "en", "next": "/", "csrf_token": first})
    assert refused.status_code == 400


def test_with_a_time_limit_on_tokens_every_page_signs_its_own(database_url, tmp_path, signings):
    app = create_app({**app_config(database_url, tmp_path), "WTF_CSRF_TIME_LIMIT": 3600})
    client = app.test_client()
    for _ in range(3):
        _page_token(client, "/login")
    assert signings["n"] == 3, "with a time limit, a token kept from an earlier page would expire sooner"
