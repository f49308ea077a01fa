"""Entra-shaped token endpoint errors, tenant isolation of signing keys, and forged tokens at
userinfo (docs/token-service.md)."""

import base64
import hashlib
import hmac
import json
import re

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from demo import CONTOSO, CONTOSO_ADMIN, FABRIKAM, FABRIKAM_ADMIN, GRAPH_DEFAULT
from flows import public_app, sign_in

CLIENT_CREDENTIALS = {
    "grant_type": "client_credentials",
    "client_id": CONTOSO_ADMIN[0],
    "client_secret": CONTOSO_ADMIN[1],
    "scope": GRAPH_DEFAULT,
}

# (name, tenant in the URL, form fields changed, HTTP status, error, AADSTS code)
CASES = [
    ("wrong secret", "contoso.com", {"client_secret": "not-the-secret"}, 401, "invalid_client", 7000215),
    ("unknown client", "contoso.com", {"client_id": "0badc0de-0000-4000-8000-000000000000"},
     400, "unauthorized_client", 700016),
    ("another tenant's client", "contoso.com",
     {"client_id": FABRIKAM_ADMIN[0], "client_secret": FABRIKAM_ADMIN[1]}, 400, "unauthorized_client", 700016),
    ("unknown tenant domain", "unknown.example", {}, 400, "invalid_request", 90002),
    ("unknown tenant id", "99999999-9999-4999-8999-999999999999", {}, 400, "invalid_request", 90002),
    ("missing grant_type", "contoso.com", {"grant_type": None}, 400, "invalid_request", 900144),
    ("unsupported grant type", "contoso.com", {"grant_type": "urn:example:magic"},
     400, "unsupported_grant_type", 70003),
]


@pytest.mark.parametrize("tenant, changes, status, error, code", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_token_endpoint_error(portico, tenant, changes, status, error, code):
    form = {k: v for k, v in {**CLIENT_CREDENTIALS, **changes}.items() if v is not None}
    response = requests.post(portico.token_endpoint(tenant), data=form, timeout=10)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error
    assert body["error_codes"] == [code]
    description = body["error_description"]
    assert description.startswith(f"AADSTS{code}:")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", body["timestamp"])
    assert body["trace_id"] and body["correlation_id"]
    assert f"Trace ID: {body['trace_id']}" in description
    assert f"Correlation ID: {body['correlation_id']}" in description
    assert f"Timestamp: {body['timestamp']}" in description
    if code == 900144:
        assert "grant_type" in description


def test_fabrikam_token_does_not_verify_with_contoso_keys(portico):
    token = portico.app_token("fabrikam.com", FABRIKAM_ADMIN)
    portico.verify(token, FABRIKAM)  # it is a good token where it belongs
    contoso_keys = portico.jwks(CONTOSO).get_signing_keys()
    fabrikam_keys = portico.jwks(FABRIKAM).get_signing_keys()
    assert contoso_keys and fabrikam_keys
    modulus = lambda k: k.key.public_numbers().n  # noqa: E731
    assert not {modulus(k) for k in contoso_keys} & {modulus(k) for k in fabrikam_keys}
    for key in contoso_keys:
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(token, key.key, algorithms=["RS256"],
                       options={"verify_aud": False, "verify_iss": False})
    with pytest.raises((jwt.PyJWKClientError, jwt.InvalidTokenError)):
        portico.verify(token, CONTOSO)


# Forged tokens: the claims of a real delegated token for megan, with another header and signature.

def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(token, alg, sign):
    header = dict(jwt.get_unverified_header(token), alg=alg)
    signing_input = f"{_b64(json.dumps(header).encode())}.{token.split('.')[1]}"
    return f"{signing_input}.{sign(signing_input.encode())}"


def no_signature(portico, token):
    return forge(token, "none", lambda data: "")


def hs256_with_public_key(portico, token):
    """The classic algorithm confusion: the tenant's RSA public key (PEM) as an HMAC secret."""
    public = portico.jwks(CONTOSO).get_signing_key_from_jwt(token).key
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return forge(token, "HS256", lambda data: _b64(hmac.new(pem, data, hashlib.sha256).digest()))


def rs256_with_another_key(portico, token):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return forge(token, "RS256", lambda data: _b64(other.sign(data, padding.PKCS1v15(), hashes.SHA256())))


def userinfo(portico, token):
    return requests.get(portico.url("oidc/userinfo"), headers={"Authorization": f"Bearer {token}"},
                        timeout=10)


def test_userinfo_answers_for_a_real_delegated_token(portico, page, loopback):
    _, result = sign_in(page, public_app(portico), loopback, "megan@contoso.com")
    response = userinfo(portico, result["access_token"])
    assert response.status_code == 200, response.text
    assert response.json()["sub"] == result["id_token_claims"]["sub"]


@pytest.mark.parametrize("forgery", [no_signature, hs256_with_public_key, rs256_with_another_key])
def test_userinfo_rejects_forged_tokens(portico, page, loopback, forgery):
    _, result = sign_in(page, public_app(portico), loopback, "megan@contoso.com")
    forged = forgery(portico, result["access_token"])
    assert userinfo(portico, forged).status_code == 401
