"""Error pages in the visitor's language, never a stack trace."""

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.extensions import db

MESSAGES = {
    400: (_l("Something in the request was not right"),
          _l("The form may have expired. Go back, reload the page and try again; what you typed is kept in your draft.")),
    403: (_l("This page is not for your account"),
          _l("If you think you should see it, ask your coordinator.")),
    404: (_l("We could not find that page"),
          _l("The address may be mistyped, or the page belongs to another cohort.")),
    405: (_l("That action is not allowed here"), _l("Go back and use the buttons on the page.")),
    410: (_l("This credential is no longer valid"),
          _l("It was revoked. Check the certificate's code on the verification page.")),
    413: (_l("What you sent is too large"), _l("Go back and send a smaller file or a shorter text.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes and try again.")),
    500: (_l("Something went wrong on our side"),
          _l("Nothing you sent was half-saved. Try again in a moment; if it keeps happening, tell your facilitator.")),
    503: (_l("The platform is not available right now"), _l("Try again in a few minutes.")),
}


PLAIN_PAGE = (
    '<!doctype html><html lang="es"><meta charset="utf-8"><title>{code}</title>'
    "<h1>{title}</h1><p>{hint}</p><p>Línea 100: 100 (gratuita, 24 horas)</p></html>"
)


def render_error(code: int):
    title, hint = MESSAGES.get(code, MESSAGES[500])
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": str(title)}, code
    try:
        return render_template("errors/error.html", code=code, title=title, hint=hint), code
    except Exception:  # the page itself may need the database that just failed
        db.session.rollback()
        return PLAIN_PAGE.format(code=code, title=title, hint=hint), code, {"Content-Type": "text/html; charset=utf-8"}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        # The route's pattern, not the path, and the exception's type and frames: never its values.
        app.logger.error("unhandled %s on %s %s", type(error).__name__, request.method,
                         request.url_rule.rule if request.url_rule is not None else "(no route)",
                         exc_info=error)
        return render_error(InternalServerError.code)
