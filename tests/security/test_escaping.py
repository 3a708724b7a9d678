"""What people type is shown as text, never run: XSS payloads through every text a user can enter.

Each payload is entered (behind a marker, so that the test can see it arrived) in one place, then
every page that shows that text is fetched and parsed: no inline <script>, no on…= handler, no
javascript: URL, no injected tag, and {{7*7}} is not rendered as 49. Markdown texts (reflections,
feedback) may become formatting, nothing active. CSV and JSON answers are not pages: they must say
so (content type, attachment, nosniff) and keep spreadsheet formulas inert.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from helpers import PASSWORD, complete_course, csrf_token
from markupsafe import escape
from security_cast import client_as
from sqlalchemy import select

from lms.content.loader import current_course
from lms.demo.progress import answer_surveys
from lms.extensions import db
from lms.models import Certificate, Cohort, Reflection, ReflectionVersion, User

MARK = "Mk7q"

PAYLOADS = {
    "script tag": "<script>alert(1)</script>",
    "attribute breakout": '"><img src=x onerror=alert(1)>',
    "markdown javascript link": "[x](javascript:alert(1))",
    "html javascript link": '<a href="javascript:alert(1)">x</a>',
    "svg onload": "<svg onload=alert(1)>",
    "template expression": "{{7*7}}",
    "polyglot": "'';!--\"<XSS>=&{()}",
    "textarea breakout": "</textarea><script>alert(1)</script>",
    "spreadsheet formula": '=HYPERLINK("http://evil.example","x")',
}


# ---------------------------------------------------------------- what "inert" means

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}


def dangers(html: str) -> list[str]:
    """Everything in ``html`` that a browser would run or load because of what a person typed."""
    parser = _Tags()
    parser.feed(html)
    found = []
    for tag, attrs in parser.tags:
        if tag == "script" and not attrs.get("src", "").startswith("/static/"):
            found.append("an inline <script>")
        if tag in ("xss", "iframe", "object", "embed") or (tag == "img" and attrs.get("src") == "x"):
            found.append(f"an injected <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"an event handler <{tag} {name}=…>")
            if name in URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                found.append(f"a javascript: URL in <{tag} {name}>")
    if f"{MARK} 49" in html:
        found.append("{{7*7}} rendered as 49")
    return found


def assert_inert_page(response, text: str, markdown: bool, where: str, status: int = 200,
                      shows: int | None = None) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == status, f"{where}: {response.status_code}"
    assert response.mimetype == "text/html", where
    assert MARK in html, f"{where}: the text never reached the page, so the page proves nothing"
    assert not dangers(html), f"{where}: {dangers(html)}"
    payload = text.removeprefix(f"{MARK} ")
    if "<" in payload:
        assert payload not in html, f"{where}: the payload appears unescaped"
    if not markdown:  # (the audit log's filter shows the username it looked for in lower case)
        shown = text[:shows]
        assert str(escape(shown)).lower() in html.lower(), f"{where}: the text is not shown whole and escaped"


def assert_inert_csv(response, text: str, where: str) -> None:
    assert response.status_code == 200, where
    assert response.mimetype == "text/csv", where
    assert response.headers["Content-Disposition"].startswith("attachment"), where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    body = response.get_data(as_text=True).lstrip("\ufeff")
    separator = ";" if body.splitlines()[0].count(";") >= body.splitlines()[0].count(",") else ","
    cells = [cell for row in csv.reader(io.StringIO(body), delimiter=separator) for cell in row]
    assert any(text in cell for cell in cells), f"{where}: the text never reached the file"
    formulas = [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    assert not formulas, f"{where}: a spreadsheet would run {formulas}"


def assert_inert_json(response, text: str, where: str) -> None:
    assert response.status_code == 200, where
    assert response.mimetype in ("application/json", "application/ld+json"), where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert text in _strings(response.get_json()), f"{where}: the text never reached it"


def _strings(data) -> list[str]:
    """Every string value in a JSON document."""
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return [data] if isinstance(data, str) else []


# ---------------------------------------------------------------- where text is entered

@dataclass
class Entered:
    """What entering the text left behind: ids for the page URLs, answers to the form posts."""
    ids: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)


def _post(client, url, data, **kwargs):
    """POST as the form at ``url`` would; the CSRF token belongs to the session, so any page's will do."""
    return client.post(url, data=dict(data) | {"csrf_token": csrf_token(client, "/v")}, **kwargs)


def enter_display_name(app, world, text):
    client = app.test_client()
    response = _post(client, "/join", {"invite_code": "GRUPO-AAA", "display_name": text, "username": "nuevo",
                                       "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302, "joining failed"
    newcomer = db.session.scalar(select(User).where(User.username == "nuevo"))
    # On the roster from week 1, so that the dashboard lists him as behind (a man who joins late is not).
    newcomer.enrollment.first_week = 1
    db.session.commit()
    refused = app.test_client()
    answer = _post(refused, "/join", {"invite_code": "NO-EXISTE", "display_name": text, "username": "otro",
                                      "password": PASSWORD, "confirm": PASSWORD})
    return Entered(ids={"newcomer": newcomer.id}, answers={"join form kept what he typed": answer},
                   clients={"newcomer": client})


def enter_username(app, world, text):
    joiner = app.test_client()
    joined = _post(joiner, "/join", {"invite_code": "GRUPO-AAA", "display_name": "Nuevo Promotor", "username": text,
                                     "password": PASSWORD, "confirm": PASSWORD})
    coordinator = client_as(app, "coordinator")
    created = _post(coordinator, "/manage/users/new", {"display_name": "Nueva Cuenta", "username": text,
                                                       "role": "facilitator", "cohort_id": "0", "locale": "es"})
    assert db.session.scalar(select(User).where(User.display_name.in_(["Nuevo Promotor", "Nueva Cuenta"]))) is None, \
        "a username with markup was accepted"
    return Entered(answers={"join form refusing it": joined, "account form refusing it": created})


def enter_reflection(app, world, text):
    trainee = client_as(app, "trainee")
    response = _post(trainee, "/weeks/1/reflection", {"action": "submit", "text": text})
    assert response.status_code == 302, "the reflection was not sent"
    return Entered(ids={"version": _latest_version(world, 1).id})


def _latest_version(world, week):
    return db.session.scalar(select(ReflectionVersion).join(Reflection)
                             .where(Reflection.enrollment_id == world.trainee.enrollment.id, Reflection.week == week)
                             .order_by(ReflectionVersion.number.desc()))


def enter_feedback(app, world, text):
    trainee = client_as(app, "trainee")
    _post(trainee, "/weeks/1/reflection", {"action": "submit", "text": "Mi primera reflexión."})
    version = _latest_version(world, 1)
    rubric = {f"c-{c.id}": str(c.levels[-1].points) for c in current_course().week(1).rubric}
    facilitator = client_as(app, "facilitator")
    url = f"/facilitate/reflections/{version.id}"
    response = _post(facilitator, url, rubric | {"decision": "returned", "feedback": text, "next": "0"})
    assert response.status_code == 302, "the review was not saved"
    before_revising = trainee.get("/weeks/1/reflection")  # the feedback shows on his latest version
    _post(trainee, "/weeks/1/reflection", {"action": "submit", "text": "Mi segunda reflexión, revisada."})
    return Entered(ids={"version": _latest_version(world, 1).id},
                   answers={"his reflection page, before he revises": before_revising})


def enter_note(app, world, text):
    facilitator = client_as(app, "facilitator")
    url = f"/facilitate/trainees/{world.trainee.id}"
    assert _post(facilitator, url, {"note": text}).status_code == 302
    return Entered()


def enter_cohort_name(app, world, text):
    coordinator = client_as(app, "coordinator")
    response = _post(coordinator, "/manage/cohorts/new", {"name": text, "start_date": date.today().isoformat(),
                                                          "facilitators": str(world.facilitator.id)})
    assert response.status_code == 302, "the cohort was not created"
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == text.strip()))
    return Entered(ids={"new_cohort": cohort.id})


def enter_account_name(app, world, text):
    coordinator = client_as(app, "coordinator")
    answer = _post(coordinator, "/manage/users/new", {"display_name": text, "username": "cuenta-nueva",
                                                      "role": "trainee", "cohort_id": str(world.cohort.id),
                                                      "locale": "es"})
    account = db.session.scalar(select(User).where(User.username == "cuenta-nueva"))
    assert account is not None, "the account was not created"
    return Entered(ids={"account": account.id}, answers={"password link page": answer})


def enter_csv_cells(app, world, text):
    verifier = client_as(app, "verifier")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([["codigo", "nombre"], [text, text]])
    upload = {"file": (io.BytesIO(buffer.getvalue().encode()), "codigos.csv", "text/csv")}
    answer = _post(verifier, "/verify/bulk", upload, content_type="multipart/form-data")
    return Entered(answers={"CSV answer": answer})


def enter_printed_name(app, world, text):
    complete_course(world)
    coordinator = client_as(app, "coordinator")
    enrollment = world.trainee.enrollment.id
    _post(coordinator, "/manage/certificates/issue", {"enrollment": str(enrollment), f"name-{enrollment}": text})
    certificate = db.session.scalar(select(Certificate))
    assert certificate is not None and certificate.holder_name == text, "the certificate was not issued as typed"
    return Entered(ids={"code": certificate.code})


def enter_quiz_draft(app, world, text):
    trainee = client_as(app, "trainee")
    course = current_course()
    answer_surveys(world.trainee.enrollment, course, "pre", 0.8, seed=1)  # the quiz of week 1 comes after them
    db.session.commit()
    page = trainee.get("/weeks/1/quiz").get_data(as_text=True)
    attempt = re.search(r'name="attempt" value="(\d+)"', page).group(1)
    numerical = next(q for q in course.week(1).quiz.questions("es") if q.type == "numerical")
    response = _post(trainee, "/weeks/1/quiz", {"attempt": attempt, "action": "save", f"q-{numerical.name}": text})
    assert response.status_code == 302, "the draft was not saved"
    return Entered()


def enter_nothing(app, world, text):
    """Reflected text: typed into a search box or a link, shown on the answer page."""
    return Entered()


ENTRIES = {
    "display name (join form)": enter_display_name,
    "username (join and account forms)": enter_username,
    "reflection (Markdown)": enter_reflection,
    "facilitator feedback (Markdown)": enter_feedback,
    "private note": enter_note,
    "cohort name": enter_cohort_name,
    "account name by a coordinator": enter_account_name,
    "CSV cells in /verify/bulk": enter_csv_cells,
    "certificate's printed name": enter_printed_name,
    "quiz answer (draft)": enter_quiz_draft,
    "search box or link": enter_nothing,
}

MARKDOWN = {"reflection (Markdown)", "facilitator feedback (Markdown)"}

# Where each text is shown: (who looks, the page). "answer: …" is the answer to the form post itself;
# {q} is the text, URL-encoded, for reflected text.
SHOWN_ON = [
    ("display name (join form)", "newcomer", "/"),
    ("display name (join form)", "anonymous", "answer: join form kept what he typed"),
    ("display name (join form)", "facilitator", "/facilitate/"),
    ("display name (join form)", "facilitator", "/facilitate/cohorts/{cohort}"),
    ("display name (join form)", "facilitator", "/facilitate/cohorts/{cohort}/weeks/1"),
    ("display name (join form)", "facilitator", "/facilitate/cohorts/{cohort}/attendance/1"),
    ("display name (join form)", "facilitator", "/facilitate/cohorts/{cohort}/gradebook"),
    ("display name (join form)", "facilitator", "/facilitate/cohorts/{cohort}/gradebook.csv"),
    ("display name (join form)", "facilitator", "/facilitate/trainees/{newcomer}"),
    ("display name (join form)", "coordinator", "/manage/users"),
    ("display name (join form)", "coordinator", "/manage/cohorts/{cohort}"),
    ("username (join and account forms)", "anonymous", "answer: join form refusing it"),
    ("username (join and account forms)", "coordinator", "answer: account form refusing it"),
    ("reflection (Markdown)", "trainee", "/weeks/1/reflection"),
    ("reflection (Markdown)", "facilitator", "/facilitate/reflections/{version}"),
    ("facilitator feedback (Markdown)", "trainee", "answer: his reflection page, before he revises"),
    ("facilitator feedback (Markdown)", "facilitator", "/facilitate/reflections/{version}"),  # under earlier versions
    ("private note", "facilitator", "/facilitate/trainees/{trainee}"),
    ("private note", "coordinator", "/facilitate/trainees/{trainee}"),
    ("cohort name", "coordinator", "/manage/"),
    ("cohort name", "coordinator", "/manage/cohorts/{new_cohort}"),
    ("cohort name", "coordinator", "/manage/cohorts/{new_cohort}/calendar"),
    ("cohort name", "coordinator", "/manage/cohorts/{cohort}"),
    ("cohort name", "coordinator", "/manage/audit"),
    ("cohort name", "coordinator", "/reports/impact"),
    ("cohort name", "facilitator", "/facilitate/"),
    ("cohort name", "facilitator", "/facilitate/cohorts/{new_cohort}"),
    ("cohort name", "facilitator", "/facilitate/cohorts/{new_cohort}/gradebook"),
    ("account name by a coordinator", "coordinator", "answer: password link page"),
    ("account name by a coordinator", "coordinator", "/manage/users"),
    ("account name by a coordinator", "coordinator", "/manage/cohorts/{cohort}"),
    ("account name by a coordinator", "facilitator", "/facilitate/cohorts/{cohort}"),
    ("account name by a coordinator", "facilitator", "/facilitate/trainees/{account}"),
    ("CSV cells in /verify/bulk", "verifier", "answer: CSV answer"),
    ("certificate's printed name", "anonymous", "/v/{code}"),
    ("certificate's printed name", "anonymous", "/api/v1/verify/{code}"),
    ("certificate's printed name", "anonymous", "/credentials/{code}.json"),
    ("certificate's printed name", "trainee", "/certificate"),
    ("certificate's printed name", "coordinator", "/manage/certificates"),
    ("certificate's printed name", "verifier", "/verify/registry"),
    ("certificate's printed name", "verifier", "/verify/registry.csv"),
    ("quiz answer (draft)", "trainee", "/weeks/1/quiz"),
    ("search box or link", "coordinator", "/manage/users?q={q}"),
    ("search box or link", "coordinator", "/manage/audit?actor={q}"),
    ("search box or link", "verifier", "/verify/registry?q={q}"),
    ("search box or link", "anonymous", "/join?code={q}"),
    ("search box or link", "anonymous", "/login?next={q}"),
]

PAGE_NOTES: dict[str, dict] = {}

# A formula is only dangerous in a spreadsheet: it goes where a CSV shows the text.
CSV_ONLY = {"spreadsheet formula"}
WITH_CSV = {where for where, _, page in SHOWN_ON if page.endswith(".csv") or page == "answer: CSV answer"}


def _cases():
    for payload_name, payload in PAYLOADS.items():
        for entry in ENTRIES:
            if payload_name in CSV_ONLY and entry not in WITH_CSV:
                continue
            yield pytest.param(payload, entry, id=f"{payload_name} | {entry}")


@pytest.mark.parametrize("payload, entry", list(_cases()))
def test_text_a_person_enters_is_shown_inert_on_every_page_that_shows_it(app, world, payload, entry):
    formula = payload in {PAYLOADS[name] for name in CSV_ONLY}
    text = f"{payload} {MARK}" if formula else f"{MARK} {payload}"  # a formula must open its cell
    entered = ENTRIES[entry](app, world, text)
    ids = {"cohort": world.cohort.id, "trainee": world.trainee.id, "q": quote(text, safe="")} | entered.ids
    clients = dict(entered.clients)
    pages = [(who, page) for where, who, page in SHOWN_ON if where == entry]
    assert pages, f"no page in SHOWN_ON shows {entry}"
    for who, page in pages:
        where = f"{entry} → {page} as {who}"
        if page.startswith("answer: "):
            response = entered.answers[page.removeprefix("answer: ")]
        else:
            if who not in clients:
                clients[who] = client_as(app, who)
            response = clients[who].get(page.format(**ids), follow_redirects=True)
        if response.mimetype == "text/csv" or page.endswith(".csv"):
            assert_inert_csv(response, text, where)
        elif page.startswith(("/api/", "/credentials/")):
            assert_inert_json(response, text, where)
        else:
            assert_inert_page(response, text, entry in MARKDOWN, where, **PAGE_NOTES.get(page, {}))


def test_the_inertness_check_would_catch_each_payload_unescaped():
    """The check is only worth something if it fails on the raw payloads."""
    for name, payload in PAYLOADS.items():
        if name == "spreadsheet formula":
            continue
        html = f"<p>{MARK} {payload}</p>"
        if name == "template expression":
            html = f"<p>{MARK} 49</p>"
        if name == "markdown javascript link":
            html = '<a href="javascript:alert(1)">x</a>'
        assert dangers(html), name


def test_a_payload_typed_as_a_certificate_code_is_reduced_to_letters_and_digits(app):
    client = app.test_client()
    response = client.get("/v?code=" + quote('"><script>alert(1)</script>'), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "CÓDIGO CON ERROR" in page
    assert "<script>alert" not in page and "scriptalert1script" in page
