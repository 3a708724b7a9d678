"""The item-writing linter: quiz questions a test-wise trainee can pass without knowing the content.

`flask lms course check` runs it (through `check_course`) and fails on its findings, each naming
its file and line. The rules are the common item-writing rules for multiple choice, measured:

- **The key is the longest option.** An author who places the key without regard to its length
  makes it the longest option about 1/n of the time (25 % with four options, 33 % with three).
  A quiz fails when the key is the longest option in more than half of its single-answer questions
  (`KEY_LONGEST_LIMIT`): twice chance with four options. If each quiz held five such questions
  written with no length bias, three or more of them would be longest by chance in 10 % of quizzes
  (1.6 % for four or more), so the limit rarely fires on an honest quiz, while a trainee who always
  picks the longest option below it is right on at most half of them.
- **True/false keys** across the course must be between 35 % and 65 % true, so that "false"
  (or "true") is no safe guess.
- **Duplicate or near-duplicate options** (the same words once accents, case and punctuation are
  set aside, or 90 % alike), and **"all / none of the above"** (todas / ninguna de las anteriores).
- **A negative stem not marked as such**: "no", "nunca", "excepto", "not", "except"… in the
  question of a multiple-choice item must be written in capitals (NO, EXCEPTO) or in bold, so that
  a reader in a hurry does not miss it.

Both languages are linted, each file on its own (lengths differ between languages); that both ask
the same questions with the same keys is the loader's check (`_compare_quizzes`).
"""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from lms.content.gift import Question
from lms.content.model import Course, Week
from lms.localized import LANGUAGES

KEY_LONGEST_LIMIT = 0.5          # share of single-answer questions whose key is the longest option
TRUE_SHARE = (0.35, 0.65)        # share of true/false keys that are "true", across the course
NEAR_DUPLICATE = 0.9             # difflib ratio between two options' normalised texts

# Findings allowed for now, each a sentence as `course check` prints it. Empty: the rewritten quizzes
# pass every rule. A finding put here must say in a comment why it is acceptable.
KNOWN_FINDINGS: frozenset[str] = frozenset()

_ALL_OR_NONE = re.compile(
    r"\b(?:todas|ninguna|todos|ninguno)\s+(?:de\s+)?(?:las|los)\s+(?:anteriores|opciones\s+anteriores|demas)\b"
    r"|\b(?:todas|ninguna)\s+(?:son|es)\s+correctas?\b"
    r"|\b(?:all|none|both|neither)\s+of\s+(?:the\s+)?(?:above|these|them|the\s+others)\b")
_NEGATIVE = re.compile(r"\b(no|nunca|jamas|jamás|excepto|salvo|not|never|except|cannot|\w+n't)\b", re.IGNORECASE)
_QUESTION_ES = re.compile(r"¿[^¿?]*\?")
_SENTENCE = re.compile(r"[^.?!¿]*[?]|[^.?!¿]+[.!]?\s*$")
# "y no las decide el cuerpo", "and not just helping": a contrast inside the question, not a negative stem.
_CONTRAST_BEFORE = re.compile(r"(?:\b(?:y|e|o|u|pero|sino|and|or|but)|,)\s*$", re.IGNORECASE)
_CONTRAST_AFTER = re.compile(r"^\s*(?:solo|sólo|solamente|just|only|merely)\b", re.IGNORECASE)
_BOLD = re.compile(r"\*\*[^*]+\*\*|<(?:strong|b)>.*?</(?:strong|b)>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Finding:
    path: str          # relative to the course's parent folder, as the loader names files
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}: line {self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass(frozen=True)
class KeyLength:
    """How often a quiz file's key is its longest option."""

    path: str
    longest: int       # single-answer questions whose key is strictly the longest option
    questions: int     # single-answer questions with at least two options
    chance: float      # the share expected if length told nothing: the mean of 1/n
    lines: tuple[int, ...]

    @property
    def share(self) -> float:
        return self.longest / self.questions if self.questions else 0.0


def quiz_path(root: Path, week: Week, language: str) -> str:
    return f"{Path(root).name}/{week.number:02d}-{week.slug}/quiz.{language}.gift"


def lint_course(course: Course, root: Path) -> list[str]:
    """The findings that fail `course check`: every finding except the KNOWN_FINDINGS, as sentences."""
    return [str(finding) for finding in lint(course, root) if str(finding) not in KNOWN_FINDINGS]


def lint(course: Course, root: Path) -> list[Finding]:
    """Every item-writing finding of the course's quizzes, file by file."""
    findings = []
    for week in course.weeks:
        for language in LANGUAGES:
            path = quiz_path(root, week, language)
            questions = week.quiz.questions(language)
            report = key_length(path, questions)
            if report.questions and report.share > KEY_LONGEST_LIMIT:
                findings.append(Finding(path, None, (
                    f"the key is the longest option in {report.longest} of {report.questions} single-answer "
                    f"questions ({report.share:.0%}; chance is about {report.chance:.0%}, the limit "
                    f"{KEY_LONGEST_LIMIT:.0%}), lines {_lines(report.lines)}: make the options alike in length")))
            for question in questions:
                findings += [Finding(path, question.line, f"question {question.name}: {message}")
                             for message in question_findings(question)]
    findings += true_false_balance(course, root)
    return findings


def key_length(path: str, questions: tuple[Question, ...]) -> KeyLength:
    longest, lines, chances = 0, [], []
    for question in questions:
        if question.type != "multichoice" or not question.single or len(question.answers) < 2:
            continue
        chances.append(1 / len(question.answers))
        if _key_is_longest(question):
            longest += 1
            lines.append(question.line)
    chance = sum(chances) / len(chances) if chances else 0.0
    return KeyLength(path, longest, len(chances), chance, tuple(lines))


def _key_is_longest(question: Question) -> bool:
    best = max(answer.fraction for answer in question.answers)
    keys = [answer for answer in question.answers if answer.fraction == best]
    others = [len(answer.text) for answer in question.answers if answer.fraction != best]
    return len(keys) == 1 and bool(others) and len(keys[0].text) > max(others)


def question_findings(question: Question) -> list[str]:
    """What is wrong with one question's writing, as short sentences (empty when nothing is)."""
    found = []
    options = _options(question)
    for first, second in _near_duplicates(options):
        found.append(f'options "{first}" and "{second}" are the same or nearly the same')
    for option in options:
        if _ALL_OR_NONE.search(_normalised(option)):
            found.append(f'"{option}": write a real option instead of "all / none of the above"')
    if question.type == "multichoice":
        word = _unmarked_negative(question.text)
        if word:
            found.append(f'the question asks in the negative ("{word}"): write it as {word.upper()} or '
                         "in **bold**, or ask in the positive")
    return found


def _options(question: Question) -> list[str]:
    if question.type == "multichoice":
        return [answer.text for answer in question.answers]
    if question.type == "matching":
        stems = [answer.question for answer in question.answers if answer.question]
        return stems + list(dict.fromkeys(answer.answer or answer.text for answer in question.answers))
    return []


def _normalised(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: what is left when wording is compared."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def _near_duplicates(options: list[str]) -> list[tuple[str, str]]:
    pairs = []
    normalised = [_normalised(option) for option in options]
    for i in range(len(options)):
        for j in range(i + 1, len(options)):
            a, b = normalised[i], normalised[j]
            if a == b or (min(len(a), len(b)) >= 8 and SequenceMatcher(None, a, b).ratio() >= NEAR_DUPLICATE):
                pairs.append((options[i], options[j]))
    return pairs


def _unmarked_negative(text: str) -> str | None:
    """A negative word in the question itself (not the story before it) written in lower case, if any."""
    asked = _asked(text)
    marked = " ".join(_BOLD.findall(asked))
    for match in _NEGATIVE.finditer(asked):
        word = match.group(0)
        if word.isupper() and len(word) > 1 or word in marked:
            continue
        if _CONTRAST_BEFORE.search(asked[:match.start()]) or _CONTRAST_AFTER.match(asked[match.end():]):
            continue
        return word
    return None


def _asked(text: str) -> str:
    """The sentence that asks: the last ¿…? in Spanish, else the last sentence ending in ?, else the last one."""
    spanish = _QUESTION_ES.findall(text)
    if spanish:
        return spanish[-1]
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    questions = [s for s in sentences if s.rstrip().endswith("?")]
    return (questions or sentences or [text])[-1]


def true_false_balance(course: Course, root: Path) -> list[Finding]:
    """One finding per quiz file holding the majority key, when the course's true keys fall outside TRUE_SHARE."""
    keys = [(week, question) for week in course.weeks for question in week.quiz.questions_es
            if question.type == "truefalse"]
    if not keys:
        return []
    true = [(week, q) for week, q in keys if _true_is_key(q)]
    share = len(true) / len(keys)
    low, high = TRUE_SHARE
    if low <= share <= high:
        return []
    majority, word = (true, "true") if share > high else ([k for k in keys if not _true_is_key(k[1])], "false")
    findings = []
    for week in course.weeks:
        lines = [q.line for w, q in majority if w is week]
        if lines:
            findings.append(Finding(quiz_path(root, week, "es"), None, (
                f"true/false keys across the course are {share:.0%} true ({len(true)} of {len(keys)}), outside "
                f"{low:.0%}–{high:.0%}; the keys here are {word} at lines {_lines(lines)}")))
    return findings


def _true_is_key(question: Question) -> bool:
    return next(a.fraction for a in question.answers if a.text == "true") > 0


def _lines(lines) -> str:
    return ", ".join(str(line) for line in lines)


def key_length_summary(course: Course, root: Path) -> list[str]:
    """One line per week: how often each language's key is the longest option (what `course check` prints)."""
    lines = []
    for week in course.weeks:
        parts = []
        for language in LANGUAGES:
            report = key_length(quiz_path(root, week, language), week.quiz.questions(language))
            if report.questions:
                parts.append(f"{language} {report.longest}/{report.questions} ({report.share:.0%})")
        if parts:
            lines.append(f"  week {week.number:2d}: " + ", ".join(parts))
    return lines
