"""Attendance records only what a facilitator marked (issue 17).

A week not yet taken marks nobody; saving a week writes only the rows the facilitator changed; a
man who joins late is "not applicable" for the workshops held before he came: they are neither
asked of him, nor counted in his share, nor a reason to call him behind.
"""

from datetime import datetime, timedelta, timezone

from helpers import post_form
from sqlalchemy import select

from lms.content.loader import current_course
from lms.core.calendar import lima_today
from lms.core.progress import Task, progress_of
from lms.core.rosters import trainee_rows
from lms.extensions import db
from lms.models import Attendance, AuditEvent, Enrollment, Role, User


def _url(world, week: int) -> str:
    return f"/facilitate/cohorts/{world.cohort.id}/attendance/{week}"


def _marks(week: int) -> dict[int, str]:
    return dict(db.session.execute(select(Attendance.enrollment_id, Attendance.status)
                                   .where(Attendance.week == week)).all())


def _late_joiner(client, auth, world) -> User:
    """Pedro joins Grupo A with its invite code in the cohort's fourth week (it began 22 days ago, in Lima)."""
    world.cohort.start_date = lima_today() - timedelta(days=22)
    db.session.commit()
    post_form(client, "/join", {"invite_code": "GRUPOAAA", "display_name": "Pedro Quispe", "username": "pedro",
                                "password": "mi clave de promotor", "confirm": "mi clave de promotor"})
    auth.logout()
    return db.session.scalar(select(User).where(User.username == "pedro"))


def test_a_week_not_taken_marks_nobody_and_saving_it_records_nobody(client, auth, world):
    auth.login("facilitadora")
    page = client.get(_url(world, 2)).get_data(as_text=True)
    assert "Nadie queda marcado hasta que lo marques" in page
    assert " checked" not in page
    response = post_form(client, _url(world, 2), {})
    assert response.status_code == 302
    assert _marks(2) == {}


def test_correcting_one_man_touches_nobody_else(client, auth, make_user, world):
    juan = make_user("juan", cohort=world.cohort, display_name="Juan Salas")
    auth.login("facilitadora")
    jose, juan_e = world.trainee.enrollment.id, juan.enrollment.id
    post_form(client, _url(world, 1), {f"e-{jose}": "present", f"e-{juan_e}": "absent"})
    assert _marks(1) == {jose: "present", juan_e: "absent"}

    # Another facilitator corrects Juan meanwhile; this page still shows him absent.
    page_shows = {f"e-{jose}": "present", f"shown-{jose}": "present", f"e-{juan_e}": "absent",
                  f"shown-{juan_e}": "absent"}
    db.session.scalar(select(Attendance).where(Attendance.enrollment_id == juan_e)).status = "late"
    db.session.commit()

    # She reopens week 1 only to mark José excused: Juan's newer mark stays.
    response = post_form(client, _url(world, 1), {**page_shows, f"e-{jose}": "excused"}, follow_redirects=True)
    assert "Asistencia guardada (1 cambios)" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _marks(1) == {jose: "excused", juan_e: "late"}
    changes = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attendance.mark")).all()
    assert [(e.details["enrollment_id"], e.details["after"]) for e in changes] == [
        (jose, "present"), (juan_e, "absent"), (jose, "excused")]


def test_marking_everyone_present_is_a_deliberate_act_that_keeps_other_marks(client, auth, make_user, world):
    juan = make_user("juan", cohort=world.cohort, display_name="Juan Salas")
    auth.login("facilitadora")
    assert "Marcar a todos los que faltan como presentes" in client.get(_url(world, 1)).get_data(as_text=True)
    jose, juan_e = world.trainee.enrollment.id, juan.enrollment.id
    post_form(client, _url(world, 1), {f"e-{juan_e}": "absent", "action": "all_present"})
    assert _marks(1) == {jose: "present", juan_e: "absent"}


def test_a_late_joiner_is_not_applicable_for_workshops_held_before_he_came(client, auth, world):
    pedro = _late_joiner(client, auth, world)
    assert pedro.enrollment.first_week == 4
    auth.login("facilitadora")

    # The attendance of week 1 says so, and a forged mark for him is refused.
    page = client.get(_url(world, 1)).get_data(as_text=True)
    assert "No aplica: se unió en la semana 4." in page
    assert f'name="e-{pedro.enrollment.id}"' not in page
    post_form(client, _url(world, 1), {f"e-{pedro.enrollment.id}": "present",
                                       f"e-{world.trainee.enrollment.id}": "excused"})
    assert _marks(1) == {world.trainee.enrollment.id: "excused"}

    # Week 4, his first, is his to attend.
    post_form(client, _url(world, 4), {f"e-{pedro.enrollment.id}": "present"})
    progress = progress_of(pedro.enrollment, current_course(), datetime.now(timezone.utc))
    assert [w.before_joining for w in progress.weeks[:4]] == [True, True, True, False]
    assert all(Task.ATTENDANCE not in progress.week(w).remaining for w in (1, 2, 3))
    assert Task.LESSON in progress.week(1).remaining, "the online work of week 1 is still his to do"
    assert progress.attendance_so_far == 100.0, "one workshop applies so far, and he was there"
    counted = [w for w in progress.weeks if w.attendance_applies]
    assert len(counted) == 9 and counted[0].week == 4

    # He is not behind for weeks that were over before he came; José, who was there, is.
    rows = {r.user.username: r for r in trainee_rows(world.cohort, current_course(), datetime.now(timezone.utc))}
    assert rows["pedro"].overdue == () and not rows["pedro"].at_risk
    assert rows["jose"].overdue == (1, 2, 3) and rows["jose"].at_risk


def test_a_late_joiner_home_asks_no_past_workshop(client, auth, world):
    _late_joiner(client, auth, world)
    auth.login("pedro", password="mi clave de promotor")
    home = client.get("/").get_data(as_text=True)
    week_1 = home.split('class="week week-', 2)[1]
    assert "Asistir al taller" not in week_1
    assert "Leer la lección" in week_1


def test_a_trainee_created_by_the_coordinator_starts_in_week_one(make_user, world):
    """Accounts a coordinator makes are for men who took part from the start (docs/course.md)."""
    assert world.trainee.enrollment.first_week == 1
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == world.trainee.id))
    assert enrollment.first_week == 1 and world.trainee.role == Role.TRAINEE
