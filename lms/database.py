"""Database wiring: SQLite pragmas, the user loader."""

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
    from lms.models import Cohort, Enrollment, User

    # Every request of a logged-in person runs this. A trainee's pages all need his enrollment, his
    # cohort, its calendar and its workshops, so one query brings the five (a cohort has few weeks of
    # its own, so the two collections multiply to a handful of rows); built once, not per request.
    cohort = joinedload(User.enrollment).joinedload(Enrollment.cohort)
    account = (select(User).where(User.session_token == bindparam("token"), User.is_active.is_(True))
               .options(cohort.joinedload(Cohort.week_dates), cohort.joinedload(Cohort.own_workshops)))

    @login_manager.user_loader
    def load_user(session_token: str):
        return db.session.execute(account, {"token": session_token}).unique().scalar_one_or_none()

    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says what to do
    login_manager.session_protection = "basic"
