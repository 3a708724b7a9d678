"""Forms used by more than one blueprint."""

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that POST."""


def choices(pairs) -> list[SelectChoice]:
    """Options for a select field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
