"""Forms used by more than one blueprint."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from lms.localized import LANGUAGE_NAMES


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that POST."""


def choices(pairs) -> list[SelectChoice]:
    """Options for a select field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]

class LanguageForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=choices(LANGUAGE_NAMES.items()))
    next = HiddenField()


def error_list(form) -> list[tuple[str, str]]:
    """Every error of ``form`` as (field id, "Label: message"), in the order of the fields, for the summary at
    the top of the page; the first field with an error gets the focus (``autofocus``), so nobody hunts for it."""
    errors = []
    for field in form:
        if not field.errors or field.type == "CSRFTokenField":
            continue
        if not errors:
            field.render_kw = {**(field.render_kw or {}), "autofocus": True}
        errors += [(field.id, f"{field.label.text}: {message}") for message in field.errors]
    return errors
