"""Browser fixtures: one Chromium per session, one live server per module.

The live server is the real app on the test database of ``tests/conftest.py`` (its ``database_url``
and ``_schema`` fixtures, its ``app_config``), served by werkzeug from a daemon thread on
http://127.0.0.1:<free port> and filled with ``flask lms demo``. When the module is done its tables
are emptied the way the ``app`` fixture does it, so the rest of the suite starts from empty tables.

Chromium is the one installed from Debian at /usr/bin/chromium; no browser is ever downloaded. Tests
marked ``browser`` are skipped where it is missing, except in CI, where they fail (``needs_tools``).
"""

import importlib.util
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from helpers import app_config, live_http_server, needs_tools  # the same as every other test

from lms import create_app
from lms.extensions import db, limiter

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

ROOT = Path(__file__).resolve().parents[2]
# axe-core as the axe-playwright-python wheel ships it (a test extra): `make test` needs no npm.
AXE_JS = Path(importlib.util.find_spec("axe_playwright_python").origin).with_name("axe.min.js")
SCREENSHOTS = ROOT / "docs" / "screenshots"
COURSE_DIR = ROOT / "courses" / "promotores"

DEMO_PASSWORD = "demo-clave-2026"
PHONE = {"width": 360, "height": 740}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

REFLECTION_WEEK_3 = ("Esta semana conversé con mi hermano sobre el poder en la casa. Me di cuenta de que yo "
                     "decidía solo en qué se gastaba la plata y ahora quiero decidirlo con mi pareja.")


# ---------------------------------------------------------------- the browser

def pytest_collection_modifyitems(items):
    needs_chromium = needs_tools(str(CHROMIUM))
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(needs_chromium)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """The system Chromium, shared by every browser test of the session."""
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


# ---------------------------------------------------------------- the live server

@dataclass
class LiveServer:
    """The app served for real, with the demo data and the ids the tests need to build URLs."""

    url: str
    app: Any
    invite_code: str
    certificate_code: str
    ids: dict[str, Any] = field(default_factory=dict)

    def run(self, fn: Callable[[], Any]) -> Any:
        """Call ``fn`` inside an app context (for reading or preparing data) and return its result."""
        with self.app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()

    def path(self, template: str) -> str:
        return template.format(**self.ids)


def _seed(live: LiveServer) -> None:
    """What the demo lacks for a tour of every page: a reflection waiting for review, a revoked
    certificate; and the ids that go into URLs."""
    from sqlalchemy import select

    from lms.content.loader import current_course
    from lms.core.certificates import services as certificates
    from lms.core.certificates.codes import ALPHABET, check_symbol
    from lms.core.progress import progress_of
    from lms.demo import COHORT_A, COHORT_B, COHORT_DONE
    from lms.learn import services as learn
    from lms.models import Certificate, Cohort, Concern, User

    def seed() -> dict:
        now = datetime.now(timezone.utc)
        users = {u.username: u for u in db.session.scalars(select(User))}
        cohorts = {c.name: c for c in db.session.scalars(select(Cohort))}
        trainee = users["demo-trainee"]
        reflection = learn.submit_reflection(trainee.enrollment, 3, REFLECTION_WEEK_3, now,
                                             live.app.config["REFLECTION_MAX_CHARS"])
        db.session.flush()
        course = current_course()
        revoked_holder = users["demo-promotor-7"]
        revoked = certificates.issue(users["demo-coordinator"], revoked_holder.enrollment, course,
                                     printed_name=revoked_holder.display_name, now=now,
                                     progress=progress_of(revoked_holder.enrollment, course, now))
        certificates.revoke(users["demo-coordinator"], revoked, "error_emision", now)
        db.session.commit()
        held, suspended = users["demo-promotor-3"], users["demo-promotor-4"]
        held_concern = db.session.scalar(select(Concern.id).where(Concern.subject_id == held.id))
        suspended_code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == suspended.id))
        unknown = "ABCDEFGHJKMNPQR"
        unknown_code = unknown + check_symbol(unknown)
        wrong_check = next(s for s in ALPHABET if s != check_symbol(unknown))
        return {
            "cohort_a": cohorts[COHORT_A].id, "cohort_b": cohorts[COHORT_B].id, "cohort_done": cohorts[COHORT_DONE].id,
            "trainee": trainee.id, "graduate": users["demo-graduate"].id,
            "review_version": reflection.versions[-1].id,
            "valid_code": live.certificate_code.replace("-", ""), "revoked_code": revoked.code,
            "unknown_code": unknown_code, "malformed_code": unknown + wrong_check,
            "held": held.id, "held_concern": held_concern, "suspended_code": suspended_code,
        }

    live.ids.update(live.run(seed))


def _empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(_schema, database_url, tmp_path_factory) -> Iterator[LiveServer]:
    """The app on http://127.0.0.1:<free port>, with the demo data, for the tests of one module."""
    config = app_config(database_url, tmp_path_factory.mktemp("live-instance"))
    config.pop("SERVER_NAME")  # the browser asks for 127.0.0.1:<port>
    config["DEMO_PASSWORD"] = DEMO_PASSWORD
    app = create_app(config)
    try:
        result = app.test_cli_runner().invoke(args=["lms", "demo"])
        assert result.exit_code == 0, f"flask lms demo failed: {result.output}\n{result.exception!r}"
        invite = re.search(r"invite code: (\S+)", result.output)
        certificate = re.search(r"demo certificate code: (\S+)", result.output)
        assert invite and certificate, f"flask lms demo printed no codes:\n{result.output}"

        with live_http_server(app) as url:
            live = LiveServer(url=url, app=app, invite_code=invite.group(1), certificate_code=certificate.group(1))
            _seed(live)
            yield live
    finally:
        _empty_tables(app)
        limiter.reset()


# ---------------------------------------------------------------- logged-in browsers

def login(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form, as a person would."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/login" not in page.url, f"{username} could not log in: {page.locator('main').inner_text()}"


def html_lang(page) -> str | None:
    return page.locator("html").get_attribute("lang")


def switch_language(page, lang: str) -> None:
    """Choose ``lang`` with the button in the page header (a POST that comes back to the same page)."""
    if html_lang(page) == lang:
        return
    with page.expect_navigation():
        page.locator("header.site form.lang button").click()
    assert html_lang(page) == lang, f"the language switch did not give lang={lang} on {page.url}"


class People:
    """One browser context per person (None: an anonymous visitor), logged in once and kept, with the
    language each one last chose."""

    def __init__(self, browser, live: LiveServer, **context_options):
        self.browser, self.live, self.options = browser, live, context_options
        self.contexts: dict[str | None, Any] = {}
        self.pages: dict[str | None, Any] = {}
        self.languages: dict[str | None, str] = {}
        self.on_new_page: Callable[[Any], None] | None = None

    def page(self, username: str | None):
        if username not in self.pages:
            context = self.browser.new_context(**self.options)
            self.contexts[username] = context
            page = context.new_page()
            if self.on_new_page:
                self.on_new_page(page)
            if username:
                login(page, self.live.url, username)
            self.pages[username] = page
            self.languages[username] = html_lang(page) or "es"
        return self.pages[username]

    def use_language(self, username: str | None, lang: str):
        """The person's page, after choosing ``lang`` with the header button if it is not his language yet."""
        page = self.page(username)
        if self.languages[username] != lang:
            page.goto(f"{self.live.url}/v")
            switch_language(page, lang)
            self.languages[username] = lang
        return page

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()
        self.contexts.clear()
        self.pages.clear()


@pytest.fixture(scope="module")
def people(browser, live_server) -> Iterator[People]:
    """Logged-in phones (360 × 740, JavaScript on) for the page tours of a module."""
    crowd = People(browser, live_server, viewport=PHONE)
    yield crowd
    crowd.close()


def open_page(people: People, spec: "PageSpec", lang: str):
    """Open ``spec`` as its person in ``lang``; return the page and the document's response."""
    page = people.use_language(spec.user, lang)
    url = people.live.url + people.live.path(spec.path)
    response = page.goto(url)
    assert response is not None
    assert response.status == spec.status, f"{spec.name}: {url} answered {response.status}, not {spec.status}"
    return page, response


# ---------------------------------------------------------------- every page of every role

@dataclass(frozen=True)
class PageSpec:
    name: str
    user: str | None  # who looks at it; None for an anonymous visitor
    path: str  # formatted with LiveServer.ids
    status: int = 200


PAGES = (
    # anyone
    PageSpec("login", None, "/login"),
    PageSpec("join", None, "/join"),
    PageSpec("verify-form", None, "/v"),
    PageSpec("verify-valid", None, "/v/{valid_code}"),
    PageSpec("verify-revoked", None, "/v/{revoked_code}"),
    PageSpec("verify-suspended", None, "/v/{suspended_code}"),
    PageSpec("public-concern", None, "/v/{valid_code}/concern"),
    PageSpec("verify-not-found", None, "/v/{unknown_code}", 404),
    PageSpec("verify-malformed", None, "/v/{malformed_code}", 404),
    PageSpec("error-404", None, "/no-such-page", 404),
    PageSpec("offline", None, "/offline"),
    PageSpec("glossary", None, "/glosario"),
    # trainee
    PageSpec("trainee-home", "demo-trainee", "/"),
    PageSpec("lesson", "demo-trainee", "/weeks/2"),
    PageSpec("glossary-trainee", "demo-trainee", "/glosario"),
    PageSpec("locked-week", "demo-trainee", "/weeks/6", 403),
    PageSpec("quiz", "demo-trainee", "/weeks/3/quiz"),
    PageSpec("quiz-passed", "demo-trainee", "/weeks/1/quiz"),
    PageSpec("attempt-result", "demo-trainee", "/weeks/1/quiz/attempts/1"),
    PageSpec("reflection", "demo-trainee", "/weeks/4/reflection"),
    PageSpec("reflection-sent", "demo-trainee", "/weeks/3/reflection"),
    PageSpec("reflection-accepted", "demo-trainee", "/weeks/1/reflection"),
    PageSpec("password", "demo-trainee", "/account/password"),
    PageSpec("error-403", "demo-trainee", "/manage/", 403),
    PageSpec("survey-attitudes", "demo-trainee-2", "/surveys/pre/attitudes"),
    PageSpec("survey-knowledge", "demo-trainee-2", "/surveys/pre/knowledge"),
    PageSpec("graduate-home", "demo-graduate", "/"),
    PageSpec("certificate", "demo-graduate", "/certificate"),
    PageSpec("code-of-conduct", "demo-graduate", "/code-of-conduct"),
    PageSpec("certificate-not-yet", "demo-trainee", "/certificate"),
    PageSpec("reminders", "demo-trainee", "/calendar"),
    # facilitator
    PageSpec("facilitator-home", "demo-facilitator", "/facilitate/"),
    PageSpec("cohort-dashboard", "demo-facilitator", "/facilitate/cohorts/{cohort_a}"),
    PageSpec("graduates-dashboard", "demo-facilitator", "/facilitate/cohorts/{cohort_done}"),
    PageSpec("cohort-week", "demo-facilitator", "/facilitate/cohorts/{cohort_a}/weeks/1"),
    PageSpec("attendance", "demo-facilitator", "/facilitate/cohorts/{cohort_a}/attendance/3"),
    PageSpec("grading-queue", "demo-facilitator", "/facilitate/queue"),
    PageSpec("review", "demo-facilitator", "/facilitate/reflections/{review_version}"),
    PageSpec("trainee-page", "demo-facilitator", "/facilitate/trainees/{trainee}"),
    PageSpec("recommendation", "demo-facilitator", "/facilitate/trainees/{held}/recommendation"),
    PageSpec("record-concern", "demo-facilitator", "/facilitate/trainees/{held}/concerns"),
    PageSpec("gradebook", "demo-facilitator", "/facilitate/cohorts/{cohort_a}/gradebook"),
    PageSpec("graduates-gradebook", "demo-facilitator", "/facilitate/cohorts/{cohort_done}/gradebook"),
    PageSpec("guide", "demo-facilitator", "/facilitate/guide/1"),
    PageSpec("quiz-statistics", "demo-facilitator", "/facilitate/quiz-statistics?week=1"),
    PageSpec("quiz-file", "demo-facilitator", "/facilitate/quiz-files/1"),
    PageSpec("staff-lesson", "demo-facilitator", "/weeks/1"),
    # coordinator
    PageSpec("manage-cohorts", "demo-coordinator", "/manage/"),
    PageSpec("manage-cohort", "demo-coordinator", "/manage/cohorts/{cohort_a}"),
    PageSpec("new-cohort", "demo-coordinator", "/manage/cohorts/new"),
    PageSpec("calendar", "demo-coordinator", "/manage/cohorts/{cohort_a}/calendar"),
    PageSpec("week-workshop", "demo-coordinator", "/manage/cohorts/{cohort_a}/calendar/3"),
    PageSpec("users", "demo-coordinator", "/manage/users"),
    PageSpec("new-user", "demo-coordinator", "/manage/users/new"),
    PageSpec("audit", "demo-coordinator", "/manage/audit"),
    PageSpec("certificates", "demo-coordinator", "/manage/certificates"),
    PageSpec("concerns", "demo-coordinator", "/manage/concerns"),
    PageSpec("concern", "demo-coordinator", "/manage/concerns/{held_concern}"),
    PageSpec("impact", "demo-coordinator", "/reports/impact"),
    PageSpec("all-quiz-statistics", "demo-coordinator", "/facilitate/quiz-statistics?week=2&attempt=all"),
    # verifier (municipality)
    PageSpec("registry", "demo-verifier", "/verify/registry"),
    PageSpec("bulk", "demo-verifier", "/verify/bulk"),
    # La Red: accredited promoters, their reviewers, the municipality, anyone (issue 22)
    PageSpec("red-home", "demo-graduate", "/red/"),
    PageSpec("red-plan", "demo-graduate", "/red/plan"),
    PageSpec("red-new-report", "demo-graduate", "/red/actividades/nueva"),
    PageSpec("red-reports", "demo-facilitator", "/red/actividades?estado=submitted"),
    PageSpec("red-sectors", "demo-coordinator", "/red/sectores"),
    PageSpec("red-record", "demo-coordinator", "/red/datos"),
    PageSpec("red-report", "demo-verifier", "/red/informe"),
    PageSpec("agenda", None, "/agenda"),
)

LANGUAGES = ("es", "en")


def page_params() -> list:
    """(page, language) pairs, all Spanish pages first, so that each person switches language once."""
    return [pytest.param(spec, lang, id=f"{lang}-{spec.name}") for lang in LANGUAGES for spec in PAGES]


# ---------------------------------------------------------------- axe-core

def run_axe(page) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(results => results.violations)", WCAG_TAGS)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary}")
            lines.append(f"       {node['html'][:160]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)
