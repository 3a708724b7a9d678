"""The CSRF token a page carries, signed once per session in each worker instead of on every page.

Every page has a form (the language switch in the header), so Flask-WTF signed the session's secret
value (``session["csrf_token"]``) on every page: a serializer, its key derived again, JSON and an HMAC,
about 25 µs, a tenth of a lesson page's own work (issue 24, docs/performance-history.md). With
WTF_CSRF_TIME_LIMIT off (lms/config.py), a token is valid for as long as its session keeps that value,
so the token signed once can be handed out again. A session with another value (a new browser, a new
login) or a new secret key is signed afresh, and with a time limit set every page signs its own token
as before. Checking a posted token is Flask-WTF's alone.
"""

import threading
from collections import OrderedDict

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

KEPT = 2048  # sessions a worker remembers a token for; past that, the first remembered is forgotten first
FIELD = "csrf_token"  # Flask-WTF's name for the value in the session and the token in ``g``

_signed: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


def csrf_token() -> str:
    """This session's CSRF token, as Flask-WTF's ``generate_csrf`` would give it; the template global."""
    if FIELD in g:  # this page's second form
        return g.get(FIELD)
    config = current_app.config
    if config["WTF_CSRF_TIME_LIMIT"] is not None or config.get("WTF_CSRF_FIELD_NAME", FIELD) != FIELD:
        return generate_csrf()
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    with _lock:
        token = _signed.get((secret, session.get(FIELD)))
    if token is None:
        token = generate_csrf()  # makes the session's value if it had none, and puts the token in ``g``
        with _lock:
            _signed[(secret, session[FIELD])] = token
            while len(_signed) > KEPT:
                _signed.popitem(last=False)
    # The page's forms (``hidden_tag()``) find it here and sign nothing.
    setattr(g, FIELD, token)
    return token


def init_app(app: Flask) -> None:
    """After Flask-WTF's own ``init_app``, whose ``csrf_token`` this replaces. Flask-WTF gives templates its
    function twice, as a global and from a context processor run for every template; the global alone
    reaches every template, macros imported without context too."""
    app.jinja_env.globals["csrf_token"] = csrf_token
    processors = app.template_context_processors[None]
    processors[:] = [processor for processor in processors if processor.__module__ != "flask_wtf.csrf"]
