"""A page costs the same number of SQL queries for a cohort of 5 as for one of 300.

The pages that came later hold the same rule beside their own stories: quiz statistics
(test_quiz_statistics_pages.py, 12 and 120 attempts), the accreditation queue and concerns
(test_accreditation.py, one man or three), the Network report (test_network_scale.py, 5 promoters
or 1,000 with 20 activities each) and the public agenda (test_network.py, one open activity or 30).
"""

import re

import pytest
from helpers import count_queries, issue_certificate
from sqlalchemy import insert
from werkzeug.datastructures import MultiDict

from lms.extensions import db
from lms.models import Attendance, Enrollment, LessonView, Reflection, ReflectionVersion, User


def _fill(cohort, size: int, prefix: str) -> None:
    """Add ``size`` trainees with some work each, with bulk inserts."""
    from werkzeug.security import generate_password_hash
    pw = generate_password_hash("x", method="pbkdf2:sha256:1")
    users = [{"username": f"{prefix}{i}", "display_name": f"Trainee {i}", "password_hash": pw, "role": "trainee",
              "locale": "es", "is_active": True, "session_token": f"{prefix}-{i}"} for i in range(size)]
    db.session.execute(insert(User), users)
    ids = [u.id for u in db.session.query(User.id).filter(User.username.like(f"{prefix}%"))]
    db.session.execute(insert(Enrollment), [{"user_id": uid, "cohort_id": cohort.id} for uid in ids])
    enrollments = [e.id for e in db.session.query(Enrollment.id).filter(Enrollment.user_id.in_(ids))]
    db.session.execute(insert(LessonView), [{"enrollment_id": e, "week": 1} for e in enrollments])
    db.session.execute(insert(Attendance), [{"enrollment_id": e, "cohort_id": cohort.id, "week": 1,
                                             "status": "present"} for e in enrollments])
    db.session.execute(insert(Reflection), [{"enrollment_id": e, "week": 1, "status": "submitted", "draft_text": "x"}
                                            for e in enrollments])
    reflections = [r.id for r in db.session.query(Reflection.id).filter(Reflection.enrollment_id.in_(enrollments))]
    db.session.execute(insert(ReflectionVersion), [{"reflection_id": r, "number": 1, "text": "x"} for r in reflections])
    db.session.commit()


PAGES = [
    ("facilitadora", "/facilitate/"),
    ("facilitadora", "/facilitate/cohorts/{cohort}"),
    ("facilitadora", "/facilitate/cohorts/{cohort}/gradebook"),
    ("facilitadora", "/facilitate/cohorts/{cohort}/gradebook.csv"),
    ("facilitadora", "/facilitate/cohorts/{cohort}/weeks/1"),
    ("facilitadora", "/facilitate/cohorts/{cohort}/attendance/1"),
    ("facilitadora", "/facilitate/queue"),
    ("coordinadora", "/manage/"),
    ("jose", "/"),
    ("jose", "/weeks/2"),
]


@pytest.mark.parametrize("username,url", PAGES)
def test_page_runs_the_same_number_of_queries_for_5_and_300_trainees(app, auth, client, world, username, url):
    url = url.format(cohort=world.cohort.id)
    auth.login(username)
    _fill(world.cohort, 5, "small")
    client.get(url)  # warm caches (course, compiled statements); the first visit may also write
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _fill(world.cohort, 295, "large")
    client.get(url)  # the fill expired the session's objects; reload them outside the count
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large["n"] == small["n"], f"{url}: {small['n']} queries for 5 trainees, {large['n']} for 300"


# What a trainee's busiest pages may cost, whatever the cohort: his account comes with his enrollment,
# cohort and calendar, the weeks he had opened and whether he holds a valid certificate, in one query
# (lms.user_loader); progress is one read plus the surveys.
TRAINEE_PAGES = [
    ("/weeks/2", 1),  # the account, which says whether he had opened this lesson
    ("/", 3),         # the account and his certificate; lessons, quizzes, reflections and attendance in one; surveys
]


@pytest.mark.parametrize("url,budget", TRAINEE_PAGES)
def test_a_returning_trainees_page_stays_within_its_query_budget(auth, client, world, url, budget):
    auth.login("jose")
    client.get(url)  # the first visit of a lesson records it
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    assert queries["n"] <= budget, f"{url}: {queries['n']} queries, budget {budget}"


def test_saving_a_quiz_draft_reads_the_account_and_the_attempts_and_writes_once(auth, client, world):
    """Nothing loads the account again after the commit (the access line takes its id from the identity map)."""
    auth.login("jose")
    page = client.get("/weeks/2/quiz").get_data(as_text=True)
    form = {"attempt": re.search(r'name="attempt" value="(\d+)"', page).group(1), "action": "save",
            "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)}
    with count_queries() as queries:
        response = client.post("/weeks/2/quiz", data=form, headers={"Accept": "application/json"})
    assert response.json["saved"] is not None
    assert queries["n"] <= 3, f"{queries['n']} queries: the account, the attempts, the UPDATE"


def test_submitting_a_quiz_reads_the_account_and_the_attempts_and_writes_once(auth, client, world):
    """The redirect to the result is built before the submit expires the draft, which would load it again."""
    from lms.content.loader import current_course
    from lms.demo.progress import model_answer
    auth.login("jose")
    page = client.get("/weeks/2/quiz").get_data(as_text=True)
    form = MultiDict({"attempt": re.search(r'name="attempt" value="(\d+)"', page).group(1), "action": "submit",
                      "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)})
    for question in current_course().week(2).quiz.questions("es"):
        answer = model_answer(question)
        if isinstance(answer, dict):
            form.update({f"q-{question.name}-{i}": chosen for i, chosen in answer.items()})
        else:
            form.setlist(f"q-{question.name}", answer if isinstance(answer, list) else [answer])
    with count_queries() as queries:
        response = client.post("/weeks/2/quiz", data=form)
    assert response.status_code == 302 and "/quiz/attempts/1" in response.headers["Location"]
    assert queries["n"] <= 3, f"{queries['n']} queries: the account, the attempts, the UPDATE"


def test_a_public_verification_reads_one_row_and_logs_the_check(client, world, graduate):
    code = issue_certificate(world, graduate).code
    client.get(f"/api/v1/verify/{code}")
    with count_queries() as queries:
        response = client.get(f"/api/v1/verify/{code}")
    assert response.json["status"] == "valid"
    # the certificate; the check's INSERT (and, on PostgreSQL, the asynchronous commit setting)
    assert queries["n"] <= (3 if db.engine.dialect.name == "postgresql" else 2)
