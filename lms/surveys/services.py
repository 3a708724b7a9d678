"""Taking the pre/post surveys and finding who has taken them, without storing who answered what.

Answers are filed under a pseudonym: an HMAC of the enrollment id with a key kept outside the
database (``LMS_SURVEY_KEY``, else a key generated once into ``instance/survey_key``). With the
database alone nobody can tell whose answers they are; the app can still pair a man's baseline
with his endline and know that he has answered.
"""

import contextlib
import hashlib
import hmac
import os
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from lms.content.model import Course
from lms.extensions import db
from lms.models import Enrollment, SurveyResponse
from lms.surveys.engine import Survey, score_attitudes, score_knowledge

PHASES = ("pre", "post")


class SurveyAnswerError(ValueError):
    def __init__(self, message, missing: list[str]):
        super().__init__(str(message))
        self.message = message
        self.missing = missing


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
    path = Path(current_app.instance_path) / "survey_key"
    if not path.exists():
        # Another worker may create it at the same moment: whoever comes second reads the first one's key.
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(os.urandom(32).hex())
    return path.read_text().strip().encode()


def pseudonym(enrollment_id: int) -> str:
    return hmac.new(_key(), f"enrollment:{enrollment_id}".encode(), hashlib.sha256).hexdigest()


_ANSWERED = select(SurveyResponse.pseudonym, SurveyResponse.survey_id, SurveyResponse.phase).where(
    SurveyResponse.pseudonym.in_(bindparam("names", expanding=True)))  # built once: every trainee page asks


def phases_done(enrollment_ids, course: Course) -> dict[int, set[str]]:
    """For each enrollment, the phases in which every survey of the course is answered (one query)."""
    names = {pseudonym(eid): eid for eid in enrollment_ids}
    done: dict[int, set[str]] = {eid: set() for eid in enrollment_ids}
    if not names or not course.surveys:
        return done
    answered: dict[tuple[int, str], set[str]] = {}
    for name, survey_id, phase in db.session.connection().execute(_ANSWERED, {"names": list(names)}):
        answered.setdefault((names[name], phase), set()).add(survey_id)
    wanted = {s.id for s in course.surveys}
    for (eid, phase), surveys in answered.items():
        if wanted <= surveys:
            done[eid].add(phase)
    return done


def answered_surveys(enrollment: Enrollment, phase: str) -> set[str]:
    return set(db.session.scalars(select(SurveyResponse.survey_id).where(
        SurveyResponse.pseudonym == pseudonym(enrollment.id), SurveyResponse.phase == phase)))


def parse_answers(survey: Survey, form: dict) -> dict[str, int]:
    """The answers in a submitted form, keyed by item id; raise SurveyAnswerError listing what is missing."""
    answers, missing = {}, []
    valid = {p.value for p in survey.scale} if survey.kind == "scale" else None
    for item in survey.items:
        raw = str(form.get(f"i-{item.id}", ""))
        value = int(raw) if raw.isdigit() else None
        allowed = valid if valid is not None else set(range(len(item.options)))
        if value is None or value not in allowed:
            missing.append(item.id)
        else:
            answers[item.id] = value
    if missing:
        raise SurveyAnswerError(_l("Answer every statement, please. Your answers so far are kept below."), missing)
    return answers


def record(enrollment: Enrollment, survey: Survey, phase: str, answers: dict[str, int], course: Course) -> bool:
    """File the answers under the enrollment's pseudonym; False if this survey was already answered."""
    if survey.kind == "scale":
        scores = score_attitudes(survey, answers)
    else:
        scores = {"knowledge": score_knowledge(survey, answers)}
    now = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        with db.session.begin_nested():
            db.session.add(SurveyResponse(pseudonym=pseudonym(enrollment.id), survey_id=survey.id, phase=phase,
                                          cohort_id=enrollment.cohort_id, answers=answers, scores=scores,
                                          content_version=course.version, created_on=now))
    except IntegrityError:
        return False  # a double click, or another tab
    return True
