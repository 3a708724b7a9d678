"""Account rules: authentication, joining a cohort, password resets. No request access here."""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import delete, func, insert, select
from werkzeug.security import check_password_hash

from lms import audit
from lms.clock import utcnow
from lms.core.accounts import create_user, normalize_username, username_problem
from lms.core.errors import RuleError
from lms.core.rosters import enroll
from lms.extensions import db
from lms.models import Cohort, LoginFailure, LoginSession, PasswordReset, User

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
    """Counts login attempts per account and per address in the database, so every worker and host
    enforces one limit. An attempt is written down *before* the password is checked and counted after:
    ten attempts at once cannot all slip under a limit of five (docs/security.md).
    """

    def __init__(self, per_account: str, per_address: str):
        self.per_account = parse(per_account)
        self.per_address = parse(per_address)

    @staticmethod
    def _key(kind: str, value: str) -> str:
        return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()

    def _limits(self, username: str, address: str):
        return ((self.per_account, self._key("account", normalize_username(username))),
                (self.per_address, self._key("address", address or "unknown")))

    def admit(self, username: str, address: str, now: datetime) -> bool:
        """Record this attempt and tell whether it is within both limits; commits, so others see it at once."""
        longest = max(item.get_expiry() for item, _ in self._limits(username, address))
        db.session.execute(delete(LoginFailure).where(LoginFailure.created_dt < now - timedelta(seconds=longest)))
        db.session.execute(insert(LoginFailure), [{"key": key, "created_dt": now}
                                                  for _, key in self._limits(username, address)])
        db.session.commit()
        for item, key in self._limits(username, address):
            since = now - timedelta(seconds=item.get_expiry())
            count = db.session.scalar(select(func.count()).select_from(LoginFailure)
                                      .where(LoginFailure.key == key, LoginFailure.created_dt >= since))
            if count > item.amount:
                return False
        return True

    def succeeded(self, username: str, address: str, now: datetime) -> None:
        """Forget the account's failures, and this attempt at the address: it was not a failure."""
        account, address_key = (key for _, key in self._limits(username, address))
        db.session.execute(delete(LoginFailure).where(LoginFailure.key == account))
        newest = db.session.scalar(select(func.max(LoginFailure.id)).where(LoginFailure.key == address_key,
                                                                          LoginFailure.created_dt == now))
        if newest is not None:
            db.session.execute(delete(LoginFailure).where(LoginFailure.id == newest))


def start_login(user: User) -> str:
    """Open a login for one device and return its token (for the cookie); only its hash is kept."""
    token = secrets.token_urlsafe(24)
    db.session.add(LoginSession(user_id=user.id, token_hash=LoginSession.hash_token(token)))
    user.login_token = token
    return token


def end_login(user: User, token: str) -> None:
    """Log this device out on the server: its cookie, replayed, no longer opens anything."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id,
                                                  LoginSession.token_hash == LoginSession.hash_token(token)))


def end_other_logins(user: User, keep: str | None = None) -> None:
    """End every login of the account but ``keep`` (this device's token), and change its session token."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep:
        query = query.where(LoginSession.token_hash != LoginSession.hash_token(keep))
    db.session.execute(query)
    user.renew_session_token()


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
    """Set a new password; every other device is logged out, and every reset link stops working."""
    if not user.check_password(current):
        raise RuleError(field="current_password", message=_l("That is not your current password."))
    keep = getattr(user, "login_token", None)
    user.set_password(new)
    end_other_logins(user, keep=keep)
    audit.record(user, "account.password_change", user)


def log_out_everywhere(user: User) -> None:
    """End every login of the account, this one included."""
    end_other_logins(user)
    audit.record(user, "account.logout_everywhere", user)




def reset_for_token(token: str, now: datetime) -> PasswordReset | None:
    """Return the reset for ``token`` if it is still good, or None.

    A link is good while unused and unexpired, only if it is the account's newest link, and only if
    the password has not changed since it was made: a newer link, a used one or a new password ends
    every older link of the account.
    """
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == PasswordReset.hash_token(token)))
    if reset is None or reset.used_dt is not None or reset.expires_dt <= now or not reset.user.is_active:
        return None
    newest = db.session.scalar(select(func.max(PasswordReset.id)).where(PasswordReset.user_id == reset.user_id))
    changed = reset.user.password_changed_dt
    if newest != reset.id or (changed is not None and changed > reset.created_dt):
        return None
    return reset


def use_reset(reset: PasswordReset, new_password: str, now: datetime) -> User:
    reset.used_dt = now
    reset.user.set_password(new_password)
    end_other_logins(reset.user)
    audit.record(reset.user, "account.password_reset", reset.user)
    return reset.user
