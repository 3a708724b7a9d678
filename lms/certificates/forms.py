"""Forms of the certificates' world: the coordinator's decision on a concern, the trainee's acceptance of the code."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from lms.core.accreditation import ACCOUNT_LIMIT
from lms.forms import choices
from lms.safeguarding_labels import CONCERN_DECISIONS


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
