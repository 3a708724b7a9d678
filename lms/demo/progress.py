"""Demo work for the demo trainees: done the way a trainee and a facilitator would do it."""

from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from lms.auth.services import join_cohort
from lms.clock import utcnow
from lms.content.gift import Question
from lms.content.loader import current_course
from lms.content.model import Course
from lms.core.calendar import week_opens_at
from lms.extensions import db
from lms.facilitate import services as facilitate
from lms.learn import services as learn
from lms.models import (
    AttendanceStatus,
    Cohort,
    LessonView,
    User,
)

REFLECTION_TEXT = {
    "es": ("Esta semana me quedé pensando en lo que aprendí de niño en mi casa y en el barrio. "
           "Me di cuenta de que muchas cosas que creía normales las aprendí sin preguntarme nada. "
           "Quiero conversar de esto con mi hermano menor y escuchar más a mi pareja."),
    "en": ("This week I kept thinking about what I learned as a boy at home and in the neighbourhood. "
           "I realised that many things I thought were normal I learned without questioning them. "
           "I want to talk about this with my younger brother and listen more to my partner."),
}


def model_answer(question: Question):
    """A response that earns full marks, in the shape the quiz form produces."""
    if question.type == "multichoice":
        right = [str(i) for i, a in enumerate(question.answers) if a.fraction > 0]
        return right[0] if question.single else right
    if question.type == "truefalse":
        return next(a.text for a in question.answers if a.fraction > 0)
    if question.type == "shortanswer":
        return next(a.text for a in question.answers if a.fraction >= 1).replace("*", "")
    if question.type == "numerical":
        return str(next(a.value for a in question.answers if a.fraction >= 1 and a.value is not None))
    if question.type == "matching":
        pairs = [a for a in question.answers if a.question]
        return {str(i): pair.answer for i, pair in enumerate(pairs)}
    return "Respuesta de ejemplo."


def complete_week(user: User, cohort: Cohort, course: Course, number: int, facilitator: User,
                  when: datetime) -> None:
    """Do a week as the trainee and his facilitator would, through their services (and so the audit log):
    open the lesson, pass the quiz, send the reflection, have it accepted, be marked present."""
    enrollment = user.enrollment
    week = course.week(number)
    learn.record_lesson_opened(enrollment, number)
    questions = week.quiz.questions(user.locale)
    draft = learn.start_draft(enrollment, week, course, user.locale)
    responses = {q.name: model_answer(q) for q in questions if q.type != "description"}
    learn.submit_attempt(draft, responses, questions, week.quiz.pass_mark, when)
    reflection = learn.submit_reflection(enrollment, number, REFLECTION_TEXT[user.locale], when,
                                         current_app.config["REFLECTION_MAX_CHARS"])
    db.session.flush()
    feedback = ("Muy bien: conectas lo aprendido con tu vida." if user.locale == "es"
                else "Well done: you connect what you learned with your life.")
    facilitate.review_reflection(facilitator, reflection.versions[-1], week, decision="accepted",
                                 scores={c.id: c.max_points for c in week.rubric}, feedback=feedback,
                                 now=when + timedelta(days=1))
    facilitate.mark_attendance(facilitator, cohort, number, {enrollment.id: AttendanceStatus.PRESENT.value}, when)


def answer_surveys(enrollment, course: Course, phase: str, equity: float, seed: int) -> None:
    """Answer every survey of ``phase`` for a demo trainee: ``equity`` (0–1) is how often he picks the
    equitable answer or the right option, so that the impact report has believable figures."""
    import random

    from lms.surveys import services as survey_services
    rng = random.Random(seed)
    for survey in course.surveys:
        answers = {}
        for item in survey.items:
            if survey.kind == "scale":
                best = 1 if item.reverse else 3
                answers[item.id] = best if rng.random() < equity else rng.choice([2, 4 - best])
            else:
                right = item.correct_index
                answers[item.id] = right if rng.random() < equity else (right + 1) % len(item.options)
        survey_services.record(enrollment, survey, phase, answers, course)


def _has_work(user: User) -> bool:
    return db.session.scalar(select(LessonView.id).where(LessonView.enrollment_id == user.enrollment.id)) is not None


CLASSMATES = ("Miguel Ángel Torres Ccori", "Luis Alberto Chávez Rojas", "Pedro Pablo Saldaña Ruiz",
              "Raúl Mendoza Yupanqui", "Wilmer Cárdenas Lázaro", "Julio César Ñique Paz", "Hugo Ramos Espinoza")


def _graduating_class(graduate: User, password: str) -> list[User]:
    """The graduate and his classmates, who also finished: enough people (8) for the impact report."""
    people = [graduate]
    for number, name in enumerate(CLASSMATES, start=1):
        username = f"demo-promotor-{number}"
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            cohort = graduate.enrollment.cohort
            user = join_cohort(code=cohort.invite_code, display_name=name, username=username, password=password,
                               locale="es", now=week_opens_at(cohort, 1, {}))  # from the first workshop on
            db.session.flush()
        people.append(user)
    return people


def load(users: dict[str, User], cohorts: dict[str, Cohort], password: str) -> list[str]:
    """Give demo-trainee weeks 1–2 complete and week 3 begun; demo-graduate and seven classmates all twelve,
    with pre and post surveys; once only."""
    course = current_course()
    facilitator = users["demo-facilitator"]
    trainee, graduate = users["demo-trainee"], users["demo-graduate"]
    if not _has_work(trainee):
        answer_surveys(trainee.enrollment, course, "pre", 0.55, seed=1)
        start = datetime.combine(trainee.enrollment.cohort.start_date, datetime.min.time(), tzinfo=timezone.utc)
        for number in (1, 2):
            complete_week(trainee, trainee.enrollment.cohort, course, number, facilitator,
                           start + timedelta(days=7 * (number - 1), hours=20))
        learn.record_lesson_opened(trainee.enrollment, 3)
        week3 = course.week(3)
        first = week3.quiz.questions("es")[0]
        draft = learn.start_draft(trainee.enrollment, week3, course, "es")
        learn.save_draft(draft, {first.name: model_answer(first)}, utcnow())
    for index, promoter in enumerate(_graduating_class(graduate, password), start=2):
        if _has_work(promoter):
            continue
        answer_surveys(promoter.enrollment, course, "pre", 0.45 + 0.03 * (index % 4), seed=100 + index)
        answer_surveys(promoter.enrollment, course, "post", 0.7 + 0.04 * (index % 5), seed=200 + index)
        start = datetime.combine(promoter.enrollment.cohort.start_date, datetime.min.time(), tzinfo=timezone.utc)
        for number in course.week_numbers:
            complete_week(promoter, promoter.enrollment.cohort, course, number, facilitator,
                           start + timedelta(days=7 * (number - 1), hours=20))
    db.session.flush()
    from lms.demo import accreditation as demo_accreditation
    people = {u.username: u for u in _graduating_class(graduate, users)}
    demo_accreditation.load(people, course, users["demo-coordinator"], facilitator)
    return [_graduate_certificate(graduate, course, users["demo-coordinator"])]


def _graduate_certificate(graduate: User, course: Course, coordinator: User) -> str:
    from lms.core.certificates import services
    from lms.core.certificates.codes import format_code
    from lms.core.progress import progress_of
    from lms.models import Certificate

    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == graduate.id))
    if certificate is None:
        now = utcnow()
        certificate = services.issue(coordinator, graduate.enrollment, course, printed_name=graduate.display_name,
                                     now=now, progress=progress_of(graduate.enrollment, course, now))
    return f"demo certificate code: {format_code(certificate.code)}"
