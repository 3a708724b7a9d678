"""Round trips to PostgreSQL that bought nothing (lms/database.py, issue 24).

SQLAlchemy's pre-ping tested every connection at every checkout: one round trip more on every request.
Now a connection handed back less than POOL_CHECK_AFTER_IDLE seconds ago is used as it is, and one left
idle longer is tested first and replaced, with the rest of its pool, if the database dropped it. And the
health check sends its SELECT 1 alone, without BEGIN and COMMIT. These stories run on PostgreSQL, where
connections are to a server that can go away; a SQLite file cannot.
"""

from contextlib import contextmanager

import pytest
from helpers import AuthActions, app_config, count_queries
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, event, text

import lms.database
from lms import create_app
from lms.extensions import db


@pytest.fixture
def served(app, database_url, tmp_path):
    """An app of its own, with a pool of its own, as a gunicorn worker has (beside the tests' app, which
    makes the tables and empties them afterwards)."""
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
def connection_tests(served, monkeypatch):
    """How many times a pooled connection was tested with a round trip."""
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


@contextmanager
def _transaction_states(app):
    """Each statement's first word, and whether its connection was left inside a transaction after it."""
    with app.app_context():
        engine = db.engine
    after = []

    def status(connection, cursor, statement, *_):
        after.append((statement.split()[0], connection.connection.dbapi_connection.info.transaction_status))

    event.listen(engine, "after_cursor_execute", status)
    try:
        yield after
    finally:
        event.remove(engine, "after_cursor_execute", status)


def _drop(database_url: str, pid: int) -> None:
    """What a database restart does to one connection: the server ends it."""
    admin = create_engine(database_url)
    try:
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    finally:
        admin.dispose()


def test_a_connection_handed_back_a_moment_ago_is_used_without_a_test(served, clock, connection_tests):
    client = served.test_client()
    for _ in range(5):
        clock["t"] += 1
        assert client.get("/healthz").get_json()["database"] == "up"
    assert connection_tests["n"] == 0, "a busy worker paid a round trip to test a connection it just used"
    clock["t"] += 31
    assert client.get("/healthz").get_json()["database"] == "up"
    assert connection_tests["n"] == 1, "a connection idle for half a minute was used untested"


def test_a_connection_the_database_dropped_while_idle_is_replaced_before_a_request_uses_it(
        served, clock, connection_tests, database_url):
    client = served.test_client()
    assert client.get("/healthz").status_code == 200
    pid = _backend_of_the_pooled_connection(served)
    _drop(database_url, pid)
    clock["t"] += 31
    assert client.get("/healthz").get_json()["database"] == "up"
    assert connection_tests["n"] == 1
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


@pytest.mark.parametrize("url", ["/healthz", "/api/v1/verify/{code}", "/v/{code}"])
def test_the_health_check_and_a_public_check_are_one_round_trip_with_no_transaction_around_it(served, url):
    """A load balancer asks every few seconds, and anyone may check a code: each is one statement that
    writes nothing, sent in autocommit without BEGIN and COMMIT. The check log's row waits for the worker's
    batch, which commits on its own (lms/checklog.py)."""
    from lms.core.certificates.codes import new_code
    served.config["VERIFICATION_LOG_BATCH"] = 20
    served.config["VERIFICATION_LOG_WAIT"] = 3600  # no batch comes due while a slow machine draws the first page
    client = served.test_client()
    try:
        with _transaction_states(served) as after:
            for _ in range(3):
                assert client.get(url.format(code=new_code())).status_code in (200, 404)
    finally:
        served.extensions["checklog"].write_pending()
    assert after == [("SELECT", TransactionStatus.IDLE)] * 3, f"{url} opened a transaction: {after}"


def test_a_page_that_checks_the_account_on_the_request_connection_then_writes_writes_in_a_transaction(
        served, world):
    """The first opening of a lesson: the account checked on the request's connection, outside the ORM
    session, then the session opened on that connection for the write (lms.database.request_connection)."""
    from lms.models import LessonView
    client = served.test_client()
    AuthActions(client).login("jose")
    client.get("/")  # the kept account is ready: the lesson below checks it on the request's connection
    with _transaction_states(served) as after:
        assert client.get("/weeks/2").status_code == 200
    writes = [state for verb, state in after if verb == "INSERT"]
    assert writes == [TransactionStatus.INTRANS], after
    with served.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LessonView)) == 1


def test_a_trainee_page_that_only_reads_sends_its_statements_without_a_transaction_around_them(served, world):
    """His home and a lesson he opened before: the account check and the page's reads go to the server one
    statement at a time, with no BEGIN before them and no COMMIT after (lms.database, reads in autocommit)."""
    client = served.test_client()
    AuthActions(client).login("jose")
    for path in ("/", "/weeks/2", "/"):  # the first opening of the lesson writes; from then on it only reads
        client.get(path)  # and the kept account is ready again: the next pages check it on the request's connection
    for path in ("/", "/weeks/2"):
        with _transaction_states(served) as after:
            assert client.get(path).status_code == 200
        assert after and set(after) == {("SELECT", TransactionStatus.IDLE)}, f"{path}: {after}"


def test_a_connection_back_in_the_pool_runs_in_transactions_again(served, world):
    """A trainee's page read in autocommit; the next user of that very connection, a command or the check
    log's batch, gets BEGIN and COMMIT around its statements, as SQLAlchemy promises it."""
    client = served.test_client()
    AuthActions(client).login("jose")
    client.get("/")  # the kept account is ready: the next page reads on the request's connection
    with served.app_context():
        engine = db.engine
    used = []

    def note(connection, *_):
        used.append(connection.connection.dbapi_connection)

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert used and all(c.autocommit is False for c in used), "a connection went back to the pool in autocommit"
    with served.app_context(), db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        assert connection.connection.dbapi_connection.info.transaction_status == TransactionStatus.INTRANS


def test_a_read_that_locks_its_rows_holds_them_until_the_request_ends(served, world):
    """A SELECT … FOR UPDATE on the request's connection begins a transaction, as a write does. Read in
    autocommit, its lock would be let go as soon as it answered, and another worker could change the row
    the request went on to rely on (lms.pg_driver)."""
    from sqlalchemy import select
    from sqlalchemy.exc import OperationalError

    from lms.database import request_connection
    from lms.models import User
    his_row = select(User.id).where(User.id == world.trainee.id)

    @served.get("/test/lock-then-ask-as-another-worker")
    def lock_then_ask_as_another_worker():
        request_connection().execute(his_row.with_for_update())
        with db.engine.connect() as other:
            try:
                other.execute(his_row.with_for_update(nowait=True))
            except OperationalError:  # "could not obtain lock": the request still holds it
                return {"held": True}
        return {"held": False}

    assert served.test_client().get("/test/lock-then-ask-as-another-worker").get_json() == {"held": True}


def test_a_batch_of_the_check_log_is_written_in_a_transaction_of_its_own(served):
    """The check that completes a batch writes it, committed on a connection of its own, with the
    PostgreSQL commit that does not wait for the disk (lms/checklog.py)."""
    from sqlalchemy import func, select

    from lms.core.certificates.codes import new_code
    from lms.models import VerificationCheck
    served.config["VERIFICATION_LOG_BATCH"] = 2
    with served.app_context():
        engine = db.engine
    client = served.test_client()
    with count_queries(engine) as sent:
        for _ in range(2):
            assert client.get(f"/api/v1/verify/{new_code()}").status_code == 404
    starts = [statement.split()[:2] for statement in sent["statements"]]
    assert ["SET", "LOCAL"] in starts and ["INSERT", "INTO"] in starts
    with served.app_context():
        assert db.session.scalar(select(func.count()).select_from(VerificationCheck)) == 2


@contextmanager
def _descriptions_built():
    """How many times psycopg built a result's column descriptions (a Column object per column)."""
    import psycopg

    built = {"n": 0}
    describe = psycopg.Cursor.description

    def counted(cursor):
        columns = describe.fget(cursor)
        built["n"] += bool(columns)
        return columns

    psycopg.Cursor.description = property(counted)
    try:
        yield built
    finally:
        psycopg.Cursor.description = describe


def test_a_page_seen_before_builds_no_column_descriptions(served, world):
    """Each of the page's statements ran before, so SQLAlchemy kept its result's layout: the cursor says
    how many columns there are and builds none of psycopg's Column objects (lms/pg_driver.py). The health
    check too, which a load balancer asks for every few seconds."""
    client = served.test_client()
    AuthActions(client).login("jose")
    for path in ("/", "/weeks/2", "/", "/healthz"):  # every statement of these pages has run once
        client.get(path)
    with _descriptions_built() as built:
        for path in ("/", "/weeks/2", "/healthz"):
            assert client.get(path).status_code == 200
    assert built["n"] == 0


def test_a_result_described_when_read_reads_as_psycopg_describes_it(served):
    """The first run of a statement, a command, a test: whoever reads the columns gets psycopg's own."""
    import psycopg

    with served.app_context(), db.engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("SELECT 1 AS one, 'a'::text AS letter, now() AS at")
        described = cursor.description
        expected = psycopg.Cursor.description.fget(cursor)
        assert len(described) == 3
        assert [column.name for column in described] == ["one", "letter", "at"]
        assert described[1].type_code == expected[1].type_code and described[-1].name == "at"
        assert [c.name for c in described[1:]] == ["letter", "at"]
        unread = cursor.description
        cursor.execute("SELECT 2")
        with pytest.raises(psycopg.InterfaceError):  # the first result's columns went with it
            unread[0]
        cursor.execute("SET search_path TO public")
        assert cursor.description is None
