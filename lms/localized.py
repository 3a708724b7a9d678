"""Text that exists once per course language, picked by the reader's locale."""

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")  # str, or markupsafe.Markup for rendered HTML

# The one list of languages: the interface, the course files and the accounts all follow it.
LANGUAGE_NAMES = {"es": "Español", "en": "English"}  # each in its own language, as a switch shows it
LANGUAGES = tuple(LANGUAGE_NAMES)


@dataclass(frozen=True)
class Localized(Generic[T]):
    """The same text (or rendered HTML) in Spanish and English; call it with a locale to get one."""

    es: T
    en: T

    def __call__(self, locale: str) -> T:
        return self.en if str(locale).startswith("en") else self.es
