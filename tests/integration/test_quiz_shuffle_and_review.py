"""A trainee's quiz: options in an order drawn once per attempt, partial matching, and the review afterwards."""

import dataclasses
import re

import pytest
from helpers import csrf_token
from sqlalchemy import select

from lms.content.loader import current_course
from lms.demo.progress import answer_surveys, model_answer
from lms.extensions import db
from lms.models import AttemptStatus, QuizAttempt

WEEK = 2
SINGLE = "w02-q02"     # one right answer among several
MATCHING = "w02-q05"


@pytest.fixture(autouse=True)
def baseline_answered(world):
    answer_surveys(world.trainee.enrollment, current_course(), "pre", 0.5, seed=7)
    db.session.commit()


def _questions():
    return current_course().week(WEEK).quiz.questions("es")


def _shown_places(page: str, name: str) -> list[str]:
    return re.findall(rf'id="q-{name}-(\d+)"', page)


def _post(client, answers: dict, action: str):
    page = client.get(f"/weeks/{WEEK}/quiz").get_data(as_text=True)
    attempt_id = re.search(r'name="attempt" value="(\d+)"', page).group(1)
    data = {"csrf_token": csrf_token(client, f"/weeks/{WEEK}/quiz"), "attempt": attempt_id, "action": action}
    for name, value in answers.items():
        if isinstance(value, dict):
            data.update({f"q-{name}-{index}": chosen for index, chosen in value.items()})
        else:
            data[f"q-{name}"] = value
    return client.post(f"/weeks/{WEEK}/quiz", data=data)


def _right() -> dict:
    return {q.name: model_answer(q) for q in _questions()}


def _wrong() -> dict:
    answers = _right()
    for q in _questions():
        if q.type == "multichoice":
            wrong = [str(i) for i, a in enumerate(q.answers) if a.fraction <= 0]
            answers[q.name] = wrong[0] if q.single else wrong
        elif q.type == "truefalse":
            answers[q.name] = next(a.text for a in q.answers if a.fraction <= 0)
    return answers


def _attempt(world, number: int = 1) -> QuizAttempt:
    db.session.expire_all()
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.enrollment_id == world.trainee.enrollment.id,
                                                       QuizAttempt.week == WEEK, QuizAttempt.number == number))


def test_the_order_drawn_for_an_attempt_stays_through_reloads_and_drafts(client, auth, world):
    auth.login("jose")
    first = _shown_places(client.get(f"/weeks/{WEEK}/quiz").get_data(as_text=True), SINGLE)
    stored = _attempt(world).answer_order[SINGLE]["answers"]
    assert first == [str(place) for place in stored]
    _post(client, {SINGLE: "1"}, "save")
    again = client.get(f"/weeks/{WEEK}/quiz").get_data(as_text=True)
    assert _shown_places(again, SINGLE) == first
    assert f'id="q-{SINGLE}-1" name="q-{SINGLE}" value="1"\n          checked' in again


def test_options_are_shown_in_the_attempts_order_and_scored_by_what_they_say(client, auth, world):
    auth.login("jose")
    client.get(f"/weeks/{WEEK}/quiz")
    attempt = _attempt(world)
    size = len(next(q for q in _questions() if q.name == SINGLE).answers)
    reversed_order = list(reversed(range(size)))
    attempt.answer_order = {**attempt.answer_order, SINGLE: {"answers": reversed_order}}
    db.session.commit()
    page = client.get(f"/weeks/{WEEK}/quiz").get_data(as_text=True)
    assert _shown_places(page, SINGLE) == [str(place) for place in reversed_order]
    _post(client, _right(), "submit")
    attempt = _attempt(world)
    assert attempt.status == AttemptStatus.GRADED and attempt.percent == 100
    assert attempt.scores[SINGLE] == 1.0


def test_a_matching_question_answered_in_part_is_accepted_and_scored_in_part(client, auth, world):
    auth.login("jose")
    answers = _right()
    pairs = answers[MATCHING]
    answers[MATCHING] = {"0": pairs["0"]}
    response = _post(client, answers, "submit")
    assert response.status_code == 302
    attempt = _attempt(world)
    assert attempt.is_submitted
    assert attempt.scores[MATCHING] == pytest.approx(1 / len(pairs))


def test_a_matching_question_with_no_pair_chosen_is_still_unanswered(client, auth, world):
    auth.login("jose")
    answers = _right()
    answers[MATCHING] = {}
    assert _post(client, answers, "submit").status_code == 422


def test_the_review_shows_his_answers_and_the_feedback_but_the_right_answers_only_when_he_is_done(
        client, auth, world):
    auth.login("jose")
    _post(client, _wrong(), "submit")
    review = client.get(f"/weeks/{WEEK}/quiz/attempts/1").get_data(as_text=True)
    assert review.count('class="chosen"') >= 1
    assert 'class="feedback"' in review
    assert "right-answer" not in review
    assert "/ 8" not in review and "%.1f" not in review
    # He passes on the second attempt: the quiz is finished for him, so every review shows the right answers.
    _post(client, _right(), "submit")
    assert "right-answer" in client.get(f"/weeks/{WEEK}/quiz/attempts/1").get_data(as_text=True)
    passed = client.get(f"/weeks/{WEEK}/quiz/attempts/2").get_data(as_text=True)
    assert "right-answer" in passed
    assert re.search(r"100\s?%", passed)


def test_the_review_lists_the_options_in_the_order_he_saw_them(client, auth, world):
    auth.login("jose")
    shown = _shown_places(client.get(f"/weeks/{WEEK}/quiz").get_data(as_text=True), SINGLE)
    _post(client, _wrong(), "submit")
    review = client.get(f"/weeks/{WEEK}/quiz/attempts/1").get_data(as_text=True)
    question = next(q for q in _questions() if q.name == SINGLE)
    texts = [question.answers[int(place)].text for place in shown]
    positions = [review.index(str(text).replace('"', "&#34;")) for text in texts]
    assert positions == sorted(positions)


def test_a_course_may_show_the_right_answers_after_each_attempt(app, client, auth, world):
    app.extensions["lms.course"] = dataclasses.replace(current_course(), review_right_answer="after_each_attempt")
    auth.login("jose")
    _post(client, _wrong(), "submit")
    assert "right-answer" in client.get(f"/weeks/{WEEK}/quiz/attempts/1").get_data(as_text=True)
