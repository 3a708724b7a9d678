"""Every POST needs the form's CSRF token: without it the answer is 400 and nothing is written.

The test walks ``app.url_map``: a new rule that accepts POST and has no row in CSRF_POSTS fails,
naming the rule. Each row says who may use the route and a body such a person would really send.
"""

import io

import pytest
from helpers import PASSWORD, csrf_token
from security_cast import Cast, cast, client_as, rules, table_counts  # noqa: F401  (cast is a fixture)


def _new_password(cast: Cast) -> dict:
    return {"password": "otra-clave-muy-larga-77", "confirm": "otra-clave-muy-larga-77"}


def _csv(cast: Cast) -> dict:
    upload = f"codigo;nombre\r\n{cast.certificate_code};José Ñahui\r\n".encode()
    return {"file": (io.BytesIO(upload), "codigos.csv", "text/csv")}


# rule → (who may use it, the body a real form sends but its csrf_token)
CSRF_POSTS = {
    "/login": ("anonymous", lambda c: {"username": "jose", "password": PASSWORD, "next": ""}),
    "/logout": ("trainee", lambda c: {}),
    "/logout/everywhere": ("trainee", lambda c: {}),
    "/join": ("anonymous", lambda c: {"invite_code": "GRUPO-AAA", "display_name": "Nuevo Promotor",
                                      "username": "nuevo", **_new_password(c)}),
    "/account/password": ("trainee", lambda c: {"current_password": PASSWORD, **_new_password(c)}),
    "/reset/<token>": ("anonymous", _new_password),
    "/language": ("anonymous", lambda c: {"lang": "en", "next": "/"}),
    "/weeks/<int:number>/quiz": ("trainee_b", lambda c: {"action": "save", "attempt": "1", "q-w02-q01": "0"}),
    "/weeks/<int:number>/reflection": ("trainee_b", lambda c: {"action": "submit",
                                                               "text": "Aprendí a escuchar a mi pareja."}),
    "/surveys/<phase>/<survey_id>": ("trainee_b", lambda c: {"i-a01": "2", "i-a02": "3"}),
    "/facilitate/cohorts/<id:cohort_id>/attendance/<int:number>": (
        "facilitator", lambda c: {f"e-{c.enrollment_id}": "absent"}),
    "/facilitate/reflections/<id:item_id>": ("facilitator", lambda c: {"decision": "returned",
                                                                        "feedback": "Revisa el párrafo 2."}),
    "/facilitate/attempts/<id:item_id>": ("facilitator", lambda c: {"next": "0"}),
    "/facilitate/trainees/<id:trainee_id>": ("facilitator", lambda c: {"note": "Faltó por trabajo."}),
    "/facilitate/trainees/<id:trainee_id>/reset-link": ("facilitator", lambda c: {}),
    "/manage/cohorts/new": ("coordinator", lambda c: {"name": "Grupo C", "start_date": "2026-03-02",
                                                      "facilitators": str(c.world.facilitator.id)}),
    "/manage/cohorts/<id:cohort_id>": ("coordinator", lambda c: {"name": "Grupo A renombrado",
                                                                  "start_date": "2025-01-06"}),
    "/manage/cohorts/<id:cohort_id>/invite": ("coordinator", lambda c: {}),
    "/manage/cohorts/<id:cohort_id>/calendar": ("coordinator", lambda c: {"is_all_open": "y", "opens_on-0": "2025-01-06"}),
    "/manage/cohorts/<id:cohort_id>/calendar/<int:number>": ("coordinator", lambda c: {"place": "Parroquia San José"}),
    "/manage/users/new": ("admin", lambda c: {"display_name": "Nueva Coordinadora", "username": "nueva",
                                              "role": "coordinator", "cohort_id": "0", "locale": "es"}),
    "/manage/users/<id:user_id>/reset-link": ("coordinator", lambda c: {}),
    "/manage/users/<id:user_id>/active": ("coordinator", lambda c: {}),
    "/manage/users/<id:user_id>/move": ("coordinator", lambda c: {"cohort_id": str(c.world.other_cohort.id)}),
    "/manage/certificates/issue": ("coordinator", lambda c: {"enrollment": str(c.enrollment_id)}),
    "/manage/certificates/<id:certificate_id>/revoke": ("coordinator", lambda c: {"reason": "fraude",
                                                                                  "confirmed": "1"}),
    "/verify/bulk": ("verifier", _csv),
    # issue 20: accreditation and safeguarding
    "/facilitate/trainees/<id:trainee_id>/recommendation": ("facilitator", lambda c: {
        "decision": "not_yet", "reason": "Aún le falta trabajar el control de la ira."}),
    "/facilitate/trainees/<id:trainee_id>/concerns": ("facilitator", lambda c: {
        "category": "other", "account": "Llegó alterado al taller."}),
    "/manage/certificates/<id:certificate_id>/suspend": ("coordinator", lambda c: {}),
    "/manage/certificates/<id:certificate_id>/lift-suspension": ("coordinator", lambda c: {}),
    "/manage/concerns/<id:concern_id>": ("coordinator", lambda c: {
        "decision": "accredit", "decided_on": "2026-01-01", "reasons": "Revisado con la facilitadora."}),
    "/code-of-conduct": ("trainee_b", lambda c: {"accept": "y"}),
    "/v/<code>/concern": ("anonymous", lambda c: {"account": "Lo vi gritarle a su pareja en la calle."}),
    # La Red (issue 22)
    "/red/preferencias": ("trainee", lambda c: {"is_named_on_agenda": "y"}),
    "/red/datos": ("coordinator", lambda c: {"name": "Red", "district": "Carmen de la Legua", "coordinator_id": "0"}),
    "/red/sectores": ("coordinator", lambda c: {"name": "Sector 9"}),
    "/red/sectores/<id:sector_id>/activo": ("coordinator", lambda c: {}),
    "/red/plan/nuevo": ("coordinator", lambda c: {"year": "2031"}),
    "/red/plan/<id:plan_id>/estado": ("coordinator", lambda c: {}),
    "/red/plan/<id:plan_id>/actividades/nueva": ("trainee", lambda c: {"kind": "feria", "title": "Feria",
                                                                       "month": "5", "sector_id": "0"}),
    "/red/plan/actividades/<id:activity_id>": ("trainee", lambda c: {"kind": "feria", "title": "Feria",
                                                                     "month": "5", "sector_id": "0"}),
    "/red/actividades/nueva": ("trainee", lambda c: {"draft_key": "csrf0000test", "action": "save",
                                                     "title": "Charla"}),
    "/red/actividades/<id:report_id>": ("trainee", lambda c: {"action": "save", "title": "Charla"}),
    "/red/actividades/<id:report_id>/revision": ("facilitator", lambda c: {"decision": "accepted"}),
    "/calendar/renew": ("trainee", lambda c: {}),
}


def test_every_post_route_has_a_row_in_the_csrf_table(app):
    posts = {rule.rule for rule in rules(app, "POST")}
    missing = sorted(posts - set(CSRF_POSTS))
    assert not missing, ("POST routes without a row in CSRF_POSTS (tests/security/test_csrf.py); "
                         f"add who may use them and a realistic body: {missing}")
    assert not sorted(set(CSRF_POSTS) - posts), "rows of CSRF_POSTS for routes the app no longer has"


def test_every_post_without_a_csrf_token_is_refused_with_400_and_writes_nothing(app, cast):
    wrong = []
    for rule in rules(app, "POST"):
        if rule.rule not in CSRF_POSTS:
            wrong.append(f"{rule.rule}: no row in CSRF_POSTS")
            continue
        visitor, body = CSRF_POSTS[rule.rule]
        client = client_as(app, visitor)
        url = cast.url(rule)
        before = table_counts()
        response = client.post(url, data=body(cast))
        if response.status_code != 400:
            wrong.append(f"POST {url} as {visitor} without a token: {response.status_code}, expected 400")
        elif table_counts() != before:
            wrong.append(f"POST {url} as {visitor} without a token wrote to the database")
        if visitor != "anonymous" and client.get("/account/password").status_code != 200:
            wrong.append(f"POST {url} as {visitor} without a token logged him out")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("rule", ["/logout", "/facilitate/trainees/<id:trainee_id>", "/manage/users/<id:user_id>/active"])
def test_a_token_from_another_session_is_refused_too(app, cast, rule):
    """An attacker's own valid token, planted in a forged form, does not pass for the victim's."""
    attacker = client_as(app, "anonymous")
    stolen = csrf_token(attacker, "/login")
    visitor, body = CSRF_POSTS[rule]
    victim = client_as(app, visitor)
    url = rule.replace("<id:trainee_id>", str(cast.world.trainee.id)).replace("<id:user_id>",
                                                                               str(cast.world.trainee.id))
    before = table_counts()
    assert victim.post(url, data=body(cast) | {"csrf_token": stolen}).status_code == 400
    assert table_counts() == before
    assert victim.get("/account/password").status_code == 200


def test_the_refusal_is_the_friendly_400_page(app, cast):
    client = client_as(app, "trainee")
    response = client.post("/logout", data={})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Traceback" not in body and "CSRF" not in body
    assert "Línea 100" in body
