"""axe-core (WCAG 2.1 A and AA) on every page of every role, in Spanish and in English; the keyboard."""

import pytest

from browser.conftest import (AXE_JS, CHROMIUM, CHROMIUM_MISSING, DEMO_PASSWORD, PHONE, describe_violations,
                              html_lang, open_page, page_params, run_axe)

if not CHROMIUM.exists():
    pytest.skip(CHROMIUM_MISSING, allow_module_level=True)

pytestmark = pytest.mark.browser


def test_axe_core_is_installed():
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `npm ci` at the repository root"


@pytest.mark.parametrize(("spec", "lang"), page_params())
def test_page_has_no_wcag_violations(people, spec, lang):
    page, _response = open_page(people, spec, lang)
    assert html_lang(page) == lang
    violations = run_axe(page)
    assert not violations, f"{spec.name} ({lang}, {page.url}) breaks WCAG 2.1 AA:\n{describe_violations(violations)}"


def test_open_details_and_errors_have_no_wcag_violations(people, live_server):
    """What a page shows after a tap or a mistake: the revoke form unfolded, a form with errors."""
    coordinator = people.page("demo-coordinator")
    coordinator.goto(f"{live_server.url}/manage/certificates")
    for summary in coordinator.locator("details summary").all():
        summary.click()
    violations = run_axe(coordinator)
    assert not violations, describe_violations(violations)

    visitor = people.page(None)
    visitor.goto(f"{live_server.url}/join")
    visitor.locator("main form button[type=submit]").click()
    visitor.wait_for_load_state()
    assert visitor.locator(".error").count() > 0, "an empty join form should show what is missing"
    violations = run_axe(visitor)
    assert not violations, describe_violations(violations)


def test_tab_reaches_the_login_button_with_a_visible_outline(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login")
        page.fill("input[name=username]", "demo-trainee")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.locator("body").focus()
        for _ in range(12):
            page.keyboard.press("Tab")
            focused = page.evaluate("() => document.activeElement.matches('main form button[type=submit]')")
            if focused:
                break
        assert focused, "Tab never reached the login button"
        outline = page.evaluate("""() => {
            const style = getComputedStyle(document.activeElement);
            return {style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor};
        }""")
        assert outline["style"] not in ("none", "hidden") and outline["width"] >= 2, \
            f"the focused login button has no visible outline: {outline}"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/login" not in page.url, "Enter on the focused button should log in"
    finally:
        context.close()


def test_skip_link_is_first_and_shows_when_focused(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/v")
        page.keyboard.press("Tab")
        skip = page.evaluate("""() => {
            const el = document.activeElement, box = el.getBoundingClientRect();
            return {href: el.getAttribute('href'), left: box.left, width: box.width};
        }""")
        assert skip["href"] == "#main"
        assert skip["left"] >= 0 and skip["width"] > 0, f"the focused skip link is off screen: {skip}"
    finally:
        context.close()
