"""Flask extensions, created unbound and initialised by the app factory."""

from flask import g, has_app_context
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic can find and change them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# In g, for one request (lms/user_loader.py, lms/database.py):
REQUEST_CONNECTION = "lms_request_connection"  # the pooled connection the request reads on
ENTERS_WITH_SESSION = "lms_enters_with_session"  # the account, for the ORM session to take in when it opens


class RequestSession(Session):
    """Flask-SQLAlchemy's session, opened on the request's connection when the request has one.

    The user loader checks the signed-in account on a pooled connection, outside the ORM session
    (``lms.database.request_connection``): a request that never queries through the ORM never opens a
    session. One that does opens it on that same connection, in charge of its transaction as if it had
    begun it, and finds the account already in it. The app has one database; a second one (Flask-SQLAlchemy's
    binds) would need a request connection of its own, which ``get_bind`` does not choose.
    """

    def __init__(self, db, **kwargs):
        super().__init__(db, join_transaction_mode="control_fully", **kwargs)
        if has_app_context() and (waiting := g.pop(ENTERS_WITH_SESSION, None)) is not None:
            self.add(waiting)

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and has_app_context():
            bind = g.get(REQUEST_CONNECTION)
        return super().get_bind(mapper, clause, bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": RequestSession})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
