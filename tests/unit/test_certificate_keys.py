"""Signing keys on disk: kid, file modes, passphrases, rotation and the published JWKS."""

import json
import stat
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.core.certificates.keys import (
    INDEX_NAME,
    KeyExistsError,
    KeyPassphraseError,
    KeyStatus,
    KeyStore,
    UnknownKeyError,
    b64url_decode,
    jwk_thumbprint,
    key_id,
    public_jwk,
)

# RFC 8037, appendix A.1–A.3.
RFC8037_PRIVATE_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_PUBLIC_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_thumbprint_matches_rfc_8037():
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": RFC8037_PUBLIC_X}
    assert jwk_thumbprint(jwk) == RFC8037_THUMBPRINT


def test_kid_of_the_rfc_8037_key():
    private_key = Ed25519PrivateKey.from_private_bytes(b64url_decode(RFC8037_PRIVATE_D))
    assert public_jwk(private_key.public_key()) == {"crv": "Ed25519", "kty": "OKP", "x": RFC8037_PUBLIC_X}
    assert key_id(private_key.public_key()) == RFC8037_THUMBPRINT


def test_active_key_is_created_on_first_need_and_then_reused(tmp_path):
    first = KeyStore(tmp_path / "keys").active_key()
    again = KeyStore(tmp_path / "keys").active_key()
    assert again.kid == first.kid
    assert first.kid == key_id(first.private_key.public_key())
    signature = again.private_key.sign(b"message")
    KeyStore(tmp_path / "keys").public_key(first.kid).verify(signature, b"message")


def test_key_files_are_private(tmp_path):
    keys = tmp_path / "keys"
    kid = KeyStore(keys).init_key().kid
    assert mode(keys) == 0o700
    assert mode(keys / f"{kid}.pem") == 0o600


def test_without_passphrase_the_key_is_plain_pkcs8(tmp_path):
    kid = KeyStore(tmp_path).init_key().kid
    assert (tmp_path / f"{kid}.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_with_passphrase_the_key_is_encrypted_and_loads_back(tmp_path):
    kid = KeyStore(tmp_path, passphrase="correct horse").init_key().kid
    assert (tmp_path / f"{kid}.pem").read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert KeyStore(tmp_path, passphrase=b"correct horse").active_key().kid == kid


def test_wrong_passphrase_gives_a_clear_error(tmp_path):
    KeyStore(tmp_path, passphrase="correct horse").init_key()
    with pytest.raises(KeyPassphraseError) as error:
        KeyStore(tmp_path, passphrase="battery staple").active_key()
    assert str(error.value) == "The passphrase for the certificate signing key is wrong."


def test_missing_passphrase_gives_a_clear_error(tmp_path):
    KeyStore(tmp_path, passphrase="correct horse").init_key()
    with pytest.raises(KeyPassphraseError) as error:
        KeyStore(tmp_path).active_key()
    assert str(error.value) == "The certificate signing key is encrypted and no passphrase was given."


def test_init_key_refuses_a_second_key(tmp_path):
    store = KeyStore(tmp_path)
    store.init_key()
    with pytest.raises(KeyExistsError):
        store.init_key()
    assert len(store.records()) == 1


def test_rotation_retires_the_old_key_and_keeps_it_published(tmp_path):
    store = KeyStore(tmp_path)
    old = store.init_key()
    new = store.rotate()
    assert new.kid != old.kid
    assert store.active_key().kid == new.kid

    retired, active = store.records()
    assert (retired.kid, retired.status) == (old.kid, KeyStatus.RETIRED)
    assert retired.not_after is not None and retired.not_after >= retired.not_before
    assert (active.kid, active.status, active.not_after) == (new.kid, KeyStatus.ACTIVE, None)

    signature = old.private_key.sign(b"signed before the rotation")
    store.public_key(old.kid).verify(signature, b"signed before the rotation")


def test_jwks_lists_every_key_and_nothing_private(tmp_path):
    store = KeyStore(tmp_path)
    old = store.init_key()
    new = store.rotate()
    jwks = store.jwks()
    by_kid = {jwk["kid"]: jwk for jwk in jwks["keys"]}
    assert set(by_kid) == {old.kid, new.kid}
    for jwk in jwks["keys"]:
        assert {"kty", "crv", "x", "kid", "alg", "use", "status", "nbf"} <= jwk.keys()
        assert "d" not in jwk
        assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
        assert jwk_thumbprint(jwk) == jwk["kid"]
    assert by_kid[old.kid]["status"] == "retired" and by_kid[old.kid]["exp"] >= by_kid[old.kid]["nbf"]
    assert by_kid[new.kid]["status"] == "active" and "exp" not in by_kid[new.kid]
    assert json.loads(json.dumps(jwks)) == jwks


def test_index_holds_the_public_facts(tmp_path):
    store = KeyStore(tmp_path)
    kid = store.init_key().kid
    (entry,) = json.loads((tmp_path / INDEX_NAME).read_text())["keys"]
    assert entry["kid"] == kid
    assert entry["status"] == "active"
    assert entry["created"].endswith("Z") and entry["not_before"] == entry["created"]
    assert entry["not_after"] is None
    assert entry["public_jwk"]["x"] == public_jwk(store.public_key(kid))["x"]


def test_an_empty_store_publishes_no_keys_and_knows_none(tmp_path):
    store = KeyStore(tmp_path / "not-yet")
    assert store.jwks() == {"keys": []}
    with pytest.raises(UnknownKeyError):
        store.public_key(RFC8037_THUMBPRINT)


def test_rotating_an_empty_store_creates_the_first_key(tmp_path):
    store = KeyStore(tmp_path)
    assert store.rotate().kid == store.active_key().kid


def test_concurrent_first_use_makes_one_key(tmp_path):
    barrier = threading.Barrier(6)
    kids = []

    def first_use():
        barrier.wait()
        kids.append(KeyStore(tmp_path / "keys").active_key().kid)

    threads = [threading.Thread(target=first_use) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(kids)) == 1
    assert len(KeyStore(tmp_path / "keys").records()) == 1
