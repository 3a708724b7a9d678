"""Logs as JSON lines with a request id; never passwords, reflections or anything else a person typed.

A line names the route (``/reset/<token>``), never the path: paths carry reset tokens and
certificate codes. Requests to the surveys carry no user id, so that the order of log lines cannot
be matched with the order of survey rows (docs/survey.md).
"""

import json
import logging
import os
import time
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request
from sqlalchemy import inspect

REQUEST_ID_HEADER = "X-Request-ID"  # read from the WSGI environ as HTTP_X_REQUEST_ID
# The request's id and start, kept in its WSGI environ: the access line reads them, and the request's other
# fields, through one lookup of the request rather than one of ``g`` or ``request`` for each.
REQUEST_ID, REQUEST_STARTED = "lms.request_id", "lms.request_started"


# One encoder for every line: ``json.dumps`` with any option set builds a new encoder at each call.
_encode = json.JSONEncoder(ensure_ascii=False).encode


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if not hasattr(record, "route") and has_request_context():  # the access line brings its own
            entry["request_id"] = request.environ.get(REQUEST_ID)
            entry["method"] = request.method
            entry["route"] = route_name()
        for key in ("request_id", "method", "route", "status", "duration_ms", "user_id"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return _encode(entry)


def route_name() -> str:
    """The matched route's pattern, or a placeholder: the one name a log line gives to a request."""
    return request.url_rule.rule if request.url_rule is not None else "(no route)"


UNLINKED_BLUEPRINTS = {"surveys"}  # requests logged without the user's id


def init_app(app: Flask) -> None:
    # Our lines name no source line, thread or process, so a record need not look them up: the logging
    # HOWTO's "Optimization" table. The access line makes about a seventh fewer calls.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(logging.INFO)
    app.logger.propagate = False
    access = logging.getLogger("lms.access")
    access.handlers[:] = [handler]
    access.setLevel(logging.INFO if app.config.get("ACCESS_LOG", not app.testing) else logging.WARNING)
    access.propagate = False

    @app.before_request
    def start_request():
        environ = request.environ
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        environ[REQUEST_ID] = incoming if 8 <= len(incoming) <= 64 and incoming.isalnum() else os.urandom(8).hex()
        environ[REQUEST_STARTED] = time.perf_counter()

    @app.after_request
    def log_request(response):
        environ = request.environ
        request_id = environ.get(REQUEST_ID, "")
        response.headers[REQUEST_ID_HEADER] = request_id
        # The account this request loaded, if it loaded one: a request that never asked who is logged in
        # (the health check, the stylesheet, a public page) does not run the account query for its log
        # line. The id comes from the identity map: after a commit the account is expired, and reading
        # ``current_user.id`` would load it again (a transaction and a query) just for this line.
        state = inspect(g.get("_login_user"), raiseerr=False)
        user_id = state.identity[0] if state is not None and state.identity else None
        if request.blueprint in UNLINKED_BLUEPRINTS:
            user_id = None
        duration = round((time.perf_counter() - environ.get(REQUEST_STARTED, time.perf_counter())) * 1000, 1)
        access.info("request", extra={"request_id": request_id, "method": environ.get("REQUEST_METHOD"),
                                      "route": route_name(), "status": response.status_code,
                                      "duration_ms": duration, "user_id": user_id})
        return response
