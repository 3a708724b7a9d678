"""Round trips to PostgreSQL that bought nothing (lms/database.py, issue 24).

SQLAlchemy's pre-ping tested every connection at every checkout: one round trip more on every request.
Now a connection handed back less than POOL_CHECK_AFTER_IDLE seconds ago is used as it is, and one left
idle longer is tested first and replaced, with the rest of its pool, if the database dropped it. And the
health check sends its SELECT 1 alone, without BEGIN and COMMIT. These stories run on PostgreSQL, where
connections are to a server that can go away; a SQLite file cannot.
"""

import pytest
from helpers import app_config
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, event, text

import lms.database
from lms import create_app
from lms.extensions import db


@pytest.fixture
def served(database_url, tmp_path):
    """An app of its own, with a pool of its own, as a gunicorn worker has."""
    if not database_url.startswith("postgresql"):
        pytest.skip("a SQLite file has no server to drop its connections (LMS_TEST_DATABASE_URL=postgresql…)")
    app = create_app({**app_config(database_url, tmp_path), "POOL_CHECK_AFTER_IDLE": 30})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def clock(monkeypatch):
    """The pool's clock, moved forward by hand."""
    now = {"t": 1000.0}
    monkeypatch.setattr(lms.database.time, "monotonic", lambda: now["t"])
    return now


@pytest.fixture
def tests_run(served, monkeypatch):
    """How many times a pooled connection was tested."""
    with served.app_context():
        dialect = db.engine.dialect
    runs = {"n": 0}
    ping = dialect.do_ping

    def counted(dbapi_connection):
        runs["n"] += 1
        return ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return runs


def _backend_of_the_pooled_connection(app) -> int:
    with app.app_context(), db.engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _drop(database_url: str, pid: int) -> None:
    """What a database restart does to one connection: the server ends it."""
    admin = create_engine(database_url)
    try:
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    finally:
        admin.dispose()


def test_a_connection_handed_back_a_moment_ago_is_used_without_a_test(served, clock, tests_run):
    client = served.test_client()
    for _ in range(5):
        clock["t"] += 1
        assert client.get("/healthz").get_json()["database"] == "up"
    assert tests_run["n"] == 0, "a busy worker paid a round trip to test a connection it just used"
    clock["t"] += 31
    assert client.get("/healthz").get_json()["database"] == "up"
    assert tests_run["n"] == 1, "a connection idle for half a minute was used untested"


def test_a_connection_the_database_dropped_while_idle_is_replaced_before_a_request_uses_it(
        served, clock, tests_run, database_url):
    client = served.test_client()
    assert client.get("/healthz").status_code == 200
    pid = _backend_of_the_pooled_connection(served)
    _drop(database_url, pid)
    clock["t"] += 31
    assert client.get("/healthz").get_json()["database"] == "up"
    assert tests_run["n"] == 1
    assert _backend_of_the_pooled_connection(served) != pid


def test_a_restart_within_the_idle_window_fails_one_request_and_the_pool_is_replaced(
        served, clock, database_url):
    """The price of not testing every checkout, paid once per worker (docs/deploy.md)."""
    client = served.test_client()
    assert client.get("/healthz").status_code == 200
    _drop(database_url, _backend_of_the_pooled_connection(served))
    clock["t"] += 1
    assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").get_json()["database"] == "up"


def test_the_health_check_is_one_round_trip_with_no_transaction_around_it(served):
    """A load balancer asks every few seconds: a SELECT 1 in autocommit, without BEGIN and COMMIT."""
    with served.app_context():
        engine = db.engine
    after = []

    def status(connection, cursor, statement, *_):
        after.append((statement, connection.connection.dbapi_connection.info.transaction_status))

    event.listen(engine, "after_cursor_execute", status)
    try:
        client = served.test_client()
        for _ in range(3):
            assert client.get("/healthz").get_json()["database"] == "up"
    finally:
        event.remove(engine, "after_cursor_execute", status)
    assert after == [("SELECT 1", TransactionStatus.IDLE)] * 3, "the health check opened a transaction"
