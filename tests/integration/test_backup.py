"""A backup restores every row, and the keys that sign the certificates."""

import shutil

import pytest
from sqlalchemy import func, select

from lms.backup import row_counts
from lms.extensions import db
from lms.models import Certificate, User

pytestmark = pytest.mark.pg_tools


def test_backup_then_restore_finds_every_row(app, runner, tmp_path):
    if db.engine.dialect.name == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (Debian: postgresql-client)")
    runner.invoke(args=["lms", "demo"])
    before = row_counts()
    assert before["certificates"] == 4 and before["users"] > 8  # the first Network (graduate, -1, -2) and suspended -4
    assert before["network_activity_reports"] > 0
    out = runner.invoke(args=["lms", "backup", str(tmp_path / "b")])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "b" / "keys").is_dir()
    db.session.execute(Certificate.__table__.delete())
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    out = runner.invoke(args=["lms", "restore", str(tmp_path / "b"), "--yes"])
    assert out.exit_code == 0, out.output
    assert row_counts() == before
    assert db.session.scalar(select(User).where(User.username == "demo-graduate")) is not None


def test_backup_refuses_a_folder_that_is_not_empty(runner, tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_text("x")
    out = runner.invoke(args=["lms", "backup", str(tmp_path / "b")])
    assert out.exit_code != 0 and "not empty" in out.output
