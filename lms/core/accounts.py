"""Accounts: the rules for usernames, passwords and creating an account, and one-time reset links.

Every way an account comes to be (joining a cohort, a coordinator's form, the command line, the
demo) goes through ``create_user``, so the rules and the audit log apply to all of them.
"""

import re
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms import audit
from lms.core.errors import RuleError
from lms.extensions import db
from lms.models import PasswordReset, Role, User

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")


def normalize_username(username: str) -> str:
    return username.strip().lower()


def username_problem(username: str):
    if not USERNAME_RE.match(username):
        return _l("Use 3 to 40 lowercase letters, numbers, dots, hyphens or underscores, starting with a letter or number.")
    if db.session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        return _l("That username is taken. Try another, for example with your second surname.")
    return None


def create_user(*, username: str, display_name: str, password: str, role: str = Role.TRAINEE,
                locale: str = "es", email: str | None = None, phone: str | None = None,
                actor: User | None = None) -> User:
    """Create an account after checking the username; the caller commits."""
    username = normalize_username(username)
    problem = username_problem(username)
    if problem:
        raise RuleError(field="username", message=problem)
    user = User(username=username, display_name=display_name.strip(), role=str(role), locale=locale,
                email=email or None, phone=phone or None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor or user, "account.create", user, role=user.role, username=user.username)
    return user


def make_reset_link_token(actor: User, user: User, now: datetime, hours: int) -> str:
    """Create a one-time reset token for ``user``; only its hash is kept. Returns the token."""
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user=user, token_hash=PasswordReset.hash_token(token),
                                 created_by_id=actor.id, expires_dt=now + timedelta(hours=hours)))
    audit.record(actor, "account.reset_link", user)
    return token
