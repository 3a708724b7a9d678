"""Demo Network: the graduated class as the first Network, with an approved plan, a season of reported
activities (accepted, returned, waiting; a four-session workshop) and a few public dates still to come.

Made through the services a promoter, a facilitator and a coordinator use; once only. The registry
entry and the resolution are marked as demo values: they are not the real ones.
"""

import random
from datetime import date, time, timedelta

from sqlalchemy import select

from lms.clock import utcnow
from lms.content.loader import current_course
from lms.core.calendar import lima_today
from lms.core.certificates import services as certificates
from lms.core.network import the_network
from lms.core.progress import progress_of
from lms.extensions import db
from lms.models import (
    AGE_BANDS,
    CERTIFICATE_IS_VALID,
    ActivityReport,
    Certificate,
    MemberPreference,
    Network,
    Plan,
    User,
)
from lms.red import services

NETWORK_NAME = ("Red Municipal de Promotores Masculinos contra la Violencia Familiar y Sexual "
                "de Carmen de la Legua Reynoso")
SECTORS = ("Sector 1", "Sector 2", "Sector 3", "Sector 4", "Sector 5", "Sector 6")
# The graduate and two classmates; the others stay at their own step of accreditation
# (lms/demo/accreditation.py): -1, -2 and -7 wait for the browser journeys, -3 is held, -4 suspended.
MEMBERS = ("demo-graduate", "demo-promotor-5", "demo-promotor-6")

# (days from today, type, title, sector, place, public, Lima time, targets: women, men)
PLANNED = (
    (-150, "charla", "Charla: crianza sin golpes para padres de familia", 0, "I.E. del sector", False, None, 20, 20),
    (-120, "feria", "Feria por el Día de la Familia", 1, "Parque principal", True, time(10), 80, 70),
    (-60, "taller", "Taller de masculinidades con jóvenes (4 sesiones)", 2, "Local comunal", False, time(18), 6, 14),
    (-45, "campana", "Campaña casa por casa: Línea 100 en cada hogar", 3, "Calles del sector", False, None, 60, 40),
    (-20, "charla", "Charla con el club deportivo", 4, "Losa deportiva", False, time(19), 5, 25),
    (6, "feria", "Feria informativa contra la violencia", 0, "Frente al mercado", True, time(10), 100, 80),
    (13, "taller", "Taller abierto: resolver conflictos en casa sin violencia", 5, "Local comunal", True,
     time(18, 30), 15, 15),
    (27, "evento", "Vigilia y caminata por una vida sin violencia", 1, "Plaza principal", True, time(17), 120, 80),
)

# (days from today, planned index or None, type, title, reporter index, people, status)
REPORTS = (
    (-150, 0, "charla", "Charla con padres de la I.E.", 1, 34, "accepted"),
    (-141, None, "casa_por_casa", "Visitas casa por casa en el sector 2", 2, 18, "accepted"),
    (-120, 1, "feria", "Feria por el Día de la Familia", 0, 146, "accepted"),
    (-112, None, "charla", "Charla en el comedor popular", 3, 22, "accepted"),
    (-98, None, "charla", "Charla en la parroquia", 4, 40, "returned"),
    (-84, None, "evento", "Cine-foro en el local comunal", 5, 31, "accepted"),
    (-60, 2, "taller", "Taller de masculinidades, sesión 1", 0, 19, "accepted"),
    (-53, 2, "taller", "Taller de masculinidades, sesión 2", 0, 17, "accepted"),
    (-46, 2, "taller", "Taller de masculinidades, sesión 3", 0, 20, "accepted"),
    (-39, 2, "taller", "Taller de masculinidades, sesión 4", 0, 16, "accepted"),
    (-45, 3, "campana", "Campaña Línea 100: primera jornada", 2, 64, "accepted"),
    (-44, 3, "campana", "Campaña Línea 100: segunda jornada", 3, 51, "accepted"),
    (-33, None, "charla", "Charla con mototaxistas", 1, 27, "accepted"),
    (-26, None, "casa_por_casa", "Visitas casa por casa en el sector 6", 5, 15, "returned"),
    (-20, 4, "charla", "Charla con el club deportivo", 4, 29, "accepted"),
    (-12, None, "charla", "Charla con madres del vaso de leche", 2, 24, "submitted"),
    (-8, None, "evento", "Partido por la igualdad", 1, 58, "submitted"),
    (-3, None, "charla", "Charla en la I.E. nocturna", 3, 21, "draft"),
)
SERIES = (6, 7, 8, 9)  # the four sessions of the same workshop group


def _split(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """``total`` people shared among groups roughly by ``weights``, adding up exactly (largest remainder)."""
    jittered = [w * rng.uniform(0.8, 1.2) for w in weights]
    raw = [total * w / sum(jittered) for w in jittered]
    parts = [int(x) for x in raw]
    for i in sorted(range(len(parts)), key=lambda i: raw[i] - parts[i], reverse=True)[:total - sum(parts)]:
        parts[i] += 1
    return parts


def counts(total: int, rng: random.Random, women_share: float = 0.55, youth: bool = False) -> dict[str, int]:
    """Participants by sex and by age band, both adding up to ``total``."""
    women, men, unstated = _split(total, [women_share, 1 - women_share - 0.03, 0.03], rng)
    ages = [0.1, 0.45, 0.3, 0.1, 0.05] if youth else [0.12, 0.13, 0.25, 0.4, 0.1]
    return {"women": women, "men": men, "sex_unstated": unstated, **dict(zip(AGE_BANDS, _split(total, ages, rng)))}


def _accredit(users: dict[str, User], coordinator: User) -> list[User]:
    course = current_course()
    members = []
    for username in MEMBERS:
        user = users.get(username) or db.session.scalar(select(User).where(User.username == username))
        if user is None:
            continue
        holds = db.session.scalar(select(Certificate.id).where(Certificate.user_id == user.id,
                                                               CERTIFICATE_IS_VALID))
        if holds is None:
            now = utcnow()
            progress = progress_of(user.enrollment, course, now)
            if not progress.is_complete:
                continue
            certificates.issue(coordinator, user.enrollment, course, printed_name=user.display_name, now=now,
                               progress=progress)
        members.append(user)
    return members


def load(users: dict[str, User]) -> list[str]:
    """The demo Network, once: a second run finds it and changes nothing."""
    if the_network() is not None:
        return []
    coordinator, facilitator = users["demo-coordinator"], users["demo-facilitator"]
    members = _accredit(users, coordinator)
    if not members:
        return []
    network = Network(name=NETWORK_NAME, district="Carmen de la Legua Reynoso (Callao)",
                      registry_entry="Partida electrónica 00000000 (dato de demostración)",
                      resolution_number="Resolución de Alcaldía N.° 000-2026 (dato de demostración)",
                      resolution_date=lima_today() - timedelta(days=200), coordinator_id=coordinator.id)
    db.session.add(network)
    db.session.flush()
    sectors = [services.add_sector(network, name) for name in SECTORS]
    db.session.flush()
    today, now, rng = lima_today(), utcnow(), random.Random(22)

    plans: dict[int, Plan] = {}

    def plan_for(day: date) -> Plan:
        if day.year not in plans:
            plans[day.year] = services.start_plan(coordinator, network, day.year)
            db.session.flush()
        return plans[day.year]

    planned = []
    for offset, kind, title, sector, place, public, at, women, men in PLANNED:
        day = today + timedelta(days=offset)
        targets = {"women": women, "men": men}
        activity = services.save_planned_activity(
            members[offset % len(members)], plan_for(day), None,
            {"kind": kind, "title": title, "month": day.month, "starts_on": day, "starts_at": at,
             "duration_minutes": 120, "sector_id": sectors[sector].id, "place_reference": place,
             "audience": "Familias del distrito" if public else "Vecinos y vecinas del sector", "targets": targets,
             "resources": "Material impreso, equipo de sonido", "budget_soles": None,
             "partners": ["demuna", "cem"] if public else ["health_centre"], "other_partners": "",
             "is_public": public},
            members[:2] if public else [members[offset % len(members)]])
        planned.append(activity)
    db.session.flush()
    for plan in plans.values():
        services.advance_plan(coordinator, plan, now)

    made = []
    for number, (offset, planned_index, kind, title, who, people, status) in enumerate(REPORTS):
        reporter = members[who % len(members)]
        day = today + timedelta(days=offset)
        report = services.report_for_key(reporter, f"demo{number:04d}")
        link = planned[planned_index] if planned_index is not None else None
        data = {"kind": kind, "title": title, "held_on": day, "duration_minutes": 90 + 30 * (number % 3),
                "sector_id": sectors[number % len(sectors)].id if link is None else link.sector_id,
                "place_reference": link.place_reference if link else "Local comunal",
                "planned_activity_id": link.id if link and link.plan.year == day.year else None,
                "first_session_id": made[SERIES[0]].id if number in SERIES[1:] else None,
                **counts(people, rng, youth=kind == "taller"),
                "referred_cem": rng.choice([0, 0, 1]), "referred_linea100": rng.choice([0, 1, 2]),
                "referred_demuna": rng.choice([0, 0, 1]), "referred_health": rng.choice([0, 1]),
                "materials": "Rotafolio, trípticos de la Línea 100",
                "description": "Se conversó sobre las señales de la violencia y a dónde acudir.", "incidents": ""}
        if status == "draft":
            services.save_draft(report, data, now)
        else:
            services.submit_report(report, data, today, now)
            db.session.flush()
            if status != "submitted":
                comment = ("Gracias. Revisa los conteos por edad: no coinciden con lo que describes."
                           if status == "returned" else "")
                services.review_report(facilitator, report, status, comment, now)
        db.session.flush()
        made.append(report)
    for member in members[:3]:
        db.session.add(MemberPreference(user_id=member.id, is_named_on_agenda=True))
    db.session.flush()
    accepted = sum(1 for r in made if db.session.get(ActivityReport, r.id).status == "accepted")
    return [f"the Network: {len(members)} promoters, {len(made)} activity reports ({accepted} accepted), "
            f"{sum(1 for p in PLANNED if p[5] and p[0] > 0)} public dates on /agenda"]
