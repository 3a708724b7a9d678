"""Twenty people at once against gunicorn: no lost, doubled or half-written row; a repeated submit counts once."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from helpers import PASSWORD
from sqlalchemy import func, select

from lms.content.loader import current_course
from lms.demo.progress import answer_surveys, model_answer
from lms.extensions import db
from lms.models import AuditEvent, QuizAttempt, Reflection, ReflectionVersion

pytestmark = [pytest.mark.server, pytest.mark.slow]

CLIENTS = 20
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(app, database_url, tmp_path):
    """The app under gunicorn (4 sync workers) on the test database, sharing the test's instance folder."""
    port = _free_port()
    env = dict(os.environ, LMS_DATABASE_URL=database_url, LMS_INSTANCE_PATH=app.instance_path,
               LMS_SECRET_KEY="test-secret", LMS_ACCESS_LOG="false")
    log = open(tmp_path / "gunicorn.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env,
                               start_new_session=True, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        process.wait()
        log.close()
        pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text()[-2000:])
    yield base
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)
    log.close()
    db.session.remove()  # the server wrote rows: read them fresh


class Browser:
    def __init__(self, base: str, username: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())
        token = self.token("/login")
        self.post("/login", {"username": username, "password": PASSWORD, "csrf_token": token})

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path) as response:
            return response.read().decode()

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)).group(1)

    def post(self, path: str, data) -> int:
        request = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(data, doseq=True).encode())
        try:
            with self.opener.open(request) as response:
                return response.status
        except urllib.error.HTTPError as error:
            error.close()
            return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _all_at_once(jobs) -> list:
    """Run the callables together, released by one barrier; return their results."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        barrier.wait()
        results[i] = job()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _quiz_data(browser: Browser, week: int, answers: dict, action: str) -> dict:
    page = browser.get(f"/weeks/{week}/quiz")
    data = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1),
            "attempt": re.search(r'name="attempt" value="(\d+)"', page).group(1), "action": action}
    for name, value in answers.items():
        if isinstance(value, dict):
            data.update({f"q-{name}-{i}": v for i, v in value.items()})
        else:
            data[f"q-{name}"] = value
    return data


@pytest.fixture
def trainees(make_user, world):
    people = [world.trainee] + [make_user(f"t{i}", cohort=world.cohort) for i in range(CLIENTS - 1)]
    for person in people:
        answer_surveys(person.enrollment, current_course(), "pre", 0.5, seed=person.id)
    db.session.commit()
    return people


def test_a_submit_sent_twenty_times_at_once_makes_one_attempt(server, trainees):
    answers = {q.name: model_answer(q) for q in current_course().week(2).quiz.questions("es")}
    browsers = [Browser(server, "jose") for _ in range(CLIENTS)]
    payloads = [_quiz_data(b, 2, answers, "submit") for b in browsers]  # one attempt, one token per session
    statuses = _all_at_once([lambda b=b, d=d: b.post("/weeks/2/quiz", d) for b, d in zip(browsers, payloads)])
    assert set(statuses) == {302}
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.week == 2)).all()
    assert [(a.status, a.percent) for a in attempts] == [("graded", 100.0)]


def test_twenty_trainees_submitting_at_once_each_get_exactly_their_attempt(server, trainees):
    answers = {q.name: model_answer(q) for q in current_course().week(2).quiz.questions("es")}
    browsers = [Browser(server, p.username) for p in trainees]
    payloads = [_quiz_data(b, 2, answers, "submit") for b in browsers]
    statuses = _all_at_once([lambda b=b, d=d: b.post("/weeks/2/quiz", d) for b, d in zip(browsers, payloads)])
    assert set(statuses) == {302}
    graded = db.session.execute(select(QuizAttempt.enrollment_id, func.count()).where(
        QuizAttempt.week == 2, QuizAttempt.status == "graded").group_by(QuizAttempt.enrollment_id)).all()
    assert len(graded) == CLIENTS and all(n == 1 for _, n in graded)


def test_twenty_draft_saves_at_once_leave_one_whole_draft(server, trainees):
    questions = current_course().week(2).quiz.questions("es")
    choice = next(q for q in questions if q.type == "multichoice" and q.single)
    browsers = [Browser(server, "jose") for _ in range(CLIENTS)]
    payloads = [dict(_quiz_data(b, 2, {}, "save"), **{f"q-{choice.name}": str(i % len(choice.answers))})
                for i, b in enumerate(browsers)]
    statuses = _all_at_once([lambda b=b, d=d: b.post("/weeks/2/quiz", d) for b, d in zip(browsers, payloads)])
    assert set(statuses) == {302}
    drafts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.week == 2)).all()
    assert len(drafts) == 1 and drafts[0].status == "draft"
    assert drafts[0].responses[choice.name] in {str(i) for i in range(len(choice.answers))}


def test_twenty_facilitators_grading_the_same_reflection_give_one_review(server, trainees, world, make_user):
    from datetime import datetime, timezone

    from lms.learn.services import submit_reflection
    submit_reflection(world.trainee.enrollment, 1, "Mi reflexión", datetime.now(timezone.utc), 8000)
    db.session.commit()
    version = db.session.scalar(select(ReflectionVersion))
    week = current_course().week(1)
    browsers = [Browser(server, "facilitadora") for _ in range(CLIENTS)]
    url = f"/facilitate/reflections/{version.id}"
    data = {"decision": "accepted", "feedback": "Bien", **{f"c-{c.id}": str(c.max_points) for c in week.rubric}}
    payloads = [dict(data, csrf_token=b.token(url)) for b in browsers]
    statuses = _all_at_once([lambda b=b, d=d: b.post(url, d) for b, d in zip(browsers, payloads)])
    assert statuses.count(302) == 1 and set(statuses) <= {302, 422}
    assert db.session.scalar(select(Reflection.status)) == "accepted"
    reviews = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                .where(AuditEvent.action == "reflection.accepted"))
    assert reviews == 1
