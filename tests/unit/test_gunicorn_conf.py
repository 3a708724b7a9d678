"""The gunicorn settings an operator starts production with (gunicorn.conf.py, docs/deploy.md)."""

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

from flask import Flask

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def load(monkeypatch, **env) -> dict:
    for name in ("LMS_MAX_REQUESTS", "LMS_WORKERS", "LMS_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_workers_are_not_recycled_unless_the_operator_asks(monkeypatch):
    settings = load(monkeypatch)
    assert settings["max_requests"] == 0
    assert settings["preload_app"] is True

    settings = load(monkeypatch, LMS_MAX_REQUESTS="50000", LMS_WORKERS="3")
    assert (settings["max_requests"], settings["max_requests_jitter"]) == (50000, 5000)
    assert settings["workers"] == 3


def test_the_master_loads_the_course_and_freezes_its_objects_before_forking(monkeypatch, app):
    app.extensions.pop("lms.course", None)
    settings = load(monkeypatch)
    try:
        settings["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))
        assert app.extensions["lms.course"].weeks
        assert gc.get_freeze_count() > 0  # workers' collections will not walk what the master holds
    finally:
        gc.unfreeze()


def test_the_same_file_serves_an_app_that_is_not_ours(monkeypatch):
    """bench/run.py serves its hello-world ceiling with these settings: the hook leaves it alone."""
    hello = Flask("hello")
    settings = load(monkeypatch)
    try:
        settings["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: hello)))
    finally:
        gc.unfreeze()
    assert "lms.course" not in hello.extensions
