"""The rules of `course check` that keep the course safe to hand to trainees (issue 21).

The loader checks that the course is well formed; these rules check what it says. Each reads the
files as the author wrote them (before ``[[name]]`` is filled in) and names the file and line:

- every ``[[name]]`` is a number defined in ``course.toml`` (``lms.content.numbers``), and none stands for
  the "100" of *Chat 100*, which is a name: were Línea 100 to change its number, the chat would not;
- no emergency number is spelled out (Línea 100, 105, 106, 116, 911) where a placeholder belongs,
  so that the day Central 911 answers in Callao the course changes in one place: in the weeks' files,
  the glossary and the code of conduct;
- every lesson ends with its help box, ``## Dónde buscar ayuda`` / ``## Where to get help``, and the
  box names Línea 100, the police and Central 911 through their placeholders;
- no reflection prompt asks a man to tell an incident of violence ("cuenta una vez que…" near a
  violence word): a written confession helps nobody and can endanger his partner. A match is a
  problem to review; rewrite the prompt to ask about attitudes, learning and plans.
- every glossary entry is linked from the lessons, at the place where the lessons, read in week order,
  first name it (``lms.content.glossary.first_use_problems``): a man meets a hard word once, with its link.

`course_rules(root, numbers)` returns the problems as sentences, like the loader's.
"""

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from lms.content.glossary import FILE_NAME, first_use_problems, parse_glossary
from lms.content.numbers import PLACEHOLDER, REQUIRED_NUMBERS

WEEK_DIR = re.compile(r"^\d{2}-[a-z0-9-]+$")
MARKDOWN_KINDS = ("lesson", "reflection", "facilitator")
COURSE_MARKDOWN = ("glossary", "code-of-conduct")  # beside course.toml
LANGUAGES = ("es", "en")

LITERAL_NUMBER = re.compile(r"(?<![\d\w])(?:105|106|116|911)(?!\d)|(?<![\[])\bL[íi]ne[a]?\s*(?:N\.?°\s*)?100\b",
                            re.IGNORECASE)

HELP_HEADINGS = {"es": "## Dónde buscar ayuda", "en": "## Where to get help"}

INCIDENT_REQUEST = {
    "es": re.compile(r"\b(?:cuenta|cuéntanos|cuéntame|describe|relata|narra|escribe|recuerda|registra|anota|"
                     r"identifica|piensa en|fíjate en)\b[^.?!]{0,60}?\b(?:una vez|una ocasión|una situación|alguna vez|"
                     r"un momento|un día|la última vez)\b", re.IGNORECASE),
    "en": re.compile(r"\b(?:tell|describe|write(?: down| about)?|recall|remember|record|note|identify|"
                     r"think of|pay attention to)\b[^.?!]{0,60}?\b(?:a time|an occasion|a situation|a moment|once|a day|"
                     r"the last time)\b", re.IGNORECASE),
}
VIOLENCE_WORD = {
    "es": re.compile(r"\b(?:violen\w*|golpe\w*|peg(?:aste|ar|ué|aba)\w*|grit\w*|insult\w*|empuj\w*|amenaz\w*|"
                     r"forz\w*|obligaste|controla\w*|celos\w*|cólera|rabia|enojo|poder sobre|maltrat\w*|"
                     r"cachetad\w*|lastim\w*)", re.IGNORECASE),
    "en": re.compile(r"\b(?:violen\w*|hit\w*|beat\w*|slap\w*|shout\w*|yell\w*|insult\w*|push\w*|threat\w*|"
                     r"forc\w*|control\w*|jealous\w*|anger|angry|rage|power over|abus\w*|hurt\w*)",
                     re.IGNORECASE),
}
NEGATION = re.compile(r"\b(?:no|nunca|ni|sin|not|never|don't|do not)\s+$", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def course_rules(root: Path, numbers: Mapping[str, str]) -> list[str]:
    """Every problem the safety rules find in the course at ``root``, each naming its file and line."""
    root = Path(root)
    if not root.is_dir():
        return []
    problems: list[str] = []
    for path in _course_texts(root):
        problems += _number_problems(path.relative_to(root.parent), path.read_text(encoding="utf-8").splitlines(),
                                     numbers)
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and WEEK_DIR.match(p.name)):
        for path, kind, lang in _week_texts(folder):
            where = path.relative_to(root.parent)
            lines = path.read_text(encoding="utf-8").splitlines()
            problems += _number_problems(where, lines, numbers)
            if kind == "lesson":
                problems += [f"{where}: {message}" for message in help_box_problems(lines, lang)]
            if kind == "reflection":
                problems += [f"{where}: line {n}: {message}" for n, message in incident_requests(lines, lang)]
    return problems + glossary_problems(root)


def glossary_problems(root: Path) -> list[str]:
    """Glossary entries not linked where the lessons first name them (the loader checks that links resolve)."""
    problems: list[str] = []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and WEEK_DIR.match(p.name))
    for lang in LANGUAGES:
        glossary = root / FILE_NAME.format(lang=lang)
        if not glossary.is_file():
            continue
        lessons = [(str(path.relative_to(root.parent)), path.read_text(encoding="utf-8"))
                   for path in (folder / f"lesson.{lang}.md" for folder in folders) if path.is_file()]
        entries = parse_glossary(glossary.read_text(encoding="utf-8")).entries
        problems += first_use_problems(entries, lessons, lang, str(glossary.relative_to(root.parent)))
    return problems


def _number_problems(where: Path, lines: list[str], numbers: Mapping[str, str]) -> list[str]:
    found = [*unknown_numbers(lines, numbers), *literal_numbers(lines), *chat_as_number(lines)]
    return [f"{where}: line {n}: {message}" for n, message in found]


def _course_texts(root: Path) -> Iterator[Path]:
    """The Markdown beside course.toml that trainees read: the glossary and the code of conduct."""
    for name in COURSE_MARKDOWN:
        for lang in LANGUAGES:
            path = root / f"{name}.{lang}.md"
            if path.is_file():
                yield path


def _week_texts(folder: Path) -> Iterator[tuple[Path, str, str]]:
    for lang in LANGUAGES:
        for kind in MARKDOWN_KINDS:
            path = folder / f"{kind}.{lang}.md"
            if path.is_file():
                yield path, kind, lang
        quiz = folder / f"quiz.{lang}.gift"
        if quiz.is_file():
            yield quiz, "quiz", lang


def unknown_numbers(lines: list[str], numbers: Mapping[str, str]) -> Iterator[tuple[int, str]]:
    """``[[name]]`` placeholders that ``course.toml`` does not define."""
    for n, line in enumerate(lines, start=1):
        for match in PLACEHOLDER.finditer(line):
            if match[1] not in numbers:
                known = ", ".join(f"[[{name}]]" for name in sorted(numbers)) or "none"
                yield n, f"unknown number [[{match[1]}]] (course.toml [numbers] defines {known})"


CHAT_AS_NUMBER = re.compile(r"\bChat\s+\[\[linea100\]\]", re.IGNORECASE)


def chat_as_number(lines: list[str]) -> Iterator[tuple[int, str]]:
    """"Chat [[linea100]]": the chat's name written with Línea 100's placeholder."""
    for n, line in enumerate(lines, start=1):
        if CHAT_AS_NUMBER.search(line):
            yield n, "'Chat [[linea100]]': Chat 100 is a name, not a number to dial; write 'Chat 100'"


def literal_numbers(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Emergency numbers written out instead of their placeholder (also "Línea" and "100" wrapped apart)."""
    text = "\n".join(lines)
    for match in LITERAL_NUMBER.finditer(text):
        n = text.count("\n", 0, match.start()) + 1
        digits = re.sub(r"\D", "", match[0])
        placeholder = {"100": "[[linea100]]", "105": "[[police]]"}.get(digits, "[[central]]")
        written = " ".join(match[0].split())
        yield n, f"the number in {written!r} is written out; write {placeholder} (course.toml [numbers])"


def help_box_problems(lines: list[str], lang: str) -> Iterator[str]:
    """The lesson's help box: its heading, and the three numbers every box gives."""
    heading = HELP_HEADINGS[lang]
    starts = [i for i, line in enumerate(lines) if line.strip() == heading]
    if not starts:
        yield f"no help box: the lesson needs a '{heading}' section (docs/authoring.md)"
        return
    box = []
    for line in lines[starts[0] + 1:]:
        if line.startswith("## "):
            break
        box.append(line)
    text = "\n".join(box)
    for name in REQUIRED_NUMBERS:
        if f"[[{name}]]" not in text:
            yield f"line {starts[0] + 1}: the help box does not give [[{name}]]"


def incident_requests(lines: list[str], lang: str) -> Iterator[tuple[int, str]]:
    """Sentences that ask the writer to tell an incident near a word of violence: a problem to review."""
    request, violence = INCIDENT_REQUEST[lang], VIOLENCE_WORD[lang]
    for n, paragraph in _paragraphs(lines):
        for sentence in SENTENCE_END.split(paragraph):
            for match in request.finditer(sentence):
                if NEGATION.search(sentence[:match.start()]):
                    continue
                if violence.search(sentence):
                    yield n, (f"review: the prompt may ask for an incident of violence ({match[0]!r}…); ask about "
                              "attitudes, learning and plans instead (docs/authoring.md)")
                    break


def _paragraphs(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Each paragraph (or list item) joined into one line, with the number of its first line."""
    start, parts = 0, []
    for n, line in enumerate(lines + [""], start=1):
        new_item = line.lstrip().startswith(("- ", "* ", "#")) or re.match(r"\s*\d+\.\s", line)
        if (not line.strip() or new_item) and parts:
            yield start, " ".join(parts)
            parts = []
        if line.strip():
            start = start if parts else n
            parts.append(line.strip())
