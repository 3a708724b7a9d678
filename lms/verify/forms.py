"""Forms of the verify world: the municipality's bulk check, and the public form to raise a concern
about a certified promoter."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from lms.core.accreditation import ACCOUNT_LIMIT, CONTACT_LIMIT


class BulkCheckForm(FlaskForm):
    """A CSV of codes to check at once."""

    file = FileField(_l("CSV file"), validators=[FileRequired(message=_l("Choose a CSV file."))],
                     render_kw={"accept": ".csv,text/csv"})


class PublicConcernForm(FlaskForm):
    account = TextAreaField(_l("What happened"), validators=[InputRequired(_l("Write what happened.")),
                                                             Length(max=ACCOUNT_LIMIT)],
                            description=_l("What you saw or were told, when and where. You do not need to give "
                                           "your name."))
    contact = StringField(_l("How can we contact you? (optional)"), validators=[Optional(), Length(max=CONTACT_LIMIT)],
                          description=_l("A phone number or an e-mail address, only if you want the coordination "
                                         "team to get back to you. Only they will see it."))
