"""Interactive sign-in with MSAL for Python's auth code flow (PKCE) and Chromium on Portico's pages."""

import re
from urllib.parse import urlparse

import requests
from playwright.sync_api import expect

from demo import CONTOSO, CONTOSO_ADMIN, CONTOSO_CLI, GRAPH
from flows import enter_credentials, public_app, sent_nonce, sign_in

MEGAN = "megan@contoso.com"


def assert_megan_tokens(portico, flow, result):
    ids = portico.verify(result["id_token"], CONTOSO, audience=CONTOSO_CLI)
    assert ids["preferred_username"] == MEGAN
    assert ids["email"] == MEGAN
    assert ids["acct"] == 0
    assert ids["nonce"] == sent_nonce(flow)
    assert isinstance(ids["auth_time"], int)

    access = portico.verify(result["access_token"], CONTOSO, audience=GRAPH)
    assert access["idtyp"] == "user"
    assert access["azp"] == CONTOSO_CLI
    assert access["azpacr"] == "0"  # a public client
    assert "User.Read" in access["scp"].split()
    assert access["oid"] == ids["oid"] and access["sub"] == ids["sub"]
    assert access["preferred_username"] == MEGAN and access["acct"] == 0
    assert "roles" not in access
    assert result["refresh_token"]


def test_sign_in_then_refresh(portico, page, loopback):
    app = public_app(portico)
    flow, result = sign_in(page, app, loopback, MEGAN)
    assert_megan_tokens(portico, flow, result)

    [account] = app.get_accounts(username=MEGAN)
    refreshed = app.acquire_token_silent(["User.Read"], account=account, force_refresh=True)
    assert refreshed and "access_token" in refreshed, refreshed
    assert refreshed["token_source"] == "identity_provider"
    assert refreshed["access_token"] != result["access_token"]
    portico.verify(refreshed["access_token"], CONTOSO)

    # The first refresh token was rotated: presenting it again is reuse and fails.
    reuse = requests.post(portico.token_endpoint("contoso.com"), timeout=10, data={
        "grant_type": "refresh_token", "client_id": CONTOSO_CLI,
        "refresh_token": result["refresh_token"], "scope": "User.Read",
    })
    assert reuse.status_code == 400, reuse.text
    assert reuse.json()["error"] == "invalid_grant" and reuse.json()["error_codes"] == [50173]


def test_security_defaults_require_totp_registration(portico, page, loopback):
    admin = portico.app_token("contoso.com", CONTOSO_ADMIN)
    response = requests.patch(
        portico.url("v1.0/policies/identitySecurityDefaultsEnforcementPolicy"),
        headers={"Authorization": f"Bearer {admin}"}, json={"isEnabled": True}, timeout=10,
    )
    assert response.status_code == 204, response.text

    app = public_app(portico)
    flow, result = sign_in(page, app, loopback, MEGAN, mfa=True)
    assert_megan_tokens(portico, flow, result)


def test_wrong_password_shows_error_page(portico, page, loopback):
    flow = public_app(portico).initiate_auth_code_flow(scopes=["User.Read"], redirect_uri=loopback)
    enter_credentials(page, flow, MEGAN, password="not-the-password")
    expect(page.locator("#error-code")).to_have_text("AADSTS50126")
    assert urlparse(page.url).netloc == portico.host


def test_unregistered_redirect_uri_is_not_followed(portico, page):
    flow = public_app(portico).initiate_auth_code_flow(
        scopes=["User.Read"], redirect_uri="https://evil.example/cb"
    )
    # Were Portico to redirect, goto would fail with ERR_NAME_NOT_RESOLVED: the browser resolves
    # only localhost (conftest.CHROMIUM_ARGS).
    response = page.goto(flow["auth_uri"])
    assert response.status == 400
    assert response.request.redirected_from is None
    assert urlparse(page.url).netloc == portico.host
    expect(page.locator("#error-code")).to_have_text(re.compile(r"^AADSTS\d+$"))
