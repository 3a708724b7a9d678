"""Promotores LMS: the training platform of the Red Municipal de Promotores Masculinos."""

import os

from flask import Flask


class Platform(Flask):
    """Flask, asking once per hook and view whether it is a coroutine.

    Flask asks ``ensure_sync`` about every before-request, after-request and teardown hook and about the
    view, on every request: eleven inspections of code flags for the signed-in floor, whose answer never
    changes for a function (issue 24, docs/performance-history.md). The answers are kept; should something ever
    hand Flask a new function on every request, the kept answers are dropped past SYNC_KEPT.
    """

    SYNC_KEPT = 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._synchronous: dict = {}

    def ensure_sync(self, func):
        try:
            return self._synchronous[func]
        except KeyError:
            if len(self._synchronous) >= self.SYNC_KEPT:
                self._synchronous.clear()
            self._synchronous[func] = synchronous = super().ensure_sync(func)
            return synchronous


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error pages, commands."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("LMS_INSTANCE_PATH")
    app = Platform(__name__, instance_path=os.path.abspath(instance_path) if instance_path else None)

    from lms.config import load_config
    load_config(app, test_config)

    from lms.sessions import CheckedCookieSessions
    app.session_interface = CheckedCookieSessions()

    from lms import checklog, compression, csrf_tokens, database, i18n, logs, routing, security, templating, user_loader
    from lms.extensions import csrf, db, limiter, login_manager, migrate
    compression.init_app(app)  # first registered, so it runs after every other after-request hook
    routing.init_app(app)
    db.init_app(app)
    database.init_app(app)
    user_loader.init_app(app)
    checklog.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    csrf_tokens.init_app(app)
    limiter.init_app(app)
    if limiter.enabled:  # LMS_RATELIMIT_ENABLED=false: the limiter registers none of its hooks
        _take_out_unused_limiter_hooks(app, limiter)
    # Flask-Login's after-request hook sets or clears a "remember me" cookie, which no login here asks for
    # (logins are kept on the server, see lms/auth); reading the session for it on every answer also
    # made every public answer vary by cookie. tests/integration/test_request_floor.py checks that no
    # login asks to be remembered.
    app.after_request_funcs[None].remove(login_manager._update_remember_cookie)
    i18n.init_app(app)
    security.init_app(app)
    logs.init_app(app)
    templating.init_app(app)

    from lms.content import loader
    loader.init_app(app)

    from lms.auth.views import bp as auth_bp
    from lms.certificates.views import bp as certificates_bp
    from lms.facilitate.views import bp as facilitate_bp
    from lms.learn.views import bp as learn_bp
    from lms.manage.views import bp as manage_bp
    from lms.red.views import agenda_bp
    from lms.red.views import bp as red_bp
    from lms.reminders.views import bp as reminders_bp
    from lms.reports.views import bp as reports_bp
    from lms.site.views import bp as site_bp
    from lms.surveys.views import bp as surveys_bp
    from lms.verify.views import bp as verify_bp
    for blueprint in (site_bp, auth_bp, learn_bp, surveys_bp, facilitate_bp, manage_bp, certificates_bp, verify_bp,
                      reports_bp, red_bp, agenda_bp, reminders_bp):
        app.register_blueprint(blueprint)

    from lms import errors
    errors.init_app(app)

    from lms import cli
    cli.init_app(app)

    if app.config.get("PROXY_FIX"):
        # Behind nginx: trust one proxy for the client address (rate limits) and the scheme (links).
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    return app


def _take_out_unused_limiter_hooks(app: Flask, limiter) -> None:
    """Flask-Limiter's hooks that run on every request for features no route here uses.

    Only decorated routes have limits, and their decorator checks them. The extension's own
    before-request hook would look for application-wide limits on every request: a tenth of a
    millisecond each, for none. Its after-request hook writes rate-limit headers, which are off
    (RATELIMIT_HEADERS_ENABLED), and settles limits that count only some answers (``deduct_when``), which
    we do not use: another 20 µs on every request, for nothing. Its teardown hook empties the state the
    limit decorators keep for a request; that state lives on the request's own context, which Flask makes
    new for every request and drops after it. tests/integration/test_request_floor.py holds all three.
    """
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    if not app.config["RATELIMIT_HEADERS_ENABLED"]:
        app.after_request_funcs[None] = [hook for hook in app.after_request_funcs[None]
                                         if getattr(hook, "args", None) != (limiter,)]
    app.teardown_request_funcs[None].remove(limiter._Limiter__release_context)
