"""A lesson in the trainee's pocket: read once, it opens without a connection; and on a shared phone,
logging out (or someone else logging in) leaves nothing of his behind.

"Offline" here is the browser's own offline mode; the live server also counts the lesson requests it
receives, so a lesson that "opens offline" must really come from the phone and not from the server.
"""

import pytest

from browser.conftest import PHONE, login

pytestmark = pytest.mark.browser

WEEK_3 = "/weeks/3"


@pytest.fixture
def phone(browser, live_server):
    """A fresh phone (its own browser context: no service worker, no cache yet), JavaScript on."""
    context = browser.new_context(viewport=PHONE, service_workers="allow")
    yield context
    context.close()


@pytest.fixture
def server_hits(live_server):
    """Paths the live server answered while the test ran."""
    from flask import request
    hits: list[str] = []

    def count() -> None:
        hits.append(request.path)

    funcs = live_server.app.before_request_funcs.setdefault(None, [])
    funcs.append(count)
    yield hits
    funcs.remove(count)


def _kept_pages(page) -> list[str]:
    """The URLs the service worker keeps for a person on this phone."""
    return page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            if (!name.startsWith('pages-')) continue;
            const cache = await caches.open(name);
            for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
        }
        return urls;
    }""")


def _under_the_worker(page, url: str) -> None:
    """Open ``url`` with the service worker in control (the first visit only installs it)."""
    page.goto(url)
    page.evaluate("() => navigator.serviceWorker.ready")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
    page.goto(url)


def _open_and_keep(page, base: str, path: str) -> None:
    """Open the page at ``path`` under the worker and wait until the worker has kept it."""
    _under_the_worker(page, base + path)
    page.wait_for_function("""async (path) => {
        for (const name of await caches.keys()) {
            if (name.startsWith('pages-') && await (await caches.open(name)).match(path)) return true;
        }
        return false;
    }""", arg=path, timeout=10_000)


def test_a_lesson_read_once_opens_again_without_a_connection(phone, live_server, server_hits):
    page = phone.new_page()
    login(page, live_server.url, "demo-trainee")
    _open_and_keep(page, live_server.url, WEEK_3)
    title = page.locator("h1").inner_text()

    phone.set_offline(True)
    server_hits.clear()
    page.reload()
    assert page.locator("h1").inner_text() == title
    assert page.locator("article.lesson").count() == 1
    assert WEEK_3 not in server_hits, "the lesson came from the server, not from the phone"

    page.goto(live_server.url + "/weeks/4/quiz")  # never opened: the offline page, not an error
    assert "Sin conexión" in page.locator("h1").inner_text()
    phone.set_offline(False)


def test_after_logging_out_nothing_of_his_opens_offline(phone, live_server):
    page = phone.new_page()
    login(page, live_server.url, "demo-trainee")
    _open_and_keep(page, live_server.url, WEEK_3)
    assert WEEK_3 in _kept_pages(page)

    with page.expect_navigation():
        page.locator("header.site form[action='/logout'] button").click()
    assert _kept_pages(page) == []

    phone.set_offline(True)
    page.goto(live_server.url + WEEK_3)
    body = page.locator("body").inner_text()
    assert "Sin conexión" in body
    assert "Demo" not in body and page.locator("article.lesson").count() == 0
    phone.set_offline(False)


def test_another_person_logging_in_on_the_same_phone_clears_the_first_ones_pages(phone, live_server):
    page = phone.new_page()
    login(page, live_server.url, "demo-trainee")
    _open_and_keep(page, live_server.url, WEEK_3)
    # He closes the browser without logging out; his session cookie goes, the phone's storage stays.
    phone.clear_cookies()
    login(page, live_server.url, "demo-trainee-2")
    assert WEEK_3 not in _kept_pages(page)
    assert all(not path.startswith("/weeks/3") for path in _kept_pages(page))


def test_the_site_installs_with_a_manifest_icons_and_a_favicon(phone, live_server):
    page = phone.new_page()
    page.goto(live_server.url + "/login")
    manifest = page.evaluate("async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()")
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert page.request.get(live_server.url + icon["src"]).status == 200
    assert page.request.get(live_server.url + "/favicon.ico").status == 200


def test_a_reflection_draft_written_offline_is_kept_and_saved_when_the_connection_returns(phone, live_server):
    """The worker leaves drafts alone: their POSTs go to the network, and the draft script keeps working."""
    from sqlalchemy import select

    from lms.extensions import db
    from lms.models import Reflection, User
    page = phone.new_page()
    login(page, live_server.url, "demo-trainee")
    _under_the_worker(page, live_server.url + "/weeks/4/reflection")
    phone.set_offline(True)
    page.fill("#text", "Sin señal en el paradero, pero sigo escribiendo mi reflexión de la semana cuatro.")
    page.wait_for_function("() => document.querySelector('.autosave-status').textContent.includes('Sin conexión')")
    phone.set_offline(False)
    page.wait_for_function("() => document.querySelector('.autosave-status').textContent.includes('Borrador guardado')",
                           timeout=15_000)

    def draft() -> str:
        trainee = db.session.scalar(select(User).where(User.username == "demo-trainee"))
        return db.session.scalar(select(Reflection.draft_text).where(
            Reflection.enrollment_id == trainee.enrollment.id, Reflection.week == 4))

    assert "sigo escribiendo" in live_server.run(draft)


def test_saving_the_open_weeks_keeps_them_without_counting_them_as_read(phone, live_server):
    from sqlalchemy import func, select

    from lms.extensions import db
    from lms.models import LessonView, User

    def views() -> int:
        trainee = db.session.scalar(select(User).where(User.username == "demo-trainee-2"))
        return db.session.scalar(select(func.count()).select_from(LessonView)
                                 .where(LessonView.enrollment_id == trainee.enrollment.id))

    page = phone.new_page()
    login(page, live_server.url, "demo-trainee-2")
    before = live_server.run(views)
    _under_the_worker(page, live_server.url + "/")
    button = page.get_by_role("button", name="Guardar las semanas abiertas para leer sin conexión")
    button.click()
    page.wait_for_function("() => document.querySelector('[data-save-offline] + [role=status]').textContent.includes('Guardado')",
                           timeout=15_000)
    kept = _kept_pages(page)
    assert "/weeks/2" in kept and "/weeks/3" in kept
    assert live_server.run(views) == before


def test_a_lesson_saved_offline_keeps_its_glossary_so_its_links_still_work(phone, live_server, server_hits):
    """Week 2 links "mandatos" to the glossary; saving the lesson keeps the glossary too (issue 21)."""
    page = phone.new_page()
    login(page, live_server.url, "demo-trainee")
    _under_the_worker(page, live_server.url + "/weeks/2")
    page.get_by_role("button", name="Guardar para leer sin conexión").click()
    page.wait_for_function("() => document.querySelector('[data-save-offline] + [role=status]').textContent.includes('Guardado')",
                           timeout=15_000)
    assert {"/weeks/2", "/glosario"} <= set(_kept_pages(page))

    phone.set_offline(True)
    server_hits.clear()
    page.get_by_role("link", name="mandatos", exact=True).click()
    page.wait_for_url("**/glosario#mandatos")
    assert page.locator("h2#mandatos").inner_text() == "Mandatos"
    assert "caja del hombre" in page.locator("section.term", has=page.locator("h2#mandatos")).inner_text()
    assert "/glosario" not in server_hits, "the glossary came from the server, not from the phone"
    phone.set_offline(False)
