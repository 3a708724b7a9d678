"""Forms of the facilitator's world: the recommendation for accreditation and a safeguarding concern."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from lms.core.accreditation import ACCOUNT_LIMIT, REASON_LIMIT, STAFF_CATEGORIES
from lms.forms import choices
from lms.safeguarding_labels import CONCERN_CATEGORIES, RECOMMENDATIONS


class RecommendationForm(FlaskForm):
    decision = RadioField(_l("Your recommendation"), choices=choices(RECOMMENDATIONS.items()),
                          validators=[InputRequired(_l("Choose: recommend, or not yet."))])
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(_l("Write the reason.")),
                                                     Length(max=REASON_LIMIT)],
                           description=_l("Private: coordinators read it when they decide. He never sees it."))


class ConcernForm(FlaskForm):
    category = RadioField(_l("What is the concern about?"),
                          choices=choices((c.value, CONCERN_CATEGORIES[c.value]) for c in STAFF_CATEGORIES),
                          validators=[InputRequired(_l("Choose what the concern is about."))])
    account = TextAreaField(_l("What happened"), validators=[InputRequired(_l("Write what happened.")),
                                                             Length(max=ACCOUNT_LIMIT)],
                            description=_l("Facts as they were told or seen: who said what, when. "
                                           "Only coordinators and you will read it."))
