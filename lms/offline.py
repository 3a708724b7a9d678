"""What the service worker (lms/static/sw.js) may keep for reading offline, and whose it is.

A page marked with KEEP_HEADER is kept on the phone once visited. Every page says whose it is in
OWNER_HEADER: a pseudonym of the logged-in person, empty for nobody. When a page arrives with another
owner than the pages kept — after logging out, or when someone else logs in on the same phone — the
worker deletes them all before showing it, so a shared phone never opens the last person's lessons.
"""

import functools
import hashlib
import hmac

from flask import current_app, session

KEEP_HEADER = "X-Offline-Keep"
OWNER_HEADER = "X-Offline-Owner"
SAVE_HEADER = "X-Offline-Save"  # sent by the worker when it fetches a page only to keep it


def keep_offline(response):
    """Mark a page (a view's return value) as one the phone may keep for reading offline."""
    response = current_app.make_response(response)
    response.headers[KEEP_HEADER] = "1"
    return response


def owner_of_request() -> str:
    """A pseudonym of the person logged in to this browser, the same on every page of his, or "" for nobody.

    Taken from the session's login (Flask-Login's ``_user_id``, our per-account session token), not from
    the account itself, so that no page spends a query on it.
    """
    login = session.get("_user_id")
    if not login:
        return ""
    return _pseudonym(current_app.config["SECRET_KEY"], login)


@functools.lru_cache(maxsize=4096)
def _pseudonym(key: str | bytes, login: str) -> str:
    """Kept per worker: every page of a login says the same, and an HMAC on every page was a twentieth of
    the signed-in floor (issue 24)."""
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"offline-owner:{login}".encode(), hashlib.sha256).hexdigest()[:20]
