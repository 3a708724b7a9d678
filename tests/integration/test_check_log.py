"""The public check log is written in batches (lms/checklog.py), and no check is left out of it.

A worker keeps the rows of its public checks and writes them together: when it holds a batch, when its
oldest row is a second old, and when it exits. Each row keeps its own check's moment and outcome.
"""

import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

import lms.verify.views
from lms.core.certificates import services
from lms.core.certificates.codes import new_code
from lms.extensions import db
from lms.models import VerificationCheck

ROOT = Path(__file__).resolve().parents[2]


def _logged():
    return db.session.scalars(select(VerificationCheck).order_by(VerificationCheck.id)).all()


def _at(monkeypatch, moment):
    monkeypatch.setattr(lms.verify.views, "utcnow", lambda: moment)


def test_a_worker_writes_its_checks_when_it_holds_a_batch(app, client, monkeypatch):
    app.config["VERIFICATION_LOG_BATCH"] = 3
    start = datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc)
    codes = [new_code() for _ in range(3)]
    for second, code in enumerate(codes[:2]):
        _at(monkeypatch, start + timedelta(seconds=second * 0.1))
        assert client.get(f"/api/v1/verify/{code}").status_code == 404
    assert _logged() == []  # kept by the worker, not yet written

    _at(monkeypatch, start + timedelta(seconds=0.2))
    client.get(f"/v/{codes[2]}")
    rows = _logged()
    assert [r.code_hash for r in rows] == [services.code_hash(c) for c in codes]
    assert [r.channel for r in rows] == ["api", "api", "web"]
    assert {r.outcome for r in rows} == {"not_found"}
    # Each row keeps the moment of its own check, not of the write.
    assert [r.created_dt for r in rows] == [start, start + timedelta(seconds=0.1), start + timedelta(seconds=0.2)]
    assert app.extensions["checklog"].pending == []


def test_a_quiet_worker_writes_its_checks_once_the_oldest_is_a_second_old(app, client, monkeypatch):
    app.config["VERIFICATION_LOG_BATCH"] = 20
    start = datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc)
    _at(monkeypatch, start)
    client.get(f"/api/v1/verify/{new_code()}")
    _at(monkeypatch, start + timedelta(seconds=0.9))
    client.get(f"/api/v1/verify/{new_code()}")
    assert _logged() == []
    _at(monkeypatch, start + timedelta(seconds=1))
    client.get("/api/v1/verify/not-a-code")
    assert [r.outcome for r in _logged()] == ["not_found", "not_found", "malformed"]


def test_a_bulk_check_is_written_at_once_with_what_the_worker_kept(app, client, monkeypatch):
    app.config["VERIFICATION_LOG_BATCH"] = 20
    client.get("/api/v1/verify/ABCD-EFGH-JKMN-PQRS")
    services.verify_many(["ABCD-EFGH-JKMN-PQRS", "nope"], datetime.now(timezone.utc))
    db.session.commit()
    assert sorted(r.channel for r in _logged()) == ["bulk", "bulk"]
    app.extensions["checklog"].write_pending()  # what the worker does at exit
    assert sorted(r.channel for r in _logged()) == ["api", "bulk", "bulk"]


def test_a_worker_that_stops_writes_what_it_kept(app, database_url, tmp_path):
    """The rows a worker holds when it exits are written: gunicorn's workers leave through sys.exit."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from helpers import app_config
        from lms import create_app
        config = app_config({database_url!r}, {str(tmp_path)!r})
        config["VERIFICATION_LOG_BATCH"] = 20
        config["VERIFICATION_LOG_WAIT"] = 3600  # kept until the exit, however slow the machine
        app = create_app(config)
        client = app.test_client()
        for code in ("ABCD-EFGH-JKMN-PQRS", "not-a-code"):
            assert client.get("/api/v1/verify/" + code).status_code == 404
        assert len(app.extensions["checklog"].pending) == 2
        sys.exit(0)
    """)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60)
    db.session.expire_all()
    assert [r.channel for r in _logged()] == ["api", "api"]
