"""The certificates' world: revoking (with its confirmation), the coordinator's decision on a concern, the
trainee's acceptance of the code. Issuing is read by hand in the view: one row per eligible trainee."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lms.core.accreditation import ACCOUNT_LIMIT
from lms.forms import choices
from lms.labels import REASON_NAMES
from lms.safeguarding_labels import CONCERN_DECISIONS


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



class CloseConcernForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=choices(CONCERN_DECISIONS.items()),
                          validators=[InputRequired(_l("Choose a decision."))])
    decided_on = DateField(_l("Date of the decision"),
                           validators=[InputRequired(_l("Give the date of the decision."))])
    reasons = TextAreaField(_l("Reasons, and the plan if you defer"),
                            validators=[InputRequired(_l("Write the reasons for the decision.")),
                                        Length(max=ACCOUNT_LIMIT)],
                            description=_l("What you weighed, whom you consulted, and for a deferral what must "
                                           "happen before accreditation is considered again, and by when."))


class ConductForm(FlaskForm):
    accept = BooleanField(_l("I have read the code of conduct and I commit to living by it as a promoter."),
                          validators=[InputRequired(_l("Tick the box to accept the code of conduct."))])
