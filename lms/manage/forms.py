"""Forms for cohorts and accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
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
