"""Quiz statistics pages: who sees which cohorts, the CSV, the link to the question's line, a constant query count."""

import re

from helpers import count_queries
from sqlalchemy import insert, select

from lms.content.loader import current_course
from lms.core.scoring import grade
from lms.demo.progress import model_answer
from lms.extensions import db
from lms.models import Enrollment, QuizAttempt, User

WEEK = 2


def _answers(question, right: bool):
    if right or question.type not in ("multichoice", "truefalse"):
        return model_answer(question)
    if question.type == "truefalse":
        return next(a.text for a in question.answers if a.fraction <= 0)
    wrong = [str(i) for i, a in enumerate(question.answers) if a.fraction <= 0]
    return wrong[0] if question.single else wrong


def add_graded_attempts(cohort, count: int, prefix: str) -> None:
    """``count`` trainees in ``cohort`` with one graded attempt at week 2: every third one answers wrong."""
    week = current_course().week(WEEK)
    questions = week.quiz.questions("es")
    db.session.execute(insert(User), [{"username": f"{prefix}{i}", "display_name": f"T {i}", "password_hash": "x",
                                       "role": "trainee", "locale": "es", "is_active": True,
                                       "session_token": f"{prefix}-{i}"} for i in range(count)])
    ids = db.session.scalars(select(User.id).where(User.username.like(f"{prefix}%"))).all()
    db.session.execute(insert(Enrollment), [{"user_id": uid, "cohort_id": cohort.id} for uid in ids])
    enrollments = db.session.scalars(select(Enrollment.id).where(Enrollment.user_id.in_(ids))).all()
    rows = []
    for n, enrollment_id in enumerate(enrollments):
        responses = {q.name: _answers(q, right=(n + i) % 3 != 0) for i, q in enumerate(questions)}
        rows.append({"enrollment_id": enrollment_id, "week": WEEK, "number": 1, "locale": "es",
                     "content_version": "test", "responses": responses,
                     **grade(questions, responses, week.quiz.pass_mark)})
    db.session.execute(insert(QuizAttempt), rows)
    db.session.commit()


def _attempt_counts(page: str) -> set[str]:
    return set(re.findall(r"class=\"count\">(\d+) ", page))


def test_a_coordinator_sees_every_cohort_and_a_facilitator_only_his(client, auth, world):
    add_graded_attempts(world.cohort, 12, "stat-a-")
    add_graded_attempts(world.other_cohort, 12, "stat-b-")
    auth.login("coordinadora")
    assert _attempt_counts(client.get(f"/facilitate/quiz-statistics?week={WEEK}").get_data(as_text=True)) == {"24"}
    one = client.get(f"/facilitate/quiz-statistics?week={WEEK}&cohort={world.other_cohort.id}")
    assert _attempt_counts(one.get_data(as_text=True)) == {"12"}
    auth.logout()
    auth.login("facilitadora")
    assert _attempt_counts(client.get(f"/facilitate/quiz-statistics?week={WEEK}").get_data(as_text=True)) == {"12"}
    assert client.get(f"/facilitate/quiz-statistics?week={WEEK}&cohort={world.other_cohort.id}").status_code == 404
    assert client.get(f"/facilitate/quiz-statistics.csv?week={WEEK}&cohort={world.other_cohort.id}").status_code \
        == 404


def test_too_few_attempts_show_no_figures(client, auth, world):
    add_graded_attempts(world.cohort, 5, "stat-a-")
    auth.login("facilitadora")
    page = client.get(f"/facilitate/quiz-statistics?week={WEEK}").get_data(as_text=True)
    assert 'class="figures"' not in page
    assert _attempt_counts(page) == {"5"}


def test_each_question_links_to_its_line_in_the_quiz_file(client, auth, world):
    add_graded_attempts(world.cohort, 12, "stat-a-")
    auth.login("facilitadora")
    page = client.get(f"/facilitate/quiz-statistics?week={WEEK}").get_data(as_text=True)
    question = current_course().week(WEEK).quiz.questions("es")[0]
    link = f"/facilitate/quiz-files/{WEEK}?lang=es#L{question.line}"
    assert link in page
    assert 'class="qstat flagged"' in page  # a third answer wrong every question: some distractor is never picked
    source = client.get(link.split("#")[0]).get_data(as_text=True)
    assert f'id="L{question.line}"' in source and f"::{question.name}::" in source
    assert client.get(f"/facilitate/quiz-files/{WEEK}?lang=xx").status_code == 404


def test_the_csv_has_a_row_per_question_and_attempt_number(client, auth, world):
    add_graded_attempts(world.cohort, 12, "stat-a-")
    auth.login("coordinadora")
    response = client.get(f"/facilitate/quiz-statistics.csv?week={WEEK}&cohort={world.cohort.id}")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").strip().split("\r\n")
    week = current_course().week(WEEK)
    assert len(lines) == 1 + len(week.quiz.questions("es")) * (week.quiz.max_attempts + 1)
    first = lines[1].split(";")
    assert first[:6] == [str(WEEK), week.quiz.questions("es")[0].name, str(week.quiz.questions("es")[0].line),
                         week.quiz.questions("es")[0].type, "1", "12"]


def test_the_statistics_page_costs_the_same_queries_for_12_and_120_attempts(client, auth, world):
    auth.login("coordinadora")
    url = f"/facilitate/quiz-statistics?week={WEEK}"
    add_graded_attempts(world.cohort, 12, "stat-small-")
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    add_graded_attempts(world.other_cohort, 108, "stat-large-")
    client.get(url)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large["n"] == small["n"], f"{small['n']} queries for 12 attempts, {large['n']} for 120"
