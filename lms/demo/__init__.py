"""Demo data: cohorts, one account of every role, a trainee halfway and a graduate.

Idempotent: every object is looked up by its natural key before it is created, so running the
command again changes nothing.
"""

import secrets
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms.auth.services import join_cohort
from lms.clock import utcnow
from lms.core.accounts import create_user
from lms.core.calendar import lima_today, week_opens_at
from lms.core.secrets import instance_secret
from lms.extensions import db
from lms.manage.services import create_cohort, format_invite_code
from lms.models import Cohort, Role, User


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    cohort: str | None = None


COHORT_A = "Carmen de la Legua 2026 — Grupo A"
COHORT_B = "Carmen de la Legua 2026 — Grupo B"
COHORT_DONE = "Carmen de la Legua 2026 — Promoción I"

ACCOUNTS = (
    DemoAccount("demo-admin", "Rosa Quispe Huamán", Role.ADMIN),
    DemoAccount("demo-coordinator", "Lucía Fernández Salas", Role.COORDINATOR),
    DemoAccount("demo-verifier", "Jorge Medina Ríos", Role.VERIFIER),
    DemoAccount("demo-facilitator", "Martín Córdova Paredes", Role.FACILITATOR),
    DemoAccount("demo-facilitator-2", "Óscar Villanueva Díaz", Role.FACILITATOR),
    DemoAccount("demo-trainee", "José Luis Ramírez Ñahui", Role.TRAINEE, COHORT_A),
    DemoAccount("demo-trainee-2", "Carlos Alberto Peña Soto", Role.TRAINEE, COHORT_B),
    DemoAccount("demo-graduate", "Juan Carlos Huamaní Torres", Role.TRAINEE, COHORT_DONE),
)

# (name, days since the first workshop, facilitator)
COHORTS = (
    (COHORT_A, 21, "demo-facilitator"),   # weeks 1–4 open
    (COHORT_B, 21, "demo-facilitator-2"),
    (COHORT_DONE, 100, "demo-facilitator"),  # all twelve weeks past
)


def demo_password() -> str:
    """LMS_DEMO_PASSWORD if set, else a random one kept in instance/ so that every run prints the same."""
    configured = current_app.config.get("DEMO_PASSWORD")
    if configured:
        return str(configured)
    return instance_secret(Path(current_app.instance_path) / "demo_password", lambda: "demo-" + secrets.token_urlsafe(9))


def _cohort(name: str, days_ago: int, facilitator: User, coordinator: User) -> Cohort:
    """The coordinator creates the cohort, as on the Manage page (audited)."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == name))
    if cohort is None:
        cohort = create_cohort(coordinator, name=name, start_date=lima_today() - timedelta(days=days_ago),
                               course_slug=current_app.config["COURSE_SLUG"], facilitator_ids=[facilitator.id],
                               now=utcnow(), invite_days=365)
        # The usual workshop, as the coordinator sets it on the cohort's calendar page.
        cohort.workshop_time = time(16, 0)
        cohort.workshop_place = "Local comunal del barrio (dirección de ejemplo)"
        cohort.workshop_place_note = "Frente al parque, al lado de la posta"
    return cohort


def _account(spec: DemoAccount, password: str, cohorts: dict[str, Cohort], admin: User | None) -> User:
    """Staff accounts are created by the administrator; a trainee joins with his cohort's invite code."""
    user = db.session.scalar(select(User).where(User.username == spec.username))
    if user is None and spec.cohort:
        # He joined on the cohort's first workshop day, so every workshop applies to him.
        user = join_cohort(code=cohorts[spec.cohort].invite_code, display_name=spec.display_name,
                           username=spec.username, password=password, locale="es",
                           now=week_opens_at(cohorts[spec.cohort], 1, {}))
    elif user is None:
        user = create_user(username=spec.username, display_name=spec.display_name, password=password,
                           role=spec.role, actor=admin)
    elif not user.check_password(password):
        user.set_password(password)
    db.session.flush()
    return user


def load_demo() -> str:
    """Create (or find) the demo data and return what to print: accounts, password, codes."""
    password = demo_password()
    users: dict[str, User] = {}
    staff = [spec for spec in ACCOUNTS if not spec.cohort]
    for spec in staff:  # the administrator first: he creates the others
        users[spec.username] = _account(spec, password, {}, users.get("demo-admin"))
    cohorts = {name: _cohort(name, days, users[fac], users["demo-coordinator"]) for name, days, fac in COHORTS}
    for spec in ACCOUNTS:
        if spec.cohort:
            users[spec.username] = _account(spec, password, cohorts, None)

    from lms.demo import progress as demo_progress
    extra = demo_progress.load(users, cohorts, password)
    from lms.demo import quizzes as demo_quizzes
    demo_quizzes.load(cohorts[COHORT_B], users["demo-facilitator-2"], demo_progress.current_course(),
                      users["demo-trainee-2"].password_hash, cohorts[COHORT_DONE])
    from lms.demo import network as demo_network
    extra += demo_network.load(users)
    db.session.commit()

    lines = ["Demo accounts (password for all: " + password + "):"]
    lines += [f"  {spec.username:<20} {spec.role}" for spec in ACCOUNTS]
    lines.append(f"invite code: {format_invite_code(cohorts[COHORT_A].invite_code)}")
    lines += extra
    return "\n".join(lines)
