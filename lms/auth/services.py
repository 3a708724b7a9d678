"""Account rules: authentication, joining a cohort, password resets. No request access here."""

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import select
from werkzeug.security import check_password_hash

from lms import audit
from lms.clock import utcnow
from lms.core.accounts import create_user, normalize_username, username_problem
from lms.core.errors import RuleError
from lms.core.rosters import enroll
from lms.extensions import db, limiter
from lms.models import Cohort, PasswordReset, User

# A real hash, so that an unknown username costs as much time as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$RQBvqCEW7g95yNY7$cb149b1cb3b3367545cfaa05fa2966566b5f326efa24b317b1526d4c9769fa95f7caf1fe4e11eb6a97aad99ba017c286c551ba29f531397f677533955e24f1da"




def normalize_invite_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", code).upper()


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with these credentials, or None — the same None for every failure."""
    user = db.session.scalar(select(User).where(User.username == normalize_username(username)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


class LoginThrottle:
    """Counts failed logins per account and per address in the rate-limit storage (Redis when configured)."""

    def __init__(self, per_account: str, per_address: str):
        self.per_account = parse(per_account)
        self.per_address = parse(per_address)

    def _keys(self, username: str, address: str):
        return (
            (self.per_account, "login-account", normalize_username(username)),
            (self.per_address, "login-address", address or "unknown"),
        )

    def is_blocked(self, username: str, address: str) -> bool:
        return any(not limiter.limiter.test(item, *key) for item, *key in self._keys(username, address))

    def failed(self, username: str, address: str) -> None:
        for item, *key in self._keys(username, address):
            limiter.limiter.hit(item, *key)

    def succeeded(self, username: str) -> None:
        limiter.limiter.clear(self.per_account, "login-account", normalize_username(username))


def record_login(user: User) -> None:
    user.last_login_dt = utcnow()


def find_open_cohort(code: str, now: datetime) -> Cohort:
    """Return the cohort whose invite ``code`` is valid at ``now``; raise RuleError otherwise."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.invite_code == normalize_invite_code(code)))
    if cohort is None:
        raise RuleError(field="invite_code", message=_l("There is no cohort with that invite code. Check it with your facilitator."))
    if cohort.invite_expires_dt is not None and cohort.invite_expires_dt <= now:
        raise RuleError(field="invite_code", message=_l("That invite code has expired. Ask your facilitator for a new one."))
    return cohort






def join_problems(code: str | None, username: str | None, now: datetime) -> list[tuple[str, str]]:
    """What is wrong with an invite code and a username, as (field, message) pairs; empty values are the form's to report."""
    problems = []
    if code:
        try:
            find_open_cohort(code, now)
        except RuleError as error:
            problems.append((error.field, error.message))
    if username:
        problem = username_problem(normalize_username(username))
        if problem:
            problems.append(("username", problem))
    return problems


def join_cohort(*, code: str, display_name: str, username: str, password: str, locale: str,
                now: datetime) -> User:
    """Create a trainee account enrolled in the cohort of invite ``code``; the caller commits."""
    cohort = find_open_cohort(code, now)
    user = create_user(username=username, display_name=display_name, password=password, locale=locale)
    enroll(user, cohort, now)
    audit.record(user, "enrollment.join", user, cohort_id=cohort.id)
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise RuleError(field="current_password", message=_l("That is not your current password."))
    user.set_password(new)
    audit.record(user, "account.password_change", user)




def reset_for_token(token: str, now: datetime) -> PasswordReset | None:
    """Return the unused, unexpired reset for ``token``, or None."""
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == PasswordReset.hash_token(token)))
    if reset is None or reset.used_dt is not None or reset.expires_dt <= now or not reset.user.is_active:
        return None
    return reset


def use_reset(reset: PasswordReset, new_password: str, now: datetime) -> User:
    reset.used_dt = now
    reset.user.set_password(new_password)
    audit.record(reset.user, "account.password_reset", reset.user)
    return reset.user
