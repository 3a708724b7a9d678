"""The signed QR token, offline verification and the signed revocation list."""

import base64
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.core.certificates.codes import check_symbol, format_code, new_code
from lms.core.certificates.keys import KeyStore
from lms.core.certificates.tokens import (
    KID_PREFIX_LENGTH,
    TOKEN_DOMAIN,
    CertificateClaims,
    OfflineResult,
    OfflineStatus,
    RevocationEntry,
    RevocationListError,
    code_sha256,
    qr_code,
    sign_revocation_list,
    sign_token,
    verification_url,
    verify_qr_text,
    verify_revocation_list,
)

BASE_URL = "https://cert.example.gob.pe"
NAME_60 = "María José D’Ángelo Ñahui Quispe de la Fuente Huamán Córdova"
COURSE = "Formación de Promotores Masculinos contra la Violencia Familiar y Sexual"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@pytest.fixture
def store(tmp_path):
    return KeyStore(tmp_path / "keys")


@pytest.fixture
def key(store):
    return store.active_key()


def make_claims(kid: str, **changes) -> CertificateClaims:
    fields = dict(kid=kid, code=new_code(), name=NAME_60, course=COURSE, hours=48,
                  issued=datetime.now(UTC).date())
    return CertificateClaims(**{**fields, **changes})


def signed_url(claims: CertificateClaims, private_key) -> str:
    return verification_url(BASE_URL, claims.code, sign_token(claims, private_key))


def split(url: str) -> tuple[str, str]:
    prefix, _, token = url.partition("#")
    return prefix, token


def test_round_trip(store, key):
    claims = make_claims(key.kid, completed=date(2025, 6, 28), lang="es")
    assert verify_qr_text(signed_url(claims, key.private_key), store.jwks()) == OfflineResult(
        OfflineStatus.VALID, claims)


def test_the_url_is_upper_case_with_the_bare_code_and_the_token_in_the_fragment(key):
    claims = make_claims(key.kid)
    url = signed_url(claims, key.private_key)
    prefix, token = split(url)
    assert prefix == f"HTTPS://CERT.EXAMPLE.GOB.PE/V/{claims.code}"
    assert token == token.upper() and set(token) <= set(BASE32)


def test_verification_url_accepts_a_printed_code_and_keeps_a_path_prefix():
    code = new_code()
    assert verification_url("https://Cert.Example.gob.pe/", format_code(code).lower(), "T") == (
        f"HTTPS://CERT.EXAMPLE.GOB.PE/V/{code}#T")
    assert verification_url("http://localhost:5000/lms", code, "T") == f"HTTP://LOCALHOST:5000/lms/V/{code}#T"


@pytest.mark.parametrize("base_url, code", [(BASE_URL, "7K3M9QXAT4VD2HJ9"), ("cert.example.gob.pe", None)])
def test_verification_url_rejects_bad_input(base_url, code):
    with pytest.raises(ValueError):
        verification_url(base_url, code or new_code(), "T")


def test_payload_is_compact_sorted_json_with_short_keys(key):
    claims = make_claims(key.kid, issued=date(2025, 6, 30))
    payload = claims.payload()
    expected = {"d": "2025-06-30", "h": 48, "k": key.kid[:KID_PREFIX_LENGTH], "n": NAME_60, "t": COURSE}
    assert json.loads(payload) == expected
    assert payload == json.dumps(expected, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    token = sign_token(claims, key.private_key)
    raw = base64.b32decode(token + "=" * (-len(token) % 8))
    assert raw[:-64] == payload
    key.private_key.public_key().verify(raw[-64:], TOKEN_DOMAIN + claims.code.encode() + b"." + payload)


def test_sign_token_refuses_a_key_that_is_not_the_claimed_kid(tmp_path, key):
    other = KeyStore(tmp_path / "other").active_key()
    with pytest.raises(ValueError):
        sign_token(make_claims(key.kid), other.private_key)


def test_sign_token_wants_the_bare_code(key):
    claims = make_claims(key.kid)
    with pytest.raises(ValueError):
        sign_token(make_claims(key.kid, code=format_code(claims.code)), key.private_key)


def test_sign_token_wants_whole_hours(key):
    with pytest.raises(ValueError):
        sign_token(make_claims(key.kid, hours=37.5), key.private_key)


def test_any_single_changed_symbol_of_the_token_is_not_valid(store, key):
    prefix, token = split(signed_url(make_claims(key.kid), key.private_key))
    jwks = store.jwks()
    outcomes = set()
    for position, symbol in enumerate(token):
        for other in BASE32.replace(symbol, ""):
            changed = token[:position] + other + token[position + 1:]
            status = verify_qr_text(f"{prefix}#{changed}", jwks).status
            assert status is not OfflineStatus.VALID, (position, other)
            outcomes.add(status)
    assert OfflineStatus.TAMPERED in outcomes


def test_a_different_code_in_the_path_is_tampered(store, key):
    url = signed_url(make_claims(key.kid), key.private_key)
    prefix, token = split(url)
    swapped = f"{prefix[:-16]}{new_code()}#{token}"
    assert verify_qr_text(swapped, store.jwks()) == OfflineResult(OfflineStatus.TAMPERED)


def test_the_code_in_the_path_may_be_typed_as_printed(store, key):
    claims = make_claims(key.kid)
    prefix, token = split(signed_url(claims, key.private_key))
    typed = f"https://cert.example.gob.pe/v/{format_code(claims.code).lower()}#{token}"
    assert verify_qr_text(typed, store.jwks()) == OfflineResult(OfflineStatus.VALID, claims)


def test_a_key_missing_from_the_jwks_is_unknown(tmp_path, key):
    url = signed_url(make_claims(key.kid), key.private_key)
    other = KeyStore(tmp_path / "other")
    other.active_key()
    for jwks in (other.jwks(), {"keys": []}, {}):
        assert verify_qr_text(url, jwks) == OfflineResult(OfflineStatus.UNKNOWN_KEY)


def test_rotation_keeps_old_certificates_verifying(store, key):
    old_claims = make_claims(key.kid)
    old_url = signed_url(old_claims, key.private_key)
    new_key = store.rotate()
    new_claims = make_claims(new_key.kid)
    new_url = signed_url(new_claims, new_key.private_key)
    jwks = store.jwks()
    assert verify_qr_text(old_url, jwks) == OfflineResult(OfflineStatus.VALID, old_claims)
    assert verify_qr_text(new_url, jwks) == OfflineResult(OfflineStatus.VALID, new_claims)


def test_a_retired_key_is_not_trusted_for_later_issue_dates(store, key):
    store.rotate()
    later = datetime.now(UTC).date() + timedelta(days=3)
    url = signed_url(make_claims(key.kid, issued=later), key.private_key)
    assert verify_qr_text(url, store.jwks()).status is OfflineStatus.UNKNOWN_KEY


def test_a_key_with_nonsense_dates_is_not_trusted(store, key):
    url = signed_url(make_claims(key.kid), key.private_key)
    (jwk,) = store.jwks()["keys"]
    assert verify_qr_text(url, {"keys": [{**jwk, "nbf": 10**30}]}).status is OfflineStatus.UNKNOWN_KEY


def test_a_revoked_code_is_reported_with_its_claims(store, key):
    claims = make_claims(key.kid)
    url = signed_url(claims, key.private_key)
    assert verify_qr_text(url, store.jwks(), [code_sha256(format_code(claims.code))]) == OfflineResult(
        OfflineStatus.REVOKED, claims)
    assert verify_qr_text(url, store.jwks(), [code_sha256(new_code())]).status is OfflineStatus.VALID


def test_a_signed_but_malformed_payload_is_malformed(store, key):
    code = new_code()
    for payload in (b'{"k":"%s"}' % key.kid[:8].encode(),
                    b'{"d":"30/06/2025","h":48,"k":"%s","n":"N","t":"T"}' % key.kid[:8].encode(),
                    b'{"d":"2025-06-30","h":"48","k":"%s","n":"N","t":"T"}' % key.kid[:8].encode()):
        signature = key.private_key.sign(TOKEN_DOMAIN + code.encode() + b"." + payload)
        token = base64.b32encode(payload + signature).decode().rstrip("=")
        url = verification_url(BASE_URL, code, token)
        assert verify_qr_text(url, store.jwks()) == OfflineResult(OfflineStatus.MALFORMED)


def _garbage(code: str, token: str) -> list:
    host = "HTTPS://CERT.EXAMPLE.GOB.PE"
    mistyped = code[:-1] + ("0" if code[-1] != "0" else "1")
    unsigned_list = base64.b32encode(b"[1,2]" + bytes(64)).decode().rstrip("=")
    return [
        None, 42, b"HTTPS://X/V/", "", "hello", "#", "http://[::1/V/x#y", "HTTPS://X/V/" + "A" * 10_000,
        f"{host}/V/{code}", f"{host}/V/{code}#", f"{host}/X/{code}#{token}", f"{host}/V/{mistyped}#{token}",
        f"FTP://CERT.EXAMPLE.GOB.PE/V/{code}#{token}", f"{host}/V/{code}#{token.lower()}",
        f"{host}/V/{code}#{token[:100]}", f"{host}/V/{code}#{token}=", f"{host}/V/{code}#ÑÑÑÑ",
        f"{host}/V/{code}#{unsigned_list}",
    ]


def test_garbage_is_malformed(store, key):
    claims = make_claims(key.kid)
    prefix, token = split(signed_url(claims, key.private_key))
    jwks = store.jwks()
    for text in _garbage(claims.code, token):
        assert verify_qr_text(text, jwks) == OfflineResult(OfflineStatus.MALFORMED), text


@settings(database=None, max_examples=300)
@given(st.text())
def test_verify_never_raises_on_any_text(text):
    assert verify_qr_text(text, {"keys": []}).status in set(OfflineStatus)


@settings(database=None, max_examples=300)
@given(st.text(alphabet=BASE32 + "=#/a", max_size=300),
       st.one_of(st.none(), st.dictionaries(st.text(), st.text())))
def test_verify_never_raises_on_url_shaped_text_or_odd_jwks(fragment, jwks):
    url = f"HTTPS://CERT.EXAMPLE.GOB.PE/V/{'0' * 15}{check_symbol('0' * 15)}#{fragment}"
    assert verify_qr_text(url, jwks).status is not OfflineStatus.VALID


def test_qr_code_stays_at_version_13_or_below_for_a_long_name(key):
    assert len(NAME_60) == 60
    url = signed_url(make_claims(key.kid, hours=120), key.private_key)
    assert qr_code(url).version <= 13
    # '#' is not in QR alphanumeric mode, so one string forces byte mode for everything.
    assert segno.make_qr(url, error="m").version > qr_code(url).version


def test_qr_code_is_at_least_error_level_m(key):
    url = signed_url(make_claims(key.kid), key.private_key)
    assert qr_code(url).error in ("M", "Q", "H")


def revocations():
    return [RevocationEntry.for_code(new_code(), date(2025, 7, 1)), RevocationEntry.for_code(new_code(), date(2025, 7, 2))]


def test_revocation_list_round_trip(store, key):
    entries = revocations()
    document = sign_revocation_list(entries, key.private_key)
    assert set(document) == {"issuer", "issued", "next_update", "kid", "revoked", "suspended", "sig"}
    assert document["kid"] == key.kid
    assert [item["code_sha256"] for item in document["revoked"]] == sorted(entry.code_hash for entry in entries)
    verified = verify_revocation_list(json.loads(json.dumps(document)), store.jwks())
    assert set(verified.entries) == set(entries)
    assert verified.code_hashes == {entry.code_hash for entry in entries}
    assert verified.next_update - verified.issued == timedelta(days=1)


def test_the_list_names_no_code_and_no_reason(store, key):
    code = new_code()
    document = sign_revocation_list([RevocationEntry.for_code(code, date(2025, 7, 1))], key.private_key)
    assert code not in json.dumps(document) and format_code(code) not in json.dumps(document)
    assert set(document["revoked"][0]) == {"code_sha256", "revoked_on"}


def test_a_list_past_its_next_update_is_stale(store, key):
    issued = datetime.now(UTC)
    verified = verify_revocation_list(sign_revocation_list([], key.private_key, issued=issued), store.jwks())
    assert not verified.is_stale(issued + timedelta(hours=23))
    assert verified.is_stale(issued + timedelta(hours=25))


def test_a_verified_revocation_list_feeds_offline_verification(store, key):
    claims = make_claims(key.kid)
    url = signed_url(claims, key.private_key)
    entry = RevocationEntry.for_code(claims.code, date(2025, 7, 1))
    document = sign_revocation_list([entry], key.private_key)
    hashes = verify_revocation_list(document, store.jwks()).code_hashes
    assert verify_qr_text(url, store.jwks(), hashes).status is OfflineStatus.REVOKED


@pytest.mark.parametrize("change", [
    lambda document: document["revoked"].pop(),
    lambda document: document["revoked"][0].update(revoked_on="2020-01-01"),
    lambda document: document.update(next_update="2999-01-01T00:00:00Z"),
    lambda document: document.update(issued="2020-01-01T00:00:00Z"),
    lambda document: document.update(sig=document["sig"][::-1]),
    lambda document: document.pop("sig"),
    lambda document: document.update(revoked="everything"),
])
def test_an_altered_revocation_list_is_rejected(store, key, change):
    document = sign_revocation_list(revocations(), key.private_key)
    change(document)
    with pytest.raises(RevocationListError):
        verify_revocation_list(document, store.jwks())


def test_a_revocation_list_from_an_unknown_key_is_rejected(tmp_path, key):
    document = sign_revocation_list(revocations(), key.private_key)
    with pytest.raises(RevocationListError):
        verify_revocation_list(document, KeyStore(tmp_path / "other").jwks())


def test_a_token_signature_is_not_a_revocation_list_signature(store, key):
    """Domain separation: the same key signs both, and neither passes for the other."""
    document = sign_revocation_list([], key.private_key)
    unsigned = {name: document[name] for name in ("issuer", "issued", "next_update", "kid", "revoked")}
    message = json.dumps(unsigned, sort_keys=True, separators=(",", ":")).encode()
    forged = {**unsigned, "sig": base64.urlsafe_b64encode(
        key.private_key.sign(TOKEN_DOMAIN + message)).rstrip(b"=").decode()}
    with pytest.raises(RevocationListError):
        verify_revocation_list(forged, store.jwks())


@pytest.mark.parametrize("document", [None, [], {}, {"issued": 1, "kid": 2, "revoked": 3, "sig": 4}])
def test_garbage_revocation_lists_are_rejected(store, key, document):
    with pytest.raises(RevocationListError):
        verify_revocation_list(document, store.jwks())
