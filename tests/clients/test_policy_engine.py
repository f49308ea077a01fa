"""The policy engine seen by Microsoft's clients: Contoso blocks Fabrikam inbound with the Graph
SDK's cross-tenant access models (S09b), and MSAL's refresh then fails with Entra's error
(T9); Woodgrove's outbound block shows a page that names Woodgrove's admin (S09a)."""

import asyncio
import concurrent.futures

from msgraph.generated.models.cross_tenant_access_policy_b2_b_setting import (
    CrossTenantAccessPolicyB2BSetting,
)
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import (
    CrossTenantAccessPolicyConfigurationPartner,
)
from msgraph.generated.models.cross_tenant_access_policy_target import CrossTenantAccessPolicyTarget
from msgraph.generated.models.cross_tenant_access_policy_target_configuration import (
    CrossTenantAccessPolicyTargetConfiguration,
)
from msgraph.generated.models.cross_tenant_access_policy_target_configuration_access_type import (
    CrossTenantAccessPolicyTargetConfigurationAccessType as Access,
)
from msgraph.generated.models.cross_tenant_access_policy_target_type import (
    CrossTenantAccessPolicyTargetType as TargetType,
)

from demo import FABRIKAM, PASSWORD
from flows import enter_credentials, public_app, redirect_params
from test_b2b_redemption import invite
from test_msgraph_sdk import graph_client


def blocked(target, target_type):
    return CrossTenantAccessPolicyTargetConfiguration(
        access_type=Access.Blocked,
        targets=[CrossTenantAccessPolicyTarget(target=target, target_type=target_type)],
    )


def in_sdk_thread(coroutine):
    # Playwright's sync API keeps an event loop on this thread; the SDK gets its own thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def redeem(page, invitation, loopback, login):
    page.goto(invitation.invite_redeem_url)
    page.fill("#login", login)
    page.click("#next")
    page.fill("#password", PASSWORD)
    page.click("#signin")


def test_s09b_t9_an_inbound_block_set_with_the_sdk_stops_msal_refresh(portico, page, loopback):
    invitation = invite(portico, "alice@fabrikam.com", None, loopback)
    redeem(page, invitation, loopback, "alice@fabrikam.com")
    page.click("#accept")
    page.wait_for_url(lambda url: url.startswith(loopback))

    app = public_app(portico)
    flow = app.initiate_auth_code_flow(scopes=["User.Read"], redirect_uri=loopback, prompt="login")
    enter_credentials(page, flow, "alice@fabrikam.com")
    tokens = app.acquire_token_by_auth_code_flow(flow, redirect_params(page, loopback))
    assert "refresh_token" in tokens, tokens

    async def block_fabrikam():
        client, credential = graph_client(portico)
        async with credential:
            partners = client.policies.cross_tenant_access_policy.partners
            await partners.post(
                CrossTenantAccessPolicyConfigurationPartner(
                    tenant_id=FABRIKAM,
                    b2b_collaboration_inbound=CrossTenantAccessPolicyB2BSetting(
                        users_and_groups=blocked("AllUsers", TargetType.User),
                        applications=blocked("AllApplications", TargetType.Application),
                    ),
                )
            )
            builder = partners.by_cross_tenant_access_policy_configuration_partner_tenant_id(FABRIKAM)
            return await builder.get()

    partner = in_sdk_thread(block_fabrikam())
    assert partner.b2b_collaboration_inbound.users_and_groups.access_type == Access.Blocked
    assert partner.b2b_collaboration_outbound is None, "not set: inherits the default"

    refused = app.acquire_token_by_refresh_token(tokens["refresh_token"], scopes=["User.Read"])
    assert refused.get("error") == "invalid_grant", refused
    assert 500213 in refused["error_codes"], refused
    assert refused["error_description"].startswith("AADSTS500213:")


def test_s09a_the_page_names_woodgroves_admin(portico, page, loopback):
    invitation = invite(portico, "eve@woodgrovebank.com", None, loopback)
    redeem(page, invitation, loopback, "eve@woodgrovebank.com")
    assert page.inner_text("#error-code") == "AADSTS500212"
    assert page.inner_text("#error-who") == "Your organization's admin (Woodgrove Bank)"
    assert page.inner_text("#error-setting").startswith(
        "Woodgrove Bank › cross-tenant access › partner Contoso › B2B collaboration outbound"
    )
