"""URLs: an ``<id:…>`` is a database id, so a number beyond the column's range is simply not found; the
public address that printed links point to."""

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider


class IdConverter(IntegerConverter):
    def __init__(self, map, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


def public_base_url() -> str:
    """Where printed links and credentials point: LMS_PUBLIC_BASE_URL.

    Never a Host header someone sent: without the setting, this request's own address is used only
    for a host on the allow-list (LMS_PUBLIC_HOSTS, by default this machine and SERVER_NAME), and any
    other host is refused (400), so a forged Host cannot put its address in a QR code or credential.
    """
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured
    allowed = set(current_app.config["PUBLIC_HOSTS"])
    if current_app.config.get("SERVER_NAME"):
        allowed.add(current_app.config["SERVER_NAME"].partition(":")[0])
    host = urlsplit(f"//{request.host}").hostname or ""
    if host.lower() not in allowed:
        abort(400)
    return request.url_root


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
