"""msgraph-sdk (Python) and the directory lifecycle: a deleted user listed under
directory/deletedItems and restored with the same id, revokeSignInSessions, a dynamic group whose
members follow its rule, and a Microsoft 365 group."""

import asyncio
import concurrent.futures

from msgraph.generated.models.group import Group
from msgraph.generated.models.password_profile import PasswordProfile
from msgraph.generated.models.reference_create import ReferenceCreate
from msgraph.generated.models.user import User
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from kiota_abstractions.api_error import APIError

from test_msgraph_sdk import graph_client


def run(scenario):
    # Playwright's sync API keeps an event loop on this thread; the SDK gets its own thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def new_user(nickname):
    return User(
        account_enabled=True,
        display_name=f"User {nickname}",
        mail_nickname=nickname,
        user_principal_name=f"{nickname}@contoso.com",
        password_profile=PasswordProfile(password="Portico-dev-1-long"),
    )


def test_a_deleted_user_is_restored_through_the_graph_sdk(portico):
    async def scenario():
        client, credential = graph_client(portico)
        async with credential:
            user = await client.users.post(new_user("sdkdeleted"))
            await client.users.by_user_id(user.id).delete()
            deleted = await client.directory.deleted_items.graph_user.get()
            entries = [u for u in deleted.value if u.id == user.id]
            assert len(entries) == 1
            assert isinstance(entries[0], User)
            assert entries[0].deleted_date_time is not None
            assert entries[0].user_principal_name == "sdkdeleted@contoso.com"

            restored = await client.directory.deleted_items.by_directory_object_id(
                user.id
            ).restore.post()
            assert isinstance(restored, User) and restored.id == user.id
            again = await client.users.by_user_id(user.id).get()
            assert again.display_name == "User sdkdeleted"
            deleted = await client.directory.deleted_items.graph_user.get()
            assert user.id not in [u.id for u in deleted.value]

    run(scenario)


def test_revoke_sign_in_sessions_through_the_graph_sdk(portico):
    async def scenario():
        client, credential = graph_client(portico)
        async with credential:
            user = await client.users.post(new_user("sdkrevoked"))
            answer = await client.users.by_user_id(user.id).revoke_sign_in_sessions.post()
            assert answer.value is True
            query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
                select=["id", "signInSessionsValidFromDateTime"]
            )
            config = UserItemRequestBuilder.UserItemRequestBuilderGetRequestConfiguration(
                query_parameters=query
            )
            read = await client.users.by_user_id(user.id).get(request_configuration=config)
            assert read.sign_in_sessions_valid_from_date_time is not None

    run(scenario)


def test_a_dynamic_group_and_a_microsoft_365_group_through_the_graph_sdk(portico):
    async def scenario():
        client, credential = graph_client(portico)
        async with credential:
            guest = await client.users.post(new_user("sdkguest"))
            group = await client.groups.post(
                Group(
                    display_name="Dynamic guests",
                    mail_enabled=False,
                    mail_nickname="dynguests",
                    security_enabled=True,
                    group_types=["DynamicMembership"],
                    membership_rule='user.userType -eq "Guest"',
                    membership_rule_processing_state="On",
                )
            )
            assert group.group_types == ["DynamicMembership"]
            assert group.membership_rule_processing_state == "On"
            members = await client.groups.by_group_id(group.id).members.get()
            assert members.value == []

            await client.users.by_user_id(guest.id).patch(User(user_type="Guest"))
            members = await client.groups.by_group_id(group.id).members.get()
            assert [m.id for m in members.value] == [guest.id]

            reference = ReferenceCreate(
                odata_id=f"https://graph.microsoft.com/v1.0/directoryObjects/{guest.id}"
            )
            try:
                await client.groups.by_group_id(group.id).members.ref.post(reference)
                raise AssertionError("a dynamic group took a member by hand")
            except APIError as error:
                assert error.response_status_code == 400

            unified = await client.groups.post(
                Group(
                    display_name="SDK 365",
                    mail_enabled=True,
                    mail_nickname="sdk365",
                    security_enabled=False,
                    group_types=["Unified"],
                    visibility="Private",
                )
            )
            assert unified.group_types == ["Unified"]
            assert unified.visibility == "Private"
            assert unified.mail == "sdk365@contoso.onmicrosoft.com"

    run(scenario)
