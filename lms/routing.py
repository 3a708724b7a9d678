"""URLs: an ``<id:…>`` is a database id, so a number beyond the column's range is simply not found; the
public address that printed links point to."""

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider


class IdConverter(IntegerConverter):
    def __init__(self, map, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


def public_base_url() -> str:
    """Where verification links point: LMS_PUBLIC_BASE_URL, else this request's host."""
    return current_app.config.get("PUBLIC_BASE_URL") or request.url_root


def bounded_int(value: str | None) -> int | None:
    """A query-string id or page number within the database's range, else None."""
    if value is None or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter


def safe_next(target: str | None) -> str | None:
    """Return ``target`` only if it is a path on this site (no scheme, no host)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
