"""The interactive sign-in as a person does it: MSAL builds the authorize URL, Chromium fills in
Portico's pages (the element ids of docs/token-service.md), MSAL redeems the code."""

import time
from urllib.parse import parse_qs, parse_qsl, urlparse

import msal
import pyotp

from demo import CONTOSO_CLI, PASSWORD


def public_app(portico, tenant="contoso.com"):
    return msal.PublicClientApplication(
        CONTOSO_CLI, authority=portico.url(tenant), instance_discovery=False
    )


def sent_nonce(flow):
    """The nonce parameter MSAL put in the authorize URL (it sends a hash of flow['nonce'])."""
    return parse_qs(urlparse(flow["auth_uri"]).query)["nonce"][0]


def enter_credentials(page, flow, username, password=PASSWORD):
    page.goto(flow["auth_uri"])
    page.fill("#login", username)
    page.click("#next")
    page.fill("#password", password)
    page.click("#signin")


def register_totp(page):
    """On the MFA registration page: read the secret shown, answer with its current code."""
    secret = "".join(page.locator("#totp-secret").inner_text().split()).upper()  # "ABCD EFGH" too
    totp = pyotp.TOTP(secret)
    if totp.interval - time.time() % totp.interval < 3:  # don't send a code about to expire
        time.sleep(3)
    page.fill("#otp", totp.now())
    page.click("#verify")
    return secret


def redirect_params(page, redirect_uri):
    """Waits until the browser lands on the redirect URI; returns its query parameters."""
    expected = urlparse(redirect_uri).netloc
    page.wait_for_url(lambda url: urlparse(url).netloc == expected)
    return dict(parse_qsl(urlparse(page.url).query))


def sign_in(page, app, redirect_uri, username, scopes=("User.Read",), mfa=False):
    """The whole authorization code flow; returns (flow, MSAL's token result)."""
    flow = app.initiate_auth_code_flow(scopes=list(scopes), redirect_uri=redirect_uri)
    assert "auth_uri" in flow, flow
    enter_credentials(page, flow, username)
    if mfa:
        register_totp(page)
    params = redirect_params(page, redirect_uri)
    result = app.acquire_token_by_auth_code_flow(flow, params)
    assert "access_token" in result, result
    return flow, result
