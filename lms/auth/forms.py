"""Forms for logging in, joining a cohort and choosing a password."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError
from wtforms.widgets import PasswordInput

from lms.core.passwords import password_problem


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


def _strong_password(form, field) -> None:
    problem = password_problem(field.data or "", current_app.config["PASSWORD_MIN_LENGTH"])
    if problem:
        raise ValidationError(problem)


class NewPasswordMixin:
    password = PasswordField(_l("New password"), validators=[DataRequired(), _strong_password])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))],
    )


class JoinForm(NewPasswordMixin, FlaskForm):
    invite_code = StringField(_l("Invite code"), validators=[DataRequired(), Length(max=20)])
    display_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(min=3, max=120)])
    username = StringField(
        _l("Username"),
        description=_l("3 to 40 letters, numbers, dots, hyphens or underscores; no spaces."),
        validators=[DataRequired(), Length(min=3, max=40)],
    )
    # Shown again after an error elsewhere, when the view has found it fine (see auth.views.join).
    password = PasswordField(_l("Password"), validators=[DataRequired(), _strong_password],
                             widget=PasswordInput(hide_value=False))
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))],
        widget=PasswordInput(hide_value=False),
    )


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    """A new password, twice, chosen through a one-time reset link."""
