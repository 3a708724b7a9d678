"""Parts of pages a worker keeps are the parts it would draw afresh, for every person and every change.

A worker draws a lesson's text, the menu, the footer and a trainee's list of weeks once and keeps them
under the values they are drawn from (lms/fragments.py, issue 24). If a key missed one of those values,
a trainee would be shown another man's weeks, a workshop's old place, or the coordinator's menu. These
stories visit the pages as different people, in both languages and after changes, and compare every
answer with the one a worker that keeps nothing gives.
"""

import re

import pytest
from helpers import AuthActions, app_config
from sqlalchemy import update

from lms import create_app
from lms.extensions import db
from lms.models import Cohort, User

_TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


def _page(client, path: str) -> str:
    """The page, without its CSRF tokens (a new signature on every request)."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return _TOKEN.sub("", response.text)


@pytest.fixture
def apps(database_url, tmp_path, world):
    world.cohort.workshop_place = "Local comunal de Villa Señor"
    world.other_cohort.workshop_place = "Parroquia San Antonio"
    db.session.commit()
    # The test's own instance folder, so that both workers have its secrets (survey pseudonyms, signing keys).
    keeping = create_app(app_config(database_url, tmp_path))
    drawing = create_app({**app_config(database_url, tmp_path), "KEEP_FRAGMENTS": False})
    yield keeping, drawing
    for app in (keeping, drawing):
        with app.app_context():
            db.engine.dispose()


def _visitors(apps, *usernames):
    """For each person, a signed-in browser on the keeping worker and one on the drawing worker."""
    pairs = {}
    for username in usernames:
        pair = pairs[username] = (apps[0].test_client(), apps[1].test_client())
        for client in pair:
            AuthActions(client).login(username)
    return pairs


def _same_on_both(pairs, username: str, path: str) -> str:
    kept, drawn = (_page(client, path) for client in pairs[username])
    assert kept == drawn, f"{username} on {path}: the kept page differs from the page drawn afresh"
    return kept


def _change(statement) -> None:
    db.session.execute(statement)
    db.session.commit()


def test_people_in_other_cohorts_roles_and_languages_get_the_page_drawn_afresh(apps, world):
    visitors = _visitors(apps, "jose", "carlos", "coordinadora")
    visits = [("jose", "/weeks/2"), ("carlos", "/weeks/2"), ("coordinadora", "/weeks/2"),
              ("jose", "/"), ("carlos", "/"), ("jose", "/glosario"), ("coordinadora", "/glosario"),
              ("carlos", "/weeks/3"), ("jose", "/weeks/3")]
    for username, path in visits:
        _same_on_both(visitors, username, path)
    assert "Villa Señor" in _same_on_both(visitors, "jose", "/weeks/2")
    assert "Parroquia San Antonio" in _same_on_both(visitors, "carlos", "/weeks/2")

    _change(update(User).where(User.id == world.trainee.id).values(locale="en"))
    for path in ("/weeks/2", "/", "/glosario"):
        page = _same_on_both(visitors, "jose", path)
        assert '<html lang="en">' in page
    assert "Week 2" in _same_on_both(visitors, "jose", "/weeks/2")
    assert "Semana 2" in _same_on_both(visitors, "carlos", "/weeks/2")


def test_a_graduate_and_a_beginner_each_see_their_own_weeks(apps, world, graduate):
    visitors = _visitors(apps, "jose", "carlos")
    jose, carlos = _same_on_both(visitors, "jose", "/"), _same_on_both(visitors, "carlos", "/")
    assert "12 de 12 semanas completas" in jose
    assert "0 de 12 semanas completas" in carlos
    assert _same_on_both(visitors, "jose", "/") == jose


def test_a_workshop_moved_by_the_coordination_shows_on_the_next_lesson_and_home(apps, world):
    visitors = _visitors(apps, "jose")
    assert "Villa Señor" in _same_on_both(visitors, "jose", "/weeks/2")
    _same_on_both(visitors, "jose", "/")
    _change(update(Cohort).where(Cohort.id == world.cohort.id).values(workshop_place="Coliseo municipal"))
    for path in ("/weeks/2", "/"):
        page = _same_on_both(visitors, "jose", path)
        assert "Coliseo municipal" in page and "Villa Señor" not in page


def _left_to_do(home: str, week: int) -> str:
    item = re.search(rf'<li class="week [^"]*">\s*<h3><a href="/weeks/{week}">.*?</li>', home, re.S)
    return item.group(0)


def test_what_he_did_this_week_shows_on_his_home_at_once(apps, world):
    visitors = _visitors(apps, "jose")
    assert "Leer la lección" in _left_to_do(_same_on_both(visitors, "jose", "/"), 3)
    _same_on_both(visitors, "jose", "/weeks/3")  # the lesson opened: one task of week 3 done
    week_3 = _left_to_do(_same_on_both(visitors, "jose", "/"), 3)
    assert "Leer la lección" not in week_3 and "Aprobar el cuestionario" in week_3


def test_each_role_gets_its_own_menu_and_each_page_its_own_current_item(apps, world):
    visitors = _visitors(apps, "jose", "coordinadora")
    for path in ("/glosario", "/weeks/2"):
        trainee, coordinator = (_same_on_both(visitors, name, path) for name in ("jose", "coordinadora"))
        assert "Mis semanas" in trainee and "Cuentas" not in trainee
        assert "Cuentas" in coordinator and "Mis semanas" not in coordinator
    assert 'href="/glosario" aria-current="page"' in _same_on_both(visitors, "jose", "/glosario")
    assert 'aria-current="page"' not in _same_on_both(visitors, "jose", "/weeks/2")


def test_a_visitor_gets_no_menu_after_a_trainee_had_one(apps, world):
    visitors = _visitors(apps, "jose")
    assert "Mis semanas" in _same_on_both(visitors, "jose", "/glosario")
    visitor = apps[0].test_client()
    page = _page(visitor, "/glosario")
    assert "Mis semanas" not in page and "Cerrar sesión" not in page
    assert page == _page(apps[1].test_client(), "/glosario")
