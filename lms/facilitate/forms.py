"""The facilitator's simple forms. Attendance, rubrics and essay marks are read by hand in the views:
their fields depend on the roster and the week."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

NOTE_MAX_CHARS = 4000


class NoteForm(FlaskForm):
    note = TextAreaField(_l("New note"), validators=[
        DataRequired(_l("The note is empty.")),
        Length(max=NOTE_MAX_CHARS, message=_l("A note holds at most %(max)d characters.", max=NOTE_MAX_CHARS)),
    ], render_kw={"rows": 3})
