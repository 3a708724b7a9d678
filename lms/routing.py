"""URL converters: an ``<id:…>`` is a database id, so a number beyond the column's range is simply not found."""

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider


class IdConverter(IntegerConverter):
    def __init__(self, map, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


def bounded_int(value: str | None) -> int | None:
    """A query-string id or page number within the database's range, else None."""
    if value is None or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
