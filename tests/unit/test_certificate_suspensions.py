"""Suspension in the signed status list: offline verifiers read it, it names no one, and nobody can drop
it unseen."""

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
    code_sha256,
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
    document = sign_revocation_list([], key.private_key,
                                    suspensions=[SuspensionEntry.for_code(suspended, date(2026, 11, 2))])
    status_list = verify_revocation_list(document, store.jwks())
    assert status_list.suspended_hashes == {code_sha256(suspended)}
    jwks = store.jwks()
    assert verify_qr_text(_url(key, suspended), jwks, status_list.code_hashes,
                          suspended_hashes=status_list.suspended_hashes).status is OfflineStatus.SUSPENDED
    assert verify_qr_text(_url(key, other), jwks, status_list.code_hashes,
                          suspended_hashes=status_list.suspended_hashes).status is OfflineStatus.VALID


def test_a_suspension_carries_no_reason_and_no_code(store):
    code = new_code()
    document = sign_revocation_list([], store.active_key().private_key,
                                    suspensions=[SuspensionEntry.for_code(code, date(2026, 11, 2))])
    assert set(document["suspended"][0]) == {"code_sha256", "since"}
    assert code not in str(document)


def test_revoked_wins_over_suspended(store):
    key = store.active_key()
    code = new_code()
    hashes = [code_sha256(code)]
    assert verify_qr_text(_url(key, code), store.jwks(), hashes, suspended_hashes=hashes).status \
        is OfflineStatus.REVOKED


@pytest.mark.parametrize("change", [
    lambda document: document.pop("suspended"),
    lambda document: document["suspended"].pop(),
    lambda document: document["suspended"].append({"code_sha256": code_sha256(new_code()), "since": "2026-11-03"}),
])
def test_dropping_or_adding_a_suspension_breaks_the_signature(store, change):
    document = sign_revocation_list([RevocationEntry.for_code(new_code(), date(2026, 1, 5))],
                                    store.active_key().private_key,
                                    suspensions=[SuspensionEntry.for_code(new_code(), date(2026, 11, 2))])
    change(document)
    with pytest.raises(RevocationListError):
        verify_revocation_list(document, store.jwks())


def test_a_list_without_suspensions_verifies_with_none(store):
    document = sign_revocation_list([RevocationEntry.for_code(new_code(), date(2026, 1, 5))],
                                    store.active_key().private_key)
    assert document["suspended"] == []
    assert verify_revocation_list(document, store.jwks()).suspended_hashes == frozenset()
