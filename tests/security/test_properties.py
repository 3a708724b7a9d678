
"""Properties that must hold for any input, checked with Hypothesis.

Certificate codes survive the ways people retype them and catch every single mistyped symbol; a quiz
score stays within its bounds whatever a forged form sends; completion never goes back when more
work is accepted.
"""

import dataclasses
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.content.loader import load_course
from lms.core.certificates.codes import ALPHABET, PAYLOAD_LENGTH, check_code, check_symbol, format_code, normalize_code
from lms.core.progress import CourseProgress, WeekProgress
from lms.core.scoring import grade, score_response
from lms.models import AttendanceStatus, ReflectionStatus

pytestmark = pytest.mark.slow

COURSE = load_course(Path(__file__).resolve().parents[2] / "courses" / "promotores")
QUESTIONS = [q for week in COURSE.weeks for locale in ("es", "en") for q in week.quiz.questions(locale)]
QUIZZES = [(week, locale) for week in COURSE.weeks for locale in ("es", "en")]

PROPERTY = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- certificate codes

payloads = st.text(alphabet=ALPHABET, min_size=PAYLOAD_LENGTH, max_size=PAYLOAD_LENGTH)
codes = payloads.map(lambda payload: payload + check_symbol(payload))

# How a person may type each symbol: either case, O for 0, I or L (either case) for 1.
TYPED = {symbol: sorted({symbol, symbol.lower()}) for symbol in ALPHABET}
TYPED["0"] = ["0", "O", "o"]
TYPED["1"] = ["1", "I", "i", "L", "l"]
SEPARATORS = ["", "", "", "-", " ", "  ", "\u2013", "\u2011", "\t"]


@PROPERTY
@given(codes)
def test_a_printed_code_reads_back_as_the_same_code(code):
    printed = format_code(code)
    assert len(printed) == 19 and printed.count("-") == 3
    assert normalize_code(printed) == code
    checked = check_code(printed)
    assert checked.is_well_formed and checked.code == code


@PROPERTY
@given(codes, st.data())
def test_a_code_retyped_in_lower_case_with_look_alikes_spaces_and_hyphens_is_the_same_code(code, data):
    typed = ""
    for symbol in code:
        typed += data.draw(st.sampled_from(SEPARATORS)) + data.draw(st.sampled_from(TYPED[symbol]))
    typed += data.draw(st.sampled_from(SEPARATORS))
    checked = check_code(typed)
    assert checked.is_well_formed, f"{typed!r} should read as {code}"
    assert checked.code == code


@PROPERTY
@given(codes, st.integers(min_value=0, max_value=PAYLOAD_LENGTH), st.data())
def test_any_single_symbol_changed_in_a_valid_code_makes_it_malformed(code, position, data):
    other = data.draw(st.sampled_from([s for s in ALPHABET if s != code[position]]))
    mistyped = code[:position] + other + code[position + 1:]
    assert not check_code(mistyped).is_well_formed
    assert not check_code(format_code(mistyped)).is_well_formed


@PROPERTY
@given(codes, st.integers(min_value=0, max_value=PAYLOAD_LENGTH), st.sampled_from("UÑ*#é"))
def test_a_symbol_outside_the_alphabet_makes_a_code_malformed(code, position, stranger):
    assert not check_code(code[:position] + stranger + code[position + 1:]).is_well_formed


@PROPERTY
@given(codes, st.integers(min_value=0, max_value=PAYLOAD_LENGTH))
def test_a_code_with_a_symbol_missing_or_added_is_malformed(code, position):
    assert not check_code(code[:position] + code[position + 1:]).is_well_formed
    assert not check_code(code[:position] + "7" + code[position:]).is_well_formed


@PROPERTY
@given(st.text(max_size=40))
def test_whatever_is_typed_the_check_answers_without_error_and_a_well_formed_code_round_trips(text):
    checked = check_code(text)
    if checked.is_well_formed:
        assert check_code(format_code(checked.code)).code == checked.code


# ---------------------------------------------------------------- quiz scores

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=30), st.sampled_from(["0", "1", "2", "3", " 1 ", "-1", "99", "true", "FALSE",
                                                           "3,5", "1e308", "1e309", "nan", "inf", "*", ""]))
anything = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=6),
                                                         st.dictionaries(st.text(max_size=3), inner, max_size=6)),
                        max_leaves=12)


def plausible(question):
    """Responses of the shape the quiz form sends for ``question``, right or wrong."""
    count = max(len(question.answers), 1)
    index = st.integers(min_value=-1, max_value=count).map(str)
    texts = [a.text for a in question.answers if a.text] + [a.answer for a in question.answers if a.answer]
    words = st.sampled_from(texts) if texts else st.text(max_size=10)
    return st.one_of(
        index, st.lists(index, max_size=count + 2), words,
        st.floats(allow_nan=False, allow_infinity=False).map(str),
        st.dictionaries(st.integers(min_value=-1, max_value=count).map(str), words, max_size=count + 1),
    )


@settings(max_examples=250, deadline=None, database=None)
@given(st.sampled_from(QUESTIONS), st.data())
def test_a_question_score_is_none_or_within_zero_and_its_max_score_whatever_is_sent(question, data):
    response = data.draw(st.one_of(anything, plausible(question)))
    score = score_response(question, response)
    if question.type == "essay":
        assert score is None
        return
    assert score is not None, f"{question.name} ({question.type}) gave None for {response!r}"
    assert not math.isnan(score)
    assert 0.0 <= score <= question.max_score + 1e-9, f"{question.name}: {score} for {response!r}"


@settings(max_examples=30, deadline=None, database=None)
@given(st.sampled_from(QUIZZES), st.data())
def test_a_whole_quiz_scores_between_zero_and_one_hundred_percent(quiz, data):
    week, locale = quiz
    questions = week.quiz.questions(locale)
    responses = {q.name: data.draw(st.one_of(anything, plausible(q))) for q in questions if q.type != "description"}
    result = grade(questions, responses, week.quiz.pass_mark)
    assert 0.0 <= result["score"] <= result["max_score"] + 1e-9
    assert 0.0 <= result["percent"] <= 100.0
    assert result["is_passed"] == (result["status"] == "graded" and result["percent"] >= week.quiz.pass_mark)


# ---------------------------------------------------------------- completion only moves forward

START = datetime(2025, 3, 3, 5, tzinfo=timezone.utc)
REFLECTION = st.sampled_from([None] + [s.value for s in ReflectionStatus])
ATTENDANCE = st.sampled_from([None] + [s.value for s in AttendanceStatus])
DONE_ATTENDANCE = [AttendanceStatus.PRESENT.value, AttendanceStatus.LATE.value, AttendanceStatus.EXCUSED.value]


@st.composite
def week_progress(draw, number=None):
    week = number or draw(st.integers(min_value=1, max_value=12))
    passed = draw(st.booleans())
    best = draw(st.none() | st.floats(min_value=0, max_value=100)) if not passed else draw(
        st.floats(min_value=0, max_value=100))
    return WeekProgress(
        week=week, is_open=draw(st.booleans()), opens_at=START + timedelta(days=7 * (week - 1)),
        lesson_opened=draw(st.booleans()), quiz_best_percent=best, quiz_passed=passed,
        quiz_pending=draw(st.booleans()), attempts_used=draw(st.integers(min_value=0, max_value=5)),
        reflection_status=draw(REFLECTION), attendance=draw(ATTENDANCE), attendance_counts=draw(st.booleans()),
        survey_pending=draw(st.booleans()) if week in (1, 12) else False)


def more_done(week: WeekProgress, data) -> list[WeekProgress]:
    """Every way to turn one item of ``week`` from not done to done."""
    steps = []
    if not week.lesson_opened:
        steps.append(dataclasses.replace(week, lesson_opened=True))
    if not week.quiz_passed:
        steps.append(dataclasses.replace(week, quiz_passed=True, quiz_pending=False,
                                         quiz_best_percent=max(week.quiz_best_percent or 0.0, 70.0),
                                         attempts_used=week.attempts_used + 1))
    if week.reflection_status != ReflectionStatus.ACCEPTED:
        steps.append(dataclasses.replace(week, reflection_status=ReflectionStatus.ACCEPTED.value))
    if week.attendance not in DONE_ATTENDANCE:
        steps.append(dataclasses.replace(week, attendance=data.draw(st.sampled_from(DONE_ATTENDANCE))))
    if week.attendance in (AttendanceStatus.EXCUSED.value, AttendanceStatus.ABSENT.value, None):
        steps.append(dataclasses.replace(week, attendance=AttendanceStatus.PRESENT.value))
    if week.survey_pending:
        steps.append(dataclasses.replace(week, survey_pending=False))
    return steps


@settings(max_examples=200, deadline=None, database=None)
@given(week_progress(), st.data())
def test_a_complete_week_stays_complete_when_any_item_is_turned_to_done(week, data):
    for after in more_done(week, data):
        assert set(after.remaining) <= set(week.remaining), (week, after)
        if week.is_complete:
            assert after.is_complete, f"was complete, is not after {after}"


@st.composite
def course_progress(draw):
    weeks = tuple(draw(week_progress(number)) for number in range(1, 13))
    return CourseProgress(enrollment_id=1, weeks=weeks, min_attendance=draw(st.sampled_from([0, 50, 80, 100])))


@settings(max_examples=60, deadline=None, database=None)
@given(course_progress(), st.integers(min_value=1, max_value=12), st.data())
def test_a_complete_course_stays_complete_when_any_item_of_any_week_is_turned_to_done(course, number, data):
    for week in more_done(course.week(number), data):
        after = dataclasses.replace(course, weeks=course.weeks[:number - 1] + (week,) + course.weeks[number:])
        assert after.weeks_complete >= course.weeks_complete
        assert after.attendance_rate >= course.attendance_rate - 1e-9
        if course.is_complete:
            assert after.is_complete, f"the course was complete and is not after week {number} became {week}"
