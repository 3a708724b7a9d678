"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

import uuid

import flask_migrate
import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from lms import create_app
from lms.extensions import db

pytestmark = pytest.mark.slow


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"lms_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_on_an_empty_database_then_check_finds_no_drift(empty_database_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x",
                      "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.check()  # raises when the models and the migrations differ
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "cohorts", "enrollments", "audit_events", "quiz_attempts", "reflections"} <= tables
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
