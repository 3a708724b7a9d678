"""Forms of the Network: its record, sectors, the plan's activities, activity reports and their review."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.forms import choices
from lms.models import AGE_BANDS, REFERRAL_SERVICES, SEXES, ActivityType

KIND_NAMES = {
    ActivityType.WORKSHOP.value: _l("Workshop"),
    ActivityType.TALK.value: _l("Talk"),
    ActivityType.FAIR.value: _l("Fair"),
    ActivityType.CAMPAIGN.value: _l("Campaign"),
    ActivityType.DOOR_TO_DOOR.value: _l("Door-to-door visits"),
    ActivityType.EVENT.value: _l("Event"),
    ActivityType.OTHER.value: _l("Other"),
}
COUNT_NAMES = {
    "women": _l("Women"), "men": _l("Men"), "sex_unstated": _l("Not stated"),
    "age_0_11": _l("0–11 years"), "age_12_17": _l("12–17 years"), "age_18_29": _l("18–29 years"),
    "age_30_59": _l("30–59 years"), "age_60_plus": _l("60 or more"),
}
REFERRAL_NAMES = {
    "referred_cem": _l("CEM (Centro Emergencia Mujer)"), "referred_linea100": _l("Línea 100"),
    "referred_demuna": _l("DEMUNA"), "referred_health": _l("Health centre"),
}
PARTNER_NAMES = {
    "demuna": _l("DEMUNA"), "cem": _l("CEM"), "health_centre": _l("Health centre"), "school": _l("School"),
    "parish": _l("Parish"), "police": _l("Police station"), "municipality": _l("Municipality"),
}
MONTH_NAMES = [_l("January"), _l("February"), _l("March"), _l("April"), _l("May"), _l("June"), _l("July"),
               _l("August"), _l("September"), _l("October"), _l("November"), _l("December")]

NOT_NEGATIVE = _l("Write a whole number, 0 or more.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _count(label):
    return IntegerField(label, default=0, validators=[Optional(), NumberRange(min=0, max=100_000, message=NOT_NEGATIVE)])


class _Counts:
    """One number per sex and per age band, the same on a plan's targets and on a report."""


for _name in SEXES + AGE_BANDS:
    setattr(_Counts, _name, _count(COUNT_NAMES[_name]))


class NetworkForm(FlaskForm):
    name = StringField(_l("Name of the Network"), validators=[DataRequired(), Length(max=200)])
    district = StringField(_l("District"), validators=[DataRequired(), Length(max=120)])
    registry_entry = StringField(_l("Public Registry entry"), validators=[Optional(), Length(max=120)],
                                 description=_l("The electronic entry (partida) where the Network is registered."))
    resolution_number = StringField(_l("Mayoral resolution that recognises it (number)"),
                                    validators=[Optional(), Length(max=120)])
    resolution_date = DateField(_l("Date of the resolution"), validators=[Optional()])
    coordinator_id = SelectField(_l("Coordinator"), coerce=int)


class SectorForm(FlaskForm):
    name = StringField(_l("New sector"), validators=[DataRequired(), Length(max=80)])


class StartPlanForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])


class PlannedActivityForm(_Counts, FlaskForm):
    kind = SelectField(_l("Type"), choices=choices(KIND_NAMES.items()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)])
    month = SelectField(_l("Month"), coerce=int, choices=choices([(0, "—")] + list(enumerate(MONTH_NAMES, start=1))))
    starts_on = DateField(_l("Date (if known)"), validators=[Optional()],
                          description=_l("With a date the month follows from it."))
    starts_at = TimeField(_l("Time (Lima)"), validators=[Optional()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[Optional(), NumberRange(min=1, max=1440)])
    sector_id = SelectField(_l("Sector"), coerce=int)
    place_reference = StringField(_l("Place (a reference)"), validators=[Length(max=200)],
                                  description=_l("For example: the community hall, the park by the market."))
    promoters = MultiCheckboxField(_l("Responsible promoters"), coerce=int)
    audience = StringField(_l("Audience"), validators=[Length(max=200)],
                           description=_l("For example: fathers of the primary school, young people of the sector."))
    resources = TextAreaField(_l("Resources"), validators=[Length(max=2000)])
    budget_soles = DecimalField(_l("Budget (S/)"), places=2, validators=[Optional(), NumberRange(min=0, message=NOT_NEGATIVE)])
    partners = MultiCheckboxField(_l("Partners"), choices=choices(PARTNER_NAMES.items()))
    other_partners = StringField(_l("Other partners"), validators=[Length(max=200)])
    is_public = BooleanField(_l("Open to the public: show it on the agenda"))


class ReportForm(_Counts, FlaskForm):
    draft_key = HiddenField()
    planned_activity_id = SelectField(_l("Planned activity it fulfils"), coerce=int)
    first_session_id = SelectField(_l("Session of a workshop with the same group"), coerce=int,
                                   description=_l("If this is a later session of a workshop you already reported, "
                                                  "choose its first session: the same people are then counted once."))
    kind = SelectField(_l("Type"), choices=choices([("", "—"), *KIND_NAMES.items()]))
    title = StringField(_l("Title"), validators=[Length(max=160)])
    held_on = DateField(_l("Date"), validators=[Optional()])
    duration_minutes = IntegerField(_l("Duration (minutes)"),
                                    validators=[Optional(), NumberRange(min=1, max=1440, message=_l("Between 1 and 1440 minutes."))])
    sector_id = SelectField(_l("Sector"), coerce=int)
    place_reference = StringField(_l("Place (a reference)"), validators=[Length(max=200)])
    materials = TextAreaField(_l("Materials used"), validators=[Length(max=2000)])
    description = TextAreaField(_l("What was done (short)"), validators=[Length(max=4000)],
                                description=_l("Write no names of participants."))
    incidents = TextAreaField(_l("Incidents"), validators=[Length(max=2000)],
                              description=_l("Anything that went wrong or needs the coordinator's attention. No names."))


for _name in REFERRAL_SERVICES:
    setattr(ReportForm, _name, _count(REFERRAL_NAMES[_name]))


class ReviewForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=choices([("accepted", _l("Accept: it counts in the report")),
                                                           ("returned", _l("Return it to the promoter to correct"))]),
                          validators=[DataRequired(message=_l("Choose to accept or to return the report."))])
    comment = TextAreaField(_l("Comment for the promoter"), validators=[Length(max=2000)])


class PreferenceForm(FlaskForm):
    is_named_on_agenda = BooleanField(_l("Show my first name on the public agenda for activities I am responsible for"))
