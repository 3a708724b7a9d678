"""The calendar feed is written by hand; a real RFC 5545 library must read back what was meant."""

from datetime import date, datetime, timedelta, timezone

import icalendar

from lms.core.ical import Event, calendar, fold

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_a_feed_reads_back_with_its_events_alarms_and_accents():
    start = datetime(2026, 3, 14, 21, 0, tzinfo=timezone.utc)
    events = [
        Event(uid="workshop-1-2@lms.test", summary="Taller, semana 2: Sexo, género y la caja del hombre",
              start=start, end=start + timedelta(minutes=150), location="Av. Guardia Chalaca 123; local comunal",
              description="Línea 1\nLínea 2", alarms=(timedelta(days=-1), timedelta(hours=-2))),
        Event(uid="week-1-3@lms.test", summary="Se abre la semana 3", start=date(2026, 3, 16), end=date(2026, 3, 17),
              alarms=(timedelta(hours=9),)),
    ]
    text = calendar(events, name="Promotores: talleres", now=NOW)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    parsed = icalendar.Calendar.from_ical(text)
    workshop, opening = parsed.walk("VEVENT")
    assert str(workshop["SUMMARY"]) == "Taller, semana 2: Sexo, género y la caja del hombre"
    assert str(workshop["LOCATION"]) == "Av. Guardia Chalaca 123; local comunal"
    assert str(workshop["DESCRIPTION"]) == "Línea 1\nLínea 2"
    assert workshop.decoded("DTSTART") == start
    assert [a.decoded("TRIGGER") for a in workshop.walk("VALARM")] == [timedelta(days=-1), timedelta(hours=-2)]
    assert opening.decoded("DTSTART") == date(2026, 3, 16)
    assert [a.decoded("TRIGGER") for a in opening.walk("VALARM")] == [timedelta(hours=9)]


def test_long_lines_fold_without_splitting_a_character():
    line = "SUMMARY:" + "ñ" * 100
    folded = fold(line)
    assert all(len(piece.encode()) <= 75 for piece in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
