"""psycopg's connection and cursor, with what the app asks of them on every statement.

The app's rules about PostgreSQL transactions live in ``lms.database``; what each statement must do for
them is done here, in the driver, because SQLAlchemy's own hook for it is dear. Any listener of
SQLAlchemy's connection events (``before_cursor_execute``, ``begin``) switches on its event path for
every statement, begin and commit of the engine: about 19 µs of CPU per statement on PostgreSQL, and 5-8 %
of each page, in-process (issue 24, docs/performance-history.md, sixteenth round). So the engine has
none, and the cursor does two things as it sends a statement:

- On a connection that reads in autocommit until it writes (``Connection.reads_until_a_write``, set by
  ``lms.database``), a statement that is not a SELECT, or a SELECT that locks its rows (``FOR UPDATE``),
  first takes the connection out of autocommit, so that it begins a transaction.
- It notes whether the transaction open on the connection has sent anything but SELECTs
  (``Connection.wrote``), so that a transaction that only read can end with COMMIT and psycopg keeps its
  prepared statements.

And a result's description is built only when something reads it. After every statement SQLAlchemy asks
the cursor for ``description``, the list of the result's columns. psycopg builds a ``Column`` object for
each column there and then. SQLAlchemy needs them only the first time it runs a statement: after that it
keeps the result's layout with the compiled statement, and only asks whether there is a description at
all. The account query had 45 columns (35 since it reads one row), and building them was the largest
piece of pure Python in PostgreSQL's signed-in floor: 4-9 % of its CPU, in-process (fifteenth round).
Here ``description`` answers with a sequence that knows its length at once and builds psycopg's own list
of columns when something first reads a column.

Every psycopg connection of the app is a ``Connection`` (``lms.database``); only imported there.
"""

import re
from collections.abc import Iterator, Sequence

import psycopg
from psycopg.pq import TransactionStatus

_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)  # a statement that writes nothing; a WITH might
# A SELECT that locks the rows it reads, as SQLAlchemy writes ``with_for_update()``. It needs a transaction as
# a write does: in autocommit its locks would be let go as soon as it answered.
_LOCKS = re.compile(r"FOR (?:UPDATE|NO KEY UPDATE|SHARE|KEY SHARE)\b")


class Connection(psycopg.Connection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_factory = Cursor

    reads_until_a_write = False
    """In autocommit until a statement that is not a SELECT; back in the pool, in transactions again."""

    wrote = True
    """Whether the open transaction sent anything but SELECTs; true where nothing is known."""


class Cursor(psycopg.Cursor):
    def execute(self, query, params=None, **kwargs):
        self._before(query)
        return super().execute(query, params, **kwargs)

    def executemany(self, query, params_seq, **kwargs):
        self._before(query)
        return super().executemany(query, params_seq, **kwargs)

    def _before(self, query) -> None:
        connection: Connection = self._conn
        reads = isinstance(query, str) and _READ.match(query) is not None and _LOCKS.search(query) is None
        if not reads and connection.reads_until_a_write:
            connection.reads_until_a_write = False
            connection.autocommit = False  # allowed: in autocommit no transaction is ever open
        if connection.autocommit:
            return
        if connection.pgconn.transaction_status == TransactionStatus.IDLE:  # this statement begins one
            connection.wrote = not reads
        elif not reads:
            connection.wrote = True

    @property
    def description(self) -> "Sequence[psycopg.Column] | None":
        result = self.pgresult
        if result is None or not result.nfields:
            return super().description  # no result, or one without columns: psycopg's answer, as it is
        return _Columns(self, result)


class _Columns(Sequence):
    """The columns of one result of a cursor, read from it the first time one of them is asked for."""

    __slots__ = ("_cursor", "_result", "_columns")

    def __init__(self, cursor: Cursor, result) -> None:
        self._cursor, self._result, self._columns = cursor, result, None

    def __len__(self) -> int:
        return self._result.nfields

    def __getitem__(self, index):
        return self._read()[index]

    def __iter__(self) -> Iterator[psycopg.Column]:
        return iter(self._read())

    def __repr__(self) -> str:
        return repr(self._read())

    def _read(self) -> list[psycopg.Column]:
        if self._columns is None:
            if self._cursor.pgresult is not self._result:  # the columns would be another result's
                raise psycopg.InterfaceError("a result's description was read after its cursor moved on")
            self._columns = psycopg.Cursor.description.fget(self._cursor)
        return self._columns
