"""App-only tokens (client credentials) from MSAL for Python and azure-identity, verified with
PyJWT against the issuing tenant's JWKS."""

import time
import uuid

import jwt
import pytest
import requests
from azure.identity import ClientSecretCredential

from demo import ADMIN_ROLES, CONTOSO, CONTOSO_ADMIN, FABRIKAM, FABRIKAM_ADMIN, GRAPH_DEFAULT


def assert_app_only(portico, token, tenant_id, client_id):
    claims = portico.verify(token, tenant_id)
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "at+jwt" and header["kid"]
    assert claims["tid"] == tenant_id
    assert claims["ver"] == "2.0"
    assert claims["idtyp"] == "app"
    assert claims["azp"] == client_id
    assert claims["azpacr"] == "1"
    uuid.UUID(claims["oid"])
    assert claims["sub"] == claims["oid"]
    assert set(claims["roles"]) == ADMIN_ROLES
    assert "scp" not in claims and "preferred_username" not in claims
    assert claims["uti"]
    assert claims["nbf"] <= time.time() + 5 and claims["iat"] <= time.time() + 5
    assert 60 * 60 <= claims["exp"] - claims["iat"] <= 90 * 60
    return claims


@pytest.mark.parametrize("tenant", ["contoso.com", "contoso.onmicrosoft.com", CONTOSO])
def test_msal_client_credentials(portico, tenant):
    token = portico.app_token(tenant, CONTOSO_ADMIN)  # authority {base}{tenant}, no trailing slash
    claims = assert_app_only(portico, token, CONTOSO, CONTOSO_ADMIN[0])
    assert "User.Invite.All" in claims["roles"]


def test_app_object_id_is_stable(portico):
    first = jwt.decode(portico.app_token("contoso.com", CONTOSO_ADMIN), options={"verify_signature": False})
    second = jwt.decode(portico.app_token(CONTOSO, CONTOSO_ADMIN), options={"verify_signature": False})
    assert first["oid"] == second["oid"]
    assert first["uti"] != second["uti"]


@pytest.mark.parametrize("tenant", ["contoso.com", CONTOSO])
def test_azure_identity_client_secret_credential(portico, tenant):
    # azure-identity builds the MSAL authority as f"{authority}/{tenant_id}".
    credential = ClientSecretCredential(
        tenant_id=tenant, client_id=CONTOSO_ADMIN[0], client_secret=CONTOSO_ADMIN[1],
        authority=f"https://{portico.host}", disable_instance_discovery=True,
    )
    access = credential.get_token(GRAPH_DEFAULT)
    claims = assert_app_only(portico, access.token, CONTOSO, CONTOSO_ADMIN[0])
    assert abs(access.expires_on - claims["exp"]) <= 60


def test_fabrikam_tokens_are_fabrikam_issued(portico):
    token = portico.app_token("fabrikam.com", FABRIKAM_ADMIN)
    claims = assert_app_only(portico, token, FABRIKAM, FABRIKAM_ADMIN[0])
    assert claims["iss"] == f"{portico.base}{FABRIKAM}/v2.0"

    credential = ClientSecretCredential(
        tenant_id=FABRIKAM, client_id=FABRIKAM_ADMIN[0], client_secret=FABRIKAM_ADMIN[1],
        authority=f"https://{portico.host}", disable_instance_discovery=True,
    )
    assert_app_only(portico, credential.get_token(GRAPH_DEFAULT).token, FABRIKAM, FABRIKAM_ADMIN[0])


def test_client_secret_basic(portico):
    response = requests.post(
        portico.token_endpoint("contoso.com"),
        auth=CONTOSO_ADMIN,
        data={"grant_type": "client_credentials", "scope": GRAPH_DEFAULT},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert 59 * 60 <= body["expires_in"] <= 90 * 60
    assert_app_only(portico, body["access_token"], CONTOSO, CONTOSO_ADMIN[0])


def test_jwks_keys_carry_their_certificate_as_entra_publishes_them(portico):
    """Each published key has a self-signed certificate (`x5c`) whose public key is the key's
    own, named by its SHA-1 thumbprint (`x5t`); a token verifies against the certificate."""
    import base64
    import hashlib

    from cryptography import x509

    token = portico.app_token("contoso.com", CONTOSO_ADMIN)
    keys = requests.get(portico.url(f"{CONTOSO}/discovery/v2.0/keys"), verify=portico.ca, timeout=10).json()["keys"]
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys if k["kid"] == kid)
    der = base64.b64decode(key["x5c"][0])
    certificate = x509.load_der_x509_certificate(der)
    thumbprint = base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode()
    assert key["x5t"] == thumbprint
    numbers = certificate.public_key().public_numbers()
    as_int = lambda b64: int.from_bytes(base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)), "big")
    assert numbers.n == as_int(key["n"]) and numbers.e == as_int(key["e"])
    assert CONTOSO in certificate.subject.rfc4514_string()
    claims = jwt.decode(token, certificate.public_key(), algorithms=["RS256"], audience="https://graph.microsoft.com")
    assert claims["tid"] == CONTOSO
