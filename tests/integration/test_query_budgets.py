"""A page costs the same number of SQL queries for a cohort of 5 as for one of 300."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, insert

from lms.extensions import db
from lms.models import Attendance, Enrollment, LessonView, Reflection, ReflectionVersion, User


@contextmanager
def count_queries():
    counter = {"n": 0}

    def before(conn, cursor, statement, parameters, context, executemany):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


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
