"""Trainees with a quiz draft open in every week, for `bench/run.py` to submit: `python bench/submitters.py N`.

`python bench/submitters.py --sent COHORT` then prints how many of that cohort's drafts were submitted.

A submit can be sent only once per draft (a second one just shows the attempt already sent), so
measuring real submits needs as many drafts as requests. This adds a cohort "Banco de envíos" that
started long ago (every week open) with N trainees, each with a draft of all twelve quizzes, and
prints for each trainee a session cookie and its CSRF token and, per draft, the form fields of a
full-marks answer. The session is the one logging in would give him, signed here with the app's
secret key (the same `LMS_INSTANCE_PATH` as the server's): a thousand logins through scrypt would
take a minute. Uses the database of `LMS_DATABASE_URL`.
"""

import json
import sys
from datetime import date, datetime, timedelta, timezone

from flask import session
from flask_login import login_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, insert, select

from lms import create_app
from lms.auth.services import start_login
from lms.content.loader import current_course
from lms.demo.progress import model_answer
from lms.extensions import db
from lms.manage.services import new_invite_code
from lms.models import Cohort, Enrollment, QuizAttempt, User


def form_fields(question, answer) -> list[tuple[str, str]]:
    """The quiz form's fields for one answer (see learn.views._responses_from_form)."""
    key = f"q-{question.name}"
    if isinstance(answer, dict):
        return [(f"{key}-{i}", value) for i, value in answer.items()]
    if isinstance(answer, list):
        return [(key, value) for value in answer]
    return [(key, answer)]


def main(count: int, user_agent: str = "") -> None:
    print(json.dumps(submitters(create_app(), count, user_agent)))


def submitters(app, count: int, user_agent: str) -> dict:
    """Add the cohort and its drafts; return its id and, per trainee, his cookie, CSRF token and drafts.

    tests/integration/test_bench_submitters.py sends one of these submits through the app.
    """
    with app.app_context():
        course = current_course()
        # Nobody logs in with it: any hash will do, the demo's spares scrypt a thousand times.
        password_hash = db.session.scalar(select(User.password_hash).limit(1)) or "x"
        now = datetime.now(timezone.utc)
        cohort = Cohort(name="Banco de envíos", course_slug=course.slug, start_date=date.today() - timedelta(days=100),
                        invite_code=new_invite_code())
        db.session.add(cohort)
        db.session.flush()
        usernames = [f"envios-{cohort.id}-{n}" for n in range(count)]
        db.session.execute(insert(User), [
            {"username": name, "display_name": f"Promotor de envíos {n}", "password_hash": password_hash,
             "role": "trainee", "locale": "es", "is_active": True, "session_token": f"env-{cohort.id}-{n}",
             "created_dt": now} for n, name in enumerate(usernames)])
        users = dict(db.session.execute(select(User.id, User.username).where(User.username.in_(usernames))).all())
        db.session.execute(insert(Enrollment), [{"user_id": u, "cohort_id": cohort.id, "created_dt": now}
                                                for u in users])
        enrollments = dict(db.session.execute(select(Enrollment.id, Enrollment.user_id)
                                              .where(Enrollment.cohort_id == cohort.id)).all())
        db.session.execute(insert(QuizAttempt), [
            {"enrollment_id": e, "week": w.number, "number": 1, "locale": "es", "content_version": course.version,
             "responses": {}, "status": "draft"} for e in enrollments for w in course.weeks])
        drafts = db.session.execute(select(QuizAttempt.id, QuizAttempt.enrollment_id, QuizAttempt.week)
                                    .join(Enrollment).where(Enrollment.cohort_id == cohort.id))
        db.session.commit()

        fields = {w.number: [pair for q in w.quiz.questions("es") if q.type != "description"
                             for pair in form_fields(q, model_answer(q))] for w in course.weeks}
        by_enrollment = {}
        for attempt_id, enrollment_id, week in drafts:
            by_enrollment.setdefault(enrollment_id, []).append(
                {"week": week, "attempt": attempt_id, "fields": fields[week]})
        signer = app.session_interface.get_signing_serializer(app)
        trainees = []
        for enrollment_id, user_id in enrollments.items():
            # A fresh g (generate_csrf caches its token there), and the browser wrk will claim to be: the login
            # is tied to it (Flask-Login's session protection).
            with app.app_context(), app.test_request_context(headers={"User-Agent": user_agent}):
                user = db.session.get(User, user_id)
                start_login(user)  # the login kept on the server, which the user loader checks
                login_user(user)
                token = generate_csrf()
                db.session.commit()
                cookie = f"{app.config['SESSION_COOKIE_NAME']}={signer.dumps(dict(session))}"
            trainees.append({"cookie": cookie, "csrf_token": token, "drafts": by_enrollment[enrollment_id]})
        return {"cohort": cohort.id, "trainees": trainees}


def sent(cohort_id: int) -> None:
    app = create_app()
    with app.app_context():
        print(db.session.scalar(select(func.count()).select_from(QuizAttempt).join(Enrollment).where(
            Enrollment.cohort_id == cohort_id, QuizAttempt.status != "draft")))


if __name__ == "__main__":
    if sys.argv[1] == "--sent":
        sent(int(sys.argv[2]))
    else:
        main(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "")
