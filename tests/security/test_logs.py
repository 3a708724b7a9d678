"""No secret or linkable data in the logs: a scripted session runs through login, a reset link, the
public checks of a code and a survey, and every line written is scanned for the password, the reset
token, the certificate code and the survey's answers, and for a user id beside a survey request."""

import io
import json
import logging

from helpers import PASSWORD, csrf_token
from security_cast import cast, client_as  # noqa: F401  (cast is a fixture)
from sqlalchemy import select

from lms.content.loader import current_course
from lms.core.certificates.codes import format_code
from lms.logs import JsonFormatter
from lms.models import SurveyResponse


def _capture(app):
    """Every log line the app and its libraries write during the test, as the JSON formatter writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(), app.logger, logging.getLogger("lms.access"), logging.getLogger("sqlalchemy"),
               logging.getLogger("werkzeug")]
    for logger in loggers:
        logger.addHandler(handler)
    logging.getLogger("lms.access").setLevel(logging.INFO)
    return stream, lambda: [logger.removeHandler(handler) for logger in loggers]


def test_a_scripted_session_leaves_no_secret_in_the_logs(app, cast):
    stream, stop = _capture(app)
    try:
        code = cast.certificate_code
        anonymous = app.test_client()
        anonymous.post("/login", data={"username": "jose", "password": PASSWORD,
                                       "csrf_token": csrf_token(anonymous, "/login")})
        anonymous.get(f"/reset/{cast.reset_token}")
        anonymous.get(f"/reset/{cast.reset_token}x")
        for url in (f"/v/{code}", f"/V/{code}", f"/v?code={format_code(code)}", f"/api/v1/verify/{code}",
                    f"/credentials/{code}.json", f"/v/{code.lower()}zz"):
            anonymous.get(url)
        trainee = client_as(app, "trainee_b")
        survey = current_course().surveys[0]
        answers = {f"i-{item.id}": "2" for item in survey.items}
        trainee.post(f"/surveys/pre/{survey.id}", data=answers | {"csrf_token": csrf_token(trainee, "/account/password")})
        assert cast.world.other_trainee.enrollment is not None
    finally:
        stop()
    log = stream.getvalue()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert lines, "the session wrote no log line, so the scan proves nothing"
    for secret in (PASSWORD, cast.reset_token, code, format_code(code), code.lower()):
        assert secret not in log
    survey_lines = [line for line in lines if str(line.get("route", "")).startswith("/surveys/")]
    assert survey_lines and all(line.get("user_id") is None for line in survey_lines)
    stored = [r.answers for r in app.extensions["sqlalchemy"].session.scalars(select(SurveyResponse))]
    assert stored, "the survey was not saved, so the scan proves nothing"
    assert "i-" not in log and '"answers"' not in log


def test_a_log_line_names_the_route_and_not_the_path(app, cast):
    stream, stop = _capture(app)
    try:
        app.test_client().get(f"/reset/{cast.reset_token}")
    finally:
        stop()
    entry = json.loads([line for line in stream.getvalue().splitlines() if '"request"' in line][-1])
    assert entry["route"] == "/reset/<token>" and "path" not in entry


def test_a_failing_requests_error_line_and_access_line_carry_the_id_the_proxy_sent(app):
    """Whoever reads the logs after a 500 finds the error by the id in the answer's X-Request-ID."""
    @app.get("/test/fails")
    def fails():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page, not the traceback
    stream, stop = _capture(app)
    try:
        answer = app.test_client().get("/test/fails", headers={"X-Request-ID": "nginx0123abcd"})
        other = app.test_client().get("/test/fails", headers={"X-Request-ID": "no;way"})  # not an id: a new one
    finally:
        stop()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert answer.status_code == 500 and answer.headers["X-Request-ID"] == "nginx0123abcd"
    mine = [line for line in lines if line.get("request_id") == "nginx0123abcd"]
    assert {line["logger"] for line in mine} == {app.logger.name, "lms.access"}
    assert all(line["route"] == "/test/fails" and line["method"] == "GET" for line in mine)
    fresh = other.headers["X-Request-ID"]
    assert fresh != "no;way" and len(fresh) == 16
    assert {line["logger"] for line in lines if line.get("request_id") == fresh} == {app.logger.name, "lms.access"}


def test_a_spent_verification_budget_is_logged_without_the_visitors_address(app, caplog):
    """The public checks keep no visitor's identity: the line that says the budget was spent names the
    limit and the scope, not who spent it."""
    from lms.core.certificates.codes import new_code
    app.config["VERIFY_RATE_LIMIT"] = "1 per minute"
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="lms.ratelimits"):
        statuses = [client.get(f"/api/v1/verify/{new_code()}", environ_base={"REMOTE_ADDR": "190.43.7.21"}).status_code
                    for _ in range(2)]
    assert statuses == [404, 429]
    spent = [r.getMessage() for r in caplog.records if r.name == "lms.ratelimits"]
    assert spent and "verification" in spent[0]
    assert not any("190.43.7.21" in r.getMessage() for r in caplog.records)
