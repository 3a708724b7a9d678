"""iCalendar (RFC 5545) written by hand: the few components a calendar subscription needs.

A feed is a VCALENDAR of VEVENTs, each with its VALARMs. Times with a clock time are written in UTC
(``…Z``): Lima keeps no daylight saving, and a UTC time needs no VTIMEZONE. A day without a time is an
all-day event (``VALUE=DATE``). Text is escaped (backslash, semicolon, comma, newline) and every line is
folded at 75 octets without splitting a UTF-8 character, as §3.1 and §3.3.11 ask.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    start: datetime | date         # an aware datetime, or a date for an all-day event
    end: datetime | date
    description: str = ""
    location: str = ""
    url: str = ""
    categories: str = ""
    alarms: tuple[timedelta, ...] = field(default=())  # offsets from the start: negative is before
    last_modified: datetime | None = None


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, each continuation starting with a space."""
    pieces, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not pieces else 74):
            pieces.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def duration(offset: timedelta) -> str:
    """A DURATION value (§3.3.6): -P1D, -PT2H, PT9H30M."""
    sign = "-" if offset < timedelta(0) else ""
    seconds = abs(int(offset.total_seconds()))
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    return f"{sign}P{f'{days}D' if days else ''}{f'T{clock}' if clock else ''}" if days or clock else "PT0S"


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _when(name: str, value: datetime | date) -> str:
    if isinstance(value, datetime):
        return f"{name}:{_utc(value)}"
    return f"{name};VALUE=DATE:{value.strftime('%Y%m%d')}"


def calendar(events: Iterable[Event], *, name: str, now: datetime, refresh: timedelta = timedelta(hours=6),
             product: str = "-//Promotores LMS//ES") -> str:
    """The whole VCALENDAR text, CRLF line endings included."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{product}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"NAME:{escape_text(name)}", f"X-WR-CALNAME:{escape_text(name)}",
             f"REFRESH-INTERVAL;VALUE=DURATION:{duration(refresh)}", f"X-PUBLISHED-TTL:{duration(refresh)}"]
    stamp = _utc(now)
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{stamp}", _when("DTSTART", event.start),
                  _when("DTEND", event.end), f"SUMMARY:{escape_text(event.summary)}"]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.categories:
            lines.append(f"CATEGORIES:{escape_text(event.categories)}")
        if event.last_modified:
            lines.append(f"LAST-MODIFIED:{_utc(event.last_modified)}")
        for offset in event.alarms:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_text(event.summary)}",
                      f"TRIGGER:{duration(offset)}", "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
