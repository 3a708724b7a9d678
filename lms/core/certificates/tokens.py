"""The signed token in a certificate's QR code, and the signed list of revoked and suspended codes.

The QR code holds ``HTTPS://HOST/V/<CODE>#<TOKEN>``. A phone camera opens the page for
``CODE``, which shows the live status; the fragment never reaches the server, so the
holder's name stays out of access logs. An offline verifier checks ``TOKEN`` against the
published JWKS alone.

TOKEN is base32 (RFC 4648, upper case, no padding) of ``payload ‖ signature``:

* ``payload`` is compact JSON with sorted short keys, UTF-8::

      {"d":"2025-06-30","h":48,"k":"kPrK_qmx","n":"José Ñahui Quispe","t":"Formación …"}

  d issued, h hours, k the first 8 characters of the kid, n the name as printed, t the
  course title, and when given f completed, l language.
* ``signature`` is Ed25519 (64 bytes) over ``b"LMSCERT1." + CODE + b"." + payload``.

Two things keep the QR code at version 13 or below with a 60-character name and the
72-character course title: the code is signed but not repeated in the payload (it is
already in the URL path; a path with another code fails the signature), and the kid is
shortened to 8 characters (48 bits, plenty to tell a handful of keys apart). ``qr_code``
encodes the parts around ``#`` in QR alphanumeric mode, which is why the URL is upper case.
"""

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from segno.consts import MODE_ALPHANUMERIC, MODE_BYTE

from lms.core.certificates.codes import check_code, normalize_code
from lms.core.certificates.keys import b64url_decode, b64url_encode, key_id, public_key_from_jwk

TOKEN_DOMAIN = b"LMSCERT1."
REVOCATION_DOMAIN = b"LMSREVOKED2."  # 2: hashes of codes, no reasons, a next update
KID_PREFIX_LENGTH = 8
SIGNATURE_LENGTH = 64
# The most characters a QR code can hold (version 40, alphanumeric mode).
MAX_QR_TEXT = 4296
_QR_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
# An issue date is a calendar day where the issuer is; a key's nbf/exp are instants.
_TIME_ZONE_GRACE = timedelta(days=1)


class OfflineStatus(StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    TAMPERED = "tampered"
    UNKNOWN_KEY = "unknown_key"
    MALFORMED = "malformed"
    WRONG_HOST = "wrong_host"  # a genuine token, but the QR points somewhere other than the issuer's site


@dataclass(frozen=True)
class CertificateClaims:
    """What a certificate says, as printed on it.

    ``kid`` is the full kid of the signing key; ``code`` the 16-symbol code.
    """

    kid: str
    code: str
    name: str
    course: str
    hours: int
    issued: date
    completed: date | None = None
    lang: str | None = None

    def payload(self) -> bytes:
        """The exact bytes that go into the token (the code travels in the URL instead)."""
        fields = {"k": self.kid[:KID_PREFIX_LENGTH], "n": self.name, "t": self.course,
                  "h": self.hours, "d": self.issued.isoformat()}
        if self.completed:
            fields["f"] = self.completed.isoformat()
        if self.lang:
            fields["l"] = self.lang
        return _canonical_json(fields)


@dataclass(frozen=True)
class OfflineResult:
    """The verdict on a scanned QR text; ``claims`` only when the signature checked out."""

    status: OfflineStatus
    claims: CertificateClaims | None = None


def code_sha256(code: str) -> str:
    """The published form of a code: SHA-256 of its normalised 16 symbols, in hex.

    The holder of a paper has the code (printed, and in the QR) and can hash it; the list gives
    nobody else a code to look up. 75 random bits make guessing codes from their hashes hopeless.
    """
    return hashlib.sha256(normalize_code(code).encode("ascii")).hexdigest()


@dataclass(frozen=True)
class RevocationEntry:
    """One revoked certificate as the public list shows it: a hash of its code and the day. No name, no reason."""

    code_hash: str
    revoked_on: date

    @classmethod
    def for_code(cls, code: str, revoked_on: date) -> "RevocationEntry":
        return cls(code_sha256(code), revoked_on)

    def to_json(self) -> dict:
        return {"code_sha256": self.code_hash, "revoked_on": self.revoked_on.isoformat()}


@dataclass(frozen=True)
class SuspensionEntry:
    """One suspended certificate as the public list shows it: a hash of its code and the day it began.
    No reason: a suspension says only that a concern is being reviewed."""

    code_hash: str
    since: date

    @classmethod
    def for_code(cls, code: str, since: date) -> "SuspensionEntry":
        return cls(code_sha256(code), since)

    def to_json(self) -> dict:
        return {"code_sha256": self.code_hash, "since": self.since.isoformat()}


@dataclass(frozen=True)
class RevocationList:
    """A revocation list whose signature checked out, with the suspended codes when it lists them."""

    issuer: str
    issued: datetime
    next_update: datetime
    kid: str
    entries: tuple[RevocationEntry, ...]
    suspensions: tuple[SuspensionEntry, ...] = ()

    @property
    def code_hashes(self) -> frozenset[str]:
        return frozenset(entry.code_hash for entry in self.entries)

    def is_stale(self, now: datetime) -> bool:
        """Whether a newer list should exist by ``now``: one revoked since may be missing from this one."""
        return now > self.next_update

    @property
    def suspended_hashes(self) -> frozenset[str]:
        return frozenset(entry.code_hash for entry in self.suspensions)


class RevocationListError(ValueError):
    """A revocation list is malformed, signed by an unknown key, or altered."""


class _Malformed(Exception):
    """Raised inside the parser; verify_qr_text turns it into the `malformed` status."""


def sign_token(claims: CertificateClaims, private_key: Ed25519PrivateKey) -> str:
    """Return the token for ``claims`` signed with ``private_key``.

    Raises ValueError if the code is not well formed and normalised, the hours are not a
    whole number, or ``claims.kid`` is not the kid of ``private_key``.
    """
    if check_code(claims.code).code != claims.code:
        raise ValueError(f"not a normalised certificate code: {claims.code!r}")
    if type(claims.hours) is not int:
        raise ValueError(f"hours must be a whole number: {claims.hours!r}")
    if claims.kid != key_id(private_key.public_key()):
        raise ValueError("claims.kid does not name the signing key")
    payload = claims.payload()
    signature = private_key.sign(_token_message(claims.code, payload))
    return base64.b32encode(payload + signature).decode("ascii").rstrip("=")


def verification_url(base_url: str, code: str, token: str) -> str:
    """Return ``HTTPS://HOST/V/CODE#TOKEN`` for the QR code.

    Scheme and host are upper-cased (both are case-insensitive) so that everything but
    the ``#`` fits QR alphanumeric mode; a path prefix in ``base_url`` is kept as it is.
    Raises ValueError if ``code`` is not well formed or ``base_url`` not absolute.
    """
    checked = check_code(code)
    if not checked.is_well_formed:
        raise ValueError(f"not a certificate code: {code!r}")
    parts = urlsplit(base_url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {base_url!r}")
    prefix = parts.path.rstrip("/")
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{prefix}/V/{checked.code}#{token}"


def qr_code(url: str) -> segno.QRCode:
    """The QR code for a verification URL at error level M, as small as segno can make it.

    segno picks one mode for a whole string, and ``#`` is not in the alphanumeric set, so
    the URL is split into segments around it. For a typical certificate that is version 13
    instead of 17 in byte mode.
    """
    before, hash_sign, after = url.partition("#")
    parts = [part for part in (before, hash_sign, after) if part]
    segments = [(part, MODE_ALPHANUMERIC if _QR_ALPHANUMERIC.issuperset(part) else MODE_BYTE)
                for part in parts]
    return segno.make_qr(segments, error="m")


def verify_qr_text(qr_text: object, jwks: Mapping, revoked_hashes: Iterable[str] = (),
                   issuer_url: str | None = None, suspended_hashes: Iterable[str] = ()) -> OfflineResult:
    """Check the text of a scanned certificate QR code without a network connection.

    ``jwks`` is the issuer's published JWK Set; ``revoked_hashes`` and ``suspended_hashes`` the code
    hashes of a verified status list (``RevocationList.code_hashes`` and ``suspended_hashes``), if the
    verifier has one. The status is

    * ``malformed``: not a certificate URL, or the token cannot be read;
    * ``unknown_key``: no key in ``jwks`` has the token's kid, or that key was not in force
      on the issue date;
    * ``tampered``: the signature does not match the token and the code in the URL;
    * ``revoked``: authentic, and the code's hash is in ``revoked_hashes``;
    * ``suspended``: authentic, not revoked, and the code's hash is in ``suspended_hashes``;
    * ``wrong_host``: authentic, but the QR's host is not that of ``issuer_url`` (the issuer's
      published address, when the verifier has it): a copied token behind a look-alike site;
    * ``valid``: authentic and not known to be revoked.

    Never raises, whatever the input.
    """
    try:
        code, token = _split_url(qr_text)
        payload, signature = _decode_token(token)
        fields = _parse_payload(payload)
        kid_prefix = _kid_prefix(fields)
    except _Malformed:
        return OfflineResult(OfflineStatus.MALFORMED)
    candidates = _keys_named(jwks, kid_prefix)
    if not candidates:
        return OfflineResult(OfflineStatus.UNKNOWN_KEY)
    jwk = _signer(candidates, _token_message(code, payload), signature)
    if jwk is None:
        return OfflineResult(OfflineStatus.TAMPERED)
    try:
        claims = _claims(fields, code, jwk["kid"])
    except _Malformed:
        return OfflineResult(OfflineStatus.MALFORMED)
    if not _in_force(jwk, claims.issued):
        return OfflineResult(OfflineStatus.UNKNOWN_KEY)
    if code_sha256(code) in {str(revoked).lower() for revoked in revoked_hashes}:
        return OfflineResult(OfflineStatus.REVOKED, claims)
    if code_sha256(code) in {str(suspended).lower() for suspended in suspended_hashes}:
        return OfflineResult(OfflineStatus.SUSPENDED, claims)
    if issuer_url and _host(qr_text) != _host(issuer_url):
        return OfflineResult(OfflineStatus.WRONG_HOST, claims)
    return OfflineResult(OfflineStatus.VALID, claims)


def sign_revocation_list(entries: Iterable[RevocationEntry], private_key: Ed25519PrivateKey,
                         issued: datetime | None = None, next_update: datetime | None = None,
                         issuer_url: str = "", suspensions: Iterable[SuspensionEntry] = ()) -> dict:
    """Return the signed JSON document listing ``entries`` and ``suspensions``, to publish for offline verifiers.

    ``{"issuer", "issued", "next_update", "kid", "revoked": [{"code_sha256", "revoked_on"}, ...],
    "suspended": [{"code_sha256", "since"}, ...], "sig"}``, where ``sig`` is base64url Ed25519 over
    ``b"LMSREVOKED2."`` + the canonical JSON of the rest (sorted keys, no spaces, UTF-8). Entries are
    sorted by hash; ``issued`` defaults to now and ``next_update`` (when a verifier should have fetched a
    newer list) to a day later; ``issuer`` is the issuer's public address, which the QR codes it printed
    point to. A suspension, like a revocation, is published as a hash of the code and a day: no reason.
    """
    issued = (issued or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    next_update = (next_update or issued + timedelta(days=1)).astimezone(UTC).replace(microsecond=0)
    document = {
        "issuer": issuer_url,
        "issued": issued.isoformat().replace("+00:00", "Z"),
        "next_update": next_update.isoformat().replace("+00:00", "Z"),
        "kid": key_id(private_key.public_key()),
        "revoked": [entry.to_json() for entry in sorted(entries, key=lambda entry: entry.code_hash)],
    }
    document["suspended"] = [entry.to_json() for entry in sorted(suspensions, key=lambda entry: entry.code_hash)]
    signature = private_key.sign(REVOCATION_DOMAIN + _canonical_json(document))
    return {**document, "sig": b64url_encode(signature)}


def verify_revocation_list(document: Mapping, jwks: Mapping) -> RevocationList:
    """Check a document made by ``sign_revocation_list`` and return what it lists.

    Raises RevocationListError if it is malformed, its key is not in ``jwks`` (or was
    not in force when the list was issued), or anything in it was changed.
    """
    try:
        unsigned = {name: document[name] for name in ("issuer", "issued", "next_update", "kid", "revoked")}
        if "suspended" in document:  # signed with the rest: dropping it breaks the signature
            unsigned["suspended"] = document["suspended"]
        signature = b64url_decode(document["sig"])
        keys = [jwk for jwk in _keys_named(jwks, unsigned["kid"]) if jwk["kid"] == unsigned["kid"]]
        message = REVOCATION_DOMAIN + _canonical_json(unsigned)
    except (KeyError, TypeError, ValueError) as error:
        raise RevocationListError("malformed revocation list") from error
    if not keys:
        raise RevocationListError("revocation list signed by an unknown key")
    signer = _signer(keys, message, signature)
    if signer is None:
        raise RevocationListError("revocation list signature does not match")
    try:
        revocations = _revocation_list(unsigned)
    except (KeyError, TypeError, ValueError) as error:
        raise RevocationListError("malformed revocation list") from error
    if not _in_force(signer, revocations.issued.date()):
        raise RevocationListError("revocation list signed by a key not in force at the time")
    return revocations


def _token_message(code: str, payload: bytes) -> bytes:
    return TOKEN_DOMAIN + code.encode("ascii") + b"." + payload


def _canonical_json(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _host(url: str) -> str:
    return (urlsplit(url.strip()).hostname or "").lower()


def _split_url(qr_text: object) -> tuple[str, str]:
    """The well-formed code in the path and the token in the fragment."""
    if not isinstance(qr_text, str) or len(qr_text) > MAX_QR_TEXT:
        raise _Malformed
    try:
        parts = urlsplit(qr_text.strip())
    except ValueError as error:
        raise _Malformed from error
    segments = parts.path.split("/")
    if parts.scheme.lower() not in ("http", "https") or len(segments) < 3 or segments[-2].upper() != "V":
        raise _Malformed
    checked = check_code(segments[-1])
    if not checked.is_well_formed or not parts.fragment:
        raise _Malformed
    return checked.code, parts.fragment


def _decode_token(token: str) -> tuple[bytes, bytes]:
    """The payload and the signature, from canonical base32 only.

    Re-encoding rejects a token whose last symbol differs only in its unused low bits,
    so that no two tokens decode to the same bytes.
    """
    try:
        raw = base64.b32decode(token + "=" * (-len(token) % 8))
    except (binascii.Error, ValueError) as error:
        raise _Malformed from error
    if base64.b32encode(raw).decode("ascii").rstrip("=") != token or len(raw) <= SIGNATURE_LENGTH:
        raise _Malformed
    return raw[:-SIGNATURE_LENGTH], raw[-SIGNATURE_LENGTH:]


def _parse_payload(payload: bytes) -> dict:
    try:
        fields = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _Malformed from error
    if not isinstance(fields, dict):
        raise _Malformed
    return fields


def _kid_prefix(fields: dict) -> str:
    kid = fields.get("k")
    if not isinstance(kid, str) or not kid:
        raise _Malformed
    return kid


def _claims(fields: dict, code: str, kid: str) -> CertificateClaims:
    required, optional = {"k", "n", "t", "h", "d"}, {"f", "l"}
    if not required <= fields.keys() <= required | optional:
        raise _Malformed
    texts = [fields[name] for name in ("n", "t", "d", "f", "l") if name in fields]
    hours = fields["h"]
    if not all(isinstance(text, str) for text in texts) or type(hours) is not int:
        raise _Malformed
    try:
        issued = date.fromisoformat(fields["d"])
        completed = date.fromisoformat(fields["f"]) if "f" in fields else None
    except ValueError as error:
        raise _Malformed from error
    return CertificateClaims(kid=kid, code=code, name=fields["n"], course=fields["t"], hours=hours,
                             issued=issued, completed=completed, lang=fields.get("l"))


def _keys_named(jwks: Mapping, kid_prefix: str) -> list[dict]:
    """The Ed25519 keys in ``jwks`` whose kid starts with ``kid_prefix``; junk is skipped."""
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list):
        return []
    return [jwk for jwk in keys
            if isinstance(jwk, dict) and isinstance(jwk.get("kid"), str)
            and jwk["kid"].startswith(kid_prefix)
            and jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519"]


def _signer(keys: list[dict], message: bytes, signature: bytes) -> dict | None:
    """The first of ``keys`` that made ``signature`` over ``message``, or None."""
    for jwk in keys:
        try:
            public_key_from_jwk(jwk).verify(signature, message)
        except (InvalidSignature, ValueError):
            continue
        return jwk
    return None


def _in_force(jwk: dict, day: date) -> bool:
    """Whether the key's [nbf, exp] window (when published) covers ``day``, give or take a day."""
    not_before, not_after = jwk.get("nbf"), jwk.get("exp")
    try:
        if isinstance(not_before, int) and day < _day_of(not_before) - _TIME_ZONE_GRACE:
            return False
        if isinstance(not_after, int) and day > _day_of(not_after) + _TIME_ZONE_GRACE:
            return False
    except (OverflowError, OSError, ValueError):  # a timestamp out of any calendar
        return False
    return True


def _day_of(timestamp: int) -> date:
    return datetime.fromtimestamp(timestamp, UTC).date()


def _revocation_list(unsigned: dict) -> RevocationList:
    entries = tuple(
        RevocationEntry(code_hash=_hex_digest(item["code_sha256"]), revoked_on=date.fromisoformat(item["revoked_on"]))
        for item in unsigned["revoked"]
    )
    suspensions = tuple(
        SuspensionEntry(code_hash=_hex_digest(item["code_sha256"]), since=date.fromisoformat(item["since"]))
        for item in unsigned.get("suspended", ())
    )
    issued = datetime.fromisoformat(unsigned["issued"])
    next_update = datetime.fromisoformat(unsigned["next_update"])
    return RevocationList(issuer=str(unsigned["issuer"]), issued=issued, next_update=next_update,
                          kid=unsigned["kid"], entries=entries, suspensions=suspensions)


def _hex_digest(value: object) -> str:
    text = str(value).lower()
    if len(text) != 64 or not all(ch in "0123456789abcdef" for ch in text):
        raise ValueError("not a SHA-256 hex digest")
    return text
