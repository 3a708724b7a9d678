"""The week in the trainee's pocket: when and where the workshop is, reminders in his phone's calendar,
where he stands for the certificate, links to share by WhatsApp, and pages he can keep for offline."""

import re
from datetime import date, timedelta

import icalendar
import pytest
from helpers import AuthActions, issue_certificate, post_form
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, LessonView, Workshop

PLACE = "Av. Guardia Chalaca 1234"
REFERENCE = "Local comunal Santa Rosa, frente al mercado"


def _calendar(client, cohort, **fields):
    """The coordinator's calendar form as the page sends it: every field, with ``fields`` changed."""
    data = {"workshop_weekday": "", "workshop_time": "16:00", "workshop_minutes": "150", "workshop_place": PLACE,
            "workshop_place_note": REFERENCE} | {f"opens_on-{n}": "" for n in range(12)}
    return post_form(client, f"/manage/cohorts/{cohort.id}/calendar", data | fields)


def _week_workshop(client, cohort, week, **fields):
    """One week's own workshop, as its page sends it."""
    data = dict.fromkeys(("held_on", "starts_at", "minutes", "place", "place_note"), "") | fields
    return post_form(client, f"/manage/cohorts/{cohort.id}/calendar/{week}", data)


@pytest.fixture
def scheduled(app, world):
    """Grupo A is in its fourth week; its usual workshop is set, and week 4's moved to another day and place."""
    world.cohort.start_date = date.today() - timedelta(days=24)
    db.session.commit()
    client = app.test_client()
    AuthActions(client).login("coordinadora")
    assert _calendar(client, world.cohort).status_code == 302
    moved = (date.today() + timedelta(days=2)).isoformat()
    response = _week_workshop(client, world.cohort, 4, held_on=moved, starts_at="10:00", place="Parroquia San José")
    assert response.status_code == 302
    return world


def test_the_coordinator_sets_the_usual_workshop_and_moves_one_week_and_both_are_audited(client, auth, scheduled):
    world = scheduled
    db.session.expire_all()
    assert (world.cohort.workshop_place, world.cohort.workshop_place_note) == (PLACE, REFERENCE)
    own = db.session.scalars(select(Workshop).where(Workshop.cohort_id == world.cohort.id)).all()
    assert [(w.week, w.place) for w in own] == [(4, "Parroquia San José")]
    usual, moved = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.workshops")
                                      .order_by(AuditEvent.id)).all()
    assert usual.details["changes"]["workshop_place"] == PLACE
    assert moved.details["changes"]["week 4"]["place"] == "Parroquia San José"

    auth.login("coordinadora")
    page = client.get(f"/manage/cohorts/{world.cohort.id}/calendar").get_data(as_text=True)
    assert f'value="{PLACE}"' in page and "Cambió" in page
    week = client.get(f"/manage/cohorts/{world.cohort.id}/calendar/4").get_data(as_text=True)
    assert 'value="Parroquia San José"' in week


def test_the_trainee_sees_the_moved_workshop_marked_as_changed_on_his_home_and_week(client, auth, scheduled):
    auth.login("jose")
    home = client.get("/").get_data(as_text=True)
    assert "Próximo taller: semana 4" in home
    assert "Parroquia San José" in home and "de 10:00 a 12:30" in home and "Cambió" in home
    week = client.get("/weeks/4").get_data(as_text=True)
    assert "El taller de esta semana" in week and "Parroquia San José" in week and "Cambió" in week
    usual = client.get("/weeks/3").get_data(as_text=True)
    assert PLACE in usual and REFERENCE in usual and "Cambió" not in usual


def test_the_facilitator_sees_the_workshop_on_his_home_and_on_the_attendance_page(client, auth, scheduled):
    auth.login("facilitadora")
    assert "Parroquia San José" in client.get("/facilitate/").get_data(as_text=True)
    attendance = client.get(f"/facilitate/cohorts/{scheduled.cohort.id}/attendance/3").get_data(as_text=True)
    assert PLACE in attendance and "de 16:00 a 18:30" in attendance


def test_a_week_emptied_again_follows_the_cohort_and_the_change_is_audited(client, auth, scheduled):
    auth.login("coordinadora")
    assert _week_workshop(client, scheduled.cohort, 4).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Workshop)) == 0
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.workshops")).all()
    assert events[-1].details["changes"] == {"week 4": None}


def test_a_wrong_time_is_refused_and_what_was_typed_stays(client, auth, world):
    auth.login("coordinadora")
    response = _calendar(client, world.cohort, workshop_time="25:99", workshop_place="Casa de la juventud")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Casa de la juventud"' in page and 'aria-invalid="true"' in page
    week = _week_workshop(client, world.cohort, 5, minutes="5", place="Parroquia")
    assert week.status_code == 422 and 'value="Parroquia"' in week.get_data(as_text=True)
    assert _week_workshop(client, world.cohort, 13).status_code == 404
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.workshops")) is None


# ---------------------------------------------------------------- where do I stand

def test_the_trainees_home_states_the_certificate_requirements_and_his_progress(client, auth, world):
    auth.login("jose")
    home = client.get("/").get_data(as_text=True)
    assert "Para el certificado necesitas:" in home
    assert "Semanas completas: 0 de 12." in home
    assert re.search(r"Talleres a los que asististe: 0; el certificado pide \d+ de \d+\.", home)
    assert "Encuestas respondidas: 0 de 2" in home


def test_the_certificate_page_before_the_end_explains_what_is_left(client, auth, world):
    auth.login("jose")
    response = client.get("/certificate")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tu certificado aún no está listo" in page and "Lo que falta, semana por semana" in page
    assert "Semana 12" in page and "se abre el" in page  # weeks not open yet say when they open


def test_a_graduate_still_gets_his_certificate_page(client, auth, graduate, world):
    issue_certificate(world, graduate)
    auth.login("jose")
    page = client.get("/certificate").get_data(as_text=True)
    assert "Descargar el PDF" in page and "Compartir por WhatsApp" in page and "wa.me/?text=" in page


# ---------------------------------------------------------------- reminders

def _feed_url(client) -> str:
    page = client.get("/calendar").get_data(as_text=True)
    return re.search(r"<code>(http[^<]+)</code>", page).group(1).replace("&amp;", "&")


def _feed(client, url):
    return client.get(url.split("lms.test", 1)[1])


def test_the_trainees_feed_has_his_workshops_with_two_alarms_and_the_week_openings(client, auth, scheduled):
    auth.login("jose")
    page = client.get("/calendar").get_data(as_text=True)
    assert "Agrégalo en Android en dos pasos" in page and "calendar.google.com/calendar/render?cid=webcal" in page
    response = _feed(client, _feed_url(client))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.get_data(as_text=True))
    events = calendar.walk("VEVENT")
    workshops = [e for e in events if str(e["UID"]).startswith("workshop-")]
    openings = [e for e in events if str(e["UID"]).startswith("week-")]
    assert len(workshops) == 12 and len(openings) == 12
    week_3 = next(e for e in workshops if "semana 3:" in str(e["SUMMARY"]))
    assert str(week_3["SUMMARY"]).startswith("Taller, semana 3")
    assert PLACE in str(week_3["LOCATION"]) and REFERENCE in str(week_3["LOCATION"])
    assert (week_3.decoded("DTEND") - week_3.decoded("DTSTART")) == timedelta(minutes=150)
    assert [a.decoded("TRIGGER") for a in week_3.walk("VALARM")] == [timedelta(days=-1), timedelta(hours=-2)]
    assert "Grupo B" not in response.get_data(as_text=True)


def test_the_facilitators_feed_has_only_his_cohorts_workshops(client, auth, scheduled):
    auth.login("facilitadora")
    text = _feed(client, _feed_url(client)).get_data(as_text=True)
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert len(events) == 12 and all("(Grupo A)" in str(e["SUMMARY"]) for e in events)


def test_renewing_the_feed_revokes_the_old_address(client, auth, world):
    auth.login("jose")
    old = _feed_url(client)
    assert _feed(client, old).status_code == 200
    response = post_form(client, "/calendar/renew", form_url="/calendar", follow_redirects=True)
    assert "La anterior ya no funciona" in response.get_data(as_text=True)
    new = _feed_url(client)
    assert new != old
    assert _feed(client, old).status_code == 404 and _feed(client, new).status_code == 200
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "calendar_feed.renew")) is not None


def test_a_deactivated_accounts_feed_answers_nothing(client, auth, world):
    auth.login("jose")
    url = _feed_url(client)
    world.trainee.is_active = False
    db.session.commit()
    assert _feed(client, url).status_code == 404
    assert client.get("/calendar.ics?token=").status_code == 404


# ---------------------------------------------------------------- sharing by WhatsApp

def test_the_invite_is_shared_by_whatsapp_with_the_code_filled_in(client, auth, world):
    auth.login("coordinadora")
    page = client.get(f"/manage/cohorts/{world.cohort.id}").get_data(as_text=True)
    link = re.search(r'href="(https://wa\.me/\?text=[^"]+)"', page).group(1)
    assert "join%3Fcode%3DGRUPOAAA" in link and "GRUP-OAAA" in link
    assert "Copiar" in page
    auth.logout()
    auth.login("facilitadora")
    assert "wa.me/?text=" in client.get(f"/facilitate/cohorts/{world.cohort.id}").get_data(as_text=True)


def test_a_password_link_is_shared_with_its_owner_by_whatsapp(client, auth, world):
    world.trainee.phone = "987 654 321"
    db.session.commit()
    auth.login("facilitadora")
    response = post_form(client, f"/facilitate/trainees/{world.trainee.id}/reset-link", form_url="/facilitate/")
    page = response.get_data(as_text=True)
    assert 'href="https://wa.me/51987654321?text=' in page and "%2Freset%2F" in page


# ---------------------------------------------------------------- long texts and offline

def test_a_long_lesson_has_contents_reading_time_and_back_to_top(client, auth, world):
    auth.login("jose")
    page = client.get("/weeks/2").get_data(as_text=True)
    assert "Tiempo de lectura: unos" in page and 'aria-labelledby="toc-h"' in page
    assert 'href="#part-1"' in page and 'id="part-1"' in page and "Volver arriba" in page
    auth.logout()
    auth.login("facilitadora")
    guide = client.get("/facilitate/guide/2").get_data(as_text=True)
    assert 'href="#part-1"' in guide and "Volver arriba" in guide


def test_pages_say_whose_they_are_and_which_the_phone_may_keep(app, client, auth, world):
    assert client.get("/login").headers["X-Offline-Owner"] == ""
    auth.login("jose")
    lesson, quiz = client.get("/weeks/2"), client.get("/weeks/2/quiz")
    assert lesson.headers["X-Offline-Keep"] == "1" and "X-Offline-Keep" not in quiz.headers
    owner = lesson.headers["X-Offline-Owner"]
    assert owner and quiz.headers["X-Offline-Owner"] == owner and str(world.trainee.id) != owner
    other = app.test_client()
    AuthActions(other).login("carlos")
    assert other.get("/weeks/2").headers["X-Offline-Owner"] not in ("", owner)


def test_a_lesson_saved_for_offline_does_not_count_as_read(client, auth, world):
    auth.login("jose")
    assert client.get("/weeks/3", headers={"X-Offline-Save": "1"}).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(LessonView)) == 0
    client.get("/weeks/3")
    assert db.session.scalar(select(func.count()).select_from(LessonView)) == 1


def test_the_worker_manifest_and_favicon_are_served_for_everyone(client):
    worker = client.get("/sw.js")
    assert worker.mimetype == "text/javascript" and worker.headers["Cache-Control"] == "no-cache"
    script = worker.get_data(as_text=True)
    assert "__SHELL__" not in script and "/static/style.css?v=" in script and '"/offline"' in script
    manifest = client.get("/manifest.webmanifest").json
    assert manifest["display"] == "standalone" and {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon.data[:4] == b"\x00\x00\x01\x00"
    assert "Sin conexión" in client.get("/offline").get_data(as_text=True)


def test_the_usual_workshop_day_can_be_a_weekday_of_its_own(client, auth, world):
    auth.login("coordinadora")
    saturday = "5"
    assert _calendar(client, world.cohort, workshop_weekday=saturday).status_code == 302
    db.session.expire_all()
    assert world.cohort.workshop_weekday == 5
    auth.logout()
    auth.login("jose")
    assert "sábado" in client.get("/").get_data(as_text=True)  # the next workshop, whatever today is
