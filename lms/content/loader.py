"""Read a course folder into a frozen Course, checking everything on the way.

`check_course(path)` lists every problem; `load_course(path)` returns the Course or raises
CourseError with that list. The app loads its course once and keeps it (`current_course()`),
so Markdown is rendered at start-up, never per request.
"""

import hashlib
import re
from pathlib import Path

from flask import Flask, current_app

from lms.content.checks import course_rules
from lms.content.gift import GiftError, Question, parse_gift
from lms.content.glossary import (
    ANCHOR_LINK,
    FILE_NAME,
    GLOSSARY_FILE,
    GLOSSARY_LINK,
    ParsedGlossary,
    line_of,
    parse_glossary,
)
from lms.content.lint import lint_course
from lms.content.markdown import GLOSSARY_FROM, render_course_markdown
from lms.content.model import (
    Course,
    Glossary,
    GlossaryEntry,
    Html,
    Quiz,
    RubricCriterion,
    RubricLevel,
    Signatory,
    Text,
    Week,
)
from lms.content.numbers import fill_numbers, read_numbers
from lms.content.surveys import Survey, check_survey, load_survey
from lms.content.toml import read_toml
from lms.localized import LANGUAGES

WEEK_DIR = re.compile(r"^(\d{2})-([a-z0-9-]+)$")
WEEK_FILES = ("lesson", "reflection", "facilitator")
COURSE_KEYS = {"slug", "hours", "title", "issuer", "completion", "numbers", "review", "signatories"}
REVIEW_RIGHT_ANSWER = ("after_each_attempt", "when_finished")
SIGNATORY_KEYS = {"name", "role"}
COMPLETION_KEYS = {"min_attendance", "surveys_required"}
WEEK_KEYS = {"title", "summary", "objectives", "quiz", "attendance", "rubric"}
QUIZ_KEYS = {"pass_mark", "max_attempts"}
RUBRIC_KEYS = {"id", "title", "levels"}
LEVEL_KEYS = {"points", "es", "en"}
INTERNAL_LINK = re.compile(r"\]\(\.\./([^)/#]+)/?\)")


class CourseError(Exception):
    """The course on disk has problems; ``problems`` lists them, each naming its file."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def content_version(root: Path) -> str:
    """A short hash of every file's path and bytes: changes whenever any content changes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class _Reader:
    """Collects problems while building the course, so one pass reports all of them."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[str] = []
        self.numbers: dict[str, str] = {}  # from course.toml, put into every text as [[name]]

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(f"{path.relative_to(self.root.parent)}: {message}")

    def toml(self, path: Path) -> dict:
        data, problem = read_toml(path)
        if problem:
            self.problem(path, problem)
        return data

    def text(self, path: Path) -> str:
        try:
            return fill_numbers(path.read_text(encoding="utf-8"), self.numbers)
        except FileNotFoundError:
            self.problem(path, "missing file")
            return ""

    def unknown_keys(self, path: Path, table: dict, allowed: set[str], where: str = "") -> None:
        for key in sorted(set(table) - allowed):
            self.problem(path, f"unknown key {where}{key!r}")

    def localized(self, path: Path, table: dict, key: str) -> Text:
        value = table.get(key)
        if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value.get(lang).strip()
                                                  for lang in LANGUAGES):
            self.problem(path, f"{key!r} needs non-empty 'es' and 'en' texts")
            return Text(es="", en="")
        self.unknown_keys(path, value, set(LANGUAGES), f"{key}.")
        return Text(es=value["es"], en=value["en"])

    def integer(self, path: Path, table: dict, key: str, low: int, high: int, default: int) -> int:
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.problem(path, f"{key!r} must be a whole number from {low} to {high}")
            return default
        return value

    def quiz_questions(self, path: Path) -> tuple[Question, ...]:
        try:
            return tuple(parse_gift(self.text(path), source=path.name)) if path.exists() else self._missing(path)
        except GiftError as error:
            self.problem(path, f"line {error.line}: {error.message}")
            return ()

    def _missing(self, path: Path) -> tuple:
        self.problem(path, "missing file")
        return ()


def _read_course_toml(reader: _Reader, root: Path) -> dict:
    path = root / "course.toml"
    data = reader.toml(path)
    reader.unknown_keys(path, data, COURSE_KEYS)
    completion = data.get("completion", {})
    reader.unknown_keys(path, completion, COMPLETION_KEYS, "completion.")
    return {
        "slug": data.get("slug") or root.name,
        "title": reader.localized(path, data, "title"),
        "issuer": reader.localized(path, data, "issuer"),
        "hours": reader.integer(path, data, "hours", 1, 1000, 48),
        "min_attendance": reader.integer(path, completion, "min_attendance", 0, 100, 80),
        "surveys_required": bool(completion.get("surveys_required", False)),
        "numbers": read_numbers(data.get("numbers", {}), lambda message: reader.problem(path, message)),
        "review_right_answer": _review_right_answer(reader, path, data.get("review", {})),
        "signatories": _read_signatories(reader, path, data.get("signatories", [])),
    }


def _review_right_answer(reader: _Reader, path: Path, review: dict) -> str:
    """When an attempt's review shows the right answers (Moodle's review option "Right answer")."""
    reader.unknown_keys(path, review, {"right_answer"}, "review.")
    value = review.get("right_answer", REVIEW_RIGHT_ANSWER[0])
    if value not in REVIEW_RIGHT_ANSWER:
        reader.problem(path, f"'review.right_answer' must be one of {', '.join(REVIEW_RIGHT_ANSWER)}")
        return REVIEW_RIGHT_ANSWER[0]
    return value


def _read_signatories(reader: _Reader, path: Path, entries) -> tuple[Signatory, ...]:
    """The certificate's signatories ([[signatories]] with a name and a role in each language), at most three."""
    if not isinstance(entries, list) or len(entries) > 3:
        reader.problem(path, "'signatories' is a list of at most 3 [[signatories]] tables")
        return ()
    signatories = []
    for entry in entries:
        reader.unknown_keys(path, entry, SIGNATORY_KEYS, "signatories.")
        name = entry.get("name")
        if not isinstance(name, str) or not 3 <= len(name.strip()) <= 80:
            reader.problem(path, "each signatory needs a 'name' of 3 to 80 characters")
            continue
        signatories.append(Signatory(name=name.strip(), role=reader.localized(path, entry, "role")))
    return tuple(signatories)


def _read_code_of_conduct(reader: _Reader, root: Path) -> Html | None:
    """``code-of-conduct.<lang>.md`` beside course.toml, in every language, or None if the course has none."""
    paths = {lang: root / f"code-of-conduct.{lang}.md" for lang in LANGUAGES}
    if not any(p.exists() for p in paths.values()):
        return None
    return Html(**{lang: render_course_markdown(reader.text(path)) for lang, path in paths.items()})


def _read_glossary(reader: _Reader, root: Path) -> tuple[Glossary | None, dict[str, set[str]]]:
    """``glossary.<lang>.md`` beside course.toml, in every language with the same entry ids, or None if the
    course has none; with the ids each language's files may link to."""
    paths = {lang: root / FILE_NAME.format(lang=lang) for lang in LANGUAGES}
    if not any(p.exists() for p in paths.values()):
        return None, {lang: set() for lang in LANGUAGES}
    parsed = {}
    for lang, path in paths.items():
        text = reader.text(path)  # a missing file is reported here, once
        parsed[lang] = glossary = parse_glossary(text) if path.exists() else ParsedGlossary("", (), ())
        for line, message in glossary.problems:
            reader.problem(path, f"line {line}: {message}")
        for link in ANCHOR_LINK.finditer(text):
            if link["id"] not in glossary.ids:
                reader.problem(path, f"line {line_of(text, link.start())}: broken link '{link['text']}' "
                                     f"to #{link['id']}: no entry has that id")
    for lang, other in ((a, b) for a in LANGUAGES for b in LANGUAGES if a != b):
        missing = sorted(parsed[lang].ids - parsed[other].ids)
        if missing and parsed[other].entries:
            reader.problem(paths[other], "no entry for " + ", ".join(f"#{i}" for i in missing)
                           + f" (they are in {paths[lang].name}): both languages have the same entries")
    glossary = Glossary(
        intro=Html(**{lang: render_course_markdown(parsed[lang].intro) for lang in LANGUAGES}),
        **{f"entries_{lang}": tuple(GlossaryEntry(e.id, e.term, render_course_markdown(e.markdown))
                                    for e in parsed[lang].entries) for lang in LANGUAGES})
    return glossary, {lang: parsed[lang].ids for lang in LANGUAGES}


def _check_glossary_links(reader: _Reader, path: Path, lang: str, source: str, ids: dict[str, set[str]]) -> None:
    """Every glossary link of a week's file goes to its own language's glossary, and to an entry there."""
    for link in GLOSSARY_LINK.finditer(source):
        where = f"line {line_of(source, link.start())}: glossary link '{link['text']}'"
        if link["lang"] != lang:
            reader.problem(path, f"{where} goes to glossary.{link['lang']}.md; link glossary.{lang}.md")
        elif not ids[lang]:
            reader.problem(path, f"{where}, but the course has no glossary.{lang}.md")
        elif link["id"] is not None and link["id"] not in ids[lang]:
            reader.problem(path, f"{where} is broken: glossary.{lang}.md has no entry #{link['id']}")


def _read_rubric(reader: _Reader, path: Path, entries) -> tuple[RubricCriterion, ...]:
    if not isinstance(entries, list) or not 1 <= len(entries) <= 6:
        reader.problem(path, "'rubric' needs 1 to 6 criteria ([[rubric]] tables)")
        return ()
    criteria, seen = [], set()
    for entry in entries:
        reader.unknown_keys(path, entry, RUBRIC_KEYS, "rubric.")
        criterion_id = entry.get("id", "")
        if not re.fullmatch(r"[a-z0-9_]+", str(criterion_id)) or criterion_id in seen:
            reader.problem(path, f"rubric criterion id {criterion_id!r} must be lowercase ascii and unique")
        seen.add(criterion_id)
        levels = []
        for level in entry.get("levels", []):
            reader.unknown_keys(path, level, LEVEL_KEYS, "rubric.levels.")
            points = reader.integer(path, level, "points", 0, 100, 0)
            levels.append(RubricLevel(points=points, label=Text(es=str(level.get("es", "")), en=str(level.get("en", "")))))
            if not (str(level.get("es", "")).strip() and str(level.get("en", "")).strip()):
                reader.problem(path, f"rubric {criterion_id!r}: every level needs 'es' and 'en' texts")
        if len(levels) < 2:
            reader.problem(path, f"rubric {criterion_id!r} needs at least 2 levels")
            continue
        criteria.append(RubricCriterion(id=criterion_id, title=reader.localized(path, entry, "title"),
                                        levels=tuple(sorted(levels, key=lambda lv: -lv.points))))
    return tuple(criteria)


# The answer weights Moodle's importer accepts (question/format.php), as fractions.
MOODLE_FRACTIONS = (1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
                    0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0)


def _moodle_weight(fraction: float) -> bool:
    return any(abs(abs(fraction) - allowed) < 1e-6 for allowed in MOODLE_FRACTIONS)


def _check_moodle_weights(reader: _Reader, path: Path, questions: tuple[Question, ...]) -> None:
    """Moodle refuses to import a weight outside its list (e.g. 34 %); catch it before export."""
    for q in questions:
        for answer in q.answers:
            if q.type in ("multichoice", "shortanswer", "numerical") and not _moodle_weight(answer.fraction):
                reader.problem(path, f"line {q.line}: question {q.name}: weight {answer.fraction * 100:g} % "
                                     "is not one Moodle accepts (use e.g. 33.33333, 25, 50)")


def _compare_quizzes(reader: _Reader, path: Path, es: tuple[Question, ...], en: tuple[Question, ...]) -> None:
    """Both languages must ask the same questions: names, types and right answers in the same order."""
    by_name_en = {q.name: q for q in en}
    if [q.name for q in es] != [q.name for q in en]:
        reader.problem(path, "the Spanish and English quizzes do not have the same question names in the same order")
    for q_es in es:
        q_en = by_name_en.get(q_es.name)
        if q_en is None:
            continue
        if q_es.type != q_en.type:
            reader.problem(path, f"question {q_es.name}: type {q_es.type} in Spanish but {q_en.type} in English")
        elif [round(a.fraction, 4) for a in q_es.answers] != [round(a.fraction, 4) for a in q_en.answers]:
            reader.problem(path, f"question {q_es.name}: the right answers or weights differ between languages")
        elif q_es.type == "numerical" and [(a.value, a.tolerance) for a in q_es.answers] != \
                [(a.value, a.tolerance) for a in q_en.answers]:
            reader.problem(path, f"question {q_es.name}: numerical answers differ between languages")


def _read_week(reader: _Reader, folder: Path, number: int, slug: str, known_dirs: set[str],
               glossary_ids: dict[str, set[str]]) -> Week | None:
    path = folder / "week.toml"
    data = reader.toml(path)
    reader.unknown_keys(path, data, WEEK_KEYS)
    objectives = data.get("objectives", {})
    reader.unknown_keys(path, objectives, set(LANGUAGES), "objectives.")
    obj = {lang: tuple(objectives.get(lang, ())) for lang in LANGUAGES}
    if not obj["es"] or len(obj["es"]) != len(obj["en"]):
        reader.problem(path, "'objectives' needs the same number (at least one) in 'es' and 'en'")
    quiz_table = data.get("quiz", {})
    reader.unknown_keys(path, quiz_table, QUIZ_KEYS, "quiz.")
    attendance = data.get("attendance", {})
    reader.unknown_keys(path, attendance, {"counts"}, "attendance.")

    html: dict[str, dict[str, object]] = {}
    for name in WEEK_FILES:
        html[name] = {}
        for lang in LANGUAGES:
            md_path = folder / f"{name}.{lang}.md"
            source = reader.text(md_path)
            for target in INTERNAL_LINK.findall(source):
                if target not in known_dirs and not GLOSSARY_FILE.fullmatch(target):
                    reader.problem(md_path, f"broken link to ../{target}/")
            _check_glossary_links(reader, md_path, lang, source, glossary_ids)
            html[name][lang] = render_course_markdown(source, glossary_href=GLOSSARY_FROM[name])

    questions = {lang: reader.quiz_questions(folder / f"quiz.{lang}.gift") for lang in LANGUAGES}
    for lang in LANGUAGES:
        _check_moodle_weights(reader, folder / f"quiz.{lang}.gift", questions[lang])
    _compare_quizzes(reader, folder / "quiz.en.gift", questions["es"], questions["en"])
    if questions["es"] and sum(q.max_score for q in questions["es"]) <= 0:
        reader.problem(folder / "quiz.es.gift", "the quiz has no question that can be scored")

    return Week(
        number=number, slug=slug,
        title=reader.localized(path, data, "title"),
        summary=reader.localized(path, data, "summary"),
        objectives_es=obj["es"], objectives_en=obj["en"],
        quiz=Quiz(pass_mark=reader.integer(path, quiz_table, "pass_mark", 1, 100, 70),
                  max_attempts=reader.integer(path, quiz_table, "max_attempts", 1, 20, 3),
                  questions_es=questions["es"], questions_en=questions["en"]),
        attendance_counts=bool(attendance.get("counts", True)),
        rubric=_read_rubric(reader, path, data.get("rubric")),
        lesson=Html(**html["lesson"]), reflection=Html(**html["reflection"]),
        facilitator=Html(**html["facilitator"]),
    )


def _read(root: Path) -> tuple[Course | None, list[str]]:
    reader = _Reader(root)
    if not root.is_dir():
        return None, [f"{root}: no such course folder"]
    meta = _read_course_toml(reader, root)
    reader.numbers = meta["numbers"]
    folders = sorted(p for p in root.iterdir() if p.is_dir() and WEEK_DIR.match(p.name))
    known_dirs = {p.name for p in folders}
    glossary, glossary_ids = _read_glossary(reader, root)
    weeks, numbers = [], set()
    for folder in folders:
        number, slug = int(WEEK_DIR.match(folder.name)[1]), WEEK_DIR.match(folder.name)[2]
        if number < 1 or number in numbers:
            reader.problem(folder, f"week number {number} is below 1 or repeated")
            continue
        numbers.add(number)
        weeks.append(_read_week(reader, folder, number, slug, known_dirs, glossary_ids))
    for missing in sorted(set(range(1, max(numbers, default=0) + 1)) - numbers):
        reader.problems.append(f"{root.name}: week {missing:02d} is missing")
    for other in sorted(p for p in root.iterdir() if p.is_dir() and not WEEK_DIR.match(p.name)
                        and p.name not in {"surveys"}):
        reader.problem(other, "a folder that is neither a week (NN-slug) nor surveys/")
    surveys = _read_surveys(reader, root / "surveys")
    course = Course(weeks=tuple(weeks), version=content_version(root), surveys=surveys,
                    code_of_conduct=_read_code_of_conduct(reader, root), glossary=glossary, **meta)
    return course, reader.problems


def _read_surveys(reader: _Reader, folder: Path) -> tuple[Survey, ...]:
    """The surveys in ``surveys/*.toml``, in file-name order (attitudes before knowledge)."""
    surveys = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
        name = str(path.relative_to(reader.root.parent))
        problems = check_survey(path, name=name)
        if problems:
            reader.problems.extend(problems)
        else:
            surveys.append(load_survey(path, name=name))
    return tuple(surveys)


def check_course(root: Path) -> list[str]:
    """Every problem of the course at ``root``, as sentences naming their file; empty when it is sound.

    Item-writing findings (lms.content.lint) count as problems here, not when the app loads the course.
    """
    course, problems = _read(Path(root))
    if course is None:
        return problems
    return problems + course_rules(Path(root), course.numbers) + lint_course(course, Path(root))


_cache: dict[tuple[str, str], Course] = {}


def load_course(root: Path) -> Course:
    """Load the course at ``root`` or raise CourseError; the same files give the same (cached) Course."""
    root = Path(root).resolve()
    key = (str(root), content_version(root) if root.is_dir() else "")
    if key not in _cache:
        course, problems = _read(root)
        if problems:
            raise CourseError(problems)
        _cache[key] = course
    return _cache[key]


def init_app(app: Flask) -> None:
    app.extensions["lms.course"] = None
    app.add_template_global(help_numbers)


def current_course() -> Course:
    """The app's course, loaded once per process on first use."""
    course = current_app.extensions.get("lms.course")
    if course is None:
        root = Path(current_app.config["COURSES_DIR"]) / current_app.config["COURSE_SLUG"]
        course = current_app.extensions["lms.course"] = load_course(root)
    return course


def help_numbers() -> dict[str, str]:
    """The course's help numbers (``[numbers]`` in course.toml), for the footer of every page."""
    return current_course().numbers
