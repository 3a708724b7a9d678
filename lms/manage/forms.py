"""Forms for cohorts and accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lms.core.calendar import EARLIEST_DATE, LATEST_DATE, date_in_range
from lms.forms import choices
from lms.localized import LANGUAGE_NAMES
from lms.templating import ROLE_NAMES


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def bounded_date(form, field) -> None:
    if field.data is not None and not date_in_range(field.data):
        raise ValidationError(_l("Choose a date between %(first)s and %(last)s.", first=EARLIEST_DATE.year,
                                 last=LATEST_DATE.year))


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    start_date = DateField(_l("Date of the first workshop"), validators=[DataRequired(), bounded_date],
                           description=_l("Week 1 opens at 00:00 (Lima time) that day; each next week 7 days later."))
    facilitators = MultiCheckboxField(_l("Facilitators"), coerce=int)


ROLE_CHOICES = list(ROLE_NAMES.items())


class UserForm(FlaskForm):
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(min=3, max=120)])
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=40)],
                           description=_l("Lowercase letters, numbers, dots, hyphens or underscores."))
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))
    cohort_id = SelectField(_l("Cohort (trainees only)"), coerce=int, validators=[Optional()])
    locale = SelectField(_l("Language"), choices=choices(LANGUAGE_NAMES.items()))
    email = EmailField(_l("E-mail (optional)"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=30)])


class MoveTraineeForm(FlaskForm):
    cohort_id = SelectField(_l("Move to cohort"), coerce=int)


WEEKDAYS = [("", _l("The day the week opens")), ("0", _l("Monday")), ("1", _l("Tuesday")), ("2", _l("Wednesday")),
            ("3", _l("Thursday")), ("4", _l("Friday")), ("5", _l("Saturday")), ("6", _l("Sunday"))]


def _weekday(value):
    return int(value) if value not in (None, "", "None") else None


class CalendarForm(FlaskForm):
    is_all_open = BooleanField(_l("Open every week now, whatever the dates"))
    workshop_weekday = SelectField(_l("Usual workshop day"), choices=choices(WEEKDAYS), coerce=_weekday,
                                   validators=[Optional()])
    workshop_time = TimeField(_l("Usual start time"), validators=[Optional()])
    workshop_minutes = IntegerField(_l("Usual length (minutes)"), default=150,
                                    validators=[Optional(), NumberRange(min=15, max=600)])
    workshop_place = StringField(_l("Usual place (address)"), validators=[Optional(), Length(max=160)])
    workshop_place_note = StringField(_l("How people know the place"), validators=[Optional(), Length(max=160)],
                                      description=_l("For example: local comunal de la asociación, "
                                                     "frente al mercado."))
    # Each week's own opening date; empty follows the weekly calendar from the first workshop.
    opens_on = FieldList(DateField(_l("Opens on"), validators=[Optional(), bounded_date]), min_entries=12, max_entries=12)


class WeekWorkshopForm(FlaskForm):
    """One week's own workshop; an empty field follows the cohort's usual workshop."""

    held_on = DateField(_l("Workshop date"), validators=[Optional(), bounded_date])
    starts_at = TimeField(_l("Start time"), validators=[Optional()])
    minutes = IntegerField(_l("Minutes"), validators=[Optional(), NumberRange(min=15, max=600)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=160)])
    place_note = StringField(_l("Reference"), validators=[Optional(), Length(max=160)])
