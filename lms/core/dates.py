"""One date for one event: every date a person reads is the Lima calendar date of the event.

Moments are stored in UTC. A certificate revoked at 23:30 in Lima is stored at 04:30 UTC the next
day; its UTC date would be a day later than the one the coordinator lived. So a moment becomes a
date only through ``lima_date``, and a person reads it in one of three formats, whatever the page,
PDF, CSV or audit log:

- ``long_date``: "2 de diciembre de 2026" / "December 2, 2026" (sentences, certificates);
- ``table_date``: "02/12/2026" (tables and CSV files), day first in both languages, as in Peru;
- ``time_of``: "21:08", 24 hours; ``table_datetime`` puts the last two side by side.

Machine fields (the JSON API, signed lists) keep ISO 8601: a calendar date as ``2026-12-02``, a
moment with its offset, ``2026-12-01T23:30:00-05:00`` (``lima_iso``).
"""

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date
from flask_babel import get_locale

from lms.core.calendar import LIMA

TABLE_DATE = "dd/MM/yyyy"
TIME = "HH:mm"


def lima_date(value: date | datetime) -> date:
    """The calendar date in Lima of a moment (a plain date is already one)."""
    if isinstance(value, datetime):
        return value.astimezone(LIMA).date()
    return value


def lima_iso(moment: datetime | None) -> str | None:
    """A moment in ISO 8601 with Lima's offset, for machines: ``2026-12-01T23:30:00-05:00``."""
    return moment.astimezone(LIMA).isoformat(timespec="seconds") if moment else None


def _locale(locale: str | None) -> str:
    return locale or str(get_locale() or "es")


@lru_cache(maxsize=4096)
def babel_format_date(day: date, format: str, locale: str) -> str:  # noqa: A002 (Babel's name)
    """Babel's long and full dates, remembered: 11-17 µs each, and a worker shows the same few weeks' dates."""
    return format_date(day, format, locale=locale)


def long_date(value: date | datetime | None, locale: str | None = None) -> str:
    if value is None:
        return ""
    return babel_format_date(lima_date(value), "long", locale=_locale(locale))


def table_date(value: date | datetime | None) -> str:
    return lima_date(value).strftime("%d/%m/%Y") if value is not None else ""


def time_of(moment: datetime | None) -> str:
    return moment.astimezone(LIMA).strftime("%H:%M") if moment is not None else ""


def table_datetime(moment: datetime | None) -> str:
    return f"{table_date(moment)} {time_of(moment)}" if moment is not None else ""


def date_filter(value: date | datetime | None, format: str = "table") -> str:  # noqa: A002 (Jinja's name)
    """``{{ x|date }}`` is a table date, ``{{ x|date('long') }}`` a long one ('full' adds the weekday)."""
    if value is None:
        return ""
    if format == "full":
        return babel_format_date(lima_date(value), "full", locale=_locale(None))
    return long_date(value) if format == "long" else table_date(value)


def datetime_filter(moment: datetime | None, format: str = "table") -> str:  # noqa: A002
    """``{{ x|datetime }}``: "02/12/2026 21:08" in Lima, whatever the format asked (one format for tables)."""
    return table_datetime(moment)
