"""The facilitator's simple forms: a private note, the recommendation for accreditation, a safeguarding
concern. Attendance, rubrics and essay marks are read by hand in the views: their fields depend on the
roster and the week."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from lms.core.accreditation import ACCOUNT_LIMIT, REASON_LIMIT, STAFF_CATEGORIES
from lms.forms import choices
from lms.safeguarding_labels import CONCERN_CATEGORIES, RECOMMENDATIONS

NOTE_MAX_CHARS = 4000


class NoteForm(FlaskForm):
    note = TextAreaField(_l("New note"), validators=[
        DataRequired(_l("The note is empty.")),
        Length(max=NOTE_MAX_CHARS, message=_l("A note holds at most %(max)d characters.", max=NOTE_MAX_CHARS)),
    ], render_kw={"rows": 3})


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
