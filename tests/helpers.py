"""What the tests share besides fixtures: the test password, the configuration, logging in, posting a form
with its CSRF token, the cast of a story (``World``), the trainee who finished the course and his
certificate, and the SQL statements a block sends (``count_queries``, for the query budgets).

Tests import these with ``from helpers import …``; the fixtures themselves live in ``conftest.py``.
"""

import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event
from werkzeug.serving import make_server

from lms.extensions import db
from lms.models import Cohort, User

PASSWORD = "una-clave-larga-123"

DEBIAN_PACKAGES = {"pdftotext": "poppler-utils", "pdftoppm": "poppler-utils", "zbarimg": "zbar-tools",
                   "/usr/bin/chromium": "chromium"}


def needs_tools(*commands: str):
    """Skip a test where a command-line tool it drives is missing — except in CI, where .ci/run
    installs the tools and a missing one must fail the run rather than hide a broken check."""
    missing = [c for c in commands if shutil.which(c) is None]
    packages = " ".join(sorted({DEBIAN_PACKAGES.get(c, c) for c in missing}))
    return pytest.mark.skipif(bool(missing) and not os.environ.get("CI"),
                              reason=f"needs {', '.join(missing)} (apt-get install {packages})")


def read_whole(app):
    """WSGI middleware: the response is read whole, and its iterable closed, before werkzeug sends it.

    werkzeug's development server closes a response (a static file's handle, say) in a ``finally``
    that first drains the socket; when the browser has already dropped the connection (going offline,
    leaving a page) that read raises and the close is skipped, and the open file is reported as an
    error in whatever test is running when it is collected. Pages here are small; reading them whole
    costs nothing a test notices.
    """
    def whole(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return whole


@contextmanager
def live_http_server(app) -> Iterator[str]:
    """Serve ``app`` on http://127.0.0.1:<free port> from a daemon thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, read_whole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="lms-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def app_config(database_url: str, instance) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Each public check is written with its own request, so a test sees it at once and no app leaves
        # rows behind; tests/integration/test_check_log.py sets batches.
        "VERIFICATION_LOG_BATCH": 1,
        "SERVER_NAME": "lms.test",
        "INSTANCE_PATH": str(instance),
    }


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on the page at ``url``."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = PASSWORD, follow_redirects: bool = False):
        token = csrf_token(self._client, "/login")
        return self._client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                                 follow_redirects=follow_redirects)

    def logout(self):
        token = csrf_token(self._client, "/account/password")
        return self._client.post("/logout", data={"csrf_token": token})


def post_form(client, url: str, data: dict | None = None, form_url: str | None = None, **kwargs):
    """POST to ``url`` with the CSRF token taken from the page at ``form_url`` (default: ``url``)."""
    payload = dict(data or {})
    payload["csrf_token"] = csrf_token(client, form_url or url)
    return client.post(url, data=payload, **kwargs)


@dataclass
class World:
    """Two cohorts and a person of every role: the cast of most stories."""

    cohort: Cohort
    other_cohort: Cohort
    trainee: User
    other_trainee: User
    facilitator: User
    other_facilitator: User
    coordinator: User
    verifier: User
    admin: User


def complete_course(world: World, recommended: bool = True) -> User:
    """José finishes the course: a cohort begun 120 days ago, twelve complete weeks, both surveys, and
    the code of conduct accepted in week 12; unless ``recommended`` is False, his facilitator then
    recommends him, so that a coordinator may accredit him."""
    from lms.content.loader import current_course
    from lms.core import accreditation
    from lms.demo.progress import answer_surveys, complete_week
    world.cohort.start_date = date.today() - timedelta(days=120)
    db.session.commit()
    course = current_course()
    start = datetime.now(timezone.utc) - timedelta(days=100)
    for week in range(1, 13):
        complete_week(world.trainee, world.cohort, course, week, world.facilitator, start + timedelta(days=7 * week))
    for phase in ("pre", "post"):
        answer_surveys(world.trainee.enrollment, course, phase, 0.8, seed=1)
    now = datetime.now(timezone.utc)
    accreditation.accept_code_of_conduct(world.trainee.enrollment, course, now)
    if recommended:
        accreditation.record_recommendation(world.facilitator, world.trainee.enrollment, course, "recommend",
                                            "Participó en todo y lidera con respeto.", now)
    db.session.commit()
    return world.trainee


def issue_certificate(world: World, holder: User):
    """The coordinator issues ``holder``'s certificate through the service, as the certificates page does,
    and it is committed. ``holder`` has finished the course (``complete_course``)."""
    from lms.content.loader import current_course
    from lms.core.certificates import services
    from lms.core.progress import progress_of
    now, course = datetime.now(timezone.utc), current_course()
    certificate = services.issue(world.coordinator, holder.enrollment, course, printed_name=holder.display_name,
                                 now=now, progress=progress_of(holder.enrollment, course, now))
    db.session.commit()
    return certificate


@contextmanager
def count_queries(engine=None):
    """The SQL statements sent while the block runs: how many (``n``) and their text (``statements``), on
    ``engine`` (another app's, such as a served app's) or else the current app's."""
    engine = engine if engine is not None else db.engine
    counter = {"n": 0, "statements": []}

    def before(conn, cursor, statement, parameters, context, executemany):
        counter["n"] += 1
        counter["statements"].append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)
