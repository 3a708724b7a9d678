"""axe-core (WCAG 2.1 A and AA) on every page of every role, in Spanish and in English; the keyboard."""

import re

import pytest

from browser.conftest import (
    AXE_JS,
    DEMO_PASSWORD,
    PHONE,
    describe_violations,
    html_lang,
    open_page,
    page_params,
    run_axe,
)

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
    """What a page shows after a tap or a mistake: the revoke form unfolded, forms with errors."""
    coordinator = people.page("demo-coordinator")
    coordinator.goto(f"{live_server.url}/manage/certificates")
    for summary in coordinator.locator("details summary").all():
        summary.click()
    violations = run_axe(coordinator)
    assert not violations, describe_violations(violations)

    visitor = people.page(None)
    visitor.goto(f"{live_server.url}/join")
    with visitor.expect_navigation():
        visitor.locator("main form button[type=submit]").click()
    assert visitor.locator(".error").count() > 0, "an empty join form should show what is missing"
    violations = run_axe(visitor)
    assert not violations, describe_violations(violations)

    trainee = people.page("demo-trainee")
    trainee.goto(f"{live_server.url}/weeks/3/quiz")
    with trainee.expect_navigation():
        trainee.locator("button[name=action][value=submit]").click()
    assert trainee.locator("fieldset.has-error").count() > 0, "a quiz sent half answered should say what is missing"
    violations = run_axe(trainee)
    assert not violations, describe_violations(violations)


def _luminance(css_color: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"[\d.]+", css_color)[:3])
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_tab_reaches_the_login_button_with_a_visible_outline(browser, live_server):
    """A keyboard-only login: type the username (the field has the focus), Tab, the password, Tab to the button."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login")
        assert page.evaluate("() => document.activeElement.name") == "username", "the username field has the focus"
        page.keyboard.type("demo-trainee")
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_PASSWORD)
        for _ in range(3):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.matches('main form button[type=submit]')"):
                break
        else:
            pytest.fail("Tab never reached the login button")
        focus = page.evaluate("""() => {
            const style = getComputedStyle(document.activeElement);
            return {style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor,
                    page: getComputedStyle(document.body).backgroundColor};
        }""")
        assert focus["style"] not in ("none", "hidden") and focus["width"] >= 2, \
            f"the focused login button has no visible outline: {focus}"
        assert contrast(focus["color"], focus["page"]) >= 3, f"the focus outline hardly shows on the page: {focus}"
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
