"""The course as frozen dataclasses: what the loader builds and every page reads."""

from dataclasses import dataclass, field

from markupsafe import Markup

from lms.content.gift import Question
from lms.content.surveys import Survey
from lms.localized import Localized

Text = Localized[str]
Html = Localized[Markup]


@dataclass(frozen=True)
class RubricLevel:
    points: int
    label: Text


@dataclass(frozen=True)
class RubricCriterion:
    id: str
    title: Text
    levels: tuple[RubricLevel, ...]

    @property
    def max_points(self) -> int:
        return max(level.points for level in self.levels)


@dataclass(frozen=True)
class Quiz:
    pass_mark: int  # percent of the maximum score
    max_attempts: int
    questions_es: tuple[Question, ...]
    questions_en: tuple[Question, ...]

    def questions(self, locale: str) -> tuple[Question, ...]:
        return self.questions_en if str(locale).startswith("en") else self.questions_es

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions_es)


@dataclass(frozen=True)
class Week:
    number: int
    slug: str
    title: Text
    summary: Text
    objectives_es: tuple[str, ...]
    objectives_en: tuple[str, ...]
    quiz: Quiz
    attendance_counts: bool
    rubric: tuple[RubricCriterion, ...]
    lesson: Html
    reflection: Html
    facilitator: Html

    def objectives(self, locale: str) -> tuple[str, ...]:
        return self.objectives_en if str(locale).startswith("en") else self.objectives_es

    @property
    def rubric_max(self) -> int:
        return sum(c.max_points for c in self.rubric)


@dataclass(frozen=True)
class GlossaryEntry:
    id: str  # the anchor on the glossary page, the same in every language
    term: str
    definition: Markup


@dataclass(frozen=True)
class Glossary:
    """The words of the course explained in short (``glossary.<lang>.md``), each language in its own order."""

    intro: Html
    entries_es: tuple[GlossaryEntry, ...]
    entries_en: tuple[GlossaryEntry, ...]

    def entries(self, locale: str) -> tuple[GlossaryEntry, ...]:
        return self.entries_en if str(locale).startswith("en") else self.entries_es


@dataclass(frozen=True)
class Signatory:
    """Who signs the certificate for the authorities that grant it: a name and a role."""

    name: str
    role: Text


@dataclass(frozen=True)
class Course:
    slug: str
    title: Text
    issuer: Text
    hours: int
    min_attendance: int  # percent
    surveys_required: bool
    weeks: tuple[Week, ...]
    version: str  # a hash of every file of the course
    surveys: tuple[Survey, ...] = ()  # taken before week 1 (pre) and in week 12 (post)
    numbers: dict[str, str] = field(default_factory=dict, compare=False)  # course.toml [numbers]: name → digits
    review_right_answer: str = "after_each_attempt"  # or "when_finished": course.toml [review] right_answer
    signatories: tuple[Signatory, ...] = ()
    code_of_conduct: Html | None = None  # the promoter's code, accepted in week 12
    glossary: Glossary | None = None  # shown at /glosario and linked from the lessons
    _by_number: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def week_numbers(self) -> tuple[int, ...]:
        """The weeks' numbers, 1 to the last: how long the course is comes from its files, never from code."""
        return tuple(w.number for w in self.weeks)

    def week(self, number: int) -> Week | None:
        if not self._by_number:
            self._by_number.update({w.number: w for w in self.weeks})
        return self._by_number.get(number)
