"""B2B invitations created with Microsoft's Graph SDK and redeemed in Chromium: S01 (a home
account; the display name comes from home at acceptance) and S16 (an address no tenant owns,
with the one-time passcode read from the outbox)."""

import asyncio
import concurrent.futures
import re

import requests
from msgraph.generated.models.invitation import Invitation

from demo import CONTOSO, PASSWORD
from test_msgraph_sdk import graph_client


def invite(portico, address, display_name, redirect):
    async def create():
        client, credential = graph_client(portico)
        async with credential:
            return await client.invitations.post(
                Invitation(
                    invited_user_email_address=address,
                    invited_user_display_name=display_name,
                    invite_redirect_url=redirect,
                    send_invitation_message=True,
                )
            )

    # Playwright's sync API keeps an event loop on this thread; the SDK gets its own thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, create()).result()


def guest(portico, user_id):
    token = portico.app_token("contoso.com", ("c0c0a001-0000-4000-8000-000000000001", "contoso-admin-secret"))
    select = "displayName,externalUserState,identities,userType,creationType"
    response = requests.get(
        portico.url(f"v1.0/users/{user_id}?$select={select}"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()


def outbox(portico, address):
    response = requests.get(portico.url("portico/v1/outbox"), params={"to": address}, timeout=10)
    response.raise_for_status()
    return response.json()["value"]


def test_s01_alice_redeems_the_mailed_link_and_takes_her_home_name(portico, page, loopback):
    invitation = invite(portico, "alice@fabrikam.com", "Partner A", loopback)
    assert invitation.status == "PendingAcceptance"
    assert guest(portico, invitation.invited_user.id)["displayName"] == "Partner A"
    [message] = outbox(portico, "alice@fabrikam.com")
    assert message["links"] == [invitation.invite_redeem_url]

    page.goto(message["links"][0])
    assert page.input_value("#login") == "alice@fabrikam.com"
    page.click("#next")
    page.fill("#password", PASSWORD)
    page.click("#signin")
    assert "Contoso" in page.inner_text("#consent-organization")
    page.click("#accept")
    page.wait_for_url(lambda url: url.startswith(loopback))

    after = guest(portico, invitation.invited_user.id)
    assert after["displayName"] == "Alice Wong"
    assert after["externalUserState"] == "Accepted"
    assert after["identities"][0]["issuer"] == "ExternalAzureAD"


def test_s16_dave_redeems_with_a_one_time_passcode(portico, page, loopback):
    invitation = invite(portico, "dave@example.net", None, loopback)
    page.goto(invitation.invite_redeem_url)
    page.click("#next")
    assert page.inner_text("#passcode-address") == "dave@example.net"
    codes = [m for m in outbox(portico, "dave@example.net") if "verification code" in m["subject"]]
    code = re.search(r"code is: (\d{8})", codes[0]["text"]).group(1)
    page.fill("#otp", code)
    page.click("#verify")
    page.click("#accept")
    page.wait_for_url(lambda url: url.startswith(loopback))

    after = guest(portico, invitation.invited_user.id)
    assert after["identities"][0]["issuer"] == "mail"
    assert after["externalUserState"] == "Accepted"
    tenants = requests.get(portico.url("portico/v1/tenants/example.net"), timeout=10)
    assert tenants.status_code == 404, "no tenant is created for example.net"
    assert CONTOSO in invitation.invite_redeem_url
