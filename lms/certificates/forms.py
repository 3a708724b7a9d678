"""The coordinator's certificate forms. Issuing is read by hand in the view: one row per eligible trainee."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from lms.forms import choices
from lms.labels import REASON_NAMES


class RevokeForm(FlaskForm):
    """Revoke a certificate, and maybe issue a new one. Nothing happens until ``confirmed`` comes back
    from the page that shows the name, the code and the reason: revoking cannot be undone."""

    reason = SelectField(_l("Reason"), choices=choices(REASON_NAMES.items()),
                         validators=[DataRequired(message=_l("Choose a reason for the revocation."))])
    reissue = BooleanField(_l("Issue a new certificate with a new code (for example, to correct the name)"))
    name = StringField(_l("Name for the new certificate"), validators=[Optional(), Length(min=3, max=120)])
    confirmed = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "1"
