"""Database wiring: SQLite pragmas, the connection a request reads on, and how a request that only read
ends its transaction."""

import logging
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g
from sqlalchemy import Connection, bindparam, event, exc, lambda_stmt
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from lms.extensions import REQUEST_CONNECTION, db


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    # WAL lets readers work while one request writes; SQLite leaves foreign keys off unless asked.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def init_app(app: Flask) -> None:
    """On PostgreSQL (psycopg): a request reads in autocommit until it writes; a transaction that only
    read ends with COMMIT, unless COMMIT_READ_ONLY_TRANSACTIONS is false; a result's columns are described
    only when read. On a server, pooled connections are tested after they sat idle (all below).

    The engine gets no listener of SQLAlchemy's connection events: one would switch on their path for
    every statement (lms.pg_driver). What a statement must do for these rules is done by psycopg's
    connection and cursor of our own, and the pool's events (connect, checkout, checkin) cost nothing
    per statement.
    """
    app.teardown_appcontext(_give_back_request_connection)  # registered before the read-only commit: runs after it
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.driver == "psycopg":
            event.listen(engine, "do_connect", _connect_with_psycopg_of_our_own)
            _read_in_autocommit_until_a_write(engine)
            if app.config.get("COMMIT_READ_ONLY_TRANSACTIONS") is not False:
                _READS_END_WITH_COMMIT.add(engine)
        if engine.dialect.name != "sqlite":  # a file does not drop its connections
            _check_connections_left_idle(engine, app.config["POOL_CHECK_AFTER_IDLE"])
    if any(engine in _READS_END_WITH_COMMIT for engine in engines):
        _end_reads_with_commit(app)


def _connect_with_psycopg_of_our_own(dialect, record, cargs, cparams):
    """Open each new connection as psycopg's connection and cursor of our own (lms.pg_driver)."""
    from lms import pg_driver  # imports psycopg, which a SQLite deployment never loads

    return pg_driver.Connection.connect(*cargs, **cparams)


_RETURNED_AT = "lms.returned_at"  # on a pooled connection: when it last went back to the pool


def _check_connections_left_idle(engine: Engine, idle_seconds: float) -> None:
    """Test a pooled connection with a round trip before use only when it sat unused for ``idle_seconds``.

    SQLAlchemy's ``pool_pre_ping`` tests every connection at every checkout: on PostgreSQL one round trip
    more for every request, the health check's four instead of three. A connection handed back a moment
    ago was working a moment ago. PgBouncer does the same for its server connections (``server_check_delay``,
    30 s by default). The price: when the database restarts under traffic, a connection used within the
    last ``idle_seconds`` fails its next request once, and that failure makes SQLAlchemy replace every
    connection of the pool, so each worker sees at most one such error. A test that fails replaces them all
    as well, as ``pool_pre_ping`` does (docs/deploy.md).
    """

    @event.listens_for(engine, "checkin")
    def returned(dbapi_connection, record) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked(dbapi_connection, record, proxy) -> None:
        returned_at = record.info.get(_RETURNED_AT)  # none on a new connection: it was just opened
        if returned_at is None or time.monotonic() - returned_at < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.InvalidatePoolError(f"a connection idle for {idle_seconds} s or more failed its test") from error


@contextmanager
def one_statement() -> Iterator[Connection]:
    """A pooled connection, outside the ORM session, for a request whose one statement writes nothing (the
    health check, a public check of a certificate).

    On PostgreSQL the statement runs in autocommit: no BEGIN before it and no COMMIT after it, one round
    trip where a transaction takes three (and a ROLLBACK would make psycopg forget its prepared statements,
    see below). The switch is psycopg's own, as for a request's reads (``_read_in_autocommit_until_a_write``);
    until the fourteenth round it was SQLAlchemy's ``isolation_level`` option, 57-58 Python calls a request
    more. The commit at the end sends nothing there; on SQLite, where there are no round trips to save and
    switching to autocommit and back cost more than the commit (64 µs against 28 in a loop), it ends the
    statement's transaction.
    """
    with db.engine.connect() as connection:
        _in_autocommit(connection)
        yield connection
        connection.commit()


def request_connection() -> Connection:
    """The connection a request reads on: the ORM session's when the session is open, else a pooled
    connection of the request's own, taken at its first use and given back when its app context ends (the
    request's, or a command's).

    The user loader checks the signed-in account on it, and a trainee's pages read his progress on it,
    without opening the ORM session: opening and closing a session, its transaction, and giving it the
    account cost a signed-in request 85-125 µs more than a pooled connection, in a loop (issue 24,
    docs/performance-history.md). A request that does open the session later opens it on this same connection
    (``lms.extensions.RequestSession``), so it still takes one connection. When the session is open, what it
    holds unsaved is flushed first, as a query through the session would, so a read sees what the request
    changed.

    On PostgreSQL the connection reads in autocommit until something writes on it
    (``_read_in_autocommit_until_a_write``, below).
    """
    if db.session.registry.has():
        session = db.session()
        if session.autoflush:
            session.flush()
        return session.connection()
    connection = g.get(REQUEST_CONNECTION)
    if connection is None:
        connection = db.engine.connect()
        _in_autocommit(connection)
        setattr(g, REQUEST_CONNECTION, connection)
    return connection


_READS_IN_AUTOCOMMIT = weakref.WeakSet()  # engines whose request connections read in autocommit


def _in_autocommit(connection: Connection) -> None:
    """Put a connection just taken from the pool in autocommit where its engine reads that way (below)."""
    if connection.engine in _READS_IN_AUTOCOMMIT:
        driver = connection.connection.dbapi_connection
        driver.autocommit = True
        driver.reads_until_a_write = True


def _read_in_autocommit_until_a_write(engine: Engine) -> None:
    """A connection taken for reading (the request's, ``one_statement``'s) reads in autocommit until
    something writes on it.

    A page that only reads then sends its statements alone, without BEGIN before them and COMMIT after:
    the signed-in floor and a lesson one round trip to PostgreSQL instead of three, the home three instead
    of five. Under READ COMMITTED, PostgreSQL's level and ours, each statement sees the
    database as of its own start whether or not a transaction is around it, so the reads see the same.

    The first statement that is not a SELECT, or that locks the rows it reads (``with_for_update()``), takes
    the connection out of autocommit before it is sent, so that it begins a transaction and its locks last
    until the request ends (psycopg's cursor of our own does it, ``lms.pg_driver``): what the request
    writes from then on, through the ORM session (which opens on the request's connection) or not, is
    committed or rolled back whole. Each read before it saw the database as of its own start, as it would
    have inside a transaction. Back in the pool, the connection leaves autocommit, so a connection taken
    by anything else (a command, the check log's batch) runs in transactions as SQLAlchemy expects. Only
    connections put in autocommit here are touched: the mark is on the driver's connection, and the pool's
    return clears it.

    The tenth round tried this through SQLAlchemy's ``isolation_level`` option and did not keep it:
    switching it and back cost every request 53-56 Python calls. The driver's own switch is one attribute,
    and psycopg allows it whenever no transaction is open, which in autocommit is always
    (docs/performance-history.md, fourteenth round).
    """
    _READS_IN_AUTOCOMMIT.add(engine)
    event.listen(engine, "checkin", _back_to_transactions)


def _back_to_transactions(dbapi_connection, record) -> None:
    if dbapi_connection is not None and dbapi_connection.reads_until_a_write:
        dbapi_connection.reads_until_a_write = False
        if not dbapi_connection.closed:
            dbapi_connection.autocommit = False


def _give_back_request_connection(exc) -> None:
    """End the request's session, then its connection: a transaction that only read is committed where
    reads end with COMMIT (below), anything else rolled back, and the connection goes back to the pool."""
    connection = g.pop(REQUEST_CONNECTION, None)
    if connection is None:
        return
    db.session.remove()  # the session runs on this connection, so it ends first
    try:
        if exc is None and connection.in_transaction() and _only_read(connection):
            connection.commit()
    finally:
        connection.close()


_NAMES: set[str] = set()  # given so far: a name is the statement's key in the cache


def named_statement(name: str, statement):
    """A statement built once and never changed, found in SQLAlchemy's compiled cache by its name.

    SQLAlchemy finds a statement's SQL in its compiled cache by a key that spells out the whole statement,
    and it hashes that key again at every execution. The account query's key holds 1,215 values. Inside a
    request, with the CPU's caches cold, finding it took 110-150 µs, about a tenth of the signed-in floor on
    a slow machine, and a trainee's progress (973 values) another 98 µs (issue 24, docs/performance-history.md). A
    lambda statement's key is its lambda's code and what it is told to track, here the name, so the lookup
    takes 3-7 µs. Since the key no longer describes the statement, each name may be given to one statement
    only.

    Worth it for a long key on every request. A key of about a hundred values took 17-25 µs to find. For a
    short one, such as the public check's 48, the lambda's own steps (9 calls more) cost about what they save.
    """
    if name in _NAMES:
        raise ValueError(f"a statement is already named {name!r}")
    _NAMES.add(name)
    return lambda_stmt(lambda: statement, track_on=[name])


class ForIds:
    """A statement about a list of ids, built twice: an expanding ``IN`` for many ids, ``=`` for one.

    SQLAlchemy writes an expanding ``IN`` into the statement's text afresh at every execution. For one
    trainee's progress that was a third of the query's cost (80 µs against 52 on SQLite, 206-225 against
    167-178 on PostgreSQL), and most calls ask about one id: a trainee's own pages. ``build`` is given
    the condition to put on an id column; the two statements are named after ``name``.
    """

    def __init__(self, name: str, build) -> None:
        many = build(lambda column: column.in_(bindparam("ids", expanding=True)))
        one = build(lambda column: column == bindparam("id"))
        self.many = named_statement(f"{name}, for ids", many)
        self.one = named_statement(f"{name}, for one id", one)

    def execute(self, connection, ids):
        ids = list(ids)
        if len(ids) == 1:
            return connection.execute(self.one, {"id": ids[0]})
        return connection.execute(self.many, {"ids": ids})


_READS_END_WITH_COMMIT = weakref.WeakSet()  # engines whose transactions that only read end with COMMIT
_CONNECTION = "lms.connection"  # on a session: the connection its current transaction runs on


def _end_reads_with_commit(app: Flask) -> None:
    """End a request's transaction with COMMIT when it only read; anything else still rolls back.

    psycopg forgets its prepared statements at every ROLLBACK (a rollback may undo what they refer
    to), and Flask-SQLAlchemy ends every request with one. So on PostgreSQL no statement was ever
    prepared: every request paid for parsing and planning each query again. The account query took
    0.8-1.2 ms that way, and 0.17-0.23 ms once prepared. A transaction that sent only SELECTs and holds no
    unsaved change is over the same way with COMMIT as with ROLLBACK, and the prepared statements live on.
    A request that wrote anything, or failed, still rolls back as before (docs/performance-history.md, third
    round; tests/integration/test_read_only_commit.py). psycopg's cursor of our own notes whether a
    transaction sent anything but SELECTs (``lms.pg_driver``). SQLite keeps no prepared statements, so its
    transactions end with ROLLBACK whatever the setting.
    """
    if not event.contains(db.session, "after_begin", _remember_connection):  # one listener for every app
        event.listen(db.session, "after_begin", _remember_connection)
    app.teardown_appcontext(_commit_what_only_read)  # registered after Flask-SQLAlchemy's, so it runs first


def _only_read(connection: Connection) -> bool:
    """Whether the transaction open on ``connection`` sent only SELECTs, where its engine's reads end with
    COMMIT. A connection reading in autocommit has no transaction open on the server: there COMMIT and
    ROLLBACK both send nothing."""
    if connection.engine not in _READS_END_WITH_COMMIT:
        return False
    driver = connection.connection.dbapi_connection
    return driver.autocommit or not driver.wrote


def _remember_connection(session, transaction, connection) -> None:
    session.info[_CONNECTION] = connection


def _commit_what_only_read(exc) -> None:
    if exc is not None or not db.session.registry.has():
        return
    session = db.session.registry()
    connection = session.info.pop(_CONNECTION, None)
    if (connection is None or connection.closed or not connection.in_transaction()
            or not _only_read(connection) or session.new or session.dirty or session.deleted):
        return  # nothing to end, or something to undo: Flask-SQLAlchemy's rollback does it
    session.expire_on_commit = False  # the session ends here; the account objects stay as they were read
    try:
        session.commit()
    except SQLAlchemyError:  # nothing was written, so nothing is lost: the rollback that follows cleans up
        logging.getLogger(__name__).warning("could not end a read-only transaction with COMMIT", exc_info=True)
