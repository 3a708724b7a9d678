"""The gunicorn settings an operator starts production with (gunicorn.conf.py, docs/deploy.md)."""

import gc
import runpy
import weakref
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask

from lms.core.rosters import TraineeRow

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


class Cycle:
    """Garbage only the collector can free, as the ORM's objects and a template's context are."""

    def __init__(self):
        self.me = self


def _leave_garbage(count: int) -> weakref.ref:
    """What a request leaves behind: ``count`` objects in cycles; a weak reference to one of them."""
    left = [Cycle() for _ in range(count)]
    return weakref.ref(left[0])


def _serve_a_page(settings, garbage: int) -> weakref.ref:
    left = _leave_garbage(garbage)
    settings["post_request"](None, None, None, None)  # gunicorn calls it once the response is written
    return left


@pytest.fixture
def worker_collector(monkeypatch, app, collector_restored):
    """A worker's collector, set up by when_ready, starting from nothing young."""
    settings = load(monkeypatch)
    settings["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))
    gc.collect()
    return settings


def test_a_gradebooks_garbage_is_collected_once_the_page_is_sent_not_in_the_next_one(worker_collector):
    """A 300-trainee gradebook leaves ~7,100 objects in cycles. Left to the collector's own pace, it ran
    in the middle of every seventh gradebook, walking that page's live rows too: the page's p99."""
    left = _serve_a_page(worker_collector, garbage=7_100)
    assert left() is None
    assert gc.get_count()[0] < worker_collector["LEFT_BY_A_REQUEST"]


def test_a_light_page_leaves_the_collector_alone_until_a_thousand_objects_have_gathered(worker_collector):
    """A lesson leaves ~25 objects: the collector runs after about forty lessons, not after each one."""
    first = _serve_a_page(worker_collector, garbage=25)
    assert first() is not None  # not collected yet: the collector did not run
    pages = 1
    while first() is not None:
        _serve_a_page(worker_collector, garbage=25)
        pages += 1
    assert pages == pytest.approx(worker_collector["LEFT_BY_A_REQUEST"] / 25, rel=0.1)  # ~40 lessons


def test_the_older_generations_are_collected_at_pythons_ratios(worker_collector):
    """Every tenth-and-one collection of a generation takes in the next, as Python's own pace does, so
    garbage that outlived a page (a login forgotten by the worker) is still freed."""
    generations = []

    def seen(phase, info):
        if phase == "stop":
            generations.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        for _ in range(140):
            _serve_a_page(worker_collector, garbage=1_000)
    finally:
        gc.callbacks.remove(seen)
    assert len(generations) == 140  # one collection after each page, and only there
    assert generations[:12] == [0] * 11 + [1]
    assert generations.count(2) == 1 and generations.index(2) == 11 * 12


def _alive(kind: type) -> int:
    return sum(type(obj) is kind for obj in gc.get_objects())


def test_a_real_gradebooks_rows_wait_for_the_collector_and_go_once_the_page_is_sent(worker_collector, client,
                                                                                   auth, world, make_user):
    """The finding itself, on the page: what a gradebook drew its rows from (each man's row, his progress,
    his ORM objects) is held in reference cycles after the answer, until the collector runs; the hook
    frees it as soon as the page is sent."""
    for n in range(40):
        make_user(f"promotor{n:02}", cohort=world.cohort, display_name=f"Promotor {n:02}")
    auth.login("facilitadora")
    gradebook = f"/facilitate/cohorts/{world.cohort.id}/gradebook"
    gc.collect()

    assert client.get(gradebook).status_code == 200
    assert _alive(TraineeRow) == 41  # the page is answered, and its rows are still in memory
    worker_collector["post_request"](None, None, None, None)
    assert _alive(TraineeRow) == 0
