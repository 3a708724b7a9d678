"""Database wiring: SQLite pragmas, the user loader."""

from datetime import timedelta

from flask import Flask
from sqlalchemy import bindparam, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import joinedload

from lms.extensions import db, login_manager


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    # WAL lets readers work while one request writes; SQLite leaves foreign keys off unless asked.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def init_app(app: Flask) -> None:
    from lms.clock import utcnow
    from lms.models import Cohort, Enrollment, LoginSession, User

    # Every request of a logged-in person runs this. A trainee's pages all need his enrollment, his
    # cohort, its calendar and its workshops, so one query brings the five (a cohort has few weeks of
    # its own, so the two collections multiply to a handful of rows), and checks that this device's login
    # still stands on the server; the statement is built once, not per request.
    cohort = joinedload(User.enrollment).joinedload(Enrollment.cohort)
    account = (select(User).join(LoginSession, LoginSession.user_id == User.id)
               .where(User.session_token == bindparam("token"), User.is_active.is_(True),
                      LoginSession.token_hash == bindparam("login"), LoginSession.created_dt > bindparam("since"))
               .options(cohort.joinedload(Cohort.week_dates), cohort.joinedload(Cohort.own_workshops)))
    lifetime = timedelta(days=app.config["LOGIN_LIFETIME_DAYS"])

    @login_manager.user_loader
    def load_user(cookie_id: str):
        session_token, _, login_token = cookie_id.partition(".")
        if not login_token:
            return None  # a cookie from before logins were kept on the server
        user = db.session.execute(account, {"token": session_token, "login": LoginSession.hash_token(login_token),
                                            "since": utcnow() - lifetime}).unique().scalar_one_or_none()
        if user is not None:
            user.login_token = login_token
        return user

    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says what to do
    login_manager.session_protection = "basic"
