"""Stored data can't break pages: every date a form takes is bounded with a clear message, and a date
stored before that (a cohort dated 9999-12-20) still lets every shared page answer."""

from datetime import date

from helpers import post_form
from security_cast import cast, client_as, rules  # noqa: F401  (cast is a fixture)

from lms.extensions import db


def test_a_cohort_date_beyond_the_bound_is_refused_with_a_message(client, auth, world):
    auth.login("coordinadora")
    response = post_form(client, "/manage/cohorts/new", {"name": "Grupo Z", "start_date": "9999-12-20"})
    assert response.status_code in (200, 422)
    assert "Elige una fecha entre 2000 y 2100" in response.get_data(as_text=True)
    response = post_form(client, f"/manage/cohorts/{world.cohort.id}/calendar", {"opens_on-2": "9999-12-20"})  # week 3
    assert response.status_code == 422
    assert "Elige una fecha entre 2000 y 2100" in response.get_data(as_text=True)


def test_a_cohort_stored_in_the_year_9999_breaks_no_page(app, cast):
    cast.world.cohort.start_date = date(9999, 12, 20)
    cast.world.other_cohort.start_date = date(9999, 12, 20)
    db.session.commit()
    broken = []
    for visitor in ("trainee", "facilitator", "coordinator", "admin", "verifier"):
        client = client_as(app, visitor)
        for rule in rules(app, "GET"):
            url = cast.url(rule)
            status = client.get(url).status_code
            if status >= 500:
                broken.append(f"{visitor} {url}: {status}")
    assert not broken, "\n".join(broken)
