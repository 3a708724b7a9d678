"""Quiz answers that vary the way real answers do, so that the quiz statistics page
(/facilitate/quiz-statistics) shows believable figures on `make run`: eight classmates for Grupo B
who did weeks 1–3, and the graduating class's attempts, which pass with different answers instead
of all with the model answers. (Eight, not more: every account is a row of /manage/users, which
must stay under 30 KiB.)

Each man has an ability and each question a difficulty (a two-parameter logistic model, as in
item response theory); a man fails a question more often the harder it is for him. Wrong answers
fall mostly on the first distractors, so some distractor is picked by nobody, as happens in real
quizzes. A few questions are made to measure badly (the weaker men do better on them), so that
the page has something to flag. Whoever fails the quiz tries again, a little better each time.
"""

import hashlib
import math
import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from lms.content.gift import Question
from lms.content.model import Course
from lms.core.scoring import grade
from lms.core.shuffle import draw_order, matching_choices, matching_pairs
from lms.demo.progress import REFLECTION_TEXT, model_answer
from lms.extensions import db
from lms.models import (
    Attendance,
    Cohort,
    Enrollment,
    LessonView,
    QuizAttempt,
    Reflection,
    ReflectionVersion,
    User,
)

WEEKS = (1, 2, 3)
NAMES = ("Álex Huamán Rojas", "Bruno Cáceres Vela", "César Tello Gutiérrez", "Daniel Poma Flores",
         "Édgar Lozano Ríos", "Fernando Ccahuana Paz", "Gustavo Meza Arana", "Héctor Zapata Ñique")


def _unit(text: str) -> float:
    """A stable number in [0, 1) from a text: the same question keeps the same difficulty on every run."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 0x100000000


def _difficulty(question: Question) -> tuple[float, float]:
    """(difficulty, discrimination) of a question: most discriminate well, one in eight backwards."""
    unit = _unit(question.name)
    difficulty = -2.2 + 3.2 * unit
    slope = -0.8 if _unit(question.name + "/slope") < 0.125 else 0.8 + 1.4 * _unit(question.name + "/a")
    return difficulty, slope


def _knows(ability: float, question: Question, rng: random.Random) -> bool:
    difficulty, slope = _difficulty(question)
    return rng.random() < 1 / (1 + math.exp(-slope * (ability - difficulty)))


def _response(question: Question, ability: float, rng: random.Random):
    """What a man of this ability answers, in the shape the quiz form sends."""
    if question.type == "multichoice":
        wrong = [str(i) for i, a in enumerate(question.answers) if a.fraction <= 0]
        right = [str(i) for i, a in enumerate(question.answers) if a.fraction > 0]
        if question.single:
            # The first distractors draw most wrong answers; the last one often nobody.
            return right[0] if _knows(ability, question, rng) or not wrong else \
                rng.choices(wrong, weights=[4 ** -k for k in range(len(wrong))])[0]
        return [place for place in right if _knows(ability, question, rng)] + \
            [place for place in wrong[:1] if not _knows(ability, question, rng)] or right[:1]
    if question.type == "truefalse":
        key = next(a.text for a in question.answers if a.fraction > 0)
        return key if _knows(ability, question, rng) else ("false" if key == "true" else "true")
    if question.type == "matching":
        choices = matching_choices(question)
        return {str(place): pair.answer if _knows(ability, question, rng) else rng.choice(choices)
                for place, pair in enumerate(matching_pairs(question))}
    if question.type in ("numerical", "shortanswer"):
        return model_answer(question) if _knows(ability, question, rng) else "0"
    return model_answer(question)


def _classmates(cohort: Cohort, password_hash: str) -> list[User]:
    people = []
    for number, name in enumerate(NAMES, start=1):
        username = f"demo-grupo-b-{number:02d}"
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, display_name=name, role="trainee", password_hash=password_hash)
            db.session.add(user)
            db.session.flush()
            db.session.add(Enrollment(user_id=user.id, cohort_id=cohort.id))
            db.session.flush()
            db.session.refresh(user)
        people.append(user)
    return people


def load(cohort: Cohort, facilitator: User, course: Course, password_hash: str, graduates: Cohort) -> None:
    """Give eight classmates of Grupo B weeks 1–3 (lesson, one to three quiz attempts, attendance, and the
    reflections of weeks 1–2 accepted) and vary the graduates' passing answers; once only."""
    people = _classmates(cohort, password_hash)
    if db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.enrollment_id == people[0].enrollment.id)):
        return
    rng = random.Random(19)
    _vary_graduates(graduates, course, rng)
    start = datetime.combine(cohort.start_date, datetime.min.time(), tzinfo=timezone.utc)
    for person in people:
        ability = rng.gauss(0.3, 1.0)
        enrollment = person.enrollment
        for number in WEEKS:
            week = course.week(number)
            when = start + timedelta(days=7 * (number - 1), hours=20)
            db.session.add(LessonView(enrollment_id=enrollment.id, week=number, first_opened_dt=when))
            _attempts(enrollment, week, course, ability, when, rng)
            status = "present" if rng.random() < 0.88 else rng.choice(["late", "excused", "absent"])
            db.session.add(Attendance(enrollment_id=enrollment.id, cohort_id=cohort.id, week=number, status=status,
                                      marked_by_id=facilitator.id, marked_dt=when))
            if number < WEEKS[-1]:
                _accepted_reflection(enrollment, week, facilitator, when)
    db.session.flush()


def _vary_graduates(graduates: Cohort, course: Course, rng: random.Random) -> None:
    """The graduates passed every quiz at the first attempt; give each a different set of passing answers."""
    variants = {week.number: passing_variants(week, 8, rng) for week in course.weeks}
    attempts = db.session.scalars(select(QuizAttempt).join(Enrollment)
                                  .where(Enrollment.cohort_id == graduates.id, QuizAttempt.locale == "es"))
    for attempt in attempts:
        responses, result = rng.choice(variants[attempt.week])
        attempt.responses = responses
        for key, value in result.items():
            setattr(attempt, key, value)


def _attempts(enrollment: Enrollment, week, course: Course, ability: float, when: datetime,
              rng: random.Random) -> None:
    questions = week.quiz.questions("es")
    for number in range(1, week.quiz.max_attempts + 1):
        responses = {q.name: _response(q, ability + 0.6 * (number - 1), rng) for q in questions
                     if q.type != "description"}
        result = grade(questions, responses, week.quiz.pass_mark)
        tried = when + timedelta(days=number - 1)
        db.session.add(QuizAttempt(enrollment_id=enrollment.id, week=week.number, number=number, locale="es",
                                   content_version=course.version, responses=responses,
                                   answer_order=draw_order(questions, rng), started_dt=tried, saved_dt=tried,
                                   submitted_dt=tried, graded_dt=tried, **result))
        if result["is_passed"]:
            return


def _accepted_reflection(enrollment: Enrollment, week, facilitator: User, when: datetime) -> None:
    reflection = Reflection(enrollment_id=enrollment.id, week=week.number, status="accepted",
                            draft_text=REFLECTION_TEXT["es"], submitted_dt=when, updated_dt=when)
    db.session.add(reflection)
    db.session.flush()
    scores = {c.id: c.max_points for c in week.rubric}
    db.session.add(ReflectionVersion(reflection_id=reflection.id, number=1, text=REFLECTION_TEXT["es"],
                                     submitted_dt=when, decision="accepted", rubric_scores=scores,
                                     points=sum(scores.values()), max_points=week.rubric_max,
                                     feedback="Bien: conectas lo aprendido con tu vida.",
                                     reviewed_dt=when + timedelta(days=1), reviewer_id=facilitator.id))


def passing_variants(week, count: int, rng: random.Random) -> list[tuple[dict, dict]]:
    """`count` different sets of answers to a week's quiz that pass it, each with its grade: the scale
    data's trainees all pass (their cohorts finished), but not all with the same answers."""
    questions = week.quiz.questions("es")
    variants = []
    for _ in range(count * 20):
        responses = {q.name: _response(q, rng.gauss(1.2, 0.8), rng) for q in questions if q.type != "description"}
        result = grade(questions, responses, week.quiz.pass_mark)
        if result["is_passed"]:
            variants.append((responses, result))
            if len(variants) == count:
                break
    if not variants:  # a quiz nobody passes by chance: the model answers pass it
        responses = {q.name: model_answer(q) for q in questions}
        variants.append((responses, grade(questions, responses, week.quiz.pass_mark)))
    return variants
