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


def released_pairs(cohort_ids) -> dict[int, dict[tuple[str, str], list[tuple[float | None, float | None]]]]:
    """{cohort id: {(survey, score key): [(pre, post)]}}: the pairs the report may use, in one query.

    The release rule (docs/survey.md): within a cohort and a survey, people whose answers are complete
    (start and end) are taken in the order they completed, in whole batches of MIN_GROUP; the last
    one to four wait for the next batch. So a report downloaded before and after one more man
    finishes is the same, and a new batch adds at least five people at once: nobody's answers can be
    told apart by comparing two downloads. A cohort with fewer than MIN_GROUP complete pairs adds
    nothing to any figure, its own or a total (complementary suppression), so a cohort's figures
    cannot be had by subtracting the others from "all my cohorts" either.
    """
    ids = list(cohort_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(SurveyResponse.id, SurveyResponse.cohort_id, SurveyResponse.pseudonym,
                                     SurveyResponse.survey_id, SurveyResponse.phase, SurveyResponse.scores)
                              .where(SurveyResponse.cohort_id.in_(ids)).order_by(SurveyResponse.id))
    people: dict[tuple[int, str, str], dict] = {}
    for row_id, cohort_id, name, survey_id, phase, scores in rows:
        person = people.setdefault((cohort_id, survey_id, name), {"last": 0})
        person[phase], person["last"] = scores, max(person["last"], row_id)
    complete: dict[tuple[int, str], list[dict]] = {}
    for (cohort_id, survey_id, _name), person in people.items():
        if "pre" in person and "post" in person:
            complete.setdefault((cohort_id, survey_id), []).append(person)
    released: dict[int, dict[tuple[str, str], list]] = {cid: {} for cid in ids}
    for (cohort_id, survey_id), persons in complete.items():
        persons.sort(key=lambda p: p["last"])
        for person in persons[: len(persons) - len(persons) % MIN_GROUP]:
            for key in person["pre"]:
                released[cohort_id].setdefault((survey_id, key), []).append(
                    (person["pre"].get(key), person["post"].get(key)))
    return released


def paired_scores(cohort_ids) -> dict[tuple[str, str], list[tuple[float | None, float | None]]]:
    """(survey, score key) → [(pre, post)] over these cohorts, by the release rule of ``released_pairs``."""
    pairs: dict[tuple[str, str], list] = {}
    for by_measure in released_pairs(cohort_ids).values():
        for measure, values in by_measure.items():
            pairs.setdefault(measure, []).extend(values)
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

    Surveys and measures are named in words, in ``locale``. Only released pairs (``released_pairs``): a
    cohort with fewer than MIN_GROUP complete pairs has none, so no small group can be singled out.
    """
    surveys = {s.id: s.title(locale) for s in course.surveys}
    measures = {(survey_id, key): label or total_label for survey_id, key, label in _measures(course, locale)}
    rows = []
    released = released_pairs(c.id for c in cohorts)
    for cohort in cohorts:
        for (survey_id, key), values in sorted(released[cohort.id].items()):
            for pre, post in values:
                rows.append([cohort.name, surveys.get(survey_id, survey_id), measures.get((survey_id, key), key),
                             _fmt(pre), _fmt(post)])
    random.SystemRandom().shuffle(rows)
    return rows


def _fmt(value) -> str:
    return "" if value is None else f"{value:.3f}"
