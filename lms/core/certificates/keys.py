"""Ed25519 signing keys on disk, never in the database.

A key store is one directory (the app uses ``<instance>/keys/``, mode 0700) holding:

* ``<kid>.pem``: the private key as PKCS#8 PEM, mode 0600, encrypted with the passphrase
  when the store has one;
* ``keys.json``: public facts about every key: kid, status (``active`` or ``retired``),
  created, not_before, not_after (set when the key is retired) and the public JWK.

Exactly one key is active and signs; retired keys stay published so that every
certificate they signed keeps verifying. A retired key's PEM file is left in place
(the store never signs with it again); an operator may move it to offline storage.

The kid is the RFC 7638 JWK thumbprint of the public key.
"""

import base64
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask_babel import lazy_gettext as _l

INDEX_NAME = "keys.json"
_LOCK_NAME = ".lock"
_ENCRYPTED_PEM_HEADER = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"


class KeyStoreError(Exception):
    """Something is wrong with the signing keys; ``str(error)`` is a translated message."""


class KeyPassphraseError(KeyStoreError):
    """The private key is encrypted and the passphrase is missing or wrong."""


class KeyExistsError(KeyStoreError):
    """``init_key`` was asked for a first key but the store already has one."""


class UnknownKeyError(KeyStoreError, LookupError):
    """No key with that kid was ever in this store."""


class KeyStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


@dataclass(frozen=True)
class SigningKey:
    """The active key: its kid and the private key that signs with it."""

    kid: str
    private_key: Ed25519PrivateKey


@dataclass(frozen=True)
class KeyRecord:
    """What ``keys.json`` says about one key."""

    kid: str
    status: KeyStatus
    created: datetime
    not_before: datetime
    not_after: datetime | None
    public_jwk: dict

    def to_json(self) -> dict:
        return {
            "kid": self.kid,
            "status": self.status.value,
            "created": _iso(self.created),
            "not_before": _iso(self.not_before),
            "not_after": _iso(self.not_after) if self.not_after else None,
            "public_jwk": self.public_jwk,
        }

    @classmethod
    def from_json(cls, item: dict) -> "KeyRecord":
        return cls(
            kid=item["kid"],
            status=KeyStatus(item["status"]),
            created=datetime.fromisoformat(item["created"]),
            not_before=datetime.fromisoformat(item["not_before"]),
            not_after=datetime.fromisoformat(item["not_after"]) if item["not_after"] else None,
            public_jwk=item["public_jwk"],
        )

    def to_jwk(self) -> dict:
        """The published form: the public JWK plus kid, alg, use, status and validity dates.

        ``nbf`` and ``exp`` are seconds since the epoch, as in JWT; ``exp`` appears once
        the key is retired.
        """
        jwk = {**self.public_jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig",
               "status": self.status.value, "nbf": int(self.not_before.timestamp())}
        if self.not_after:
            jwk["exp"] = int(self.not_after.timestamp())
        return jwk


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Inverse of ``b64url_encode``; raises ValueError on anything else."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_jwk(public_key: Ed25519PublicKey) -> dict:
    """The RFC 8037 JWK of an Ed25519 public key: ``{"crv", "kty", "x"}``, nothing private."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(raw)}


def jwk_thumbprint(jwk: dict) -> str:
    """The RFC 7638 SHA-256 thumbprint of an OKP JWK, base64url without padding."""
    members = {name: jwk[name] for name in ("crv", "kty", "x")}
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":"))
    return b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())


def key_id(public_key: Ed25519PublicKey) -> str:
    """The kid of a public key: the thumbprint of its JWK."""
    return jwk_thumbprint(public_jwk(public_key))


def public_key_from_jwk(jwk: dict) -> Ed25519PublicKey:
    """The Ed25519 public key in a JWK; raises ValueError if the JWK is not one."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
        raise ValueError("not an Ed25519 JWK")
    return Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))


class KeyStore:
    """The signing keys in one directory; see the module docstring for the layout.

    ``passphrase`` (str or bytes) encrypts new private keys and decrypts existing ones;
    without it keys are written unencrypted. Writers hold a lock on the directory, so
    several worker processes may call ``active_key`` at once and still get one key.
    """

    def __init__(self, path: str | os.PathLike, passphrase: str | bytes | None = None):
        self.path = Path(path)
        self._passphrase = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
        self._private_keys: dict[str, Ed25519PrivateKey] = {}

    def records(self) -> list[KeyRecord]:
        """Every key ever created here, oldest first."""
        index = self.path / INDEX_NAME
        if not index.exists():
            return []
        items = json.loads(index.read_text(encoding="utf-8"))["keys"]
        return [KeyRecord.from_json(item) for item in items]

    def active_key(self) -> SigningKey:
        """The key to sign with now, created (unencrypted if there is no passphrase) on first need.

        Raises KeyPassphraseError when the key is encrypted and the passphrase is missing or wrong.
        """
        with self._locked():
            records = self.records()
            if not records:
                return self._add_key(records)
        active = [record for record in records if record.status is KeyStatus.ACTIVE]
        if len(active) != 1:
            raise KeyStoreError(_l("The key store %(path)s should have exactly one active key.",
                                   path=str(self.path)))
        return SigningKey(active[0].kid, self._private_key(active[0].kid))

    def init_key(self) -> SigningKey:
        """Create the first key; raises KeyExistsError if the store already has a key."""
        with self._locked():
            records = self.records()
            if records:
                raise KeyExistsError(_l("A signing key already exists in %(path)s.", path=str(self.path)))
            return self._add_key(records)

    def rotate(self) -> SigningKey:
        """Create a new active key and retire the current one as of now.

        The retired key stays in the JWKS, so the certificates it signed keep verifying.
        """
        with self._locked():
            now = _now()
            records = [
                replace(record, status=KeyStatus.RETIRED, not_after=now)
                if record.status is KeyStatus.ACTIVE else record
                for record in self.records()
            ]
            return self._add_key(records, now)

    def public_key(self, kid: str) -> Ed25519PublicKey:
        """The public key with this kid, active or retired; raises UnknownKeyError otherwise."""
        for record in self.records():
            if record.kid == kid:
                return public_key_from_jwk(record.public_jwk)
        raise UnknownKeyError(_l("No signing key with id %(kid)s.", kid=kid))

    def jwks(self) -> dict:
        """The JWK Set of every key ever used (never a private member), for publishing."""
        return {"keys": [record.to_jwk() for record in self.records()]}

    def _add_key(self, records: list[KeyRecord], now: datetime | None = None) -> SigningKey:
        now = now or _now()
        private_key = Ed25519PrivateKey.generate()
        kid = key_id(private_key.public_key())
        self._write_private_key(kid, private_key)
        record = KeyRecord(kid=kid, status=KeyStatus.ACTIVE, created=now, not_before=now,
                           not_after=None, public_jwk=public_jwk(private_key.public_key()))
        self._write_index([*records, record])
        self._private_keys[kid] = private_key
        return SigningKey(kid, private_key)

    def _write_private_key(self, kid: str, private_key: Ed25519PrivateKey) -> None:
        encryption = (serialization.BestAvailableEncryption(self._passphrase) if self._passphrase
                      else serialization.NoEncryption())
        pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        encryption)
        # O_CREAT with mode 0600 sets the mode before any byte is written; O_EXCL never overwrites.
        descriptor = os.open(self.path / f"{kid}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)

    def _write_index(self, records: list[KeyRecord]) -> None:
        document = {"keys": [record.to_json() for record in records]}
        temporary = self.path / f"{INDEX_NAME}.tmp"
        temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, self.path / INDEX_NAME)

    def _private_key(self, kid: str) -> Ed25519PrivateKey:
        if kid not in self._private_keys:
            self._private_keys[kid] = self._load_private_key(kid)
        return self._private_keys[kid]

    def _load_private_key(self, kid: str) -> Ed25519PrivateKey:
        pem = (self.path / f"{kid}.pem").read_bytes()
        encrypted = pem.startswith(_ENCRYPTED_PEM_HEADER)
        if encrypted and not self._passphrase:
            raise KeyPassphraseError(_l(
                "The certificate signing key is encrypted and no passphrase was given."))
        try:
            key = serialization.load_pem_private_key(pem, password=self._passphrase if encrypted else None)
        except ValueError as error:
            if encrypted:
                raise KeyPassphraseError(_l(
                    "The passphrase for the certificate signing key is wrong.")) from error
            raise
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyStoreError(_l("The file for key %(kid)s does not hold an Ed25519 key.", kid=kid))
        return key

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path.chmod(0o700)  # mkdir's mode is filtered by the umask and skipped if it exists
        with open(self.path / _LOCK_NAME, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
