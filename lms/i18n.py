"""Languages: Spanish first, English beside it; the choice is remembered for the person."""

from flask import Flask, current_app, has_request_context, session
from flask_babel import format_decimal, format_percent
from flask_login import current_user

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


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        # Dates in Lima, in the project's three formats: lms/core/dates.py.
        date=date_filter, datetime=datetime_filter, decimal=format_decimal, percent=format_percent
    )
