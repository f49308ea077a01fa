"""The dev-mode test tooling (docs/test-tooling.md) as a test suite uses it, with MSAL for
Python: injected AADSTS errors and throttling at the token endpoint, minted tokens verified with
PyJWT against the tenant's JWKS, and a world snapshot restored with the same client secrets."""

import jwt
import msal
import pytest
import requests

from demo import CONTOSO, CONTOSO_ADMIN, GRAPH, GRAPH_DEFAULT


@pytest.fixture
def faults(portico):
    """The faults URL; every fault is cleared after the test (they outlive a reset)."""
    url = portico.url("portico/v1/faults")
    yield url
    assert requests.delete(url, timeout=10).status_code == 204


def msal_app(portico):
    client_id, secret = CONTOSO_ADMIN
    return msal.ConfidentialClientApplication(
        client_id, client_credential=secret, authority=portico.url("contoso.com"),
        instance_discovery=False,
    )


def test_an_injected_aadsts_error_reaches_msal_once(portico, faults):
    fault = {"path": "/*/oauth2/v2.0/token", "kind": "aadsts", "aadstsCode": 7000222,
             "error": "invalid_client", "message": "The provided client secret keys are expired.",
             "count": 1}
    assert requests.post(faults, json=fault, timeout=10).status_code == 201
    app = msal_app(portico)
    failed = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT])
    assert failed["error"] == "invalid_client", failed
    assert failed["error_codes"] == [7000222]
    assert failed["error_description"].startswith("AADSTS7000222: The provided client secret")
    served = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT])
    assert "access_token" in served, served


def test_throttling_is_injected_with_retry_after(portico, faults):
    fault = {"path": "/contoso.com/oauth2/v2.0/token", "method": "POST", "kind": "throttle",
             "retryAfterSeconds": 3, "count": 1}
    assert requests.post(faults, json=fault, timeout=10).status_code == 201
    response = requests.post(portico.token_endpoint("contoso.com"), data={
        "grant_type": "client_credentials", "client_id": CONTOSO_ADMIN[0],
        "client_secret": CONTOSO_ADMIN[1], "scope": GRAPH_DEFAULT,
    }, verify=portico.ca, timeout=10)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    listed = requests.get(faults, timeout=10, verify=portico.ca).json()["value"]
    assert listed == [], "a spent fault is gone"


def test_minted_tokens_verify_against_the_tenants_keys_unless_broken(portico):
    mint = portico.url("portico/v1/tenants/contoso.com/tokens")
    claims = {"azp": CONTOSO_ADMIN[0], "roles": ["Api.Read"], "aud": "api://orders"}
    minted = requests.post(mint, json={"claims": claims, "lifetimeSeconds": 300}, timeout=10).json()
    verified = portico.verify(minted["token"], CONTOSO, audience="api://orders")
    assert verified["roles"] == ["Api.Read"] and verified["azp"] == CONTOSO_ADMIN[0]
    assert verified["exp"] - verified["iat"] == 300
    assert jwt.get_unverified_header(minted["token"])["kid"] == minted["kid"]

    broken = requests.post(mint, json={"claims": claims, "signature": "broken"}, timeout=10).json()
    with pytest.raises(jwt.InvalidSignatureError):
        portico.verify(broken["token"], CONTOSO, audience="api://orders")
    expired = requests.post(mint, json={"lifetimeSeconds": -3600}, timeout=10).json()
    with pytest.raises(jwt.ExpiredSignatureError):
        portico.verify(expired["token"], CONTOSO, audience=GRAPH)


def test_a_snapshot_restores_the_world_with_the_same_secrets(portico):
    world = portico.url("portico/v1/world")
    snapshot = requests.get(world, timeout=30)
    assert snapshot.status_code == 200
    assert snapshot.headers["Content-Type"].startswith("application/toml")
    assert CONTOSO_ADMIN[1] not in snapshot.text

    token = portico.app_token("contoso.com", CONTOSO_ADMIN)
    headers = {"Authorization": f"Bearer {token}"}
    user = {"accountEnabled": True, "displayName": "Temporary", "mailNickname": "temporary",
            "userPrincipalName": "temporary@contoso.com",
            "passwordProfile": {"password": "Temporary-password-1"}}
    created = requests.post(portico.url("v1.0/users"), json=user, headers=headers, timeout=10)
    assert created.status_code == 201, created.text

    restored = requests.put(world, data=snapshot.content, timeout=30)
    assert restored.status_code == 204, restored.text
    token = portico.app_token("contoso.com", CONTOSO_ADMIN)  # the same secret still works
    gone = requests.get(portico.url("v1.0/users/temporary@contoso.com"),
                        headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert gone.status_code == 404
