"""Microsoft's Graph SDK for Python (msgraph-sdk) against Portico's Graph, with only the base
URL changed: list users with $filter/$select/$top and paging, read and patch a user, create a
group and add a member, read the authorization policy; $select of every v1.0 user property; read
the v1.0 sign-in log (Portico's diagnosis rides in an instance annotation the SDK keeps aside)."""

import asyncio
import concurrent.futures
import datetime

import httpx
from azure.identity.aio import ClientSecretCredential
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.group import Group
from msgraph.generated.models.reference_create import ReferenceCreate
from msgraph.generated.models.user import User
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.generated.users.users_request_builder import UsersRequestBuilder
from msgraph_core import GraphClientFactory

from msgraph.generated.audit_logs.sign_ins.sign_ins_request_builder import SignInsRequestBuilder

from demo import CONTOSO_ADMIN, FABRIKAM, FABRIKAM_ADMIN, GRAPH_DEFAULT
from flows import enter_credentials, public_app


def graph_client(portico, tenant="contoso.com", admin=CONTOSO_ADMIN):
    credential = ClientSecretCredential(
        tenant,
        *admin,
        authority=portico.url("").rstrip("/"),
        disable_instance_discovery=True,
        connection_verify=str(portico.ca),
    )
    auth = AzureIdentityAuthenticationProvider(
        credential, scopes=[GRAPH_DEFAULT], allowed_hosts=["localhost"]
    )
    http = GraphClientFactory.create_with_default_middleware(
        client=httpx.AsyncClient(verify=str(portico.ca))
    )
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = portico.url("v1.0")
    return GraphServiceClient(request_adapter=adapter), credential


def test_users_groups_and_policy_through_the_graph_sdk(portico):
    async def scenario():
        client, credential = graph_client(portico)
        async with credential:
            query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
                filter="startswith(displayName,'M') or userPrincipalName eq 'admin@contoso.com'",
                select=["id", "displayName", "userPrincipalName", "userType"],
                top=1,
            )
            config = UsersRequestBuilder.UsersRequestBuilderGetRequestConfiguration(
                query_parameters=query
            )
            page = await client.users.get(request_configuration=config)
            names = [u.user_principal_name for u in page.value]
            assert len(names) == 1 and page.odata_next_link
            while page.odata_next_link:
                page = await client.users.with_url(page.odata_next_link).get()
                names += [u.user_principal_name for u in page.value]
            assert sorted(names) == ["admin@contoso.com", "megan@contoso.com"]

            megan = await client.users.by_user_id("megan@contoso.com").get()
            assert megan.display_name == "Megan Bowen" and megan.given_name == "Megan"
            await client.users.by_user_id(megan.id).patch(User(display_name="Megan B."))
            again = await client.users.by_user_id(megan.id).get()
            assert again.display_name == "Megan B."

            group = await client.groups.post(
                Group(
                    display_name="SDK group",
                    mail_enabled=False,
                    mail_nickname="sdkgroup",
                    security_enabled=True,
                )
            )
            assert group.id
            reference = ReferenceCreate(
                odata_id=f"https://graph.microsoft.com/v1.0/directoryObjects/{megan.id}"
            )
            await client.groups.by_group_id(group.id).members.ref.post(reference)
            members = await client.groups.by_group_id(group.id).members.get()
            assert [m.id for m in members.value] == [megan.id]

            policy = await client.policies.authorization_policy.get()
            assert policy.allow_invites_from.value == "everyone"
            assert str(policy.guest_user_role_id) == "10dae51f-b6af-4016-8d66-8c2a99b929b3"

    # Playwright's sync API keeps an event loop on this thread; the SDK gets its own thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result()


# Every v1.0 user property: entity (id), directoryObject (deletedDateTime) and user.
USER_PROPERTIES = """id deletedDateTime aboutMe accountEnabled ageGroup assignedLicenses assignedPlans
authorizationInfo birthday businessPhones city companyName consentProvidedForMinor country
createdDateTime creationType customSecurityAttributes department deviceEnrollmentLimit displayName
employeeHireDate employeeId employeeLeaveDateTime employeeOrgData employeeType externalUserState
externalUserStateChangeDateTime faxNumber givenName hireDate identities identityParentId
imAddresses interests isManagementRestricted isResourceAccount jobTitle lastPasswordChangeDateTime
legalAgeGroupClassification licenseAssignmentStates mail mailboxSettings mailNickname mobilePhone
mySite officeLocation onPremisesDistinguishedName onPremisesDomainName
onPremisesExtensionAttributes onPremisesImmutableId onPremisesLastSyncDateTime
onPremisesProvisioningErrors onPremisesSamAccountName onPremisesSecurityIdentifier
onPremisesSyncEnabled onPremisesUserPrincipalName otherMails passwordPolicies passwordProfile
pastProjects postalCode preferredDataLocation preferredLanguage preferredName print
provisionedPlans proxyAddresses responsibilities schools securityIdentifier
serviceProvisioningErrors showInAddressList signInActivity signInSessionsValidFromDateTime skills
state streetAddress surname usageLocation userPrincipalName userType""".split()


def test_select_of_every_user_property_through_the_graph_sdk(portico):
    """The SDK's own user model reads every property Portico returns (nothing is left in
    additional_data), on a list and on a single read, and a PATCH of profile properties made with
    the model round-trips."""

    async def scenario():
        client, credential = graph_client(portico)
        async with credential:
            assert len(USER_PROPERTIES) == 81
            hired = datetime.datetime(2020, 4, 1, tzinfo=datetime.timezone.utc)
            await client.users.by_user_id("megan@contoso.com").patch(
                User(
                    job_title="Product Manager",
                    department="Marketing",
                    business_phones=["+1 425 555 0109"],
                    usage_location="US",
                    preferred_language="en-US",
                    employee_hire_date=hired,
                    age_group="Adult",
                    office_location="18/2111",
                )
            )
            query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
                select=USER_PROPERTIES
            )
            config = UsersRequestBuilder.UsersRequestBuilderGetRequestConfiguration(
                query_parameters=query
            )
            page = await client.users.get(request_configuration=config)
            assert len(page.value) >= 3
            for user in page.value:
                unknown = {k for k in user.additional_data if not k.startswith("@")}
                assert not unknown, unknown
                assert user.security_identifier.startswith("S-1-12-1-")
                assert user.assigned_licenses == [] and user.proxy_addresses
            megan = next(u for u in page.value if u.user_principal_name == "megan@contoso.com")
            assert megan.job_title == "Product Manager"
            assert megan.business_phones == ["+1 425 555 0109"]
            assert megan.employee_hire_date == hired

            item_query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
                select=USER_PROPERTIES
            )
            item_config = UserItemRequestBuilder.UserItemRequestBuilderGetRequestConfiguration(
                query_parameters=item_query
            )
            one = await client.users.by_user_id(megan.id).get(request_configuration=item_config)
            assert not {k for k in one.additional_data if not k.startswith("@")}
            assert one.usage_location == "US" and one.age_group == "Adult"
            assert one.office_location == "18/2111" and one.department == "Marketing"

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def test_sign_in_log_through_the_graph_sdk(portico, page):
    """Megan's sign-in through a network that restricts tenants to Fabrikam is refused and logged
    in Fabrikam (S11); the SDK reads the row with v1.0's model, the diagnosis aside."""
    page.set_extra_http_headers(
        {"Restrict-Access-To-Tenants": "fabrikam.com", "Restrict-Access-Context": FABRIKAM}
    )
    flow = public_app(portico).initiate_auth_code_flow(
        scopes=["User.Read"], redirect_uri="http://localhost"
    )
    enter_credentials(page, flow, "megan@contoso.com")
    page.wait_for_selector("text=AADSTS500021")

    async def scenario():
        client, credential = graph_client(portico, "fabrikam.com", FABRIKAM_ADMIN)
        async with credential:
            query = SignInsRequestBuilder.SignInsRequestBuilderGetQueryParameters(
                filter="status/errorCode eq 500021", top=10
            )
            config = SignInsRequestBuilder.SignInsRequestBuilderGetRequestConfiguration(
                query_parameters=query
            )
            page_ = await client.audit_logs.sign_ins.get(request_configuration=config)
            assert len(page_.value) == 1
            row = page_.value[0]
            assert row.user_principal_name == "megan@contoso.com"
            assert row.status.error_code == 500021
            assert row.status.additional_details.startswith("Who must act: network")
            assert row.is_interactive is True
            assert row.risk_event_types == [] and row.risk_event_types_v2 == []
            assert row.user_agent
            # v1.0 has no beta properties; Portico's own facts are only in the annotation.
            for beta_only in ("crossTenantAccessType", "userType", "responsibleParty"):
                assert beta_only not in row.additional_data
            diagnosis = row.additional_data["@portico.diagnosis"]
            assert diagnosis["responsibleParty"] == "network"
            again = await client.audit_logs.sign_ins.by_sign_in_id(row.id).get()
            assert again.correlation_id == row.correlation_id

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result()
