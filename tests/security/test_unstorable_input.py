"""A NUL byte, or any character no database can store, gets the friendly 400 page, never a 500, in every
field of every form and every URL parameter; and no error path can write a statement's values to the log."""

from helpers import csrf_token
from security_cast import Cast, cast, client_as, rules, table_counts  # noqa: F401  (cast is a fixture)
from test_csrf import CSRF_POSTS

from lms.extensions import db

NUL = "abc\x00def"


def _token(client, visitor: str) -> str:
    return csrf_token(client, "/login" if visitor == "anonymous" else "/account/password")


def test_every_form_field_with_a_nul_byte_gets_400_and_writes_nothing(app, cast):
    wrong = []
    for rule in rules(app, "POST"):
        visitor, body = CSRF_POSTS[rule.rule]
        fields = {name: value for name, value in body(cast).items() if isinstance(value, str)}
        for name in fields:
            client = client_as(app, visitor)
            data = body(cast) | {name: NUL, "csrf_token": _token(client, visitor)}
            before = table_counts()
            response = client.post(cast.url(rule), data=data)
            if response.status_code != 400:
                wrong.append(f"{rule.rule} field {name}: {response.status_code}")
            elif table_counts() != before:
                wrong.append(f"{rule.rule} field {name}: wrote to the database")
    assert not wrong, "\n".join(wrong)


def test_the_join_form_and_a_reflection_with_nul_answer_the_friendly_page(app, cast):
    client = client_as(app, "anonymous")
    response = client.post("/join", data={"invite_code": "GRUPOAAA", "display_name": "Nuevo\x00",
                                          "username": "nuevo", "password": "x\x00" * 8, "confirm": "x\x00" * 8,
                                          "csrf_token": csrf_token(client, "/join")})
    assert response.status_code == 400 and "Línea 100" in response.get_data(as_text=True)
    trainee = client_as(app, "trainee_b")
    response = trainee.post("/weeks/2/reflection", data={"text": "Aprendí\x00", "action": "submit",
                                                         "csrf_token": csrf_token(trainee, "/weeks/2/reflection")})
    assert response.status_code == 400


def test_every_url_parameter_and_query_with_nul_gets_400(app, cast):
    wrong = []
    for rule in rules(app, "GET"):
        if not rule.arguments:
            continue
        for name in rule.arguments:
            converter = rule._converters.get(name)  # None: a default the rule fills, not part of its path
            if converter is None or converter.__class__.__name__ in ("IntegerConverter", "IdConverter"):
                continue  # a number cannot hold one: the route is simply not found
            visitor = "admin" if rule.rule.startswith(("/manage", "/facilitate", "/reports")) else "trainee"
            url = cast.url(rule, **{name: "ab%00cd"})
            status = client_as(app, visitor).get(url).status_code
            if status not in (400, 404):
                wrong.append(f"{url}: {status}")
    for url in ["/v?code=AB%00CD", "/verify/registry?q=%00", "/reports/impact?cohort=%00", "/login?next=/%00"]:
        status = client_as(app, "admin").get(url).status_code
        if status != 400:
            wrong.append(f"{url}: {status}")
    assert not wrong, "\n".join(wrong)


def test_no_database_error_can_carry_the_statement_values(app):
    assert db.engine.hide_parameters


def test_text_that_cannot_be_encoded_is_unstorable_too():
    from lms.security import unstorable
    assert unstorable("a\x00") and unstorable("a\udcff") and not unstorable("Ñahui – “bien”")
