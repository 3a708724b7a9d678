"""Database wiring: SQLite pragmas, the user loader."""

from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

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
    from lms.models import User

    @login_manager.user_loader
    def load_user(session_token: str):
        return db.session.scalar(select(User).where(User.session_token == session_token, User.is_active.is_(True)))

    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says what to do
    login_manager.session_protection = "basic"
