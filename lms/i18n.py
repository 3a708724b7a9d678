"""Languages: Spanish first, English beside it; the choice is remembered for the person."""

from flask import Flask, current_app, has_request_context, session
from flask_babel import format_decimal, format_percent, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from lms.core.dates import date_filter, datetime_filter
from lms.extensions import babel


def select_locale() -> str:
    """The person's saved language, else the one chosen in this browser, else Spanish."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a CLI command: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def page_gettext() -> dict:
    """``gettext`` and ``ngettext`` for one page, bound to the catalog of the language it is drawn in.

    Flask-Babel's own functions, which Jinja holds as globals, find the catalog again for every string:
    the request globals, the domain, the locale and its name, 11 µs each time, on pages that translate
    15 to 60 strings. A template's context comes before the globals, so a page drawn with these looks
    its catalog up once (in ``force_locale`` too: the context is made inside it). Macros imported
    without context still use the globals. Both keep Jinja's new-style behaviour: escaped, and always
    formatted with their keyword arguments (``ngettext`` also with ``num``).
    """
    catalog = get_translations()

    @pass_context
    def gettext(context, string: str, **variables) -> str:
        text = catalog.ugettext(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        text = catalog.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "ngettext": ngettext}


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        # Dates in Lima, in the project's three formats: lms/core/dates.py.
        date=date_filter, datetime=datetime_filter, decimal=format_decimal, percent=format_percent
    )
