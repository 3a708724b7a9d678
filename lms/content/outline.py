"""A long text's outline: its sections by their second-level headings, and how long it takes to read.

Course text is trusted HTML made by lms.content.markdown; this only cuts it at its <h2> headings and
gives each an id, so a page can put a table of contents above it and "back to top" after each part.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

WORDS_PER_MINUTE = 180  # reading Spanish on a phone screen, slower than the 200–250 usually quoted
_H2 = re.compile(r"<h2>(.*?)</h2>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    html: Markup


@dataclass(frozen=True)
class Outline:
    preamble: Markup          # what comes before the first <h2>
    sections: tuple[Section, ...]
    minutes: int


def _text(html: str) -> str:
    return Markup(_TAG.sub(" ", html)).unescape()


@lru_cache(maxsize=128)  # 24 weeks × lesson and guide × 2 languages: each cut once
def outline(html: str) -> Outline:
    """Cut ``html`` at its <h2> headings (each given the id ``part-N``) and count its reading time."""
    parts = _H2.split(html)
    preamble, rest = parts[0], parts[1:]
    sections = []
    for n in range(0, len(rest), 2):
        title, body = rest[n], rest[n + 1]
        section_id = f"part-{n // 2 + 1}"
        sections.append(Section(section_id, " ".join(_text(title).split()),
                                Markup(f'<h2 id="{section_id}">{title}</h2>{body}')))
    words = len(_text(html).split())
    return Outline(Markup(preamble), tuple(sections), max(1, round(words / WORDS_PER_MINUTE)))
