"""The course's glossary: short entries with stable ids, and the links that lead to them.

``glossary.es.md`` and ``glossary.en.md`` sit beside ``course.toml``: an introduction, then one entry per
second-level heading, its id in braces (lowercase ascii and hyphens, the same in both languages)::

    ## Derivar {#derivar}

    Orientar a una persona hacia el servicio que la puede ayudar…

A lesson, reflection or guide links a term with an ordinary Markdown link to the glossary file of its own
language, ``[derivar](../glossary.es.md#derivar)``, which also works when the files are read on disk; one
entry links another with ``[CEM](#cem)``. A link's text is the word as the sentence needs it, so a link adds
no words to a lesson's count. The loader checks every link and makes it a link to the glossary page
(``lms.content.markdown``); `course check` checks that each term is linked where the lessons first use it
(``first_use_problems``).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

FILE_NAME = "glossary.{lang}.md"
ENTRY_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_HEADING = re.compile(r"^##(?!#)\s*(.*?)\s*$")
_ENTRY_HEADING = re.compile(rf"^(?P<term>.+?)\s*\{{#(?P<id>{ENTRY_ID})\}}$")
# [text](../glossary.es.md#id) in a week's file; the id may be missing (a link to the whole glossary)
GLOSSARY_LINK = re.compile(r"\[(?P<text>[^\[\]\n]+)\]\(\.\./glossary\.(?P<lang>[a-z]{2})\.md(?:#(?P<id>[^)\s]*))?\)")
GLOSSARY_FILE = re.compile(r"glossary\.[a-z]{2}\.md")
# [text](#id) inside the glossary
ANCHOR_LINK = re.compile(r"\[(?P<text>[^\[\]\n]+)\]\(#(?P<id>[^)\s]*)\)")
_ANY_LINK = re.compile(r"\[[^\[\]\n]*\]\([^)\s]*\)")
_HEADING_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)
# "Ley N° 30364", "Law No. 30364": the number of a law is matched with or without its "N°"
_LAW_NUMBER_SIGN = re.compile(r"\b(?:N[°º]|No\.)\s*(?=\d)")


@dataclass(frozen=True)
class Entry:
    """One glossary entry as written: its id, its term (the heading) and its Markdown text."""

    id: str
    term: str
    markdown: str
    line: int


@dataclass(frozen=True)
class ParsedGlossary:
    intro: str
    entries: tuple[Entry, ...]
    problems: tuple[tuple[int, str], ...]  # (line, message)

    @property
    def ids(self) -> set[str]:
        return {e.id for e in self.entries}


def parse_glossary(text: str) -> ParsedGlossary:
    """Split a glossary file into its introduction and entries, with the problems of its form by line."""
    intro: list[str] = []
    entries: list[Entry] = []
    problems: list[tuple[int, str]] = []
    current: tuple[str, str, int] | None = None  # (id, term, line) of the entry being read
    body: list[str] = []
    seen: set[str] = set()

    def close() -> None:
        if current is None:
            return
        entry_id, term, line = current
        markdown = "\n".join(body).strip()
        if not markdown:
            problems.append((line, f"entry #{entry_id} has no text"))
        entries.append(Entry(entry_id, term, markdown, line))

    for n, line in enumerate(text.splitlines(), start=1):
        heading = _HEADING.match(line)
        if heading is None:
            (body if current is not None else intro).append(line)
            continue
        close()
        body = []
        entry = _ENTRY_HEADING.match(heading[1])
        if entry is None:
            problems.append((n, f"the heading {line.strip()!r} needs an id: '## Término {{#termino}}' "
                                "(lowercase letters, digits and hyphens)"))
            current = None
            continue
        if entry["id"] in seen:
            problems.append((n, f"the id #{entry['id']} is used twice"))
        seen.add(entry["id"])
        current = (entry["id"], entry["term"], n)
    close()
    if not entries:
        problems.append((1, "the glossary has no entries ('## Término {#termino}')"))
    return ParsedGlossary("\n".join(intro).strip(), tuple(entries), tuple(problems))


def line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def forms(entry: Entry, link_texts: Iterable[str]) -> set[str]:
    """The ways a lesson may write an entry's term: its heading, what the heading has in brackets
    ("CAI (Centro de Atención Institucional)" is both), and every text that links to it."""
    heading = [part.strip() for part in re.split(r"[()]", entry.term)]
    return {f for f in (*heading, *link_texts) if f.strip()}


def _form_pattern(form: str) -> re.Pattern:
    """A form as a word (or words) at a word's start: "denuncia" finds "denuncias" and "denunciar".
    An acronym (two capitals or more: CEM, CAI) is matched exactly, so that CAI never finds "caída"."""
    form = " ".join(_LAW_NUMBER_SIGN.sub("", form).split())
    words = r"\s+".join(re.escape(word) for word in form.split(" "))
    if sum(c.isupper() for c in form) >= 2 and form == form.upper():
        return re.compile(rf"(?<!\w){words}(?!\w)")
    return re.compile(rf"(?<!\w){words}\w*", re.IGNORECASE)


@dataclass(frozen=True)
class Use:
    """Where a lesson first names an entry's term, and whether it links it there."""

    line: int
    text: str
    is_link: bool


def first_use(text: str, entry_id: str, lang: str, patterns: list[re.Pattern]) -> Use | None:
    """The first place in a lesson's Markdown that names the entry (a glossary link to it, or one of its forms
    outside any link), or None. Headings are titles, not uses: the link goes in the text under them."""
    def blank(match: re.Match) -> str:  # the same length, so that positions in the text stay where they were
        return " " * len(match[0])

    body = _LAW_NUMBER_SIGN.sub(blank, _HEADING_LINE.sub(blank, text))
    events: list[tuple[int, Use]] = []
    for link in GLOSSARY_LINK.finditer(body):
        if link["lang"] == lang and link["id"] == entry_id:
            events.append((link.start(), Use(line_of(text, link.start()), text[link.start(1):link.end(1)], True)))
    unlinked = _ANY_LINK.sub(blank, body)
    for pattern in patterns:
        match = pattern.search(unlinked)
        if match:
            events.append((match.start(), Use(line_of(text, match.start()), text[match.start():match.end()], False)))
    return min(events, key=lambda event: event[0])[1] if events else None


def first_use_problems(entries: Iterable[Entry], lessons: list[tuple[str, str]], lang: str,
                       glossary_where: str) -> Iterator[str]:
    """For each entry: linked from some lesson, and linked where the lessons (in week order) first name it.

    ``lessons`` is [(where, Markdown)] in week order; ``glossary_where`` names the glossary file in messages.
    A lesson after the first may link the term again, or not.
    """
    for entry in entries:
        link_texts = {link["text"] for _where, text in lessons for link in GLOSSARY_LINK.finditer(text)
                      if link["lang"] == lang and link["id"] == entry.id}
        if not link_texts:
            yield f"{glossary_where}: line {entry.line}: the entry #{entry.id} is linked from no lesson"
            continue
        patterns = [_form_pattern(form) for form in forms(entry, link_texts)]
        for where, text in lessons:
            use = first_use(text, entry.id, lang, patterns)
            if use is None:
                continue
            if not use.is_link:
                yield (f"{where}: line {use.line}: {use.text!r} is the lessons' first use of the glossary entry "
                       f"#{entry.id}; link it there: [{use.text}](../glossary.{lang}.md#{entry.id})")
            break
