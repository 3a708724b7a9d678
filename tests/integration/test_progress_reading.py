"""What the gradebook and a trainee's weeks show is what each man did, week by week, and nobody else.

Progress reads four tables in one statement, merged by the database into one row per trainee and
week (lms/core/progress.py). These stories put every kind of record in known weeks of two men and read
them back in one call, as the gradebook does.
"""

from dataclasses import FrozenInstanceError
from datetime import datetime, timezone

import pytest

from lms.content.loader import current_course
from lms.core.progress import Task, progress_for, progress_of
from lms.core.surveys import phases_done
from lms.demo.progress import answer_surveys
from lms.extensions import db
from lms.models import Attendance, LessonView, QuizAttempt, Reflection


def _attempt(enrollment, week, number, status, percent=None, passed=False):
    return QuizAttempt(enrollment_id=enrollment.id, week=week, number=number, status=status, percent=percent,
                       is_passed=passed, content_version=current_course().version)


def _record_two_mens_weeks(jose, carlos):
    db.session.add_all([
        # Week 1: everything done; he failed once, then passed, and has a new draft open.
        LessonView(enrollment_id=jose.id, week=1),
        _attempt(jose, 1, 1, "graded", 40.0), _attempt(jose, 1, 2, "graded", 90.0, passed=True),
        _attempt(jose, 1, 3, "draft"),
        Reflection(enrollment_id=jose.id, week=1, status="accepted"),
        Attendance(enrollment_id=jose.id, cohort_id=jose.cohort_id, week=1, status="present"),
        # Week 2: the lesson opened, a quiz begun but never sent, a reflection returned for revision.
        LessonView(enrollment_id=jose.id, week=2), _attempt(jose, 2, 1, "draft"),
        Reflection(enrollment_id=jose.id, week=2, status="returned"),
        # Week 3: a quiz sent and waiting for the facilitator (an essay answer); absent from the workshop.
        _attempt(jose, 3, 1, "pending"),
        Attendance(enrollment_id=jose.id, cohort_id=jose.cohort_id, week=3, status="absent"),
        # Carlos, in another cohort: only late to his first workshop.
        Attendance(enrollment_id=carlos.id, cohort_id=carlos.cohort_id, week=1, status="late"),
    ])
    db.session.commit()


def test_each_week_shows_the_lesson_the_best_attempt_the_reflection_and_the_attendance(world):
    jose, carlos = world.trainee.enrollment, world.other_trainee.enrollment
    _record_two_mens_weeks(jose, carlos)

    progress = progress_for([jose, carlos], current_course(), datetime.now(timezone.utc))
    week1, week2, week3, week4 = (progress[jose.id].week(n) for n in (1, 2, 3, 4))

    assert week1.lesson_opened and week1.quiz_passed and week1.quiz_best_percent == 90
    assert week1.attempts_used == 2 and not week1.quiz_pending  # the draft is not an attempt used
    assert week1.reflection_status == "accepted" and week1.attendance == "present"

    assert week2.lesson_opened and week2.quiz_best_percent is None and not week2.quiz_passed
    assert week2.attempts_used == 0 and not week2.quiz_pending
    assert week2.reflection_status == "returned" and week2.attendance is None

    assert not week3.lesson_opened and week3.quiz_pending and week3.attempts_used == 1
    assert week3.quiz_best_percent is None and week3.reflection_status is None and week3.attendance == "absent"

    assert (week4.lesson_opened, week4.quiz_best_percent, week4.attempts_used, week4.reflection_status,
            week4.attendance) == (False, None, 0, None, None)

    carlos_week1 = progress[carlos.id].week(1)
    assert carlos_week1.attendance == "late" and not carlos_week1.lesson_opened
    assert carlos_week1.quiz_best_percent is None and carlos_week1.reflection_status is None
    assert progress[jose.id].returned_reflections == (2,)


def test_a_trainees_own_weeks_read_the_same_as_his_row_in_the_gradebook(world):
    # His own pages ask about one man, with a statement of their own (lms.database.ForIds); the gradebook
    # asks about many. Surveys answered count in both.
    jose, carlos = world.trainee.enrollment, world.other_trainee.enrollment
    _record_two_mens_weeks(jose, carlos)
    course, now = current_course(), datetime.now(timezone.utc)
    answer_surveys(jose, course, "pre", 0.8, seed=1)

    both = progress_for([jose, carlos], course, now)
    assert progress_of(jose, course, now) == both[jose.id]
    assert progress_of(carlos, course, now) == both[carlos.id]
    assert both[jose.id].week(1).lesson_opened and both[carlos.id].week(1).attendance == "late"
    assert phases_done([jose.id], course) == {jose.id: {"pre"}}
    assert phases_done([jose.id, carlos.id], course) == {jose.id: {"pre"}, carlos.id: set()}


def test_men_whose_weeks_read_alike_share_a_week_that_nobody_can_change(world, make_user):
    # A gradebook of 300 makes each distinct week once and hands it to every man whose week reads the same
    # (lms/core/progress.py). Each man must still get his own facts. José, Pedro and Luis did the same in
    # week 4; José and Pedro answered the baseline survey and Luis has not; Pedro joined at week 3.
    course, now = current_course(), datetime.now(timezone.utc)
    jose = world.trainee.enrollment
    pedro = make_user("pedro", cohort=world.cohort, display_name="Pedro Quispe").enrollment
    luis = make_user("luis", cohort=world.cohort, display_name="Luis Huamán").enrollment
    pedro.first_week = 3
    for man in (jose, pedro, luis):
        db.session.add_all([LessonView(enrollment_id=man.id, week=4),
                            Reflection(enrollment_id=man.id, week=4, status="submitted")])
    db.session.commit()
    for man in (jose, pedro):
        answer_surveys(man, course, "pre", 0.8, seed=1)

    weeks = progress_for([jose, pedro, luis], course, now)
    jose_w, pedro_w, luis_w = (weeks[man.id] for man in (jose, pedro, luis))

    assert jose_w.week(4) == pedro_w.week(4) == luis_w.week(4)  # the same records, the same week
    assert jose_w.week(4).lesson_opened and jose_w.week(4).reflection_status == "submitted"
    # Week 1 differs by one fact each time: when he joined, and the survey.
    assert not jose_w.week(1).before_joining and pedro_w.week(1).before_joining
    assert not jose_w.week(1).survey_pending and luis_w.week(1).survey_pending
    assert luis_w.week(1).remaining[0] == Task.SURVEY and Task.SURVEY not in jose_w.week(1).remaining
    for man in (jose, pedro, luis):
        assert progress_of(man, course, now) == weeks[man.id]  # asked about alone, he reads the same

    with pytest.raises(FrozenInstanceError):  # a shared week cannot be changed for one man and show on another
        jose_w.week(4).reflection_status = "accepted"
    assert pedro_w.week(4).reflection_status == "submitted"
