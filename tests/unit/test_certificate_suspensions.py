"""Suspension in the signed status list: offline verifiers read it, and nobody can drop it unseen."""

from datetime import UTC, date, datetime

import pytest

from lms.core.certificates.codes import new_code
from lms.core.certificates.keys import KeyStore
from lms.core.certificates.tokens import (
    CertificateClaims,
    OfflineStatus,
    RevocationEntry,
    RevocationListError,
    SuspensionEntry,
    sign_revocation_list,
    sign_token,
    verification_url,
    verify_qr_text,
    verify_revocation_list,
)


@pytest.fixture
def store(tmp_path):
    return KeyStore(tmp_path / "keys")


def _url(key, code):
    claims = CertificateClaims(kid=key.kid, code=code, name="José Ñahui", course="Formación", hours=48,
                               issued=datetime.now(UTC).date())
    return verification_url("https://cert.example.gob.pe", code, sign_token(claims, key.private_key))


def test_a_suspended_code_in_a_verified_list_reads_suspended_offline(store):
    key = store.active_key()
    suspended, other = new_code(), new_code()
    document = sign_revocation_list([], key.private_key, suspensions=[SuspensionEntry(suspended, date(2026, 11, 2))])
    status_list = verify_revocation_list(document, store.jwks())
    assert status_list.suspended_codes == {suspended}
    jwks = store.jwks()
    assert verify_qr_text(_url(key, suspended), jwks, status_list.codes,
                          status_list.suspended_codes).status is OfflineStatus.SUSPENDED
    assert verify_qr_text(_url(key, other), jwks, status_list.codes,
                          status_list.suspended_codes).status is OfflineStatus.VALID


def test_a_suspension_carries_no_reason(store):
    document = sign_revocation_list([], store.active_key().private_key,
                                    suspensions=[SuspensionEntry(new_code(), date(2026, 11, 2))])
    assert set(document["suspended"][0]) == {"code", "since"}


def test_revoked_wins_over_suspended(store):
    key = store.active_key()
    code = new_code()
    assert verify_qr_text(_url(key, code), store.jwks(), [code], [code]).status is OfflineStatus.REVOKED


@pytest.mark.parametrize("change", [
    lambda document: document.pop("suspended"),
    lambda document: document["suspended"].pop(),
    lambda document: document["suspended"].append({"code": new_code(), "since": "2026-11-03"}),
])
def test_dropping_or_adding_a_suspension_breaks_the_signature(store, change):
    document = sign_revocation_list([RevocationEntry(new_code(), date(2026, 1, 5), "fraude")],
                                    store.active_key().private_key,
                                    suspensions=[SuspensionEntry(new_code(), date(2026, 11, 2))])
    change(document)
    with pytest.raises(RevocationListError):
        verify_revocation_list(document, store.jwks())


def test_a_list_signed_before_suspensions_existed_still_verifies(store):
    document = sign_revocation_list([RevocationEntry(new_code(), date(2026, 1, 5), "fraude")],
                                    store.active_key().private_key)
    assert "suspended" not in document
    assert verify_revocation_list(document, store.jwks()).suspended_codes == frozenset()
