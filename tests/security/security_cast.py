"""The cast of the security stories: cohort A with a graduate's whole history, cohort B beside it.

Not a conftest (a second ``conftest`` module would shadow ``tests/conftest.py`` for the modules
that do ``from helpers import …``): the test modules import the ``cast`` fixture from here.

Cohort A ("Grupo A") started 120 days ago, so every week is open. Its trainee José completed all
twelve weeks (lesson, quiz attempt 1, accepted reflection, attendance, both surveys) and holds a
certificate; a one-time password link was made for him, and his facilitator recorded a concern about him. Cohort B ("Grupo B") started 21 days ago,
so weeks 1–4 are open; its trainee Carlos has done nothing yet. Every URL parameter is filled with
an object of cohort A: the "own" cohort of the trainee and the facilitator.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from helpers import PASSWORD, AuthActions, World, complete_course
from sqlalchemy import func, select

from lms.content.loader import current_course
from lms.core import accreditation
from lms.core.accounts import make_reset_link_token
from lms.core.certificates import services as certificates
from lms.core.progress import progress_of
from lms.extensions import db
from lms.models import QuizAttempt, Reflection, ReflectionVersion, User

# Every kind of visitor, in the column order of the tables, with the account each one logs in with.
VISITORS = {
    "anonymous": None,
    "trainee": "jose",                     # cohort A
    "trainee_b": "carlos",                 # trainee of another cohort (B)
    "facilitator": "facilitadora",         # facilitator of cohort A
    "facilitator_b": "facilitador-b",      # facilitator of another cohort (B)
    "coordinator": "coordinadora",
    "verifier": "municipio",
    "admin": "admin",
}

WEEK = 2  # an open week in both cohorts (and not week 1, whose lesson first asks for the surveys)


@dataclass
class Cast:
    world: World
    week: int
    enrollment_id: int
    attempt_id: int          # José's graded quiz attempt of WEEK
    attempt_number: int
    version_id: int          # José's accepted reflection version of WEEK
    certificate_id: int
    certificate_code: str
    reset_token: str         # an unused password link for José
    survey_phase: str
    survey_id: str
    concern_id: int          # a concern a facilitator of cohort A recorded about José
    network_ids: dict        # La Red: José's sent report, the draft plan, the activity he proposed, a sector

    def url_values(self, rule) -> dict:
        """The value of every URL parameter of ``rule``, taken from cohort A."""
        item_id = self.version_id if rule.endpoint == "facilitate.review" else self.attempt_id
        return {
            "number": self.week,
            "attempt_number": self.attempt_number,
            "cohort_id": self.world.cohort.id,
            "trainee_id": self.world.trainee.id,
            "user_id": self.world.trainee.id,
            "item_id": item_id,
            "certificate_id": self.certificate_id,
            "code": self.certificate_code,
            "token": self.reset_token,
            "phase": self.survey_phase,
            "survey_id": self.survey_id,
            "concern_id": self.concern_id,
            **self.network_ids,
        }

    def url(self, rule, **overrides) -> str:
        """``rule`` with its parameters filled in; a parameter nobody knows fails with its name."""
        values = self.url_values(rule) | overrides

        def value(match):
            name = match.group(1)
            if name not in values:
                raise AssertionError(f"no value for <{name}> of {rule.rule}: add one to Cast.url_values "
                                     "in tests/security/security_cast.py")
            return str(values[name])

        return re.sub(r"<(?:[^:<>]+:)?(\w+)>", value, rule.rule)


@pytest.fixture
def cast(world) -> Cast:
    course = current_course()
    complete_course(world)
    now = datetime.now(timezone.utc)
    enrollment = world.trainee.enrollment
    certificate = certificates.issue(world.coordinator, enrollment, course, printed_name=world.trainee.display_name,
                                     now=now, progress=progress_of(enrollment, course, now))
    token = make_reset_link_token(world.coordinator, world.trainee, now, 72)
    concern = accreditation.record_concern(world.facilitator, world.trainee, "other",
                                           "Llegó tarde y molesto; dijo que discutió en casa.", now)
    db.session.commit()
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.enrollment_id == enrollment.id,
                                                          QuizAttempt.week == WEEK))
    version = db.session.scalar(select(ReflectionVersion).join(Reflection)
                                .where(Reflection.enrollment_id == enrollment.id, Reflection.week == WEEK))
    return Cast(world=world, week=WEEK, enrollment_id=enrollment.id, attempt_id=attempt.id,
                attempt_number=attempt.number, version_id=version.id, certificate_id=certificate.id,
                certificate_code=certificate.code, reset_token=token, survey_phase="pre",
                survey_id=course.surveys[0].id, concern_id=concern.id,
                network_ids=_network(world, now))



def _network(world: World, now) -> dict:
    """The Network's record and a sector; a draft plan with an activity José proposed; a report he sent."""
    from lms.core.calendar import lima_today
    from lms.models import Network, Sector
    from lms.red import services as red
    network = Network(name="Red de prueba", district="Carmen de la Legua Reynoso")
    db.session.add(network)
    db.session.flush()
    sector = Sector(network_id=network.id, name="Sector 1")
    db.session.add(sector)
    plan = red.start_plan(world.coordinator, network, lima_today().year)
    db.session.flush()
    activity = red.save_planned_activity(world.trainee, plan, None, {
        "kind": "charla", "title": "Charla", "month": 6, "sector_id": sector.id, "targets": {}}, [world.trainee])
    report = red.report_for_key(world.trainee, "cast00000001")
    red.submit_report(report, {"kind": "charla", "title": "Charla", "held_on": lima_today(), "duration_minutes": 60,
                               "sector_id": sector.id, "women": 3, "men": 2, "age_30_59": 5}, lima_today(), now)
    db.session.commit()
    return {"report_id": report.id, "plan_id": plan.id, "activity_id": activity.id, "sector_id": sector.id}


def rules(app, method: str):
    """Every rule of the app's URL map that answers ``method``, but the static files."""
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static" and method in r.methods),
                  key=lambda r: r.rule)


def client_as(app, visitor: str, through_the_form: bool = False):
    """A fresh browser, logged in as ``visitor`` (one of VISITORS, or any username).

    By default the session is written the way Flask-Login writes it at login, which saves two
    requests per browser; ``through_the_form`` logs in with the login form instead.
    """
    client = app.test_client()
    username = VISITORS.get(visitor, visitor)
    if username is None:
        return client
    if through_the_form:
        response = AuthActions(client).login(username, PASSWORD)
        assert response.status_code == 302, f"{username} could not log in"
        return client
    user = db.session.scalar(select(User).where(User.username == username))
    assert user is not None and user.is_active, f"no active account {username}"
    from lms.auth.services import start_login
    start_login(user)  # the device's login row, as the login form makes it
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def table_counts() -> dict[str, int]:
    """How many rows every table holds: a fingerprint that changes when anything is written."""
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


__all__ = ["VISITORS", "WEEK", "Cast", "cast", "client_as", "rules", "table_counts"]
