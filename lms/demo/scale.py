"""`flask lms demo --scale N`: N more cohorts of 30 trainees with full histories, for benchmarks.

Rows are written with bulk inserts (a few statements per cohort), so 100 cohorts take seconds.
Every trainee of a scale cohort has: the start survey, lessons opened, a graded quiz attempt, an
accepted reflection and attendance for each week; two in three also finished and hold a certificate.
"""

import random
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select

from lms.clock import utcnow
from lms.content.model import Course
from lms.content.surveys import score_attitudes, score_knowledge
from lms.core.certificates import services as certificates
from lms.core.certificates.codes import new_code
from lms.core.certificates.tokens import CertificateClaims, sign_token
from lms.core.surveys import pseudonym
from lms.demo.quizzes import passing_variants
from lms.extensions import db
from lms.manage.services import new_invite_code
from lms.models import (
    Attendance,
    Certificate,
    Cohort,
    Enrollment,
    LessonView,
    QuizAttempt,
    Reflection,
    ReflectionVersion,
    SurveyResponse,
    User,
    cohort_facilitators,
)

TRAINEES_PER_COHORT = 30
ACTIVITIES_PER_PROMOTER = 20


def add_scale_cohorts(count: int, course: Course, password_hash: str, progress=None,
                      size: int = TRAINEES_PER_COHORT) -> int:
    """Add ``count`` finished cohorts of ``size`` trainees; returns the number of trainees added."""
    rng = random.Random(2026)
    existing = db.session.scalar(select(func.count()).select_from(Cohort).where(Cohort.name.like("Escala %")))
    signing_key = certificates.key_store().active_key()
    # Every scale trainee passes, with one of 40 different sets of answers, so quiz statistics have figures.
    answers = {w.number: passing_variants(w, 40, random.Random(w.number)) for w in course.weeks}
    now = utcnow()
    added = 0
    for index in range(existing + 1, existing + count + 1):
        start = date.today() - timedelta(days=100 + index % 30)
        facilitator = User(username=f"escala-fac-{index}", display_name=f"Facilitador Escala {index}",
                           role="facilitator", password_hash=password_hash, session_token=f"esc-f-{index}")
        cohort = Cohort(name=f"Escala {index:03d}", course_slug=course.slug, start_date=start,
                        invite_code=new_invite_code())
        db.session.add_all([facilitator, cohort])
        db.session.flush()
        db.session.execute(insert(cohort_facilitators), [{"cohort_id": cohort.id, "user_id": facilitator.id}])
        users = [{"username": f"escala-{index}-{n}", "display_name": f"Promotor {n} del grupo {index}",
                  "password_hash": password_hash, "role": "trainee", "locale": "es", "is_active": True,
                  "session_token": f"esc-{index}-{n}", "created_dt": now} for n in range(size)]
        db.session.execute(insert(User), users)
        user_ids = list(db.session.scalars(select(User.id).where(User.username.in_([u["username"] for u in users]))))
        db.session.execute(insert(Enrollment), [{"user_id": u, "cohort_id": cohort.id, "created_dt": now}
                                                for u in user_ids])
        enrollments = list(db.session.execute(select(Enrollment.id, Enrollment.user_id)
                                              .where(Enrollment.cohort_id == cohort.id)))
        _histories(cohort, enrollments, course, answers, start, rng)
        _surveys(cohort, enrollments, course, rng)
        _certificates(cohort, enrollments, course, signing_key, start, rng)
        add_network_activity(cohort.id, rng, today=date.today())
        added += len(enrollments)
        db.session.commit()
        if progress:
            progress(index - existing)
    return added


def _histories(cohort, enrollments, course, answers, start, rng) -> None:
    views, attempts, reflections, attendance = [], [], [], []
    for enrollment_id, _user in enrollments:
        for week in course.weeks:
            when = datetime.combine(start + timedelta(days=7 * (week.number - 1)), datetime.min.time(),
                                    tzinfo=timezone.utc) + timedelta(hours=20)
            views.append({"enrollment_id": enrollment_id, "week": week.number, "first_opened_dt": when})
            responses, graded = rng.choice(answers[week.number])
            attempts.append({"enrollment_id": enrollment_id, "week": week.number, "number": 1, "locale": "es",
                             "content_version": course.version, "responses": responses,
                             "started_dt": when, "saved_dt": when, "submitted_dt": when, "graded_dt": when,
                             **graded})
            reflections.append({"enrollment_id": enrollment_id, "week": week.number, "status": "accepted",
                                "draft_text": "Reflexión de ejemplo.", "submitted_dt": when, "updated_dt": when})
            status = "present" if rng.random() < 0.92 else rng.choice(["late", "excused", "absent"])
            attendance.append({"enrollment_id": enrollment_id, "cohort_id": cohort.id, "week": week.number,
                               "status": status, "marked_dt": when})
    for model, rows in ((LessonView, views), (QuizAttempt, attempts), (Reflection, reflections),
                        (Attendance, attendance)):
        db.session.execute(insert(model), rows)
    ids = db.session.execute(select(Reflection.id, Reflection.week).join(Enrollment)
                             .where(Enrollment.cohort_id == cohort.id))
    rubric_max = {w.number: w.rubric_max for w in course.weeks}
    db.session.execute(insert(ReflectionVersion), [
        {"reflection_id": rid, "number": 1, "text": "Reflexión de ejemplo.", "decision": "accepted",
         "points": rubric_max[week], "max_points": rubric_max[week], "feedback": "Bien."} for rid, week in ids])


def _surveys(cohort, enrollments, course, rng) -> None:
    rows = []
    for enrollment_id, _user in enrollments:
        name = pseudonym(enrollment_id)
        for phase, equity in (("pre", 0.45), ("post", 0.75)):
            for survey in course.surveys:
                if survey.kind == "scale":
                    given = {i.id: (1 if i.reverse else 3) if rng.random() < equity else 2 for i in survey.items}
                    scores = score_attitudes(survey, given)
                else:
                    given = {i.id: i.correct_index if rng.random() < equity else 0 for i in survey.items}
                    scores = {"knowledge": score_knowledge(survey, given)}
                rows.append({"pseudonym": name, "survey_id": survey.id, "phase": phase, "cohort_id": cohort.id,
                             "answers": given, "scores": scores, "content_version": course.version})
    db.session.execute(insert(SurveyResponse), rows)


def _certificates(cohort, enrollments, course, signing_key, start, rng) -> None:
    rows = []
    issued = start + timedelta(days=7 * 12)
    for enrollment_id, user_id in enrollments:
        if rng.random() > 2 / 3:
            continue
        code = new_code()
        name = f"Promotor {user_id}"
        claims = CertificateClaims(kid=signing_key.kid, code=code, name=name, course=course.title("es"),
                                   hours=course.hours, issued=issued)
        rows.append({"code": code, "user_id": user_id, "cohort_id": cohort.id, "holder_name": name,
                     "course_slug": course.slug, "course_title": course.title("es"), "issuer": course.issuer("es"),
                     "hours": course.hours, "locale": "es", "completed_on": issued, "issued_on": issued,
                     "kid": signing_key.kid, "token": sign_token(claims, signing_key.private_key),
                     "content_version": course.version, "status": "valid"})
    if rows:
        db.session.execute(insert(Certificate), rows)


def add_network_activity(cohort_id: int, rng: random.Random, today: date,
                         per_promoter: int = ACTIVITIES_PER_PROMOTER) -> int:
    """``per_promoter`` activity reports for each accredited promoter of the cohort, over the year before
    ``today``: four in five accepted, the rest waiting for review; returns how many were written."""
    from lms.core.network import the_network
    from lms.demo.network import counts
    from lms.models import ActivityReport, ActivityType, Sector

    network = the_network()
    sectors = list(db.session.scalars(select(Sector.id).where(Sector.network_id == network.id))) if network else []
    promoters = db.session.scalars(select(Certificate.user_id).where(Certificate.cohort_id == cohort_id,
                                                                     Certificate.status == "valid")).all()
    kinds = [k.value for k in ActivityType]
    now = utcnow()
    rows = []
    for user_id in promoters:
        for n in range(per_promoter):
            held = today - timedelta(days=rng.randrange(1, 365))
            rows.append({"reporter_id": user_id, "draft_key": f"escala{n:04d}", "kind": rng.choice(kinds),
                         "status": "accepted" if rng.random() < 0.8 else "submitted", "title": "Actividad de escala",
                         "held_on": held, "duration_minutes": rng.choice([60, 90, 120]),
                         "sector_id": rng.choice(sectors) if sectors else None, "place_reference": "",
                         **counts(rng.randrange(5, 60), rng), "referred_cem": 0, "referred_linea100": rng.randrange(2),
                         "referred_demuna": 0, "referred_health": 0, "materials": "", "description": "",
                         "incidents": "", "review_comment": "", "submitted_dt": now, "created_dt": now,
                         "updated_dt": now})
    if rows:
        db.session.execute(insert(ActivityReport), rows)
    return len(rows)
