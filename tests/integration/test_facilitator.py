"""The facilitator's week: attendance, the grading queue, notes, the gradebook and its CSV."""

from datetime import datetime, timezone

from helpers import post_form
from sqlalchemy import select

from lms.content.loader import current_course
from lms.core.progress import progress_of
from lms.extensions import db
from lms.learn import services as learn
from lms.models import Attendance, AuditEvent, Reflection, TraineeNote


def _submit_reflection(world, text="Mi reflexión de la semana", week=1):
    learn.submit_reflection(world.trainee.enrollment, week, text, datetime.now(timezone.utc), 8000)
    db.session.commit()
    return db.session.scalar(select(Reflection).where(Reflection.week == week)).versions[-1]


def test_my_cohorts_shows_this_week_what_waits_and_who_falls_behind(client, auth, world):
    _submit_reflection(world)
    auth.login("facilitadora")
    page = client.get("/facilitate/").get_data(as_text=True)
    assert "Grupo A" in page and "Grupo B" not in page
    assert "1 por calificar" in page or "1 elemento" in page or "(1)" in page
    assert "José Ñahui" in page  # weeks 1–3 are past and not complete


def test_attendance_starts_unmarked_and_a_change_counts_toward_completion(client, auth, world):
    auth.login("facilitadora")
    url = f"/facilitate/cohorts/{world.cohort.id}/attendance/1"
    page = client.get(url).get_data(as_text=True)
    enrollment = world.trainee.enrollment.id
    assert f'id="e-{enrollment}-present"' in page and " checked" not in page
    post_form(client, url, {f"e-{enrollment}": "absent"})
    assert db.session.scalar(select(Attendance.status)) == "absent"
    post_form(client, url, {f"e-{enrollment}": "late", f"shown-{enrollment}": "absent"})
    assert db.session.scalar(select(Attendance.status)) == "late"
    progress = progress_of(world.trainee.enrollment, current_course(), datetime.now(timezone.utc))
    assert progress.week(1).attended
    changes = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attendance.mark")).all()
    assert [e.details["after"] for e in changes] == ["absent", "late"]
    assert all(e.actor_id == world.facilitator.id for e in changes)


def test_attendance_of_another_cohort_cannot_be_forged(client, auth, world):
    auth.login("facilitadora")
    url = f"/facilitate/cohorts/{world.cohort.id}/attendance/1"
    post_form(client, url, {f"e-{world.other_trainee.enrollment.id}": "absent"})
    assert db.session.scalar(select(Attendance)) is None


def test_grading_with_the_rubric_save_and_next_and_the_trainee_sees_it(client, auth, world):
    version = _submit_reflection(world)
    week = current_course().week(1)
    auth.login("facilitadora")
    queue = client.get("/facilitate/queue").get_data(as_text=True)
    assert f"/facilitate/reflections/{version.id}" in queue
    url = f"/facilitate/reflections/{version.id}"
    incomplete = post_form(client, url, {"decision": "accepted", "next": "1"})
    assert incomplete.status_code == 422 and "Elige un nivel" in incomplete.get_data(as_text=True)
    scores = {f"c-{c.id}": str(c.max_points) for c in week.rubric}
    response = post_form(client, url, {**scores, "decision": "accepted", "feedback": "¡Muy bien, José!", "next": "1"})
    assert response.headers["Location"] == "/facilitate/queue"  # nothing else waits
    db.session.expire_all()
    assert version.decision == "accepted" and version.points == week.rubric_max
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reflection.accepted"))
    assert event.actor_id == world.facilitator.id and event.details["points"] == week.rubric_max
    auth.logout()
    auth.login("jose")
    page = client.get("/weeks/1/reflection").get_data(as_text=True)
    assert "¡Muy bien, José!" in page and f"{week.rubric_max} de {week.rubric_max}" in page


def test_returning_needs_feedback(client, auth, world):
    version = _submit_reflection(world)
    week = current_course().week(1)
    auth.login("facilitadora")
    scores = {f"c-{c.id}": str(c.levels[-1].points) for c in week.rubric}
    page = post_form(client, f"/facilitate/reflections/{version.id}", {**scores, "decision": "returned"})
    assert page.status_code == 422
    assert db.session.get(type(version), version.id).decision is None


def test_private_notes_are_never_shown_to_the_trainee(client, auth, world):
    auth.login("facilitadora")
    post_form(client, f"/facilitate/trainees/{world.trainee.id}", {"note": "Habló de su padre; darle tiempo."})
    assert db.session.scalar(select(TraineeNote.text)) == "Habló de su padre; darle tiempo."
    auth.logout()
    auth.login("jose")
    for url in ("/", "/weeks/1", "/weeks/1/reflection", f"/facilitate/trainees/{world.trainee.id}"):
        assert "darle tiempo" not in client.get(url).get_data(as_text=True)


def test_a_note_too_long_is_refused_with_a_message_and_kept_in_the_box(client, auth, world):
    auth.login("facilitadora")
    long_note = "Conversamos largo. " * 300  # 5,700 characters
    page = post_form(client, f"/facilitate/trainees/{world.trainee.id}", {"note": long_note})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "como máximo 4000 caracteres" in html
    assert "Conversamos largo. Conversamos largo." in html  # nothing typed is lost
    assert db.session.scalar(select(TraineeNote.id)) is None


def test_an_empty_note_is_refused_with_a_message(client, auth, world):
    auth.login("facilitadora")
    page = post_form(client, f"/facilitate/trainees/{world.trainee.id}", {"note": "   "})
    assert page.status_code == 422
    assert "La anotación está vacía." in page.get_data(as_text=True)


def test_gradebook_sorts_and_its_csv_opens_in_spanish_excel_with_formulas_escaped(client, auth, make_user, world):
    make_user("formula", cohort=world.cohort, display_name="=HYPERLINK(\"http://x\")")
    make_user("zoila", cohort=world.cohort, display_name="Ñuñez Zoila")
    auth.login("facilitadora")
    page = client.get(f"/facilitate/cohorts/{world.cohort.id}/gradebook?sort=name").get_data(as_text=True)
    assert page.index("José Ñahui") < page.index("Ñuñez Zoila")
    response = client.get(f"/facilitate/cohorts/{world.cohort.id}/gradebook.csv")
    assert response.data.startswith("\ufeff".encode())
    text = response.data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Nombre;Usuario;S1 cuestionario")
    assert any(line.startswith("José Ñahui;jose;") for line in lines)
    assert any(line.startswith("'=HYPERLINK") or line.startswith("\"'=HYPERLINK") for line in lines)
    comma = client.get(f"/facilitate/cohorts/{world.cohort.id}/gradebook.csv?sep=,").data.decode("utf-8-sig")
    assert comma.splitlines()[0].startswith("Nombre,Usuario,")


def test_the_dashboard_draws_charts_with_tables_beside_them(client, auth, world):
    auth.login("facilitadora")
    page = client.get(f"/facilitate/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert page.count("<svg") == 3 and page.count("<table") >= 3
    assert "En riesgo" in page


def test_coordinator_sets_a_week_date_and_opens_all(client, auth, world):
    auth.login("coordinadora")
    url = f"/manage/cohorts/{world.cohort.id}/calendar"
    bad = post_form(client, url, {"opens_on-4": "mañana"})
    assert bad.status_code == 422
    post_form(client, url, {"opens_on-4": "2020-01-01"})
    assert progress_of(world.trainee.enrollment, current_course(), datetime.now(timezone.utc)).week(5).is_open
    post_form(client, url, {"is_all_open": "y"})
    assert all(w.is_open for w in progress_of(world.trainee.enrollment, current_course(),
                                               datetime.now(timezone.utc)).weeks)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.calendar")) is not None


def test_coordinator_renews_an_invite_code_and_the_old_one_stops_working(client, auth, world):
    old = world.cohort.invite_code
    auth.login("coordinadora")
    post_form(client, f"/manage/cohorts/{world.cohort.id}/invite", form_url=f"/manage/cohorts/{world.cohort.id}")
    db.session.expire_all()
    assert world.cohort.invite_code != old


def test_coordinator_deactivates_an_account(client, auth, world):
    auth.login("coordinadora")
    post_form(client, f"/manage/users/{world.trainee.id}/active", form_url="/manage/users")
    db.session.expire_all()
    assert not world.trainee.is_active
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.deactivate")) is not None
