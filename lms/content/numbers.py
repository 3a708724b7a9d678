"""The course's help numbers: written once in ``course.toml`` and put into every text as ``[[name]]``.

Peru's emergency numbers are changing (DL 1590 folds 105, 106, 116 and Línea 100 into a Central 911
for Lima and Callao, not yet answering everywhere), so no lesson, guide or quiz spells a number out:
authors write ``[[police]]`` and the loader puts in the value from the ``[numbers]`` table before
Markdown is rendered or GIFT parsed. A change of number is one edit, and `gift export` writes plain
numbers for Moodle.
"""

import re
from collections.abc import Callable, Mapping

PLACEHOLDER = re.compile(r"\[\[([a-z0-9_]+)\]\]")
REQUIRED_NUMBERS = ("linea100", "police", "central")


def fill_numbers(text: str, numbers: Mapping[str, str]) -> str:
    """``text`` with every known ``[[name]]`` replaced by its number; unknown names stay for the checker."""
    return PLACEHOLDER.sub(lambda match: numbers.get(match[1], match[0]), text)


def read_numbers(table: object, problem: Callable[[str], None]) -> dict[str, str]:
    """The ``[numbers]`` table as a dict, reporting a missing required name or a value that is not digits."""
    if not isinstance(table, dict):
        problem("'numbers' must be a table of names and phone numbers, e.g. police = \"105\"")
        return {}
    numbers = {}
    for name, value in table.items():
        if not re.fullmatch(r"[a-z0-9_]+", name) or not isinstance(value, str) or not value.isdigit():
            problem(f"numbers.{name}: a lowercase name and a number written as digits in quotes, e.g. \"105\"")
            continue
        numbers[name] = value
    for name in REQUIRED_NUMBERS:
        if name not in table:
            problem(f"numbers.{name} is missing: lessons, quizzes and the page footer use it")
    return numbers
