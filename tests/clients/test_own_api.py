"""Tokens for an API registered through Graph (issue #16), as Microsoft's libraries get them:
MSAL's confidential client for `api://…/.default` (app roles), a delegated scope through the
browser sign-in, `acquire_token_on_behalf_of` for a middle tier, and a guest of Fabrikam who
consents to and calls Contoso's API. Each token is checked as the API would: PyJWT against the
tenant's key set, with the API's app id as the audience."""

import uuid

import jwt
import msal
import requests

from demo import CONTOSO, CONTOSO_ADMIN
from flows import enter_credentials, public_app, redirect_params, sign_in
from test_b2b_redemption import invite
from test_policy_engine import in_sdk_thread, redeem

WEB = ("c0c0a002-0000-4000-8000-000000000002", "contoso-web-secret")


def graph(portico, method, path, body=None):
    token = portico.app_token("contoso.com", CONTOSO_ADMIN)
    response = requests.request(
        method, portico.url(f"v1.0/{path}"), json=body,
        headers={"Authorization": f"Bearer {token}"}, timeout=10,
    )
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def register_api(portico, name):
    """An API with a user scope `{name}.Read` and an app role `{name}.Read.All`, v2.0 tokens,
    and its service principal. Returns (application, service principal)."""
    app = graph(portico, "POST", "applications", {
        "displayName": name,
        "identifierUris": [f"api://{name.lower()}"],
        "api": {
            "requestedAccessTokenVersion": 2,
            "oauth2PermissionScopes": [{
                "id": str(uuid.uuid4()), "value": f"{name}.Read", "type": "User",
                "adminConsentDisplayName": "Read", "adminConsentDescription": "Read",
                "userConsentDisplayName": "Read", "userConsentDescription": "Read",
                "isEnabled": True,
            }],
        },
        "appRoles": [{
            "id": str(uuid.uuid4()), "value": f"{name}.Read.All", "displayName": "Reader",
            "description": "Reads everything", "allowedMemberTypes": ["Application"],
            "isEnabled": True,
        }],
    })
    sp = graph(portico, "POST", "servicePrincipals", {"appId": app["appId"]})
    return app, sp


def service_principal(portico, app_id):
    return next(sp for sp in graph(portico, "GET", "servicePrincipals")["value"] if sp["appId"] == app_id)


def api_claims(portico, token, app):
    """What the API checks: the signature with Contoso's keys, its app id as `aud`, the issuer."""
    return portico.verify(token, CONTOSO, audience=app["appId"])


def test_msal_confidential_client_gets_the_roles_assigned_to_it(portico):
    app, sp = register_api(portico, "Orders")
    web = service_principal(portico, WEB[0])
    role = app["appRoles"][0]["id"]
    graph(portico, "POST", f"servicePrincipals/{sp['id']}/appRoleAssignedTo",
          {"principalId": web["id"], "resourceId": sp["id"], "appRoleId": role})
    client = msal.ConfidentialClientApplication(
        WEB[0], client_credential=WEB[1], authority=portico.url("contoso.com"),
        instance_discovery=False,
    )
    result = client.acquire_token_for_client(scopes=["api://orders/.default"])
    assert "access_token" in result, result
    claims = api_claims(portico, result["access_token"], app)
    assert claims["roles"] == ["Orders.Read.All"]
    assert claims["azp"] == WEB[0] and claims["ver"] == "2.0" and claims["idtyp"] == "app"

    result = client.acquire_token_for_client(scopes=["api://nowhere/.default"])
    assert result["error"] == "invalid_resource" and 500011 in result["error_codes"], result


def test_a_user_consents_to_a_delegated_scope_in_the_browser(portico, page, loopback):
    app, sp = register_api(portico, "Orders")
    _, result = sign_in(page, public_app(portico), loopback, "megan@contoso.com",
                        scopes=("api://orders/Orders.Read",))
    claims = api_claims(portico, result["access_token"], app)
    assert claims["scp"] == "Orders.Read"
    assert claims["preferred_username"] == "megan@contoso.com"
    grants = graph(portico, "GET", "oauth2PermissionGrants")["value"]
    assert any(g["resourceId"] == sp["id"] and g["consentType"] == "Principal"
               and g["principalId"] == claims["oid"] for g in grants), grants


def test_msal_on_behalf_of_reaches_the_downstream_api(portico, page, loopback):
    orders, orders_sp = register_api(portico, "Orders")
    inventory, inventory_sp = register_api(portico, "Inventory")
    secret = graph(portico, "POST", f"applications/{orders['id']}/addPassword",
                   {"passwordCredential": {"displayName": "middle tier"}})["secretText"]
    graph(portico, "POST", "oauth2PermissionGrants", {
        "clientId": orders_sp["id"], "consentType": "AllPrincipals",
        "resourceId": inventory_sp["id"], "scope": "Inventory.Read",
    })
    _, user = sign_in(page, public_app(portico), loopback, "megan@contoso.com",
                      scopes=("api://orders/Orders.Read",))
    middle_tier = msal.ConfidentialClientApplication(
        orders["appId"], client_credential=secret, authority=portico.url("contoso.com"),
        instance_discovery=False,
    )
    result = middle_tier.acquire_token_on_behalf_of(
        user["access_token"], scopes=["api://inventory/Inventory.Read"])
    assert "access_token" in result, result
    claims = api_claims(portico, result["access_token"], inventory)
    incoming = jwt.decode(user["access_token"], options={"verify_signature": False})
    assert claims["scp"] == "Inventory.Read"
    assert claims["oid"] == incoming["oid"]
    assert claims["azp"] == orders["appId"]

    # An assertion for another audience is refused with Entra's error.
    result = middle_tier.acquire_token_on_behalf_of(
        result["access_token"], scopes=["api://inventory/Inventory.Read"])
    assert result["error"] == "invalid_grant" and 50013 in result["error_codes"], result


def test_a_fabrikam_guest_consents_to_and_calls_contosos_api(portico, page, loopback):
    app, sp = register_api(portico, "Orders")
    invitation = invite(portico, "alice@fabrikam.com", None, loopback)
    redeem(page, invitation, loopback, "alice@fabrikam.com")
    page.click("#accept")
    page.wait_for_url(lambda url: url.startswith(loopback))

    client = public_app(portico)
    flow = client.initiate_auth_code_flow(
        scopes=["api://orders/Orders.Read"], redirect_uri=loopback, prompt="login")
    enter_credentials(page, flow, "alice@fabrikam.com")
    result = client.acquire_token_by_auth_code_flow(flow, redirect_params(page, loopback))
    assert "access_token" in result, result
    claims = api_claims(portico, result["access_token"], app)
    assert claims["tid"] == CONTOSO  # the resource tenant issues the token
    assert claims["oid"] == invitation.invited_user.id
    assert claims["scp"] == "Orders.Read"
    assert claims["idp"].startswith(portico.base)
    # Her consent is recorded in the resource tenant, for her guest object.
    grants = graph(portico, "GET", "oauth2PermissionGrants")["value"]
    assert any(g["resourceId"] == sp["id"] and g["principalId"] == invitation.invited_user.id
               for g in grants), grants


def test_azure_identity_gets_a_resource_manager_token(portico):
    from azure.identity import ClientSecretCredential

    credential = ClientSecretCredential(
        tenant_id="contoso.com", client_id=WEB[0], client_secret=WEB[1],
        authority=f"https://{portico.host}", disable_instance_discovery=True,
    )
    token = credential.get_token("https://management.azure.com/.default").token
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == "https://management.azure.com/"
    assert claims["ver"] == "1.0" and claims["appid"] == WEB[0]
    assert claims["iss"] == f"{portico.base}{CONTOSO}/"


def test_the_graph_sdk_registers_an_api_and_assigns_a_role(portico):
    """Graph's own SDK reads Portico's application, servicePrincipal, passwordCredential and
    appRoleAssignment shapes into its models."""
    from msgraph.generated.applications.item.add_password.add_password_post_request_body import (
        AddPasswordPostRequestBody,
    )
    from msgraph.generated.models.api_application import ApiApplication
    from msgraph.generated.models.app_role import AppRole
    from msgraph.generated.models.app_role_assignment import AppRoleAssignment
    from msgraph.generated.models.application import Application
    from msgraph.generated.models.password_credential import PasswordCredential
    from msgraph.generated.models.permission_scope import PermissionScope
    from msgraph.generated.models.service_principal import ServicePrincipal

    from test_msgraph_sdk import graph_client

    role_id = uuid.uuid4()

    async def register():
        client, credential = graph_client(portico)
        async with credential:
            app = await client.applications.post(Application(
                display_name="Ledger",
                identifier_uris=["api://ledger"],
                api=ApiApplication(
                    requested_access_token_version=2,
                    oauth2_permission_scopes=[PermissionScope(
                        id=uuid.uuid4(), value="Ledger.Read", type="User", is_enabled=True,
                        admin_consent_display_name="Read", admin_consent_description="Read")],
                ),
                app_roles=[AppRole(id=role_id, value="Ledger.Read.All", display_name="Reader",
                                   description="Reads", allowed_member_types=["Application"],
                                   is_enabled=True)],
            ))
            sp = await client.service_principals.post(ServicePrincipal(app_id=app.app_id))
            secret = await client.applications.by_application_id(app.id).add_password.post(
                AddPasswordPostRequestBody(password_credential=PasswordCredential(display_name="sdk")))
            web = (await client.service_principals.get()).value
            web = next(s for s in web if s.app_id == WEB[0])
            assignment = await client.service_principals.by_service_principal_id(
                sp.id).app_role_assigned_to.post(AppRoleAssignment(
                    principal_id=web.id, resource_id=sp.id, app_role_id=role_id))
            return app, sp, secret, assignment

    # Playwright's sync API may hold an event loop on this thread: the SDK runs on its own.
    app, sp, secret, assignment = in_sdk_thread(register())
    assert app.api.oauth2_permission_scopes[0].value == "Ledger.Read"
    assert app.api.requested_access_token_version == 2
    assert sp.app_roles[0].value == "Ledger.Read.All"
    assert secret.secret_text and secret.hint == secret.secret_text[:3]
    assert assignment.principal_type == "ServicePrincipal"
    client = msal.ConfidentialClientApplication(
        WEB[0], client_credential=WEB[1], authority=portico.url("contoso.com"),
        instance_discovery=False,
    )
    result = client.acquire_token_for_client(scopes=["api://ledger/.default"])
    assert api_claims(portico, result["access_token"], {"appId": app.app_id})["roles"] == ["Ledger.Read.All"]
