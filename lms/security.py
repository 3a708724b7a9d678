"""Response headers that keep pages from being framed, sniffed or made to run injected code, and a
gate that turns away input no database can store."""

from flask import Flask, abort, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def unstorable(text: str) -> bool:
    """Whether ``text`` holds a character no column can take: NUL (PostgreSQL refuses it in text) or a
    lone surrogate (it cannot be encoded as UTF-8, which every driver sends)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _request_texts():
    incoming = request._get_current_object()  # one lookup through the proxy, not one per attribute
    yield from (incoming.view_args or {}).values()
    # Most requests are GETs with neither a query string nor a body: nothing more to read, and no empty
    # MultiDict to build for it.
    if incoming.environ.get("QUERY_STRING"):
        yield from _multi_texts(incoming.args)
    if incoming.want_form_data_parsed:
        yield from _multi_texts(incoming.form)
        for upload in incoming.files.values():
            yield upload.filename or ""


def _multi_texts(multi):
    for key, values in multi.lists():
        yield key
        yield from values


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_unstorable_input():
        # At the edge, before any view or query sees it: such a value would make the database raise,
        # and the error would carry the statement's parameters. 400, with the usual page.
        if any(isinstance(value, str) and unstorable(value) for value in _request_texts()):
            abort(400)

    @app.after_request
    def set_security_headers(response):
        # A header a view set itself is kept. The names present are read in one pass: werkzeug's
        # ``setdefault`` and ``in`` raise and catch an exception for every name that is missing.
        present = {name.lower() for name, _ in response.headers.items()}
        for name, value in SECURITY_HEADERS:
            if name.lower() not in present:
                response.headers.add(name, value)
        return response
