"""iCalendar (RFC 5545) text: one writer, so that every feed folds, escapes and ends lines the same way.

The rules applied: lines end in CRLF (§3.1); a content line longer than 75 octets is folded by a CRLF
followed by one space, never inside a UTF-8 character (§3.1); in TEXT values backslash, semicolon,
comma and newline are escaped (§3.3.11); every VEVENT has UID and DTSTAMP (§3.6.1); times are written
in UTC with a trailing Z, so no VTIMEZONE is needed (§3.3.5, form #2).
"""

from dataclasses import dataclass
from datetime import date, datetime, timezone


@dataclass(frozen=True)
class Event:
    uid: str
    starts: datetime | date  # an aware datetime, or a date for a whole-day event
    ends: datetime | date
    summary: str
    location: str = ""
    description: str = ""
    categories: str = ""
    url: str = ""


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, continuation lines starting with a space."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not pieces else 74  # a continuation line's leading space counts
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _moment(name: str, value: datetime | date) -> str:
    if isinstance(value, datetime):
        return f"{name}:{utc_stamp(value)}"
    return f"{name};VALUE=DATE:{value.strftime('%Y%m%d')}"


def calendar(name: str, events: list[Event], now: datetime, product: str = "-//Promotores LMS//La Red//ES") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{product}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    stamp = utc_stamp(now)
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{stamp}", _moment("DTSTART", event.starts),
                  _moment("DTEND", event.ends), f"SUMMARY:{escape_text(event.summary)}"]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.categories:
            lines.append(f"CATEGORIES:{escape_text(event.categories)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
