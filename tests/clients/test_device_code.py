"""The device code flow with MSAL Python: `initiate_device_flow` gives the user a code, Chromium
types it on Portico's verification page and signs in, `acquire_token_by_device_flow` polls until
the tokens arrive (docs/token-service.md, "Device code flow")."""

import threading

import msal
import pytest
import requests

from demo import CONTOSO, CONTOSO_CLI, PASSWORD
from flows import public_app


def poll_in_background(app, flow):
    """MSAL polls in a thread (it sleeps between polls); the browser stays on this one."""
    outcome = {}
    worker = threading.Thread(
        target=lambda: outcome.update(result=app.acquire_token_by_device_flow(flow)), daemon=True
    )
    worker.start()
    return worker, outcome


def approve(page, flow, username, password=PASSWORD):
    page.goto(flow["verification_uri"])
    page.fill("#otc", flow["user_code"])
    page.click("#next")
    page.click("#continue")
    page.fill("#login", username)
    page.click("#next")
    page.fill("#password", password)
    page.click("#signin")
    page.wait_for_selector("#device-done")


@pytest.mark.parametrize("authority", ["contoso.com", "organizations"])
def test_msal_device_flow_signs_in_through_the_verification_page(portico, page, authority):
    app = public_app(portico, authority)
    flow = app.initiate_device_flow(scopes=["User.Read"])
    assert "user_code" in flow, flow
    assert flow["verification_uri"] == portico.url(f"{CONTOSO}/devicelogin")
    assert flow["user_code"] in flow["message"]
    worker, outcome = poll_in_background(app, flow)
    approve(page, flow, "megan@contoso.com")
    worker.join(timeout=60)
    result = outcome["result"]
    assert "access_token" in result, result
    claims = portico.verify(result["access_token"], CONTOSO)
    assert (claims["scp"], claims["azp"]) == ("User.Read", CONTOSO_CLI)
    assert result["id_token_claims"]["preferred_username"] == "megan@contoso.com"
    # MSAL cached the account: a silent call reuses the refresh token (at the tenant: the token
    # endpoint of /organizations serves only device codes, which name their tenant).
    (account,) = app.get_accounts()
    assert account["username"] == "megan@contoso.com"
    if authority == "contoso.com":
        silent = app.acquire_token_silent(["User.Read"], account=account, force_refresh=True)
        assert "access_token" in silent, silent


def test_msal_device_flow_reports_a_declined_sign_in(portico, page):
    app = public_app(portico)
    flow = app.initiate_device_flow(scopes=["User.Read"])
    worker, outcome = poll_in_background(app, flow)
    page.goto(flow["verification_uri"])
    page.fill("#otc", flow["user_code"])
    page.click("#next")
    page.click("#cancel")
    page.wait_for_selector("#device-done")
    worker.join(timeout=60)
    assert outcome["result"]["error"] == "authorization_declined", outcome


def test_polling_errors_follow_entra(portico):
    response = requests.post(
        portico.url("contoso.com/oauth2/v2.0/devicecode"),
        data={"client_id": CONTOSO_CLI, "scope": "User.Read"},
        timeout=10,
    )
    device = response.json()
    poll = lambda: requests.post(  # noqa: E731
        portico.token_endpoint("contoso.com"),
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "client_id": CONTOSO_CLI,
            "device_code": device["device_code"],
        },
        timeout=10,
    ).json()
    first = poll()
    assert (first["error"], first["error_codes"]) == ("authorization_pending", [70016])
    assert poll()["error"] == "slow_down"
    clock = portico.url("portico/v1/clock")
    requests.post(clock, json={"advanceSeconds": 901}, timeout=10)
    try:
        expired = poll()
    finally:  # the reset between tests keeps the clock
        requests.post(clock, json={"advanceSeconds": -901}, timeout=10)
    assert (expired["error"], expired["error_codes"]) == ("expired_token", [70019])
