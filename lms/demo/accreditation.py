"""The demo's graduating class on the way to accreditation, one person at each step worth showing.

demo-graduate is accredited. Of his classmates, demo-promotor-5 and -6 are recommended and then
accredited with him as the first Network (lms/demo/network.py); -1, -2 and -7 are recommended and wait
for a coordinator (the browser journeys accredit and revoke them); -3 is eligible and recommended but
held by an open concern; -4 was accredited and is suspended while a concern raised from his
verification page is reviewed. Made through the services, once: each step is skipped when it is
already there.
"""

from sqlalchemy import select

from lms.clock import utcnow
from lms.content.model import Course
from lms.core import accreditation
from lms.core.certificates import services as certificates
from lms.core.progress import progress_of
from lms.extensions import db
from lms.models import Certificate, Concern, User

RECOMMENDED = ("demo-graduate", "demo-promotor-1", "demo-promotor-2", "demo-promotor-3", "demo-promotor-4",
               "demo-promotor-5", "demo-promotor-6", "demo-promotor-7")
CODE_ACCEPTED = RECOMMENDED
HELD = "demo-promotor-3"
SUSPENDED = "demo-promotor-4"

REASON = "Asistió a todos los talleres, acompañó a sus compañeros y respeta los acuerdos del grupo."
HELD_ACCOUNT = ("En el taller de la semana 11 contó que la semana pasada empujó a su pareja durante una "
                "discusión. Dijo que se arrepiente; se habló con él al terminar el taller.")
PUBLIC_ACCOUNT = ("Una vecina cuenta que en una reunión del barrio gritó e insultó a su expareja delante de "
                  "los niños.")


def load(people: dict[str, User], course: Course, coordinator: User, facilitator: User) -> None:
    """Bring each demo person to his step; ``people`` by username."""
    now = utcnow()
    for username in CODE_ACCEPTED:
        accreditation.accept_code_of_conduct(people[username].enrollment, course, now)
    for username in RECOMMENDED:
        enrollment = people[username].enrollment
        if accreditation.recommendation_of(enrollment) is None:
            accreditation.record_recommendation(facilitator, enrollment, course, "recommend", REASON, now)
    db.session.flush()
    held = people[HELD]
    if not _has_concern(held):
        accreditation.record_concern(facilitator, held, "disclosure", HELD_ACCOUNT, now)
    suspended = people[SUSPENDED]
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == suspended.id))
    if certificate is None:
        certificate = certificates.issue(coordinator, suspended.enrollment, course,
                                         printed_name=suspended.display_name, now=now,
                                         progress=progress_of(suspended.enrollment, course, now))
        accreditation.raise_public_concern(certificate, PUBLIC_ACCOUNT, None, now)
        db.session.flush()
        certificates.suspend(coordinator, certificate, now)
    db.session.flush()


def _has_concern(user: User) -> bool:
    return db.session.scalar(select(Concern.id).where(Concern.subject_id == user.id)) is not None
