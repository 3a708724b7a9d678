"""Parts of pages a worker draws once and keeps, under the values they are drawn from.

A lesson's text, its table of contents and the footer are the same for every trainee who reads that
week in that language; the list of a trainee's twelve weeks is the same for everyone whose weeks stand
the same way. Drawing them again on every request was most of what a lesson and a home cost. A template
keeps such a part with a call block, naming everything the part is drawn from as its key::

    {% call keep("lesson", week.number, current_locale) %} ... {% endcall %}

The key's first element names the part; no two parts in the templates share a name
(``tests/unit/test_kept_fragments.py`` reads them all). The first request draws the part, and later
ones with an equal key get the drawn HTML back. Nothing is ever invalidated: when what a part is drawn
from changes, its key changes and a new part is drawn. So the rule for templates is the whole of it:
**a kept part uses nothing that is not in its key**. It may read ``request.path`` or the person's role
only when the key names them, and never a CSRF token or a flash message. The course and the
configuration, loaded once per worker, are the same for every request. Every key element is a value that
compares equal only when it draws the same HTML: numbers, strings, dates, frozen dataclasses, and tuples
of these. A list of dataclasses becomes such a value with the ``as_key`` filter, which takes every field
of each, so a part drawn from a few of them is still drawn again when any of them changes.
``tests/integration/test_fragments.py`` draws pages for people whose keys differ, one after another, and
checks each against a worker that kept nothing.

A worker keeps at most ``MAX_KEPT`` parts and starts again from none when it has that many, rather than
paying on every request for the bookkeeping of which part to drop. Measured on the demo course, a week's
lesson text is about 10 KB in each language, the menu and the footer a few hundred bytes, and a trainee's
weeks about 4 KB with a key of 2 to 3 KB; so a full store is at most about 8 MB a worker, and a programme
of a few cohorts keeps far fewer parts than that. Nothing is kept while templates reload from disk
(``flask run --debug``), so an edited template shows at once; ``LMS_KEEP_FRAGMENTS=false`` draws every
part every time.
"""

from collections.abc import Callable, Hashable, Iterable
from dataclasses import fields
from operator import attrgetter

from flask import Flask
from jinja2 import Environment
from markupsafe import Markup

MAX_KEPT = 1024


class KeptFragments:
    """A worker's drawn parts of pages, by key. A plain dict: each step is atomic under threads."""

    def __init__(self, env: Environment, max_kept: int = MAX_KEPT) -> None:
        self.env = env
        self.max_kept = max_kept
        self._parts: dict[tuple, Markup] = {}

    def __call__(self, *key: Hashable, caller: Callable[[], Markup]) -> Markup:
        if self.env.auto_reload:  # read on each call: Flask turns it on when debug is set after startup
            return caller()
        part = self._parts.get(key)
        if part is None:
            part = caller()
            if len(self._parts) >= self.max_kept:
                self._parts.clear()
            self._parts[key] = part
        return part

    def __len__(self) -> int:
        return len(self._parts)


_FIELD_VALUES: dict[type, Callable[[object], tuple]] = {}


def _field_values(kind: type) -> Callable[[object], tuple]:
    """A function giving every field of a ``kind`` as a tuple, in one C call (``attrgetter``)."""
    names = tuple(f.name for f in fields(kind))
    getter = attrgetter(*names)
    return getter if len(names) > 1 else lambda item: (getter(item),)


def as_key(items: Iterable) -> tuple:
    """Every field of each dataclass in ``items``, as a tuple of tuples: a key that changes with any of them."""
    key = []
    for item in items:
        values = _FIELD_VALUES.get(type(item))
        if values is None:
            values = _FIELD_VALUES[type(item)] = _field_values(type(item))
        key.append(values(item))
    return tuple(key)


def draw_every_time(*key: Hashable, caller: Callable[[], Markup]) -> Markup:
    """``keep`` when nothing is kept: the part is drawn as if the call block were not there."""
    return caller()


def init_app(app: Flask) -> None:
    keep = KeptFragments(app.jinja_env) if app.config["KEEP_FRAGMENTS"] else draw_every_time
    app.jinja_env.globals["keep"] = keep
    app.jinja_env.filters["as_key"] = as_key
