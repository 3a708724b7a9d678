"""The trainee's forms. The quiz is read by hand in the view: its fields come from the week's questions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField


class ReflectionForm(FlaskForm):
    """A reflection's text, and which of its two buttons was tapped: both are named ``action``, so that
    autosave.js and a plain post send the same thing."""

    text = TextAreaField(_l("Your reflection"))
    action = StringField()

    @property
    def is_submit(self) -> bool:
        return self.action.data == "submit"
