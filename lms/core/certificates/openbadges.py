"""An Open Badges 3.0 ``OpenBadgeCredential`` for a certificate, and its VC-JWT, for digital wallets.

The JWT is signed with the issuer's current Ed25519 key (``alg: EdDSA``); note that the 1EdTech
validator only accepts RS256 today (see shared research, certificates.md §1.2), so wallets that
insist on RS256 will not take it. The printed QR token remains the primary offline proof.
"""

import json
import uuid
from datetime import datetime, time, timezone

from lms.core.certificates.codes import format_code
from lms.core.certificates.keys import SigningKey, b64url_encode
from lms.models import Certificate, CertificateStatus

CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def credential_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/credentials/{code}.json"


def build_credential(cert: Certificate, base_url: str, criteria: str) -> dict:
    """The credential: issuer profile, achievement with criteria, subject, validity and status."""
    base = base_url.rstrip("/")
    issued = datetime.combine(cert.issued_on, time(0), tzinfo=timezone.utc)
    credential = {
        "@context": CONTEXTS,
        "id": credential_url(base, cert.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": cert.course_title,
        "issuer": {"id": f"{base}/issuer", "type": ["Profile"], "name": cert.issuer, "url": base + "/"},
        "validFrom": issued.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            # A random-looking id per credential: it identifies the credential, not the person across systems.
            "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, credential_url(base, cert.code))}",
            "type": ["AchievementSubject"],
            "name": cert.holder_name,
            "activityEndDate": datetime.combine(cert.completed_on, time(0), tzinfo=timezone.utc)
            .isoformat().replace("+00:00", "Z"),
            "achievement": {
                "id": f"{base}/courses/{cert.course_slug}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": cert.course_title,
                "description": f"{cert.hours} h",
                "criteria": {"narrative": criteria},
                "humanCode": format_code(cert.code),
                "inLanguage": cert.locale,
            },
        },
        "credentialStatus": {"id": f"{base}/status/revocations.json", "type": "1EdTechRevocationList"},
    }
    if cert.status == CertificateStatus.REVOKED:
        credential["credentialSubject"]["achievement"]["description"] += " — revoked"
    return credential


def vc_jwt(credential: dict, key: SigningKey, jwks_url: str) -> str:
    """The credential as a compact JWS (OB 3.0 VC-JWT: iss, jti, nbf, sub mirror the credential)."""
    header = {"alg": "EdDSA", "typ": "JWT", "kid": f"{jwks_url}#{key.kid}"}
    nbf = int(datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")).timestamp())
    payload = {**credential, "iss": credential["issuer"]["id"], "jti": credential["id"], "nbf": nbf,
               "sub": credential["credentialSubject"]["id"]}
    signing_input = ".".join(b64url_encode(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode())
                             for part in (header, payload))
    return signing_input + "." + b64url_encode(key.private_key.sign(signing_input.encode("ascii")))
