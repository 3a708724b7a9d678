"""Impact figures from the pre/post surveys, attendance and completion, never about fewer than five people."""

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lms.content.model import Course
from lms.content.surveys import TOTAL
from lms.core.progress import progress_for
from lms.core.rosters import enrollments_of
from lms.extensions import db
from lms.models import Cohort, SurveyResponse
from lms.reports.stats import MIN_GROUP, PairedChange, hide_if_small, paired_change


@dataclass(frozen=True)
class Measure:
    key: str            # "<survey id>:<score key>"
    label: str
    change: PairedChange | None  # None when fewer than MIN_GROUP people answered both times
    n: int


@dataclass(frozen=True)
class Impact:
    trainees: int
    completed: int | None
    mean_attendance: float | None
    pre_answered: int
    measures: list[Measure]


def _measures(course: Course, locale: str) -> list[tuple[str, str, str]]:
    """(survey id, score key, label) for every reported figure: each subscale, the total, the test."""
    out = []
    for survey in course.surveys:
        if survey.kind == "scale":
            out += [(survey.id, s.id, s.title(locale)) for s in survey.subscales]
            out.append((survey.id, TOTAL, None))
        else:
            out.append((survey.id, "knowledge", survey.title(locale)))
    return out


def paired_scores(cohort_ids) -> dict[tuple[str, str], list[tuple[float | None, float | None]]]:
    """(survey, score key) → [(pre, post)] per person who answered both times, in one query."""
    rows = db.session.execute(select(SurveyResponse.pseudonym, SurveyResponse.survey_id, SurveyResponse.phase,
                                     SurveyResponse.scores).where(SurveyResponse.cohort_id.in_(list(cohort_ids))))
    by_person: dict[tuple[str, str], dict[str, dict]] = {}
    for pseudonym, survey_id, phase, scores in rows:
        by_person.setdefault((pseudonym, survey_id), {})[phase] = scores
    pairs: dict[tuple[str, str], list] = {}
    for (_, survey_id), phases in by_person.items():
        if "pre" in phases and "post" in phases:
            for key in phases["pre"]:
                pairs.setdefault((survey_id, key), []).append((phases["pre"].get(key), phases["post"].get(key)))
    return pairs


def impact(cohorts: list[Cohort], course: Course, now: datetime, locale: str, total_label: str) -> Impact:
    ids = [c.id for c in cohorts]
    enrollments = enrollments_of(ids)
    progress = progress_for(enrollments, course, now)
    n = len(enrollments)
    pairs = paired_scores(ids) if ids else {}
    pre_answered = db.session.query(SurveyResponse.pseudonym).filter(
        SurveyResponse.cohort_id.in_(ids), SurveyResponse.phase == "pre").distinct().count() if ids else 0
    measures = []
    for survey_id, key, label in _measures(course, locale):
        data = pairs.get((survey_id, key), [])
        change = paired_change([p for p, _ in data], [q for _, q in data])
        measures.append(Measure(f"{survey_id}:{key}", label or total_label, hide_if_small(change.n, change),
                                change.n))
    completed = sum(p.is_complete for p in progress.values())
    attendance = sum(p.attendance_so_far for p in progress.values()) / n if n else None
    return Impact(trainees=n, completed=hide_if_small(n, completed), mean_attendance=hide_if_small(n, attendance),
                  pre_answered=pre_answered, measures=measures)


def paired_rows(cohorts: list[Cohort], course: Course, locale: str, total_label: str) -> list[list]:
    """The anonymised paired data: one row per person and measure, no pseudonym, in shuffled order.

    Surveys and measures are named in words, in ``locale``. Cohorts with fewer than MIN_GROUP complete
    pairs are left out, so no small group can be singled out.
    """
    surveys = {s.id: s.title(locale) for s in course.surveys}
    measures = {(survey_id, key): label or total_label for survey_id, key, label in _measures(course, locale)}
    rows = []
    for cohort in cohorts:
        pairs = paired_scores([cohort.id])
        people = max((len(v) for v in pairs.values()), default=0)
        if people < MIN_GROUP:
            continue
        for (survey_id, key), values in sorted(pairs.items()):
            for pre, post in values:
                rows.append([cohort.name, surveys.get(survey_id, survey_id), measures.get((survey_id, key), key),
                             _fmt(pre), _fmt(post)])
    random.SystemRandom().shuffle(rows)
    return rows


def _fmt(value) -> str:
    return "" if value is None else f"{value:.3f}"
