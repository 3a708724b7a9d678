"""Every page on a prepaid phone: at most 30 KiB over the wire with what it loads, nothing from another
host, no sideways scrolling on a 360 px screen, safe headers, and the language the person chose."""

import os
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

from browser.conftest import PAGES, PHONE, ROOT, SCREENSHOTS, People, html_lang, open_page, page_params

pytestmark = pytest.mark.browser

MAX_BYTES = 30 * 1024
WEIGHTS: dict[str, int] = {}

SCREENSHOT_PAGES = {  # docs/screenshots/<file>.png: the main page of each role
    "trainee-home": "trainee-home", "lesson": "lesson", "facilitator-home": "facilitator-home",
    "gradebook": "gradebook", "manage-cohorts": "coordinator-cohorts", "certificates": "certificates",
    "verify-valid": "verification-page", "registry": "registry",
}


@pytest.fixture(scope="module")
def cold_people(browser, live_server):
    """People whose browser keeps no HTTP cache: every page is weighed as on a first visit. Their service
    worker is blocked, so that every byte crosses the network where it is counted; the worker's own
    script, which a first visit also downloads, is added to each page (``worker_bytes``)."""
    crowd = People(browser, live_server, viewport=PHONE, service_workers="block")

    def disable_cache(page) -> None:
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": True})

    crowd.on_new_page = disable_cache
    yield crowd
    crowd.close()
    if WEIGHTS:
        heaviest = sorted(WEIGHTS.items(), key=lambda item: -item[1])[:5]
        print("\nheaviest pages (KiB): " + ", ".join(f"{name} {size / 1024:.1f}" for name, size in heaviest))


@pytest.fixture(scope="module")
def worker_bytes(live_server) -> int:
    """What the service worker's script weighs over the wire, headers included."""
    response = live_server.app.test_client().get("/sw.js")
    headers = sum(len(name) + len(value) + 4 for name, value in response.headers.items())
    return len(response.data) + headers


@pytest.mark.parametrize(("spec", "lang"), page_params())
def test_page_weight_and_hosts(cold_people, live_server, worker_bytes, spec, lang):
    page = cold_people.use_language(spec.user, lang)
    finished, failed, asked = [], [], []
    handlers = {"request": lambda r: asked.append(r), "requestfinished": lambda r: finished.append(r),
                "requestfailed": lambda r: failed.append(r)}
    for event, handler in handlers.items():
        page.on(event, handler)
    try:
        page.goto(live_server.url + live_server.path(spec.path))
        page.wait_for_load_state("load")
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)

    server = urlsplit(live_server.url)
    foreign = [r.url for r in asked if urlsplit(r.url).scheme != "data" and urlsplit(r.url).netloc != server.netloc]
    assert not foreign, f"{spec.name} asks other hosts (no CDN, fonts or analytics): {foreign}"
    assert not failed, f"{spec.name}: requests failed: {[(r.url, r.failure) for r in failed]}"
    sizes = {r.url: r.sizes() for r in finished}
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes.values()) + worker_bytes
    WEIGHTS[f"{lang}-{spec.name}"] = total
    detail = ", ".join(f"{urlsplit(url).path} {s['responseBodySize'] + s['responseHeadersSize']} B"
                       for url, s in sizes.items())
    detail += f", /sw.js {worker_bytes} B"
    assert total <= MAX_BYTES, f"{spec.name} ({lang}) weighs {total / 1024:.1f} KiB > 30 KiB: {detail}"
    assert any(urlsplit(url).path.endswith("/style.css") for url in sizes), f"{spec.name}: no stylesheet: {detail}"


@pytest.fixture(scope="module")
def phones(browser, live_server):
    crowd = People(browser, live_server, viewport=PHONE)
    yield crowd
    crowd.close()


def test_screenshots_of_each_role_at_360px(phones, tmp_path):
    """Screenshots of the main page of each role; LMS_UPDATE_SCREENSHOTS=1 writes them to docs/screenshots/."""
    target = SCREENSHOTS if os.environ.get("LMS_UPDATE_SCREENSHOTS") == "1" else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    by_name = {spec.name: spec for spec in PAGES}
    for page_name, file_name in SCREENSHOT_PAGES.items():
        page, _response = open_page(phones, by_name[page_name], "es")
        path = target / f"{file_name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000
    assert set(SCREENSHOT_PAGES.values()) <= {p.stem for p in SCREENSHOTS.glob("*.png")}


# ---------------------------------------------------------------- headers and language

def _other_language_texts() -> dict[str, set[str]]:
    """Interface sentences of one language that must not show on a page in the other: the Spanish of every
    translated message (on English pages) and the English original of every message (on Spanish pages)."""
    with (ROOT / "lms/translations/es/LC_MESSAGES/messages.po").open(encoding="utf-8") as po:
        catalog = read_po(po)
    spanish, english = set(), set()
    for message in catalog:
        if not message.id or isinstance(message.id, tuple) or "%" in message.id:
            continue
        translated = message.string if isinstance(message.string, str) else ""
        if translated == message.id:
            continue
        if len(message.id) >= 12 and " " in message.id:
            english.add(message.id)
        if len(translated) >= 12 and " " in translated:
            spanish.add(translated)
    return {"en": spanish, "es": english}


FOREIGN = _other_language_texts()


@pytest.mark.parametrize(("spec", "lang"), page_params())
def test_page_fits_a_360px_screen_with_safe_headers(phones, spec, lang):
    page, response = open_page(phones, spec, lang)

    # No sideways scrolling: wide tables scroll inside their .table-wrap box.
    overflow = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')]
            .filter(el => !el.closest('.table-wrap') && el.getBoundingClientRect().right > width + 1)
            .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/ /g, '.') : ''));
        return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 8)};
    }""")
    assert overflow["scrollWidth"] <= PHONE["width"], \
        f"{spec.name} ({lang}) scrolls sideways on a 360 px phone: {overflow}"

    # Headers that keep the page from running injected code, being framed or sniffed.
    headers = response.headers
    policy = headers.get("content-security-policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in policy.split(";") if d.strip()}
    assert policy and "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, policy
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", policy
    assert "script-src" in directives or "default-src" in directives, policy
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") in {"same-origin", "no-referrer", "strict-origin-when-cross-origin",
                                              "strict-origin"}, headers.get("referrer-policy")

    # The language the person chose, all of it.
    assert html_lang(page) == lang
    text = page.locator("body").inner_text()
    leftovers = sorted(t for t in FOREIGN[lang] if t in text)
    assert not leftovers, f"{spec.name} in {lang} shows text of the other language: {leftovers}"
