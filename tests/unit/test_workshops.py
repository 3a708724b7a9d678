"""A week's workshop: the cohort's usual day, time and place, unless a coordinator gave the week its own."""

from datetime import date, datetime, time, timezone

from lms.content.outline import outline
from lms.core.workshops import next_workshop, next_workshop_of, slot_of, workshop_of
from lms.models import Cohort, Workshop
from lms.share import whatsapp_number, whatsapp_url

MONDAY = date(2026, 3, 2)


def _cohort(**usual) -> Cohort:
    values = {"workshop_minutes": 150, "workshop_place": "", "workshop_place_note": ""} | usual
    return Cohort(id=1, name="Grupo A", start_date=MONDAY, timezone="America/Lima", **values)


def test_without_a_usual_day_the_workshop_is_on_the_day_the_week_opens():
    assert slot_of(_cohort(), 3, {}, None).held_on == date(2026, 3, 16)


def test_a_usual_saturday_at_four_falls_on_the_saturday_of_each_week_in_lima_time():
    slot = slot_of(_cohort(workshop_weekday=5, workshop_time=time(16, 0), workshop_place="Av. Guardia Chalaca 123",
                           workshop_place_note="local comunal, frente al mercado"), 2, {}, None)
    assert slot.held_on == date(2026, 3, 14)
    assert slot.starts.astimezone(timezone.utc) == datetime(2026, 3, 14, 21, 0, tzinfo=timezone.utc)
    assert (slot.ends - slot.starts).total_seconds() == 150 * 60
    assert slot.place_note == "local comunal, frente al mercado" and not slot.is_changed


def test_a_coordinator_moving_one_week_changes_only_that_week_and_marks_it_changed():
    cohort = _cohort(workshop_weekday=5, workshop_time=time(16, 0), workshop_place="Local comunal")
    changed = datetime(2026, 3, 10, 15, 0, tzinfo=timezone.utc)
    own = Workshop(cohort_id=1, week=2, held_on=date(2026, 3, 15), starts_at=time(10, 0), changed_dt=changed)
    slot = slot_of(cohort, 2, {}, own)
    assert (slot.held_on, slot.starts_at, slot.place) == (date(2026, 3, 15), time(10, 0), "Local comunal")
    assert slot.is_changed and slot.changed_dt == changed
    assert not slot_of(cohort, 3, {}, None).is_changed


def test_a_lesson_shows_its_own_week_s_workshop_moved_or_not():
    cohort = _cohort(workshop_weekday=5, workshop_time=time(16, 0), workshop_place="Local comunal")
    own = Workshop(cohort_id=1, week=2, held_on=date(2026, 3, 15), place="Coliseo",
                   changed_dt=datetime(2026, 3, 10, 15, 0, tzinfo=timezone.utc))
    cohort.own_workshops = [own]
    assert workshop_of(cohort, 2) == slot_of(cohort, 2, {}, own)
    assert workshop_of(cohort, 2).place == "Coliseo"
    assert workshop_of(cohort, 3) == slot_of(cohort, 3, {}, None)


def test_the_next_workshop_is_todays_until_the_day_is_over():
    slots = [slot_of(_cohort(), week, {}, None) for week in range(1, 13)]
    assert next_workshop(slots, date(2026, 3, 16)).week == 3
    assert next_workshop(slots, date(2026, 3, 17)).week == 4
    assert next_workshop(slots, date(2026, 6, 1)) is None


def test_a_trainee_s_next_workshop_is_the_first_held_today_or_later_counting_moved_weeks(app):
    """The home works out the weeks only up to that one, and finds what the twelve would have given."""
    cohort = _cohort(workshop_weekday=5, workshop_time=time(16, 0), workshop_place="Local comunal")
    moved = Workshop(cohort_id=1, week=3, held_on=date(2026, 3, 22), place="Coliseo",  # Saturday 21 -> Sunday 22
                     changed_dt=datetime(2026, 3, 10, 15, 0, tzinfo=timezone.utc))
    cohort.own_workshops = [moved]
    with app.app_context():
        twelve = [slot_of(cohort, week, {}, moved if week == 3 else None) for week in range(1, 13)]
        for today in (date(2026, 3, 1), date(2026, 3, 14), date(2026, 3, 21), date(2026, 3, 22),
                      date(2026, 3, 23), date(2026, 6, 1)):
            assert next_workshop_of(cohort, today) == next_workshop(twelve, today), today
        assert next_workshop_of(cohort, date(2026, 3, 15)).place == "Coliseo"
        assert next_workshop_of(cohort, date(2026, 3, 22)).held_on == date(2026, 3, 22)
        assert next_workshop_of(cohort, date(2026, 3, 23)).week == 4
        assert next_workshop_of(cohort, date(2026, 6, 1)) is None


def test_a_long_text_gets_an_outline_and_a_reading_time():
    html = "<p>Intro</p>" + "".join(f"<h2>Parte <em>{n}</em></h2><p>{'palabra ' * 180}</p>" for n in range(1, 4))
    result = outline(html)
    assert [s.title for s in result.sections] == ["Parte 1", "Parte 2", "Parte 3"]
    assert result.sections[0].html.startswith('<h2 id="part-1">')
    assert result.minutes == 3


def test_a_local_peruvian_mobile_gets_the_country_code_for_whatsapp():
    assert whatsapp_number("987 654 321") == "51987654321"
    assert whatsapp_number("+51 987-654-321") == "51987654321"
    assert whatsapp_number("") == "" and whatsapp_number(None) == "" and whatsapp_number("12") == ""
    assert whatsapp_url("Hola & chau", "987654321") == "https://wa.me/51987654321?text=Hola%20%26%20chau"
