"""Taking the pre/post surveys and finding who has taken them, without storing who answered what.

Answers are filed under a pseudonym: an HMAC of the enrollment id with a key kept outside the
database (``LMS_SURVEY_KEY``, else a key generated once into ``instance/survey_key``). With the
database alone nobody can tell whose answers they are; the app can still pair a man's baseline
with his endline and know that he has answered.
"""

import hashlib
import hmac
import os
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms.content.model import Course
from lms.core.secrets import instance_secret
from lms.database import ForIds, request_connection
from lms.extensions import db
from lms.models import Enrollment, SurveyResponse

PHASES = ("pre", "post")


def phase_week(phase: str, course: Course) -> int:
    """The week a survey phase belongs to: the baseline in the first week, the endline in the last."""
    return course.weeks[0].number if phase == "pre" else course.weeks[-1].number


def week_phase(week: int, course: Course) -> str | None:
    """The survey phase due in ``week``, if any (the inverse of ``phase_week``)."""
    return next((phase for phase in PHASES if phase_week(phase, course) == week), None)


def _key() -> bytes:
    """The pseudonym key, read once per app (a gradebook asks for 300 pseudonyms)."""
    key = current_app.extensions.get("lms.survey_key")
    if key is None:
        key = current_app.extensions["lms.survey_key"] = _read_key()
    return key


def _read_key() -> bytes:
    configured = current_app.config.get("SURVEY_KEY")
    if configured:
        return str(configured).encode()
    return instance_secret(Path(current_app.instance_path) / "survey_key", lambda: os.urandom(32).hex()).encode()


def pseudonym(enrollment_id: int) -> str:
    return hmac.new(_key(), f"enrollment:{enrollment_id}".encode(), hashlib.sha256).hexdigest()


def _answered_statement(wanted):
    """The surveys answered under the pseudonyms ``wanted`` picks (see ForIds)."""
    return (select(SurveyResponse.pseudonym, SurveyResponse.survey_id, SurveyResponse.phase)
            .where(wanted(SurveyResponse.pseudonym)))


_ANSWERED = ForIds("surveys answered", _answered_statement)  # built once: every trainee page asks


def phases_done(enrollment_ids, course: Course) -> dict[int, set[str]]:
    """For each enrollment, the phases in which every survey of the course is answered (one query)."""
    names = {pseudonym(eid): eid for eid in enrollment_ids}
    done: dict[int, set[str]] = {eid: set() for eid in enrollment_ids}
    if not names or not course.surveys:
        return done
    answered: dict[tuple[int, str], set[str]] = {}
    for name, survey_id, phase in _ANSWERED.execute(request_connection(), names):
        answered.setdefault((names[name], phase), set()).add(survey_id)
    wanted = {s.id for s in course.surveys}
    for (eid, phase), surveys in answered.items():
        if wanted <= surveys:
            done[eid].add(phase)
    return done


def answered_surveys(enrollment: Enrollment, phase: str) -> set[str]:
    return set(db.session.scalars(select(SurveyResponse.survey_id).where(
        SurveyResponse.pseudonym == pseudonym(enrollment.id), SurveyResponse.phase == phase)))
