"""Log in and out, join a cohort, change or reset a password."""


from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth import services
from lms.auth.forms import ChangePasswordForm, JoinForm, LoginForm, ResetPasswordForm
from lms.clock import utcnow
from lms.core.errors import RuleError
from lms.extensions import db
from lms.forms import EmptyForm
from lms.routing import safe_next

bp = Blueprint("auth", __name__)




def _throttle() -> services.LoginThrottle:
    return services.LoginThrottle(current_app.config["LOGIN_FAILURES_PER_ACCOUNT"],
                                  current_app.config["LOGIN_FAILURES_PER_ADDRESS"])


def _fresh_session() -> None:
    # Nothing from before survives but the chosen language.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _start_session(user) -> None:
    _fresh_session()
    services.start_login(user)
    login_user(user)
    services.record_login(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and log the person in."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        throttle, now = _throttle(), utcnow()
        address = request.remote_addr or ""
        if not throttle.admit(form.username.data, address, now):
            form.password.errors.append(
                _("Too many failed attempts. Wait 15 minutes and try again, or ask your facilitator for a reset link.")
            )
            return render_template("auth/login.html", form=form), 429
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong username or password."))
            return render_template("auth/login.html", form=form), 200
        throttle.succeeded(form.username.data, address, now)
        _start_session(user)
        db.session.commit()
        return redirect(safe_next(form.next.data) or url_for("learn.home"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """End the session, on the server too: the cookie, replayed, opens nothing."""
    if EmptyForm().validate_on_submit():
        if current_user.is_authenticated:
            services.end_login(current_user, getattr(current_user, "login_token", ""))
            db.session.commit()
        logout_user()
        _fresh_session()
        flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():
    """End every session of the account, on every device, this one included."""
    if EmptyForm().validate_on_submit():
        services.log_out_everywhere(current_user._get_current_object())
        db.session.commit()
        logout_user()
        _fresh_session()
        flash(_("You have logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Create a trainee account in the cohort of an invite code."""
    if current_user.is_authenticated:
        flash(_("You already have an account. Log out first to create another one."), "info")
        return redirect(url_for("learn.home"))
    form = JoinForm(invite_code=request.args.get("code", ""))
    form.password.description = _("At least %(n)s characters. A short sentence you will remember works well.",
                                  n=current_app.config["PASSWORD_MIN_LENGTH"])
    valid = False
    if form.is_submitted():
        valid = form.validate()
        # The invite code and the username are checked even when another field is wrong: every problem at once.
        for name, problem in services.join_problems(form.invite_code.data, form.username.data, utcnow()):
            field = getattr(form, name)
            if not field.errors:
                field.errors = [*field.errors, problem]
                valid = False
        if form.password.errors or form.confirm.errors:
            form.password.data = form.confirm.data = ""  # a password is shown again only when it was fine
    if valid:
        try:
            user = services.join_cohort(
                code=form.invite_code.data, display_name=form.display_name.data,
                username=form.username.data, password=form.password.data,
                locale=session.get("lang", current_app.config["BABEL_DEFAULT_LOCALE"]),
                now=utcnow(),
            )
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            _start_session(user)
            db.session.commit()
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
            return redirect(url_for("learn.home"))
    return render_template("auth/join.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let the logged-in person choose a new password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except RuleError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the new session token keeps this browser logged in
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("learn.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password with a one-time link made by a facilitator or coordinator."""
    now = utcnow()
    reset = services.reset_for_token(token, now)
    if reset is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.use_reset(reset, form.password.data, now)
        _start_session(user)
        db.session.commit()
        flash(_("Your new password is saved."), "success")
        return redirect(url_for("learn.home"))
    return render_template("auth/reset_password.html", form=form, user=reset.user)
