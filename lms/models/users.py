"""People and their accounts."""

import enum
import hashlib
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from lms.clock import utcnow
from lms.extensions import db
from lms.localized import LANGUAGES
from lms.models._types import UTCDateTime

if TYPE_CHECKING:
    from lms.models.cohorts import Enrollment


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    FACILITATOR = "facilitator"
    COORDINATOR = "coordinator"
    VERIFIER = "verifier"
    ADMIN = "admin"


def _new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r.value) for r in Role)})", name="role"),
        CheckConstraint(f"locale IN ({', '.join(repr(lang) for lang in LANGUAGES)})", name="locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.TRAINEE.value)
    locale: Mapped[str] = mapped_column(String(5), default="es")
    is_active: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    # Part of the login cookie: changing it (new password) ends every session of the account.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=_new_session_token)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Reset links made before this moment no longer work (docs/security.md).
    password_changed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    enrollment: Mapped["Enrollment | None"] = relationship(
        back_populates="user", foreign_keys="Enrollment.user_id", uselist=False
    )

    # Whether he holds a valid certificate, read with the signed-in account on each of its requests
    # (lms.user_loader); None on an account loaded any other way (lms.core.network.is_member asks then).
    accredited = None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r} {self.role}>"

    def get_id(self) -> str:
        """What the session cookie holds: the account's session token and this login's own token."""
        return f"{self.session_token}.{getattr(self, 'login_token', '')}"

    def set_password(self, password: str) -> None:
        """Store a hash of ``password`` and log the account out everywhere else."""
        # Tests use a cheap method through PASSWORD_HASH_METHOD; production keeps werkzeug's default.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.renew_session_token()
        self.password_changed_dt = utcnow()

    def renew_session_token(self) -> None:
        """Change the token every login cookie of the account carries: every session ends."""
        self.session_token = _new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        """Tell whether the user holds one of ``roles``; an admin counts as a coordinator."""
        if self.role == Role.ADMIN and Role.COORDINATOR in roles:
            return True
        return self.role in roles

class PasswordReset(db.Model):
    """A one-time link that lets a person choose a new password; only its hash is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class LoginSession(db.Model):
    """One device's login, so that logging out there ends it on the server, not only in the browser.

    The cookie carries the token; only its hash is kept. Logging out deletes the row; a new password
    or "log out everywhere" also changes the account's session token, which ends every login at once.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class LoginFailure(db.Model):
    """A failed login, counted in the database so every worker and host sees the same lockout.

    ``key`` is a hash of the account's username or of the address, never either in clear.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
