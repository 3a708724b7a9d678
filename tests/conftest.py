"""Fixtures: the app on the test database, a client, and a cohort with a person of every role.

`LMS_TEST_DATABASE_URL` chooses the database (a temporary SQLite file by default), so the same
suite runs on SQLite and on PostgreSQL.
"""

import os
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import g
from helpers import PASSWORD, AuthActions, World, app_config, complete_course

from lms import create_app
from lms.extensions import REQUEST_CONNECTION, db, limiter
from lms.models import Cohort, Enrollment, Role, User


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("LMS_TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Create the tables once per test session (migrations are tested on their own)."""
    app = create_app(app_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()




def _forget_request_globals() -> None:
    # The test holds an app context for the whole test so that it can use db.session; requests
    # made by the test client reuse it, so `g` (current user, CSRF token, locale) must be
    # emptied at the start of each request, as a fresh context would be in production. The request's
    # connection stays, as the test's session does (lms.database.request_connection): the session may be
    # running on it, and it is given back when the test's context ends.
    connection = g.get(REQUEST_CONNECTION)
    g.__dict__.clear()
    if connection is not None:
        setattr(g, REQUEST_CONNECTION, connection)


@pytest.fixture
def app(_schema, database_url, tmp_path):
    app = create_app(app_config(database_url, tmp_path))
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






@pytest.fixture
def auth(client):
    return AuthActions(client)




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




@pytest.fixture
def graduate(world) -> User:
    """José, who completed all twelve weeks."""
    return complete_course(world)
