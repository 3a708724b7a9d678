"""The session cookie: Flask's signed cookie, whose signature each worker checks once per cookie.

A browser sends the same cookie with every page until its session changes. Flask checks the
signature, then the age, then decodes the JSON, on every request: about 290 Python calls, the
largest fixed cost of a signed-in request after the account query. Here a worker keeps what it
checked, under the exact cookie, for that browser's next request. The age is checked again on every
request, a cookie that differs by one byte is checked in full, and a change of secret key forgets
everything kept. Whether the login still stands is not decided here: the user loader asks the
database on every request (lms/user_loader.py).
"""

import copy
import threading
import time
from collections import OrderedDict

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

KEPT = 2048  # cookies a worker remembers, the least recently seen forgotten first (about 1.5 MB)


class CheckedCookieSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._checked: OrderedDict[str, tuple[dict, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._keys: tuple | None = None
        self._serializer: URLSafeTimedSerializer | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, made once for the app's keys instead of twice a request."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys != self._keys:
            with self._lock:
                self._serializer = super().get_signing_serializer(app)
                self._keys = keys
                self._checked.clear()
        return self._serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        with self._lock:
            kept = self._checked.get(cookie)
            if kept is not None:
                self._checked.move_to_end(cookie)
        if kept is None:
            try:
                data, signed = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
            except BadSignature:  # forged, damaged or expired: an empty session, as Flask's own
                return self.session_class()
            kept = (data, int(signed.timestamp()))
            with self._lock:
                self._checked[cookie] = kept
                while len(self._checked) > KEPT:
                    self._checked.popitem(last=False)
        data, signed_at = kept
        if not 0 <= int(time.time()) - signed_at <= max_age:  # itsdangerous's own test of the age
            return self.session_class()
        # The session is changed in place during the request (flash messages are a list): what is kept
        # must not change with it.
        if any(isinstance(value, list | dict) for value in data.values()):
            data = copy.deepcopy(data)
        return self.session_class(data)
