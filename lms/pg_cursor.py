"""psycopg's cursor, with the description of a result built only when something reads it.

After every statement SQLAlchemy asks the cursor for ``description``, the list of the result's columns.
psycopg builds a ``Column`` object for each column there and then. SQLAlchemy needs them only the first
time it runs a statement: after that it keeps the result's layout with the compiled statement, and only
asks whether there is a description at all. The account query had 45 columns (35 since it reads one row),
and building them was the largest piece of pure Python in PostgreSQL's signed-in floor: 4-9 % of its CPU,
in-process (issue 24, docs/performance-history.md, fifteenth round). Here ``description`` answers with a
sequence that knows its length at once and builds psycopg's own list of columns when something first reads
a column.

Installed on each new psycopg connection by ``lms.database`` (``cursor_factory``); only imported there.
"""

from collections.abc import Iterator, Sequence

import psycopg


class Cursor(psycopg.Cursor):
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
