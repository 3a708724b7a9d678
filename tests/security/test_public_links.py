"""URLs in QR codes and credentials never come from the request's Host header, and an offline verifier
can tell a genuine token behind a look-alike address."""

from datetime import date

import pytest
from werkzeug.exceptions import BadRequest

from lms.core.certificates.codes import new_code
from lms.core.certificates.keys import KeyStore
from lms.core.certificates.tokens import (
    CertificateClaims,
    OfflineStatus,
    sign_token,
    verification_url,
    verify_qr_text,
)
from lms.routing import public_base_url


def test_the_configured_public_address_wins_over_any_host(app):
    app.config["PUBLIC_BASE_URL"] = "https://promotores.example.pe/"
    with app.test_request_context("/", base_url="http://evil.example/"):
        assert public_base_url() == "https://promotores.example.pe/"


def test_without_it_a_forged_host_is_refused(app):
    app.config.update(PUBLIC_BASE_URL=None, SERVER_NAME=None)
    with app.test_request_context("/", base_url="http://evil.example/"):
        with pytest.raises(BadRequest):
            public_base_url()
    with app.test_request_context("/", base_url="http://localhost:5000/"):
        assert public_base_url() == "http://localhost:5000/"


def test_a_qr_pointing_to_another_host_is_reported(tmp_path):
    key = KeyStore(tmp_path / "keys").active_key()
    claims = CertificateClaims(kid=key.kid, code=new_code(), name="José Ñahui", course="Promotores", hours=96,
                               issued=date.today())
    token = sign_token(claims, key.private_key)
    jwks = KeyStore(tmp_path / "keys").jwks()
    genuine = verification_url("https://promotores.example.pe/", claims.code, token)
    copied = verification_url("https://promotores-pe.example.com/", claims.code, token)
    assert verify_qr_text(genuine, jwks, (), "https://promotores.example.pe/").status is OfflineStatus.VALID
    assert verify_qr_text(copied, jwks, (), "https://promotores.example.pe/").status is OfflineStatus.WRONG_HOST
