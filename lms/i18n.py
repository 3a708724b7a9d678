"""Languages: Spanish first, English beside it; the choice is remembered for the person."""

from flask import Flask, current_app, g, has_request_context, session
from flask_babel import format_decimal, format_percent, get_locale, get_translations
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


def catalog():
    """The catalog of the language in use, found once per request and language.

    Flask-Babel finds it again for every string it translates: the request globals, the domain, the
    locale and its name, 11 µs each time, on pages that translate 15 to 60 strings. Kept on ``g`` with
    the locale it belongs to, so ``force_locale`` (another language for a moment) and a change of
    language get their own.
    """
    locale = get_locale()
    if locale is None:  # outside any app context: Flask-Babel's empty catalog
        return get_translations()
    kept = g.get("_catalog")
    if kept is None or kept[0] is not locale:
        kept = g._catalog = (locale, get_translations())
    return kept[1]


def page_gettext() -> dict:
    """``gettext`` and ``ngettext`` for one page, bound to the catalog of the language it is drawn in.

    A template's context comes before Jinja's globals, so a page's own strings skip even ``catalog()``
    (0.4 µs a string instead of 3.6); the context is made inside ``force_locale`` too. Macros imported
    without context use the globals, which ``init_app`` points at ``catalog()``. Both keep Jinja's
    new-style behaviour: escaped, and always formatted with their keyword arguments (``ngettext`` also
    with ``num``).
    """
    catalog_now = catalog()

    @pass_context
    def gettext(context, string: str, **variables) -> str:
        text = catalog_now.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        # Most strings have no placeholder: formatting them only to get the same text back cost 1.5 µs
        # each (Markup wraps its arguments to escape them). A "%%" is still formatted to "%".
        return text % variables if variables or "%" in text else text

    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        text = catalog_now.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "ngettext": ngettext}


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel's Jinja globals again, through catalog(): for macros and anything drawn without a page.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters.update(
        # Dates in Lima, in the project's three formats: lms/core/dates.py.
        date=date_filter, datetime=datetime_filter, decimal=format_decimal, percent=format_percent
    )
