"""A trainee's week: the lesson, a quiz that never loses an answer, the reflection, completion."""

from datetime import date, datetime, timedelta, timezone

import pytest
from helpers import count_queries, csrf_token, post_form
from sqlalchemy import func, select

from lms.content.loader import current_course
from lms.core.progress import progress_of
from lms.demo.progress import model_answer
from lms.extensions import db
from lms.models import (
    AttemptStatus,
    Attendance,
    Enrollment,
    LessonView,
    QuizAttempt,
    Reflection,
    ReflectionVersion,
)


@pytest.fixture(autouse=True)
def baseline_answered(world):
    """José has answered the start-of-course surveys, so week 1's lesson is open to him."""
    from lms.demo.progress import answer_surveys
    answer_surveys(world.trainee.enrollment, current_course(), "pre", 0.5, seed=7)
    db.session.commit()


def test_the_baseline_survey_comes_before_the_first_lesson(client, auth, make_user, world):
    make_user("nuevo", cohort=world.cohort)
    auth.login("nuevo")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/surveys/pre"' in home
    response = client.get("/weeks/1")
    assert response.headers["Location"] == "/surveys/pre"
    first = client.get("/surveys/pre").headers["Location"]
    assert first == "/surveys/pre/attitudes"
    incomplete = post_form(client, first, {"i-a01": "1"})
    assert incomplete.status_code == 422 and 'value="1" checked' in incomplete.get_data(as_text=True)
    survey = current_course().surveys[0]
    post_form(client, first, {f"i-{item.id}": "2" for item in survey.items})
    knowledge = current_course().surveys[1]
    post_form(client, "/surveys/pre/knowledge", {f"i-{item.id}": "0" for item in knowledge.items})
    assert client.get("/weeks/1").status_code == 200


def test_survey_answers_are_stored_under_a_pseudonym_not_the_person(world):
    from lms.models import SurveyResponse
    rows = db.session.scalars(select(SurveyResponse)).all()
    assert rows and all(str(world.trainee.id) != r.pseudonym and len(r.pseudonym) == 64 for r in rows)
    assert all(r.created_on.hour == 0 for r in rows)


def _quiz_form(client, week: int, answers: dict, action: str):
    """Post quiz answers the way the form does; ``answers`` maps question name to its response."""
    page = client.get(f"/weeks/{week}/quiz").get_data(as_text=True)
    attempt_id = page.split('name="attempt" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_token(client, f"/weeks/{week}/quiz"), "attempt": attempt_id, "action": action}
    for name, value in answers.items():
        key = f"q-{name}"
        if isinstance(value, dict):
            for index, chosen in value.items():
                data[f"{key}-{index}"] = chosen
        else:
            data[key] = value
    return client.post(f"/weeks/{week}/quiz", data=data), int(attempt_id)


def _right_answers(week: int) -> dict:
    return {q.name: model_answer(q) for q in current_course().week(week).quiz.questions("es")}


def _wrong_answers(week: int) -> dict:
    answers = {}
    for q in current_course().week(week).quiz.questions("es"):
        if q.type == "multichoice":
            wrong = [str(i) for i, a in enumerate(q.answers) if a.fraction <= 0]
            answers[q.name] = wrong[0] if q.single else wrong
        elif q.type == "truefalse":
            answers[q.name] = next(a.text for a in q.answers if a.fraction <= 0)
        elif q.type == "matching":
            pairs = [a for a in q.answers if a.question]
            answers[q.name] = {str(i): pairs[(i + 1) % len(pairs)].answer for i in range(len(pairs))}
        else:
            answers[q.name] = "99999"
    return answers


def test_home_shows_the_twelve_weeks_and_one_next_step(client, auth, world):
    auth.login("jose")
    page = client.get("/").get_data(as_text=True)
    assert page.count('class="week week-') == 12
    assert "Tu siguiente paso" in page
    assert 'href="/weeks/1"' in page
    assert "Cerrada" in page  # week 5 onwards is not open yet


def test_opening_the_lesson_is_recorded_once(client, auth, world):
    auth.login("jose")
    assert client.get("/weeks/1").status_code == 200
    client.get("/weeks/1")
    assert db.session.scalar(select(func.count()).select_from(LessonView)) == 1


def test_a_lesson_opened_for_him_by_a_command_is_recorded_once_asking_the_database(world):
    """Outside his own pages (the demo's command, a fix by hand) nothing came with his account about the
    weeks he had opened: the database is asked, and the second opening tries no second row."""
    from lms.learn.services import record_lesson_opened
    enrollment = db.session.get(Enrollment, world.trainee.enrollment.id)
    assert enrollment.opened_weeks is None
    assert record_lesson_opened(enrollment, 4) is True
    db.session.commit()
    db.session.refresh(enrollment)  # the commit expired it: reloaded here, outside the count
    with count_queries() as asked:
        assert record_lesson_opened(enrollment, 4) is False
    assert asked["n"] == 1, "the question alone, with no row tried and undone"
    assert db.session.scalar(select(func.count()).select_from(LessonView).where(LessonView.week == 4)) == 1


def test_a_closed_week_says_when_it_opens_and_its_quiz_cannot_be_reached(client, auth, world):
    auth.login("jose")
    lesson = client.get("/weeks/6")
    assert lesson.status_code == 403
    assert "00:00" in lesson.get_data(as_text=True)
    assert client.get("/weeks/6/quiz").status_code == 403
    assert client.get("/weeks/6/reflection").status_code == 403
    assert client.get("/weeks/13").status_code == 404


def test_every_question_is_a_fieldset_with_a_legend_and_labelled_inputs(client, auth, world):
    auth.login("jose")
    page = client.get("/weeks/1/quiz").get_data(as_text=True)
    questions = current_course().week(1).quiz.questions("es")
    assert page.count("<fieldset") == len(questions) and page.count("<legend>") == len(questions)
    for input_id in __import__("re").findall(r'<(?:input|select|textarea) [^>]*id="([^"]+)"', page):
        if input_id != "csrf_token":
            assert f'for="{input_id}"' in page


def test_quiz_draft_survives_logout(client, auth, world):
    auth.login("jose")
    answers = _right_answers(1)
    first = next(iter(answers))
    response, attempt_id = _quiz_form(client, 1, {first: answers[first]}, "save")
    assert response.status_code == 302
    auth.logout()
    auth.login("jose")
    page = client.get("/weeks/1/quiz").get_data(as_text=True)
    assert f'name="attempt" value="{attempt_id}"' in page
    assert db.session.get(QuizAttempt, attempt_id).responses[first] == answers[first]


def test_autosave_answers_json_and_keeps_the_draft(client, auth, world):
    auth.login("jose")
    page = client.get("/weeks/1/quiz").get_data(as_text=True)
    attempt_id = page.split('name="attempt" value="')[1].split('"')[0]
    name = current_course().week(1).quiz.questions("es")[0].name
    response = client.post("/weeks/1/quiz", headers={"Accept": "application/json"},
                           data={"csrf_token": csrf_token(client, "/weeks/1/quiz"), "attempt": attempt_id,
                                 "action": "save", f"q-{name}": "0"})
    assert response.get_json()["saved"] is True


def test_submitting_with_unanswered_questions_keeps_the_answers_and_says_what_is_missing(client, auth, world):
    auth.login("jose")
    answers = _right_answers(1)
    first = next(iter(answers))
    response, attempt_id = _quiz_form(client, 1, {first: answers[first]}, "submit")
    assert response.status_code == 422
    assert "Responde esta pregunta." in response.get_data(as_text=True)
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.status == AttemptStatus.DRAFT and attempt.responses[first] == answers[first]


def test_fail_then_pass_and_the_best_attempt_counts(client, auth, world):
    auth.login("jose")
    failed, first_id = _quiz_form(client, 1, _wrong_answers(1), "submit")
    assert failed.status_code == 302
    result = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert "Necesitas" in result and "Intentar de nuevo" in result
    passed, second_id = _quiz_form(client, 1, _right_answers(1), "submit")
    assert second_id != first_id
    result = client.get(passed.headers["Location"]).get_data(as_text=True)
    assert "Aprobaste" in result
    progress = progress_of(world.trainee.enrollment, current_course(), datetime.now(timezone.utc)).week(1)
    assert progress.quiz_passed and progress.quiz_best_percent == 100
    attempt = db.session.get(QuizAttempt, second_id)
    assert attempt.content_version == current_course().version


def test_double_clicked_submit_makes_one_attempt(client, auth, world):
    auth.login("jose")
    page = client.get("/weeks/1/quiz").get_data(as_text=True)
    attempt_id = page.split('name="attempt" value="')[1].split('"')[0]
    token = csrf_token(client, "/weeks/1/quiz")
    data = {"csrf_token": token, "attempt": attempt_id, "action": "submit"}
    for name, value in _right_answers(1).items():
        if isinstance(value, dict):
            data.update({f"q-{name}-{i}": v for i, v in value.items()})
        else:
            data[f"q-{name}"] = value
    first = client.post("/weeks/1/quiz", data=data)
    second = client.post("/weeks/1/quiz", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    submitted = db.session.scalar(select(func.count()).select_from(QuizAttempt)
                                  .where(QuizAttempt.status != AttemptStatus.DRAFT.value))
    assert submitted == 1


def test_no_attempt_after_the_limit(client, auth, world):
    auth.login("jose")
    limit = current_course().week(1).quiz.max_attempts
    for _ in range(limit):
        _quiz_form(client, 1, _wrong_answers(1), "submit")
    page = client.get("/weeks/1/quiz").get_data(as_text=True)
    assert f"Ya usaste los {limit} intentos" in page
    assert 'name="attempt"' not in page


def test_a_trainee_cannot_open_another_trainees_attempt(app, client, auth, world):
    other = app.test_client()
    post_form(other, "/login", {"username": "carlos", "password": "una-clave-larga-123"})
    _quiz_form(other, 1, _wrong_answers(1), "submit")
    auth.login("jose")
    assert client.get("/weeks/1/quiz/attempts/1").status_code == 404


def test_reflection_draft_then_submit_then_return_then_resubmit_then_accept(app, client, auth, world):
    from lms.facilitate.services import review_reflection
    auth.login("jose")
    post_form(client, "/weeks/1/reflection", {"text": "Primer borrador", "action": "save"})
    assert "Primer borrador" in client.get("/weeks/1/reflection").get_data(as_text=True)
    post_form(client, "/weeks/1/reflection", {"text": "Mi reflexión completa", "action": "submit"})
    post_form(client, "/weeks/1/reflection", {"text": "Mi reflexión completa", "action": "submit"})  # double click
    reflection = db.session.scalar(select(Reflection))
    assert reflection.status == "submitted" and len(reflection.versions) == 1
    week = current_course().week(1)
    scores = {c.id: c.levels[-1].points for c in week.rubric}
    review_reflection(world.facilitator, reflection.versions[0], week, decision="returned", scores=scores,
                      feedback="Cuéntame un ejemplo concreto.", now=datetime.now(timezone.utc))
    db.session.commit()
    page = client.get("/weeks/1/reflection").get_data(as_text=True)
    assert "Devuelta para corregir" in page and "Cuéntame un ejemplo concreto." in page
    post_form(client, "/weeks/1/reflection", {"text": "Mi reflexión con un ejemplo", "action": "submit"})
    db.session.expire_all()
    assert [v.text for v in reflection.versions] == ["Mi reflexión completa", "Mi reflexión con un ejemplo"]
    scores = {c.id: c.max_points for c in week.rubric}
    review_reflection(world.facilitator, reflection.versions[1], week, decision="accepted", scores=scores,
                      feedback="", now=datetime.now(timezone.utc))
    db.session.commit()
    assert "Aceptada" in client.get("/weeks/1/reflection").get_data(as_text=True)


def test_reflection_over_the_limit_is_refused_and_kept(app, client, auth, world):
    auth.login("jose")
    long_text = "palabra " * 2000
    response = post_form(client, "/weeks/1/reflection", {"text": long_text, "action": "submit"})
    assert response.status_code == 422
    assert "el límite es" in response.get_data(as_text=True)
    assert long_text.strip()[:200] in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ReflectionVersion)) == 0


def test_reflection_markdown_is_sanitised(app, client, auth, world):
    auth.login("jose")
    post_form(client, "/weeks/1/reflection", {"text": "**bien** <script>alert(1)</script>", "action": "submit"})
    page = client.get("/weeks/1/reflection").get_data(as_text=True)
    assert "<strong>bien</strong>" in page
    assert "<script>alert(1)" not in page


def _complete(world, week: int, attendance: str = "present"):
    from lms.core.scoring import grade
    course = current_course()
    enrollment = world.trainee.enrollment
    w = course.week(week)
    db.session.add(LessonView(enrollment_id=enrollment.id, week=week))
    qs = w.quiz.questions("es")
    db.session.add(QuizAttempt(enrollment_id=enrollment.id, week=week, number=1, content_version="t",
                               responses={}, **grade(qs, _right_answers(week), w.quiz.pass_mark)))
    db.session.add(Reflection(enrollment_id=enrollment.id, week=week, status="accepted"))
    db.session.add(Attendance(enrollment_id=enrollment.id, cohort_id=world.cohort.id, week=week, status=attendance))
    db.session.commit()


def test_a_week_is_complete_only_with_lesson_quiz_reflection_and_attendance(world):
    course, now = current_course(), datetime.now(timezone.utc)
    _complete(world, 1, attendance="absent")
    week = progress_of(world.trainee.enrollment, course, now).week(1)
    assert not week.is_complete and [t.value for t in week.remaining] == ["attendance"]
    db.session.scalar(select(Attendance)).status = "excused"
    db.session.commit()
    assert progress_of(world.trainee.enrollment, course, now).week(1).is_complete


def test_the_course_needs_twelve_weeks_and_the_minimum_attendance(world):
    world.cohort.start_date = date.today() - timedelta(days=120)
    db.session.commit()
    for week in range(1, 13):
        _complete(world, week, attendance="excused" if week <= 3 else "present")
    progress = progress_of(world.trainee.enrollment, current_course(), datetime.now(timezone.utc))
    assert progress.weeks_complete == 11 and not progress.week(12).is_complete  # the final survey is missing
    from lms.demo.progress import answer_surveys
    answer_surveys(world.trainee.enrollment, current_course(), "post", 0.9, seed=3)
    db.session.commit()
    progress = progress_of(world.trainee.enrollment, current_course(), datetime.now(timezone.utc))
    assert progress.weeks_complete == 12
    assert progress.attendance_rate == pytest.approx(75.0)
    assert not progress.is_complete  # three excused absences leave him below 80 %
    db.session.scalar(select(Attendance).where(Attendance.week == 1)).status = "late"
    db.session.commit()
    assert progress_of(world.trainee.enrollment, current_course(), datetime.now(timezone.utc)).is_complete


def test_english_trainee_gets_the_lesson_and_quiz_in_english(client, auth, make_user, world):
    make_user("john", cohort=world.cohort, locale="en")
    auth.login("john")
    assert current_course().week(2).title("en") in client.get("/weeks/2").get_data(as_text=True)
    assert "Send my answers" in client.get("/weeks/2/quiz").get_data(as_text=True)
