"""La Red: accredited promoters plan, report and are counted; facilitators review; the municipality reads."""

import csv
import io
import re
from datetime import date, datetime, timedelta

import icalendar
import pytest
from helpers import complete_course, csrf_token
from sqlalchemy import func, select

from lms.clock import utcnow
from lms.content.loader import current_course
from lms.core.calendar import LIMA, lima_today
from lms.core.certificates import services as certificates
from lms.core.network import months_before, network_status
from lms.core.progress import progress_of
from lms.extensions import db
from lms.models import (
    ActivityReport,
    AuditEvent,
    MemberPreference,
    Network,
    Plan,
    PlannedActivity,
    PlanStatus,
    ReportStatus,
    Sector,
)
from lms.red import services


@pytest.fixture
def network(world):
    """José finished the course and was accredited; the Network has its record, two sectors and an approved plan."""
    complete_course(world)
    now = utcnow()
    enrollment = world.trainee.enrollment
    certificates.issue(world.coordinator, enrollment, current_course(), printed_name=world.trainee.display_name,
                       now=now, progress=progress_of(enrollment, current_course(), now))
    record = Network(name="Red Municipal de Promotores", district="Carmen de la Legua Reynoso",
                     registry_entry="Partida 11223344", resolution_number="RA 123-2026",
                     resolution_date=date(2026, 3, 8), coordinator_id=world.coordinator.id)
    db.session.add(record)
    db.session.flush()
    db.session.add_all([Sector(network_id=record.id, name="Sector 1"), Sector(network_id=record.id, name="Sector 2")])
    db.session.commit()
    return record


def _sector(name="Sector 1") -> int:
    return db.session.scalar(select(Sector.id).where(Sector.name == name))


def _approved_plan(network, world, year: int, **activity) -> PlannedActivity:
    plan = db.session.scalar(select(Plan).where(Plan.year == year)) or services.start_plan(world.coordinator, network,
                                                                                            year)
    db.session.flush()
    data = {"kind": "feria", "title": "Feria de la familia", "month": 6, "starts_on": None, "starts_at": None,
            "duration_minutes": 120, "sector_id": _sector(), "place_reference": "Parque", "audience": "Familias",
            "targets": {"women": 30, "men": 20}, "resources": "", "budget_soles": None, "partners": ["demuna"],
            "other_partners": "", "is_public": False} | activity
    planned = services.save_planned_activity(world.coordinator, plan, None, data, [world.trainee])
    if plan.status == PlanStatus.DRAFT:
        services.advance_plan(world.coordinator, plan, utcnow())
    db.session.commit()
    return planned


def _people(women=10, men=8, unstated=0, ages=(2, 3, 5, 6, 2)) -> dict:
    return {"women": women, "men": men, "sex_unstated": unstated,
            **dict(zip(("age_0_11", "age_12_17", "age_18_29", "age_30_59", "age_60_plus"), ages))}


def _report_form(day: date, **fields) -> dict:
    form = {"kind": "charla", "title": "Charla en el comedor", "held_on": day.isoformat(), "duration_minutes": "90",
            "sector_id": str(_sector()), "place_reference": "Comedor popular", "planned_activity_id": "0",
            "first_session_id": "0", "materials": "Trípticos", "description": "Conversamos sobre la Línea 100.",
            "incidents": "", "referred_cem": "0", "referred_linea100": "1", "referred_demuna": "0",
            "referred_health": "0", "action": "submit", **{k: str(v) for k, v in _people().items()}}
    form.update({k: str(v) for k, v in fields.items()})
    return form


def _send(client, form: dict, url: str = "/red/actividades/nueva"):
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="draft_key" type="hidden" value="([^"]*)"', page).group(1)
    return client.post(url, data={"csrf_token": csrf_token(client, url), "draft_key": key, **form})


def _accepted(world, day: date, first=None, **counts) -> ActivityReport:
    """An activity José reported and the coordinator accepted."""
    reporter = world.trainee
    report = services.report_for_key(reporter, f"k{db.session.scalar(select(func.count(ActivityReport.id)))}x0000")
    data = {"kind": "taller", "title": "Taller", "held_on": day, "duration_minutes": 120, "sector_id": _sector(),
            "first_session_id": first.id if first else None, **_people(**counts)}
    services.submit_report(report, data, lima_today(), utcnow())
    db.session.flush()
    services.review_report(world.coordinator, report, "accepted", "", utcnow())
    db.session.commit()
    return report


# ---------------------------------------------------------------- 1. membership


def test_an_accredited_promoters_home_shows_the_network_first_and_the_course_stays_readable(network, world, auth,
                                                                                          client):
    auth.login("jose")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/red/"' in home
    assert home.index('href="/red/"') < home.index("/certificate")
    assert client.get("/weeks/3").status_code == 200
    red = client.get("/red/").get_data(as_text=True)
    assert "Partida 11223344" in red and "RA 123-2026" in red and "Red Municipal de Promotores" in red


def test_a_revoked_promoter_can_no_longer_report_nor_read_the_network(network, world, auth, client):
    certificate = db.session.scalar(select(certificates.Certificate).where(
        certificates.Certificate.user_id == world.trainee.id))
    auth.login("jose")
    token = csrf_token(client, "/red/actividades/nueva")
    certificates.revoke(world.coordinator, certificate, "error_emision", utcnow())
    db.session.commit()
    assert client.get("/red/").status_code == 403
    assert client.get("/red/actividades/nueva").status_code == 403
    response = client.post("/red/actividades/nueva", data={"csrf_token": token, "draft_key": "abcdef123456",
                                                           **_report_form(lima_today())})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(ActivityReport.id))) == 0
    assert 'href="/red/"' not in client.get("/").get_data(as_text=True)


def test_a_trainee_without_a_certificate_and_the_verifier_do_not_see_the_networks_inside(network, world, auth,
                                                                                       client):
    auth.login("carlos")
    for url in ("/red/", "/red/plan", "/red/actividades", "/red/actividades/nueva", "/red/informe"):
        assert client.get(url).status_code == 403, url
    auth.logout()
    auth.login("municipio")
    assert client.get("/red/plan").status_code == 403
    assert client.get("/red/informe").status_code == 200


# ---------------------------------------------------------------- 3. reporting an activity


def test_a_promoter_saves_a_draft_comes_back_and_sends_it(network, world, auth, client):
    auth.login("jose")
    response = _send(client, _report_form(lima_today(), action="save", women="", title="Charla a medias"))
    assert response.status_code == 302
    report = db.session.scalar(select(ActivityReport))
    assert report.status == ReportStatus.DRAFT and report.title == "Charla a medias"
    page = client.get(f"/red/actividades/{report.id}").get_data(as_text=True)
    assert 'value="Charla a medias"' in page
    response = client.post(f"/red/actividades/{report.id}", data={
        "csrf_token": csrf_token(client, f"/red/actividades/{report.id}"), "draft_key": report.draft_key,
        **_report_form(lima_today())})
    assert response.status_code == 302
    db.session.expire_all()
    assert report.status == ReportStatus.SUBMITTED and report.participants == 18


def test_two_clicks_on_save_make_one_draft(network, world, auth, client):
    auth.login("jose")
    url = "/red/actividades/nueva"
    token = csrf_token(client, url)
    form = {"csrf_token": token, "draft_key": "clave0123456789", **_report_form(lima_today(), action="save")}
    client.post(url, data=form)
    client.post(url, data=form)
    assert db.session.scalar(select(func.count(ActivityReport.id))) == 1


@pytest.mark.parametrize("bad, message", [
    ({"women": "-3"}, "0 or more"),
    ({"women": "20"}, "do not add up"),
    ({"held_on": (lima_today() + timedelta(days=3)).isoformat()}, "in the future"),
])
def test_bad_counts_or_dates_get_a_clear_message_and_nothing_typed_is_lost(network, world, auth, client, bad,
                                                                          message):
    auth.login("jose")
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/red/")})
    response = _send(client, _report_form(lima_today(), title="Mi charla del martes", **bad))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Mi charla del martes"' in page and f'value="{next(iter(bad.values()))}"' in page
    report = db.session.scalar(select(ActivityReport))
    assert report.status == ReportStatus.DRAFT and report.title == "Mi charla del martes"


def test_a_report_dated_outside_its_plans_year_is_refused(network, world, auth, client):
    year = lima_today().year
    planned = _approved_plan(network, world, year - 1)
    auth.login("jose")
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/red/")})
    response = _send(client, _report_form(lima_today(), planned_activity_id=planned.id))
    assert response.status_code == 422
    assert f"plan's year ({year - 1})" in response.get_data(as_text=True).replace("&#39;", "'")


# ---------------------------------------------------------------- review


def test_his_facilitator_accepts_a_report_and_another_facilitator_cannot_see_it(network, world, auth, client):
    auth.login("jose")
    _send(client, _report_form(lima_today()))
    report = db.session.scalar(select(ActivityReport))
    auth.logout()
    auth.login("facilitador-b")
    assert client.get(f"/red/actividades/{report.id}").status_code == 404
    assert client.post(f"/red/actividades/{report.id}/revision", data={
        "csrf_token": csrf_token(client, "/red/actividades"), "decision": "accepted"}).status_code == 404
    auth.logout()
    auth.login("facilitadora")
    assert "Charla en el comedor" in client.get("/red/actividades?estado=submitted").get_data(as_text=True)
    url = f"/red/actividades/{report.id}"
    assert client.post(f"{url}/revision", data={"csrf_token": csrf_token(client, url),
                                                "decision": "returned", "comment": ""}).status_code == 422
    client.post(f"{url}/revision", data={"csrf_token": csrf_token(client, url), "decision": "accepted"})
    db.session.expire_all()
    assert report.status == ReportStatus.ACCEPTED and report.reviewed_by_id == world.facilitator.id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "network.report.accepted")) is not None


def test_a_returned_report_goes_back_to_the_promoter_with_the_comment(network, world, auth, client):
    auth.login("jose")
    _send(client, _report_form(lima_today()))
    report = db.session.scalar(select(ActivityReport))
    services.review_report(world.coordinator, report, "returned", "Faltan los materiales.", utcnow())
    db.session.commit()
    page = client.get(f"/red/actividades/{report.id}").get_data(as_text=True)
    assert "Faltan los materiales." in page and 'name="action" value="submit"' in page


# ---------------------------------------------------------------- 2. the plan


def test_promoters_propose_a_coordinator_approves_and_later_changes_are_audited(network, world, auth, client):
    year = lima_today().year
    plan = services.start_plan(world.coordinator, network, year)
    db.session.commit()
    auth.login("jose")
    url = f"/red/plan/{plan.id}/actividades/nueva"
    form = {"csrf_token": csrf_token(client, url), "kind": "campana", "title": "Campaña Línea 100", "month": "9",
            "sector_id": str(_sector()), "place_reference": "Mercado", "promoters": str(world.trainee.id),
            "audience": "Comerciantes", "women": "40", "men": "30", "sex_unstated": "0", "partners": ["cem", "parish"],
            "resources": "Volantes", "budget_soles": "150.50"}
    assert client.post(url, data=form).status_code == 302
    activity = db.session.scalar(select(PlannedActivity))
    assert activity.targets == {"women": 40, "men": 30} and activity.partners == ["cem", "parish"]
    auth.logout()
    auth.login("coordinadora")
    client.post(f"/red/plan/{plan.id}/estado", data={"csrf_token": csrf_token(client, "/red/plan")})
    db.session.expire_all()
    assert plan.status == PlanStatus.APPROVED
    auth.logout()
    auth.login("jose")
    assert client.get(f"/red/plan/actividades/{activity.id}").status_code == 403
    auth.logout()
    auth.login("coordinadora")
    change_url = f"/red/plan/actividades/{activity.id}"
    client.post(change_url, data={**form, "csrf_token": csrf_token(client, change_url), "month": "10"})
    change = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "network.plan.activity_changed"))
    assert change.details["changes"]["month"] == [9, 10]


def test_a_planned_date_outside_the_plans_year_is_refused_and_kept(network, world, auth, client):
    plan = services.start_plan(world.coordinator, network, 2030)
    db.session.commit()
    auth.login("coordinadora")
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/red/")})
    url = f"/red/plan/{plan.id}/actividades/nueva"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "kind": "feria", "title": "Feria",
                                      "month": "0", "starts_on": "2031-02-01", "sector_id": "0"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "plan's year (2030)" in page.replace("&#39;", "'") and 'value="2031-02-01"' in page


# ---------------------------------------------------------------- 4. reach


def test_a_workshop_of_four_sessions_counts_its_group_once_and_only_accepted_reports_count(network, world):
    today = lima_today()
    day = today - timedelta(days=40) if today.month > 2 else today - timedelta(days=1)
    first = _accepted(world, day, women=8, men=10, ages=(0, 12, 6, 0, 0))
    for n, (women, men) in enumerate([(9, 11), (7, 9), (8, 12)], start=1):
        _accepted(world, day + timedelta(days=n), first=first, women=women, men=men,
                  ages=(0, 12, women + men - 12, 0, 0))
    waiting = services.report_for_key(world.trainee, "pendiente0001")
    services.submit_report(waiting, {"kind": "charla", "title": "x", "held_on": day, "duration_minutes": 60,
                                     "sector_id": _sector(), **_people()}, today, utcnow())
    db.session.commit()
    figures = services.network_report(network, services.Period("year", day.year), today)
    assert figures.total.sessions == 4
    assert figures.total.direct_total == 18 + 20 + 16 + 20
    assert figures.total.reached_total == 20  # the largest session of the one group
    assert figures.total.reached["women"] == 9 and figures.total.reached["men"] == 11
    assert figures.total.groups == 1


def test_plan_against_done_compares_each_target_with_the_people_reached(network, world):
    today = lima_today()
    planned = _approved_plan(network, world, today.year, month=today.month)
    report = services.report_for_key(world.trainee, "planificada01")
    services.submit_report(report, {"kind": "feria", "title": "Feria", "held_on": today, "duration_minutes": 60,
                                    "sector_id": _sector(), "planned_activity_id": planned.id,
                                    **_people(women=25, men=15, ages=(5, 5, 10, 15, 5))}, today, utcnow())
    services.review_report(world.coordinator, report, "accepted", "", utcnow())
    db.session.commit()
    figures = services.network_report(network, services.Period("month", today.year, today.month), today)
    (activity, tally, target), = figures.planned
    assert activity.id == planned.id and target == 50 and tally.reached_total == 40
    assert figures.targets["women"] == (30, 25) and figures.targets["men"] == (20, 15)


def test_a_promoter_is_active_with_an_accepted_activity_in_the_last_six_months(network, world):
    today = lima_today()
    assert network_status([world.trainee.id], today) == {world.trainee.id: "inactive"}
    _accepted(world, months_before(today, 5))
    assert network_status([world.trainee.id], today) == {world.trainee.id: "active"}
    assert network_status([world.trainee.id], months_before(today, -2)) == {world.trainee.id: "inactive"}


def test_months_before_keeps_the_day_inside_a_shorter_month():
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 6) == date(2025, 9, 15)


# ---------------------------------------------------------------- 5. the municipality's report


def test_the_municipality_reads_the_report_with_its_charts_pdf_and_a_csv_without_names(network, world, auth,
                                                                                     client):
    _accepted(world, lima_today())
    auth.login("municipio")
    page = client.get("/red/informe").get_data(as_text=True)
    assert "Partida 11223344" in page and "<svg" in page and "IFRC" in page
    assert len(page.encode()) < 30 * 1024
    pdf = client.get("/red/informe.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    raw = client.get("/red/informe.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert rows[0][:4] == ["actividad", "primera_sesion", "fecha", "tipo"] and len(rows) == 2
    assert "José" not in raw and "Ñahui" not in raw and "jose" not in raw and "Taller" not in raw
    for period in ("?periodo=month&year=2026&n=2", "?periodo=quarter&year=2026&n=4", "?periodo=month&n=13&year=x"):
        assert client.get("/red/informe" + period).status_code == 200


def test_the_registry_shows_each_promoters_network_status(network, world, auth, client):
    auth.login("municipio")
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/verify/registry")})
    assert "inactive" in client.get("/verify/registry?q=jose").get_data(as_text=True).split("Ñahui")[1]
    _accepted(world, lima_today())
    row = client.get("/verify/registry?q=jose").get_data(as_text=True).split("Ñahui")[1]
    assert ">active<" in row.replace(" ", "") or "active</td>" in row
    sheet = client.get("/verify/registry.csv").data.decode("utf-8-sig")
    assert sheet.splitlines()[0].endswith("estado_red") and sheet.splitlines()[1].endswith(";active")  # the reader chose English (issue 17)


# ---------------------------------------------------------------- 6. the public agenda


def test_the_public_agenda_and_its_feed_show_open_activities_naming_only_a_consenting_promoters_first_name(
        network, world, client):
    soon = lima_today() + timedelta(days=10)
    if soon.year != lima_today().year:
        soon = lima_today()
    from datetime import time
    _approved_plan(network, world, soon.year, title="Feria, campaña; y algo más", month=soon.month, starts_on=soon,
                   starts_at=time(10, 30), is_public=True)
    _approved_plan(network, world, soon.year, title="Reunión interna", month=soon.month, starts_on=soon)
    page = client.get("/agenda").get_data(as_text=True)
    assert "Feria, campaña; y algo más" in page and "Reunión interna" not in page and "José" not in page
    db.session.add(MemberPreference(user_id=world.trainee.id, is_named_on_agenda=True))
    db.session.commit()
    assert "José" in client.get("/agenda").get_data(as_text=True)
    feed = client.get("/agenda.ics")
    assert feed.mimetype == "text/calendar"
    assert all(len(line) <= 75 for line in feed.data.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(feed.data)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    event = events[0]
    assert "Feria, campaña; y algo más" in str(event["SUMMARY"]) and event.get("UID") and event.get("DTSTAMP")
    assert event.decoded("DTSTART") == datetime.combine(soon, time(10, 30), tzinfo=LIMA)
    assert "José" in str(event["DESCRIPTION"]) and "Ñahui" not in feed.data.decode()


def test_the_public_agenda_costs_the_same_queries_for_one_open_activity_as_for_thirty(network, world, client):
    from helpers import count_queries
    soon = lima_today() + timedelta(days=3)
    db.session.add(MemberPreference(user_id=world.trainee.id, is_named_on_agenda=True))

    def cost(url):
        client.get(url)
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return queries["n"]

    _approved_plan(network, world, soon.year, title="Feria 0", month=soon.month, starts_on=soon, is_public=True)
    one = {url: cost(url) for url in ("/agenda", "/agenda.ics")}
    for n in range(1, 30):
        _approved_plan(network, world, soon.year, title=f"Feria {n}", month=soon.month, starts_on=soon, is_public=True)
    page = client.get("/agenda").get_data(as_text=True)
    assert "Feria 29" in page and "José" in page
    assert {url: cost(url) for url in one} == one


def test_a_promoter_chooses_whether_his_first_name_appears_on_the_agenda(network, world, auth, client):
    auth.login("jose")
    client.post("/red/preferencias", data={"csrf_token": csrf_token(client, "/red/"), "is_named_on_agenda": "y"})
    assert db.session.get(MemberPreference, world.trainee.id).is_named_on_agenda is True
    client.post("/red/preferencias", data={"csrf_token": csrf_token(client, "/red/")})
    db.session.expire_all()
    assert db.session.get(MemberPreference, world.trainee.id).is_named_on_agenda is False


def test_the_annual_plan_costs_the_same_queries_for_one_activity_as_for_twelve(network, world, auth, client):
    """Each activity names its sector and its promoters: they come for all the activities at once."""
    from helpers import count_queries
    year = lima_today().year
    _approved_plan(network, world, year, title="Actividad 0")
    auth.login("coordinadora")

    def cost():
        client.get(f"/red/plan?year={year}")
        with count_queries() as queries:
            page = client.get(f"/red/plan?year={year}")
        assert page.status_code == 200
        return queries["n"], page.get_data(as_text=True)

    one, _ = cost()
    for n in range(1, 12):
        _approved_plan(network, world, year, title=f"Actividad {n}", month=1 + n % 12,
                       sector_id=_sector("Sector 2" if n % 2 else "Sector 1"))
    twelve, page = cost()
    assert "Actividad 11" in page and "Sector 2" in page and "José Ñahui" in page
    assert twelve == one, f"{one} queries for one activity, {twelve} for twelve"
