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
