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
