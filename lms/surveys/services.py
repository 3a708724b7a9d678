"""Taking a survey: reading the answers a trainee sent and filing them under his pseudonym."""


from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from lms.clock import utcnow
from lms.content.model import Course
from lms.content.surveys import Survey, score_attitudes, score_knowledge
from lms.core.errors import RuleError
from lms.core.surveys import pseudonym
from lms.extensions import db
from lms.models import Enrollment, SurveyResponse


def parse_answers(survey: Survey, form: dict) -> dict[str, int]:
    """The answers in a submitted form, keyed by item id; raise RuleError listing what is missing."""
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
        raise RuleError(_l("Answer every statement, please. Your answers so far are kept below."), missing=missing)
    return answers


def record(enrollment: Enrollment, survey: Survey, phase: str, answers: dict[str, int], course: Course) -> bool:
    """File the answers under the enrollment's pseudonym; False if this survey was already answered."""
    if survey.kind == "scale":
        scores = score_attitudes(survey, answers)
    else:
        scores = {"knowledge": score_knowledge(survey, answers)}
    now = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        with db.session.begin_nested():
            db.session.add(SurveyResponse(pseudonym=pseudonym(enrollment.id), survey_id=survey.id, phase=phase,
                                          cohort_id=enrollment.cohort_id, answers=answers, scores=scores,
                                          content_version=course.version, created_on=now))
    except IntegrityError:
        return False  # a double click, or another tab
    return True
