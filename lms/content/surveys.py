"""Survey files (TOML) read into frozen dataclasses, checked, and scored.

Two kinds of survey live in `courses/<course>/surveys/`:

- ``kind = "scale"``: statements answered on a short agreement scale (``[[scale]]``), grouped in
  subscales. Every item says whether it is ``reverse``-scored, so that a higher score always means
  a more equitable answer.
- ``kind = "test"``: multiple-choice questions, each with exactly one right option.

`check_survey(path)` lists every problem in a file; `load_survey(path)` returns the Survey or
raises SurveyError with that list. The scoring functions only read a loaded Survey and a dict of
answers: they know nothing of the database or of who answered.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean

from lms.content.toml import read_toml
from lms.localized import LANGUAGES, Localized

KINDS = ("scale", "test")
TOTAL = "total"  # the key of the overall score in score_attitudes; no subscale may use it
ID_PATTERN = re.compile(r"[a-z0-9_]+")

SURVEY_KEYS = {"scale": {"id", "kind", "title", "intro", "scale", "subscales", "items"},
               "test": {"id", "kind", "title", "intro", "items"}}
ITEM_KEYS = {"scale": {"id", "subscale", "reverse", "es", "en"},
             "test": {"id", "es", "en", "options"}}
SCALE_POINT_KEYS = {"value", "es", "en"}
SUBSCALE_KEYS = {"id", "es", "en"}
OPTION_KEYS = {"es", "en", "correct"}


Text = Localized[str]


@dataclass(frozen=True)
class ScalePoint:
    """One answer of an agreement scale: the value stored and its label."""

    value: int
    label: Text


@dataclass(frozen=True)
class Subscale:
    id: str
    title: Text


@dataclass(frozen=True)
class Option:
    """One option of a test item."""

    text: Text
    correct: bool


@dataclass(frozen=True)
class Item:
    """A statement of a scale survey or a question of a test.

    Scale items have a ``subscale`` and ``reverse`` (True for equitable wording, whose score is
    turned around); test items have ``options``.
    """

    id: str
    text: Text
    subscale: str | None = None
    reverse: bool = False
    options: tuple[Option, ...] = ()

    @property
    def correct_index(self) -> int | None:
        """The position of the right option (test items), or None."""
        return next((i for i, option in enumerate(self.options) if option.correct), None)


@dataclass(frozen=True)
class Survey:
    id: str
    kind: str  # "scale" or "test"
    title: Text
    intro: Text
    scale: tuple[ScalePoint, ...]  # empty for tests
    subscales: tuple[Subscale, ...]  # empty for tests
    items: tuple[Item, ...]

    def items_in(self, subscale_id: str) -> tuple[Item, ...]:
        """The items of one subscale, in the order of the file."""
        return tuple(item for item in self.items if item.subscale == subscale_id)


class SurveyError(Exception):
    """A survey file has problems; ``problems`` lists them, each naming the file."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# ------------------------------------------------------------------------------------ reading


class _Reader:
    """Builds a Survey from parsed TOML, collecting every problem instead of stopping at the first."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.name}: {message}")

    def unknown_keys(self, table: dict, allowed: set[str], where: str) -> None:
        for key in sorted(set(table) - allowed):
            self.problem(f"unknown key {key!r} in {where}")

    def text(self, table: dict, where: str) -> Text:
        """The 'es' and 'en' strings of a table, stripped; both must be present and non-empty."""
        texts = {}
        for lang in LANGUAGES:
            value = table.get(lang)
            if not isinstance(value, str) or not value.strip():
                self.problem(f"{where} needs a non-empty {lang!r} text")
            texts[lang] = value.strip() if isinstance(value, str) else ""
        return Text(**texts)

    def table(self, data: dict, key: str, where: str) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(f"{where} must be a table")
            return {}
        return value

    def tables(self, data: dict, key: str) -> list[dict]:
        """An array of tables (``[[key]]``); anything else in it is reported and skipped."""
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(f"{key!r} must be an array of tables ([[{key}]])")
            return []
        entries = [entry for entry in value if isinstance(entry, dict)]
        if len(entries) != len(value):
            self.problem(f"every entry of {key!r} must be a table")
        return entries

    def identifier(self, value, where: str) -> str:
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            self.problem(f"{where} needs an 'id' of lowercase letters, digits or '_' (found {value!r})")
            return str(value)
        return value


def _read_survey(reader: _Reader, data: dict, stem: str) -> Survey:
    kind = data.get("kind")
    if kind not in KINDS:
        reader.problem(f"'kind' must be one of {', '.join(map(repr, KINDS))} (found {kind!r})")
        kind = "scale" if "scale" in data or "subscales" in data else "test"
    reader.unknown_keys(data, SURVEY_KEYS[kind], "the survey")
    survey_id = reader.identifier(data.get("id"), "the survey")
    if survey_id != stem:
        reader.problem(f"the survey id {survey_id!r} must match the file name {stem!r}")
    title = _read_localized_table(reader, data, "title")
    intro = _read_localized_table(reader, data, "intro")
    scale = _read_scale(reader, data) if kind == "scale" else ()
    subscales = _read_subscales(reader, data) if kind == "scale" else ()
    items = _read_items(reader, data, kind, {s.id for s in subscales})
    survey = Survey(id=survey_id, kind=kind, title=title, intro=intro, scale=scale, subscales=subscales,
                    items=items)
    if kind == "scale":
        _check_subscale_balance(reader, survey)
    return survey


def _read_localized_table(reader: _Reader, data: dict, key: str) -> Text:
    table = reader.table(data, key, f"[{key}]")
    reader.unknown_keys(table, set(LANGUAGES), f"[{key}]")
    return reader.text(table, f"[{key}]")


def _read_scale(reader: _Reader, data: dict) -> tuple[ScalePoint, ...]:
    points = []
    for position, entry in enumerate(reader.tables(data, "scale"), start=1):
        where = f"scale point {position}"
        reader.unknown_keys(entry, SCALE_POINT_KEYS, where)
        value = entry.get("value")
        if not isinstance(value, int) or isinstance(value, bool):
            reader.problem(f"{where} needs a whole-number 'value'")
            continue
        points.append(ScalePoint(value=value, label=reader.text(entry, where)))
    values = [point.value for point in points]
    if len(values) < 2:
        reader.problem("a scale survey needs at least 2 scale points ([[scale]])")
    elif values != list(range(1, len(values) + 1)):
        # Reverse scoring turns v into (lowest + highest - v), which needs evenly spaced values.
        reader.problem(f"the scale values must be 1, 2, 3 … in order (found {values})")
    return tuple(points)


def _read_subscales(reader: _Reader, data: dict) -> tuple[Subscale, ...]:
    subscales, seen = [], set()
    for position, entry in enumerate(reader.tables(data, "subscales"), start=1):
        subscale_id = reader.identifier(entry.get("id"), f"subscale {position}")
        where = f"subscale {subscale_id!r}"
        reader.unknown_keys(entry, SUBSCALE_KEYS, where)
        if subscale_id in seen:
            reader.problem(f"duplicate subscale id {subscale_id!r}")
        if subscale_id == TOTAL:
            reader.problem(f"{TOTAL!r} is reserved for the overall score and cannot be a subscale id")
        seen.add(subscale_id)
        subscales.append(Subscale(id=subscale_id, title=reader.text(entry, where)))
    if not subscales:
        reader.problem("a scale survey needs at least one subscale ([[subscales]])")
    return tuple(subscales)


def _read_items(reader: _Reader, data: dict, kind: str, subscale_ids: set[str]) -> tuple[Item, ...]:
    items, seen = [], set()
    for position, entry in enumerate(reader.tables(data, "items"), start=1):
        item_id = reader.identifier(entry.get("id"), f"item {position}")
        where = f"item {item_id!r}"
        if item_id in seen:
            reader.problem(f"duplicate item id {item_id!r}")
        seen.add(item_id)
        reader.unknown_keys(entry, ITEM_KEYS[kind], where)
        text = reader.text(entry, where)
        if kind == "scale":
            items.append(_read_scale_item(reader, entry, item_id, text, subscale_ids))
        else:
            items.append(Item(id=item_id, text=text, options=_read_options(reader, entry, where)))
    if not items:
        reader.problem("the survey has no items ([[items]])")
    return tuple(items)


def _read_scale_item(reader: _Reader, entry: dict, item_id: str, text: Text, subscale_ids: set[str]) -> Item:
    where = f"item {item_id!r}"
    subscale = entry.get("subscale")
    if subscale not in subscale_ids:
        reader.problem(f"{where} names an unknown subscale {subscale!r}")
    reverse = entry.get("reverse")
    if not isinstance(reverse, bool):
        # No default: a forgotten 'reverse' would silently score an item the wrong way round.
        reader.problem(f"{where} needs 'reverse = true' or 'reverse = false'")
    return Item(id=item_id, text=text, subscale=str(subscale), reverse=reverse is True)


def _read_options(reader: _Reader, entry: dict, where: str) -> tuple[Option, ...]:
    options = []
    for position, option in enumerate(reader.tables(entry, "options"), start=1):
        option_where = f"{where}, option {position}"
        reader.unknown_keys(option, OPTION_KEYS, option_where)
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            reader.problem(f"{option_where}: 'correct' must be true or false")
        options.append(Option(text=reader.text(option, option_where), correct=correct is True))
    if len(options) < 2:
        reader.problem(f"{where} needs at least 2 options")
    right = sum(option.correct for option in options)
    if options and right != 1:
        reader.problem(f"{where} needs exactly one correct option (found {right})")
    for lang in LANGUAGES:
        texts = [getattr(option.text, lang) for option in options]
        if len(set(texts)) != len(texts):
            reader.problem(f"{where} has two options with the same {lang!r} text")
    return tuple(options)


def _check_subscale_balance(reader: _Reader, survey: Survey) -> None:
    """Each subscale needs 2+ items and both wordings, so agreeing with everything cannot look equitable."""
    for subscale in survey.subscales:
        items = survey.items_in(subscale.id)
        if len(items) < 2:
            reader.problem(f"subscale {subscale.id!r} has {len(items)} item(s); it needs at least 2")
        elif all(item.reverse for item in items) or not any(item.reverse for item in items):
            reader.problem(f"subscale {subscale.id!r} needs both inequitable (reverse = false) and "
                           f"equitable (reverse = true) items")


def _read(path: Path, name: str) -> tuple[Survey | None, list[str]]:
    reader = _Reader(name)
    data, problem = read_toml(path)
    if problem:
        reader.problem(problem)
        return None, reader.problems
    return _read_survey(reader, data, path.stem), reader.problems


def check_survey(path: Path | str, *, name: str | None = None) -> list[str]:
    """Every problem of the survey file, each a sentence starting with the file's name; [] if none.

    ``name`` is how the messages refer to the file (default: the path as given).
    """
    path = Path(path)
    return _read(path, name or str(path))[1]


def load_survey(path: Path | str, *, name: str | None = None) -> Survey:
    """The survey in the file; raises SurveyError listing every problem if there is any."""
    path = Path(path)
    survey, problems = _read(path, name or str(path))
    if problems:
        raise SurveyError(problems)
    return survey


# ------------------------------------------------------------------------------------ scoring


def item_score(survey: Survey, item: Item, value: int) -> int:
    """The score of one answer: the scale value itself, or turned around for a reverse item.

    On the 1–3 agreement scale an inequitable statement scores agree=1, partly=2, disagree=3 and
    an equitable (reverse) one agree=3, partly=2, disagree=1: higher always means more equitable.
    """
    low, high = survey.scale[0].value, survey.scale[-1].value
    return low + high - value if item.reverse else value


def _is_scale_value(survey: Survey, value) -> bool:
    # bool is an int in Python; True must not pass for "1".
    return isinstance(value, int) and not isinstance(value, bool) and \
        any(point.value == value for point in survey.scale)


def score_attitudes(survey: Survey, answers: dict[str, int]) -> dict[str, float | None]:
    """The mean item score of each subscale and of all items (key ``"total"``), on the scale's range.

    Answers are scale values by item id. Values outside the scale and unknown item ids are
    ignored; a subscale with no usable answer scores None, and so does the total if no item has
    one. The total is the mean of all answered items, not the mean of the subscale means.
    """
    if survey.kind != "scale":
        raise ValueError(f"survey {survey.id!r} is a {survey.kind}, not a scale")
    scores: dict[str, list[int]] = {subscale.id: [] for subscale in survey.subscales}
    for item in survey.items:
        value = answers.get(item.id)
        if _is_scale_value(survey, value):
            scores[item.subscale].append(item_score(survey, item, value))
    result = {subscale_id: _mean_or_none(values) for subscale_id, values in scores.items()}
    result[TOTAL] = _mean_or_none([score for values in scores.values() for score in values])
    return result


def score_knowledge(survey: Survey, answers: dict[str, int]) -> float:
    """The share (0–1) of the test's items answered with the right option.

    Answers are option positions (0-based) by item id. Every item of the test counts: an item
    left unanswered, or answered with an invalid position, counts as wrong.
    """
    if survey.kind != "test":
        raise ValueError(f"survey {survey.id!r} is a {survey.kind}, not a test")
    if not survey.items:
        raise ValueError(f"test {survey.id!r} has no items")
    right = sum(1 for item in survey.items if _is_right(item, answers.get(item.id)))
    return right / len(survey.items)


def _is_right(item: Item, answer) -> bool:
    return isinstance(answer, int) and not isinstance(answer, bool) and answer == item.correct_index


def _mean_or_none(values: list[int]) -> float | None:
    return fmean(values) if values else None
