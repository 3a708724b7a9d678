"""The glossary (issue 21, "readable by the men it is for"): a trainee who meets a hard word in a lesson
follows its link to a short explanation, in his language, on a page anyone can open and a phone can keep."""

import re
from datetime import date, timedelta
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from helpers import csrf_token

from lms.content.loader import current_course
from lms.extensions import db
from lms.localized import LANGUAGES
from lms.offline import KEEP_HEADER

GLOSSARY_HREF = re.compile(r'href="([^"#]*glosario)#([a-z0-9-]+)"')


@pytest.fixture
def reader(client, auth, world):
    """José, twelve weeks into his cohort, with the start-of-course surveys answered: every lesson is open."""
    from lms.demo.progress import answer_surveys
    world.cohort.start_date = date.today() - timedelta(days=90)
    answer_surveys(world.trainee.enrollment, current_course(), "pre", 0.5, seed=7)
    db.session.commit()
    auth.login("jose")
    return client


def _in_english(client) -> None:
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/")})


def _follow(client, page_url: str, html: str, term: str):
    """The URL a browser opens for the glossary link whose text is ``term`` on the page at ``page_url``."""
    match = re.search(rf'<a href="([^"]*glosario#[a-z0-9-]+)">{re.escape(term)}</a>', html)
    assert match, f"no glossary link on '{term}' at {page_url}"
    target = urljoin("http://lms.test" + page_url, match.group(1))
    return urlsplit(target).path, urlsplit(target).fragment


def _entry(html: str, entry_id: str) -> str:
    """The text of the glossary entry with ``entry_id`` as the page shows it."""
    match = re.search(rf'<h2 id="{entry_id}">(.*?)</h2>(.*?)</section>', html, re.S)
    assert match, f"no entry #{entry_id} on the page"
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1) + " " + match.group(2)))


def test_a_trainee_reading_week_10_follows_derivar_to_its_meaning(reader):
    lesson = reader.get("/weeks/10").get_data(as_text=True)
    path, anchor = _follow(reader, "/weeks/10", lesson, "derivar")
    assert (path, anchor) == ("/glosario", "derivar")
    glossary = reader.get(path)
    assert glossary.status_code == 200
    entry = _entry(glossary.get_data(as_text=True), anchor)
    assert "Derivar" in entry and "Orientar a una persona hacia el servicio que la puede ayudar" in entry


def test_in_english_week_7_links_coercion_to_its_meaning(reader):
    _in_english(reader)
    lesson = reader.get("/weeks/7").get_data(as_text=True)
    path, anchor = _follow(reader, "/weeks/7", lesson, "coercion")
    page = reader.get(path).get_data(as_text=True)
    assert '<html lang="en">' in page and "<h1>Glossary</h1>" in page
    assert "pressure, threats or blackmail" in _entry(page, anchor)


@pytest.mark.parametrize(("week", "term", "entry_id", "words"), [
    (1, "Centro Emergencia Mujer y Familia (CEM)", "cem", "ayuda legal, psicológica y social"),
    (1, "CAI", "cai", "un juzgado"),
    (4, "Económica o patrimonial", "violencia-patrimonial", "pensión de alimentos"),
    (12, "indicador", "indicador", "una señal de que avanzamos"),
])
def test_the_words_the_issue_names_lead_to_their_entries(reader, week, term, entry_id, words):
    lesson = reader.get(f"/weeks/{week}").get_data(as_text=True)
    path, anchor = _follow(reader, f"/weeks/{week}", lesson, term)
    assert anchor == entry_id
    assert words in _entry(reader.get(path).get_data(as_text=True), anchor)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_glossary_link_of_every_lesson_lands_on_an_entry(reader, lang):
    if lang == "en":
        _in_english(reader)
    page = reader.get("/glosario").get_data(as_text=True)
    ids = set(re.findall(r'<h2 id="([a-z0-9-]+)">', page))
    linked = set()
    for week in current_course().week_numbers:
        url = f"/weeks/{week}"
        for href, anchor in GLOSSARY_HREF.findall(reader.get(url).get_data(as_text=True)):
            assert urlsplit(urljoin("http://lms.test" + url, href)).path == "/glosario", f"{url}: {href}"
            assert anchor in ids, f"{url} links #{anchor}, which the glossary page does not have"
            linked.add(anchor)
    assert linked == ids - {"terms-h"}, "every entry is linked from some lesson"


def test_the_glossary_is_public_small_and_kept_for_reading_offline(client):
    response = client.get("/glosario")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers[KEEP_HEADER] == "1"
    assert "<h1>Glosario</h1>" in page and 'href="#derivar"' in page
    with client.get("/static/style.css") as stylesheet:
        assert len(response.data) + len(stylesheet.data) < 30 * 1024, "uncompressed, with its stylesheet"
    assert 12 <= page.count('<section class="term">') <= 25
    assert "<script>" not in page and "style=" not in page


def test_a_trainee_finds_the_glossary_in_his_menu_and_under_each_lesson(reader):
    home = reader.get("/").get_data(as_text=True)
    assert '<a href="/glosario">Glosario</a>' in home
    lesson = reader.get("/weeks/3").get_data(as_text=True)
    assert "Glosario: las palabras del curso, explicadas en corto" in lesson
    assert 'data-save-offline="/weeks/3 /glosario"' in lesson, "saved with the lesson, its links work offline"


def test_the_help_numbers_in_the_glossary_come_from_course_toml(client):
    page = client.get("/glosario").get_data(as_text=True)
    numbers = current_course().numbers
    assert f"Línea {numbers['linea100']}" in page and "[[" not in page
