"""Fixtures: the app on the test database, a client, and a cohort with a person of every role.

`LMS_TEST_DATABASE_URL` chooses the database (a temporary SQLite file by default), so the same
suite runs on SQLite and on PostgreSQL.
"""

import os
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import g

from lms import create_app
from lms.extensions import db, limiter
from lms.models import Cohort, Enrollment, Role, User

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


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("LMS_TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Create the tables once per test session (migrations are tested on their own)."""
    app = create_app(_test_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _test_config(database_url: str, instance) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "lms.test",
        "INSTANCE_PATH": str(instance),
    }


def _forget_request_globals() -> None:
    # The test holds an app context for the whole test so that it can use db.session; requests
    # made by the test client reuse it, so `g` (current user, CSRF token, locale) must be
    # emptied at the start of each request, as a fresh context would be in production.
    g.__dict__.clear()


@pytest.fixture
def app(_schema, database_url, tmp_path):
    app = create_app(_test_config(database_url, tmp_path))
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_request_globals)
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()
    limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


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


@pytest.fixture
def auth(client):
    return AuthActions(client)


def post_form(client, url: str, data: dict | None = None, form_url: str | None = None, **kwargs):
    """POST to ``url`` with the CSRF token taken from the page at ``form_url`` (default: ``url``)."""
    payload = dict(data or {})
    payload["csrf_token"] = csrf_token(client, form_url or url)
    return client.post(url, data=payload, **kwargs)


@pytest.fixture
def make_user(app):
    def _make_user(username: str, role: str = Role.TRAINEE, cohort: Cohort | None = None,
                   display_name: str | None = None, locale: str = "es") -> User:
        user = User(username=username, display_name=display_name or username.replace("-", " ").title(),
                    role=str(role), locale=locale)
        user.set_password(PASSWORD)
        db.session.add(user)
        if cohort is not None:
            db.session.add(Enrollment(user=user, cohort=cohort))
        db.session.commit()
        return user

    return _make_user


@pytest.fixture
def make_cohort(app):
    def _make_cohort(name: str, start: date | None = None, facilitators=(), code: str | None = None) -> Cohort:
        cohort = Cohort(name=name, course_slug="promotores",
                        start_date=start or date.today() - timedelta(days=21),
                        invite_code=code or re.sub(r"\W", "", name.upper())[:8].ljust(8, "X"),
                        invite_expires_dt=datetime.now(timezone.utc) + timedelta(days=30),
                        facilitators=list(facilitators))
        db.session.add(cohort)
        db.session.commit()
        return cohort

    return _make_cohort


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


@pytest.fixture
def world(make_user, make_cohort) -> World:
    facilitator = make_user("facilitadora", Role.FACILITATOR, display_name="Ana Facilitadora")
    other_facilitator = make_user("facilitador-b", Role.FACILITATOR, display_name="Beto Facilitador")
    cohort = make_cohort("Grupo A", facilitators=[facilitator], code="GRUPOAAA")
    other = make_cohort("Grupo B", facilitators=[other_facilitator], code="GRUPOBBB")
    return World(
        cohort=cohort, other_cohort=other,
        trainee=make_user("jose", cohort=cohort, display_name="José Ñahui"),
        other_trainee=make_user("carlos", cohort=other, display_name="Carlos Peña"),
        facilitator=facilitator, other_facilitator=other_facilitator,
        coordinator=make_user("coordinadora", Role.COORDINATOR),
        verifier=make_user("municipio", Role.VERIFIER),
        admin=make_user("admin", Role.ADMIN),
    )


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


@pytest.fixture
def graduate(world) -> User:
    """José, who completed all twelve weeks."""
    return complete_course(world)
