"""The gunicorn settings an operator starts production with (gunicorn.conf.py, docs/deploy.md)."""

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
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


@pytest.fixture
def collector_restored():
    """when_ready changes the collector of the process it runs in: the test's, here."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_the_master_loads_the_course_and_freezes_its_objects_before_forking(monkeypatch, app, collector_restored):
    app.extensions.pop("lms.course", None)
    settings = load(monkeypatch)
    settings["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))
    assert app.extensions["lms.course"].weeks
    assert gc.get_freeze_count() > 0  # workers' collections will not walk what the master holds


def test_workers_look_for_cycles_only_after_more_objects_than_a_gradebook_keeps(monkeypatch, app,
                                                                                collector_restored):
    """At Python's pace (700) a 300-trainee gradebook ran the collector 28 times over its own rows."""
    settings = load(monkeypatch)
    settings["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))
    young, middle, old = gc.get_threshold()
    assert young == settings["YOUNG_OBJECTS"] >= 50_000
    assert (middle, old) == (10, 10)  # the older generations keep Python's ratios


def test_the_same_file_serves_an_app_that_is_not_ours(monkeypatch, collector_restored):
    """bench/run.py serves its hello-world ceiling with these settings: the hook leaves it alone."""
    hello = Flask("hello")
    settings = load(monkeypatch)
    settings["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: hello)))
    assert "lms.course" not in hello.extensions
