"""Demo data: cohorts, one account of every role, a trainee halfway and a graduate.

Idempotent: every object is looked up by its natural key before it is created, so running the
command again changes nothing.
"""

import os
import secrets
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms.clock import utcnow
from lms.core.calendar import lima_today
from lms.extensions import db
from lms.manage.services import format_invite_code, new_invite_code
from lms.models import Cohort, Enrollment, Role, User


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
    path = Path(current_app.instance_path) / "demo_password"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("demo-" + secrets.token_urlsafe(9))
    return path.read_text().strip()


def _cohort(name: str, days_ago: int, facilitator: User) -> Cohort:
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == name))
    if cohort is None:
        cohort = Cohort(name=name, course_slug=current_app.config["COURSE_SLUG"],
                        start_date=lima_today() - timedelta(days=days_ago), invite_code=new_invite_code(),
                        invite_expires_dt=utcnow() + timedelta(days=365),
                        facilitators=[facilitator], workshop_time=time(16, 0),
                        workshop_place="Local comunal del barrio (dirección de ejemplo)",
                        workshop_place_note="Frente al parque, al lado de la posta")
        db.session.add(cohort)
        db.session.flush()
    return cohort


def _account(spec: DemoAccount, password: str) -> User:
    user = db.session.scalar(select(User).where(User.username == spec.username))
    if user is None:
        user = User(username=spec.username, display_name=spec.display_name, role=str(spec.role))
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
    elif not user.check_password(password):
        user.set_password(password)
    return user


def load_demo() -> str:
    """Create (or find) the demo data and return what to print: accounts, password, codes."""
    password = demo_password()
    users = {spec.username: _account(spec, password) for spec in ACCOUNTS}
    cohorts = {name: _cohort(name, days, users[fac]) for name, days, fac in COHORTS}
    for spec in ACCOUNTS:
        if spec.cohort and users[spec.username].enrollment is None:
            db.session.add(Enrollment(user=users[spec.username], cohort=cohorts[spec.cohort]))
    db.session.flush()

    from lms.demo import progress as demo_progress
    extra = demo_progress.load(users, cohorts)
    db.session.commit()

    lines = ["Demo accounts (password for all: " + password + "):"]
    lines += [f"  {spec.username:<20} {spec.role}" for spec in ACCOUNTS]
    lines.append(f"invite code: {format_invite_code(cohorts[COHORT_A].invite_code)}")
    lines += extra
    return "\n".join(lines)
