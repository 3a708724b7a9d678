"""Who may open what: every route of the app against every kind of visitor, in one table.

The table is the contract of lms/access.py and the views. The test walks ``app.url_map``, so a
route added without a row here fails, naming the route: decide who may see it, then add the row.
URL parameters are objects of cohort A (see security_cast.py): the trainee's own attempt, his
reflection version, his certificate, cohort A's id, an open week.
"""

import re
from urllib.parse import urlsplit

import pytest
from helpers import PASSWORD, csrf_token
from security_cast import VISITORS, cast, client_as, rules  # noqa: F401  (cast is a fixture)
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Attendance, PasswordReset, ReflectionVersion, TraineeNote

OK = 200
LOGIN = "302 → /login"   # sent to the login page
MOVED = 302             # sent somewhere else: a home of the role, the next survey, …
DENIED = 403
HIDDEN = 404            # not found: another's object, or nothing of his own to show
NO_GET = 405            # the rule only takes POST

# Expected answer to a GET, by route and visitor. Columns, in the order of security_cast.VISITORS:
#   anon = anonymous, tr = trainee of cohort A, trB = trainee of cohort B,
#   fac = facilitator of cohort A, facB = facilitator of cohort B, coord = coordinator,
#   verif = verifier (municipality), admin = administrator.
ACCESS = {
    # route                                                          anon    tr      trB     fac     facB    coord   verif   admin
    "/":                                                            (LOGIN,  OK,     OK,     MOVED,  MOVED,  MOVED,  MOVED,  MOVED),
    "/login":                                                       (OK,     MOVED,  MOVED,  MOVED,  MOVED,  MOVED,  MOVED,  MOVED),
    "/logout":                                                      (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/logout/everywhere":                                           (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/join":                                                        (OK,     MOVED,  MOVED,  MOVED,  MOVED,  MOVED,  MOVED,  MOVED),
    "/account/password":                                            (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/reset/<token>":                                               (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/language":                                                    (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/healthz":                                                     (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    # installing the site and reading offline: the same for everybody, nobody's data
    "/sw.js":                                                       (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/manifest.webmanifest":                                        (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/favicon.ico":                                                 (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/offline":                                                     (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    # the trainee's weeks: staff may read lessons, only a trainee does the work, only his own
    "/weeks/<int:number>":                                          (LOGIN,  OK,     OK,     OK,     OK,     OK,     DENIED, OK),
    "/weeks/<int:number>/quiz":                                     (LOGIN,  OK,     OK,     DENIED, DENIED, DENIED, DENIED, DENIED),
    "/weeks/<int:number>/quiz/attempts/<int:attempt_number>":       (LOGIN,  OK,     HIDDEN, DENIED, DENIED, DENIED, DENIED, DENIED),
    "/weeks/<int:number>/reflection":                               (LOGIN,  OK,     OK,     DENIED, DENIED, DENIED, DENIED, DENIED),
    # the glossary: the course's words explained, nobody's data; anyone may read it (and share it)
    "/glosario":                                                    (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/surveys/<phase>":                                             (LOGIN,  MOVED,  MOVED,  DENIED, DENIED, DENIED, DENIED, DENIED),
    "/surveys/<phase>/<survey_id>":                                 (LOGIN,  MOVED,  OK,     DENIED, DENIED, DENIED, DENIED, DENIED),
    "/certificate":                                                 (LOGIN,  OK,     OK,     DENIED, DENIED, DENIED, DENIED, DENIED),
    "/certificate.pdf":                                             (LOGIN,  OK,     HIDDEN, DENIED, DENIED, DENIED, DENIED, DENIED),
    # reminders: each person his own calendar address; the feed answers only to its secret token
    "/calendar":                                                    (LOGIN,  OK,     OK,     OK,     OK,     OK,     DENIED, OK),
    "/calendar/renew":                                              (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/calendar.ics":                                                (HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    # facilitators: only their cohorts; coordinators and admins: every cohort
    "/facilitate/":                                                 (LOGIN,  DENIED, DENIED, OK,     OK,     OK,     DENIED, OK),
    "/facilitate/queue":                                            (LOGIN,  DENIED, DENIED, OK,     OK,     OK,     DENIED, OK),
    "/facilitate/guide/<int:number>":                               (LOGIN,  DENIED, DENIED, OK,     OK,     OK,     DENIED, OK),
    "/facilitate/cohorts/<id:cohort_id>":                          (LOGIN,  DENIED, DENIED, OK,     HIDDEN, OK,     DENIED, OK),
    "/facilitate/cohorts/<id:cohort_id>/weeks/<int:number>":       (LOGIN,  DENIED, DENIED, OK,     HIDDEN, OK,     DENIED, OK),
    "/facilitate/cohorts/<id:cohort_id>/attendance/<int:number>":  (LOGIN,  DENIED, DENIED, OK,     HIDDEN, OK,     DENIED, OK),
    "/facilitate/cohorts/<id:cohort_id>/gradebook":                (LOGIN,  DENIED, DENIED, OK,     HIDDEN, OK,     DENIED, OK),
    "/facilitate/cohorts/<id:cohort_id>/gradebook.csv":            (LOGIN,  DENIED, DENIED, OK,     HIDDEN, OK,     DENIED, OK),
    "/facilitate/reflections/<id:item_id>":                        (LOGIN,  DENIED, DENIED, OK,     HIDDEN, OK,     DENIED, OK),
    "/facilitate/attempts/<id:item_id>":                           (LOGIN,  DENIED, DENIED, OK,     HIDDEN, OK,     DENIED, OK),
    "/facilitate/trainees/<id:trainee_id>":                        (LOGIN,  DENIED, DENIED, OK,     HIDDEN, OK,     DENIED, OK),
    "/facilitate/trainees/<id:trainee_id>/reset-link":             (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    # quiz statistics: each on the cohorts they may see (another cohort's id in ?cohort= is 404)
    "/facilitate/quiz-statistics":                                  (LOGIN,  DENIED, DENIED, OK,     OK,     OK,     DENIED, OK),
    "/facilitate/quiz-statistics.csv":                              (LOGIN,  DENIED, DENIED, OK,     OK,     OK,     DENIED, OK),
    "/facilitate/quiz-files/<int:number>":                          (LOGIN,  DENIED, DENIED, OK,     OK,     OK,     DENIED, OK),
    # coordination: coordinators and admins only
    "/manage/":                                                     (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/manage/cohorts/new":                                          (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/manage/cohorts/<id:cohort_id>":                              (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/manage/cohorts/<id:cohort_id>/calendar":                     (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/manage/cohorts/<id:cohort_id>/calendar/<int:number>":        (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/manage/cohorts/<id:cohort_id>/invite":                       (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/manage/users":                                                (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/manage/users/new":                                            (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/manage/users/<id:user_id>/reset-link":                       (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/manage/users/<id:user_id>/active":                           (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/manage/users/<id:user_id>/move":                             (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/manage/audit":                                                (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/manage/certificates":                                         (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/manage/certificates/issue":                                   (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/manage/certificates/<id:certificate_id>/revoke":             (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/manage/certificates/<id:certificate_id>.pdf":                (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    # accreditation and safeguarding (issue 20): the facilitator of his cohort and the coordinators;
    # the concerns queue only coordinators; the code of conduct every trainee (accepted in week 12)
    "/facilitate/trainees/<id:trainee_id>/recommendation":         (LOGIN,  DENIED, DENIED, OK,     HIDDEN, OK,     DENIED, OK),
    "/facilitate/trainees/<id:trainee_id>/concerns":               (LOGIN,  DENIED, DENIED, OK,     HIDDEN, OK,     DENIED, OK),
    "/manage/certificates/<id:certificate_id>/suspend":            (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/manage/certificates/<id:certificate_id>/lift-suspension":    (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/manage/concerns":                                             (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/manage/concerns/<id:concern_id>":                            (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/code-of-conduct":                                             (LOGIN,  OK,     OK,     DENIED, DENIED, DENIED, DENIED, DENIED),
    # reports: staff, each on the cohorts they may see
    "/reports/impact":                                              (LOGIN,  DENIED, DENIED, OK,     OK,     OK,     DENIED, OK),
    "/reports/impact.csv":                                          (LOGIN,  DENIED, DENIED, OK,     OK,     OK,     DENIED, OK),
    # the municipality's registry and bulk checks
    "/verify/registry":                                             (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     OK,     OK),
    "/verify/registry.csv":                                         (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     OK,     OK),
    "/verify/bulk":                                                 (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     OK,     OK),
    # anyone may verify a certificate
    "/v":                                                           (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/v/<code>":                                                    (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/V/<code>":                                                    (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/api/v1/verify/<code>":                                        (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/.well-known/jwks.json":                                       (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/status/revocations.json":                                     (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/credentials/<code>.json":                                     (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/credentials/<code>.jwt":                                      (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/v/<code>/concern":                                            (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    # La Red: accredited promoters (José holds a valid certificate; Carlos does not) and staff; the report
    # for the municipality to verifiers and staff; the public agenda to anyone
    "/red/":                                                        (LOGIN,  OK,     DENIED, OK,     OK,     OK,     DENIED, OK),
    "/red/plan":                                                    (LOGIN,  OK,     DENIED, OK,     OK,     OK,     DENIED, OK),
    "/red/plan/nuevo":                                              (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/red/plan/<id:plan_id>/estado":                               (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/red/plan/<id:plan_id>/actividades/nueva":                    (LOGIN,  OK,     DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/red/plan/actividades/<id:activity_id>":                      (LOGIN,  OK,     DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/red/actividades":                                             (LOGIN,  OK,     DENIED, OK,     OK,     OK,     DENIED, OK),
    "/red/actividades/nueva":                                       (LOGIN,  OK,     DENIED, DENIED, DENIED, DENIED, DENIED, DENIED),
    "/red/actividades/<id:report_id>":                             (LOGIN,  OK,     DENIED, OK,     HIDDEN, OK,     DENIED, OK),
    "/red/actividades/<id:report_id>/revision":                    (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/red/preferencias":                                            (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/red/datos":                                                   (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/red/sectores":                                                (LOGIN,  DENIED, DENIED, DENIED, DENIED, OK,     DENIED, OK),
    "/red/sectores/<id:sector_id>/activo":                         (NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET, NO_GET),
    "/red/informe":                                                 (LOGIN,  DENIED, DENIED, OK,     OK,     OK,     OK,     OK),
    "/red/informe.csv":                                             (LOGIN,  DENIED, DENIED, OK,     OK,     OK,     OK,     OK),
    "/red/informe.pdf":                                             (LOGIN,  DENIED, DENIED, OK,     OK,     OK,     OK,     OK),
    "/agenda":                                                      (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
    "/agenda.ics":                                                  (OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
}


def _answer(response):
    """The response as the table writes it."""
    if response.status_code == 302 and response.headers["Location"].split("?")[0].endswith("/login"):
        return LOGIN
    return response.status_code


def test_every_route_of_the_app_has_a_row_in_the_access_table(app):
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    missing = sorted(routes - set(ACCESS))
    assert not missing, ("routes without a row in ACCESS (tests/security/test_access_matrix.py); "
                         f"decide who may open them and add a row: {missing}")
    stale = sorted(set(ACCESS) - routes)
    assert not stale, f"rows of ACCESS for routes the app no longer has: {stale}"
    assert all(len(row) == len(VISITORS) for row in ACCESS.values())


@pytest.mark.parametrize("visitor", list(VISITORS))
def test_each_visitor_gets_exactly_the_answers_of_the_access_table(app, cast, visitor):
    client = client_as(app, visitor, through_the_form=True)
    column = list(VISITORS).index(visitor)
    wrong = []
    for rule in rules(app, "GET") + [r for r in rules(app, "POST") if "GET" not in r.methods]:
        if rule.rule not in ACCESS:
            wrong.append(f"{rule.rule}: no row in ACCESS")
            continue
        url = cast.url(rule)
        expected, got = ACCESS[rule.rule][column], _answer(client.get(url))
        if got != expected:
            wrong.append(f"GET {url} ({rule.rule}): expected {expected}, got {got}")
    assert not wrong, f"{visitor} ({VISITORS[visitor] or 'not logged in'}):\n" + "\n".join(wrong)


# ---------------------------------------------------------------- changing an id in the URL

COHORT_A_PAGES = {
    "dashboard": "/facilitate/cohorts/{cohort}",
    "week": "/facilitate/cohorts/{cohort}/weeks/{week}",
    "gradebook": "/facilitate/cohorts/{cohort}/gradebook",
    "gradebook CSV": "/facilitate/cohorts/{cohort}/gradebook.csv",
    "attendance": "/facilitate/cohorts/{cohort}/attendance/{week}",
    "trainee page": "/facilitate/trainees/{trainee}",
    "reflection review": "/facilitate/reflections/{version}",
    "essay grading": "/facilitate/attempts/{attempt}",
}


def _cohort_a(cast, page: str) -> str:
    return COHORT_A_PAGES[page].format(cohort=cast.world.cohort.id, week=cast.week, trainee=cast.world.trainee.id,
                                       version=cast.version_id, attempt=cast.attempt_id)


@pytest.mark.parametrize("page", list(COHORT_A_PAGES))
def test_facilitator_of_another_cohort_gets_not_found_for_cohort_a_and_learns_nothing(app, cast, page):
    client = client_as(app, "facilitator_b")
    response = client.get(_cohort_a(cast, page))
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "José" not in body and "Grupo A" not in body and "jose" not in body


def test_coordinator_opens_the_same_cohort_a_pages(app, cast):
    client = client_as(app, "coordinator")
    for page in COHORT_A_PAGES:
        assert client.get(_cohort_a(cast, page)).status_code == 200, page


def _counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Attendance, TraineeNote, PasswordReset)}


@pytest.mark.parametrize("page, body", [
    ("attendance", lambda cast: {f"e-{cast.enrollment_id}": "absent"}),
    ("trainee page", lambda cast: {"note": "Nota que no debe guardarse"}),
    ("reflection review", lambda cast: {"decision": "returned", "feedback": "Revisa todo", "next": "0"}),
    ("essay grading", lambda cast: {}),
])
def test_facilitator_of_another_cohort_cannot_write_to_cohort_a(app, cast, page, body):
    client = client_as(app, "facilitator_b")
    before = _counts()
    attendance = {a.week: a.status for a in db.session.scalars(select(Attendance))}
    data = body(cast) | {"csrf_token": csrf_token(client, "/facilitate/")}
    assert client.post(_cohort_a(cast, page), data=data).status_code == 404
    db.session.expire_all()
    assert _counts() == before
    assert {a.week: a.status for a in db.session.scalars(select(Attendance))} == attendance
    assert db.session.get(ReflectionVersion, cast.version_id).feedback != "Revisa todo"


def test_facilitator_of_another_cohort_cannot_make_a_password_link_for_a_trainee_of_cohort_a(app, cast):
    client = client_as(app, "facilitator_b")
    before = _counts()
    response = client.post(f"/facilitate/trainees/{cast.world.trainee.id}/reset-link",
                           data={"csrf_token": csrf_token(client, "/facilitate/")})
    assert response.status_code == 404
    assert "/reset/" not in response.get_data(as_text=True)
    assert _counts() == before


def test_facilitator_of_cohort_a_makes_that_password_link(app, cast):
    client = client_as(app, "facilitator")
    response = client.post(f"/facilitate/trainees/{cast.world.trainee.id}/reset-link",
                           data={"csrf_token": csrf_token(client, "/facilitate/")})
    assert response.status_code == 200 and "/reset/" in response.get_data(as_text=True)


def test_facilitator_of_another_cohort_sees_neither_cohort_a_nor_its_trainees_in_his_lists(app, cast):
    client = client_as(app, "facilitator_b")
    for url in ("/facilitate/", "/facilitate/queue", f"/reports/impact?cohort={cast.world.cohort.id}",
                f"/reports/impact.csv?cohort={cast.world.cohort.id}"):
        body = client.get(url).get_data(as_text=True)
        assert "Grupo A" not in body and "José" not in body, url


def test_trainee_of_another_cohort_gets_not_found_for_the_attempt_url_of_trainee_a(app, cast):
    client = client_as(app, "trainee_b")
    response = client.get(f"/weeks/{cast.week}/quiz/attempts/{cast.attempt_number}")
    assert response.status_code == 404
    assert "José" not in response.get_data(as_text=True)


def test_trainee_of_another_cohort_reads_only_his_own_work(app, cast):
    client = client_as(app, "trainee_b")
    for url in (f"/weeks/{cast.week}/reflection", "/", f"/weeks/{cast.week}/quiz"):
        body = client.get(url).get_data(as_text=True)
        assert "José" not in body and "Esta semana me quedé pensando" not in body, url
    not_yet = client.get("/certificate")  # his own standing, nobody else's certificate
    assert not_yet.status_code == 200 and "José" not in not_yet.get_data(as_text=True)
    assert client.get("/certificate.pdf").status_code == 404


def test_trainee_cannot_open_staff_pages_about_himself(app, cast):
    client = client_as(app, "trainee")
    assert client.get(f"/facilitate/trainees/{cast.world.trainee.id}").status_code == 403
    assert client.get(f"/facilitate/reflections/{cast.version_id}").status_code == 403


# ---------------------------------------------------------------- ids nobody has, and where a visitor is sent

OUT_OF_RANGE = "99999999999999999999"  # beyond a 64-bit integer; on PostgreSQL anything from 2147483648 on


def _row_id_rules(app):
    """Rules with a database row id in the path (<id:…_id>), GET ones and POST-only ones."""
    return [rule for rule in rules(app, "GET") + [r for r in rules(app, "POST") if "GET" not in r.methods]
            if re.search(r"<id:\w+_id>", rule.rule)]


def test_an_id_out_of_the_databases_range_in_the_url_is_not_found_rather_than_a_server_error(app, cast):
    client = client_as(app, "coordinator")
    token = csrf_token(client, "/manage/")
    wrong = []
    id_rules = _row_id_rules(app)
    assert len(id_rules) >= 15
    for rule in id_rules:
        url = cast.url(rule, **{name: OUT_OF_RANGE for name in re.findall(r"<id:(\w+_id)>", rule.rule)})
        response = client.get(url) if "GET" in rule.methods else client.post(url, data={"csrf_token": token})
        if response.status_code >= 500:
            wrong.append(f"{'GET' if 'GET' in rule.methods else 'POST'} {url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("query", ["page=9223372036854775807", f"cohort={OUT_OF_RANGE}"])
def test_a_huge_number_in_the_audit_log_filters_is_not_a_server_error(app, cast, query):
    assert client_as(app, "coordinator").get(f"/manage/audit?{query}").status_code < 500


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/",
                                    "\\\\evil.example", "https:evil.example", "/\t/evil.example",
                                    "javascript:alert(1)", "http://lms.test.evil.example/"])
def test_login_and_language_switch_send_a_visitor_only_to_pages_of_this_site(app, world, target):
    for url, data in (("/login", {"username": "jose", "password": PASSWORD}), ("/language", {"lang": "en"})):
        client = app.test_client()
        response = client.post(url, data=data | {"next": target, "csrf_token": csrf_token(client, "/login")})
        location = response.headers["Location"]
        parts = urlsplit(location)
        assert response.status_code == 302
        assert parts.netloc in ("", "lms.test") and not location.startswith("//") and "\\" not in location, location
        assert parts.scheme in ("", "http", "https"), location
