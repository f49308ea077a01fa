"""The admin portal in Debian's Chromium: signing in through the tenant's own sign-in, what each
role sees, and the admin journeys of issue 12. Every page visited is also captured at 1280x800 and
375x800 under target/portal-screenshots/ (not committed) for a look at the whole product."""

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from demo import CONTOSO, CONTOSO_ADMIN, FABRIKAM, PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "target" / "portal-screenshots"
ADMIN = "admin@contoso.com"
INVITER = "inviter@contoso.com"
MEGAN = "megan@contoso.com"


def shoot(page, name):
    """Screenshots of the page as it is, wide and narrow, then back to wide."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def portal_sign_in(portico, page, username, tenant="contoso.com"):
    """Signs in to the portal of `tenant` as `username` on the tenant's own pages."""
    page.goto(portico.url("portal"))
    page.fill("#tenant", tenant)
    page.click("#continue")
    page.fill("#login", username)
    page.click("#next")
    page.fill("#password", PASSWORD)
    page.click("#signin")
    page.wait_for_url(re.compile(r"/portal/"))


def post_form(page, path, fields):
    """Submits a form built in the page (as a cross-site form could be) with the browser's
    cookies; returns the response status."""
    with page.expect_navigation() as info:
        page.evaluate(
            """([path, fields]) => {
                const form = document.createElement('form');
                form.method = 'post';
                form.action = path;
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement('input');
                    input.type = 'hidden'; input.name = name; input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            [path, fields],
        )
    return info.value.status


def graph(portico, method, path, body=None):
    token = portico.app_token("contoso.com", CONTOSO_ADMIN)
    response = requests.request(
        method, portico.url(f"v1.0/{path}"), json=body, timeout=30,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def invite_by_graph(portico, address, send=False):
    return graph(portico, "POST", "invitations", {
        "invitedUserEmailAddress": address, "inviteRedirectUrl": portico.base,
        "sendInvitationMessage": send,
    })


def redeem_in_new_context(browser, redeem_url, username):
    """The guest accepts in a browser of their own (a second context: no shared cookies)."""
    context = browser.new_context()
    guest = context.new_page()
    guest.goto(redeem_url)
    guest.fill("#login", username)
    guest.click("#next")
    guest.fill("#password", PASSWORD)
    guest.click("#signin")
    guest.click("#accept")
    guest.wait_for_load_state()
    context.close()


def rows(page):
    return page.locator("#users tbody tr")


def nav_links(page):
    return page.locator("nav.side a").all_inner_texts()


def test_home_page_and_favicon(portico, page):
    page.goto(portico.base)
    expect(page.locator("h1")).to_have_text("Portico")
    expect(page.locator("#open-portal")).to_have_attribute("href", "/portal")
    expect(page.locator("#try")).to_have_attribute("href", "/portico/try")
    expect(page.locator("#outbox-link")).to_be_visible()  # the demo world runs in dev mode
    expect(page.locator("#clock")).to_contain_text("20")
    shoot(page, "01-home")
    favicon = requests.get(portico.url("favicon.ico"), timeout=10)
    assert favicon.status_code == 200
    assert favicon.headers["content-type"] == "image/x-icon"
    assert favicon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page.click("#open-portal")
    expect(page.locator("h1")).to_have_text("Sign in to the portal")
    expect(page.locator("#tenant-list")).to_contain_text("Contoso")
    shoot(page, "02-portal-sign-in")


def test_admin_signs_in_with_the_tenant_sign_in_and_out(portico, page):
    portal_sign_in(portico, page, ADMIN)
    page.goto(portico.url("portal/me"))
    expect(page.locator("#current-tenant")).to_have_text("Contoso")
    expect(page.locator("#signed-in-user")).to_be_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["__Host-portico_portal"]
    assert session["secure"] and session["httpOnly"] and session["path"] == "/"
    assert session["sameSite"] == "Lax"
    expect(page.locator("#me-upn")).to_have_text(ADMIN)
    expect(page.locator("#me-roles")).to_have_text("Global Administrator")
    shoot(page, "03-my-profile-admin")
    # The portal sign-in is an ordinary sign-in of the tenant's Portico Portal app: it is logged.
    page.click("#sign-out")
    page.wait_for_url(re.compile(r"/oauth2/v2.0/logout"))
    assert "__Host-portico_portal" not in {c["name"] for c in page.context.cookies()}
    page.goto(portico.url("portal/me"))
    expect(page.locator("h1")).to_have_text("Sign in to the portal")


def test_sign_out_without_the_csrf_value_is_refused(portico, page):
    portal_sign_in(portico, page, ADMIN)
    assert post_form(page, "/portal/sign-out", {"csrf": "forged"}) == 403
    assert "__Host-portico_portal" in {c["name"] for c in page.context.cookies()}


def test_member_sees_only_their_profile_and_organizations(portico, page):
    portal_sign_in(portico, page, MEGAN)
    expect(page).to_have_url(re.compile(r"/portal/me$"))
    assert nav_links(page) == ["My profile", "Outbox (dev)"]
    expect(page.locator("#no-admin")).to_be_visible()
    expect(page.locator("#my-organizations")).to_contain_text("Contoso")
    shoot(page, "04-my-profile-member")
    for path in ("portal/users", "portal/invite", "portal/sign-ins"):
        response = page.goto(portico.url(path))
        assert response.status in (403, 404), (path, response.status)


def test_guest_inviter_sees_only_invite(portico, page):
    megan = graph(portico, "GET", "users/megan@contoso.com")
    portal_sign_in(portico, page, INVITER)
    expect(page).to_have_url(re.compile(r"/portal/invite$"))
    assert nav_links(page) == ["Invite external user", "My profile", "Outbox (dev)"]
    page.fill("#email", "dave@example.net")
    page.click("#invite")
    expect(page.locator("#invite-status")).to_have_text("PendingAcceptance")
    expect(page.locator("#invited-user")).to_have_count(0)  # the inviter cannot open users
    shoot(page, "12-invite-as-guest-inviter")
    # Members are for administrators: the use case refuses, and the page says why.
    page.fill("#email", "eve@woodgrovebank.com")
    page.check("#type-member")
    page.click("#invite")
    expect(page.locator("#refusal-reason")).to_have_text("memberInviteRequiresAdmin")
    csrf = page.input_value("input[name=csrf] >> nth=0")
    assert page.goto(portico.url("portal/users")).status == 403
    assert page.goto(portico.url(f"portal/users/{megan['id']}")).status == 403
    assert page.goto(portico.url("portal/sign-ins")).status in (403, 404)
    page.goto(portico.url("portal/me"))
    assert post_form(page, f"/portal/users/{megan['id']}", {"csrf": csrf, "action": "block"}) == 403
    assert graph(portico, "GET", f"users/{megan['id']}?$select=accountEnabled")["accountEnabled"]


def test_member_cannot_invite_or_act_even_with_a_valid_form(portico, page):
    admin = graph(portico, "GET", "users/admin@contoso.com")
    portal_sign_in(portico, page, MEGAN)
    csrf = page.input_value("input[name=csrf] >> nth=0")
    assert post_form(page, "/portal/invite", {"csrf": csrf, "email": "x@example.net",
                                              "redirect_url": portico.base}) == 403
    page.goto(portico.url("portal/me"))
    assert post_form(page, f"/portal/users/{admin['id']}", {"csrf": csrf, "action": "block"}) == 403
    assert graph(portico, "GET", "users?$filter=startsWith(mail,'x@')")["value"] == []


def outbox_to(portico, address):
    response = requests.get(portico.url("portico/v1/outbox"), params={"to": address}, timeout=10)
    return response.json()["value"]


def test_admin_invites_with_and_without_the_email(portico, page):
    portal_sign_in(portico, page, ADMIN)
    page.click("#nav-invite")
    shoot(page, "08-invite")
    # Without the e-mail (S04/S06): a redeem link to hand over, nothing in the outbox.
    page.fill("#email", "nomail@fabrikam.onmicrosoft.com")
    page.uncheck("#send_message")
    page.click("#invite")
    expect(page.locator("#invite-not-mailed")).to_be_visible()
    expect(page.locator("#redeem-url")).to_contain_text("/redeem?tenant=")
    assert outbox_to(portico, "nomail@fabrikam.onmicrosoft.com") == []
    shoot(page, "09-invite-sent-without-email")

    # With the e-mail and a message: one message carrying the link and the message.
    page.fill("#email", "test1@adatum.com")
    page.check("#send_message")
    page.fill("#message", "Welcome to the Contoso project space.")
    page.click("#invite")
    expect(page.locator("#invite-mailed")).to_be_visible()
    link = page.inner_text("#redeem-url")
    [message] = outbox_to(portico, "test1@adatum.com")
    assert message["links"] == [link]
    assert "Welcome to the Contoso project space." in message["text"]

    # Inviting by the mail attribute, not the UPN (S05): invited, with the warning.
    page.fill("#email", "robert.b@fabrikam.com")
    page.click("#invite")
    expect(page.locator(".invite-warning")).to_contain_text("bob@fabrikam.com")

    # A group's address (S07): refused, with the reason and what to do.
    page.fill("#email", "sales@adatum.com")
    page.click("#invite")
    expect(page.locator("#refusal-reason")).to_have_text("groupEmailNotSupported")
    expect(page.locator("#refusal-message")).to_contain_text("group e-mail address")
    shoot(page, "10-invite-refused")

    page.click("#nav-outbox")
    expect(page.locator(".outbox-message")).to_have_count(2)
    expect(page.locator(".message-link").first).to_have_attribute("href", re.compile("/redeem"))
    shoot(page, "11-outbox")

    # The guest found with the guest filter, both invitations listed.
    page.click("#nav-users")
    page.select_option("#type", "Guest")
    page.click("#apply-filters")
    expect(rows(page)).to_have_count(3)


def test_admin_filters_guests_reads_source_and_manages_one(portico, browser, page):
    alice = invite_by_graph(portico, "alice@fabrikam.com")
    carol = invite_by_graph(portico, "carol@outlook.com")
    portal_sign_in(portico, page, ADMIN)
    expect(page).to_have_url(re.compile(r"/portal/users$"))
    expect(page.locator("#users")).to_contain_text("megan@contoso.com")
    shoot(page, "05-users")

    page.select_option("#type", "Guest")
    page.click("#apply-filters")
    expect(rows(page)).to_have_count(2)
    for cell in page.locator("#users .user-type").all_inner_texts():
        assert cell == "Guest"
    assert set(page.locator("#users .source").all_inner_texts()) == {"Invited user"}
    assert set(page.locator("#users .state").all_inner_texts()) == {"PendingAcceptance"}
    shoot(page, "06-users-guests")

    # Alice redeems in her own browser: her Source becomes External Azure Active Directory.
    redeem_in_new_context(browser, alice["inviteRedeemUrl"], "alice@fabrikam.com")
    page.select_option("#source", "externalAzureAD")
    page.click("#apply-filters")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first.locator(".source")).to_have_text("External Azure Active Directory")
    page.select_option("#source", "microsoftAccount")
    page.click("#apply-filters")
    expect(page.locator("#no-users")).to_be_visible()

    page.goto(portico.url(f"portal/users/{alice['invitedUser']['id']}"))
    expect(page.locator("#user-name")).to_have_text("Alice Wong")
    expect(page.locator("#prop-state")).to_have_text("Accepted")
    expect(page.locator("#user-sign-ins")).to_contain_text("b2bCollaboration")
    shoot(page, "07-user-details")

    page.click("#convert")
    expect(page.locator("#prop-user-type")).to_have_text("Member")
    expect(page.locator("#prop-source")).to_have_text("External Azure Active Directory")
    page.click("#show")
    expect(page.locator("#notice")).to_have_text("Shown in the address list.")
    expect(page.locator("#user-properties")).to_contain_text("Show in address list")
    page.fill("#display_name", "Alice (Fabrikam)")
    page.fill("#mail", "alice.wong@fabrikam.com")
    page.click("#save")
    expect(page.locator("#user-name")).to_have_text("Alice (Fabrikam)")
    page.click("#block")
    expect(page.locator("#notice")).to_contain_text("Blocked sign-in")
    page.click("#unblock")
    expect(page.locator("#block")).to_be_visible()
    after = graph(portico, "GET", f"users/{alice['invitedUser']['id']}?$select=userType,showInAddressList,displayName,mail,accountEnabled")
    assert after["userType"] == "Member" and after["showInAddressList"] is True
    assert after["displayName"] == "Alice (Fabrikam)" and after["mail"] == "alice.wong@fabrikam.com"
    assert after["accountEnabled"] is True

    # Carol never redeemed: resend, reset, delete.
    page.goto(portico.url(f"portal/users/{carol['invitedUser']['id']}"))
    page.click("#resend")
    expect(page.locator("#redeem-url")).to_contain_text("/redeem?tenant=")
    page.check("#confirm-delete")
    page.click("#delete")
    expect(page).to_have_url(re.compile(r"/portal/users\?deleted=1"))
    expect(page.locator("#users")).not_to_contain_text("carol")


def test_users_are_paged_by_keyset(portico, page):
    for n in range(55):
        graph(portico, "POST", "users", {
            "accountEnabled": True, "displayName": f"Pager {n:02}", "mailNickname": f"pager{n}",
            "userPrincipalName": f"pager{n:02}@contoso.com",
            "passwordProfile": {"password": "Portico-dev-1-long"},
        })
    portal_sign_in(portico, page, ADMIN)
    page.fill("#q", "pager")
    page.click("#apply-filters")
    expect(rows(page)).to_have_count(50)
    first_page = set(page.locator("#users .upn").all_inner_texts())
    page.click("#next-page")
    expect(rows(page)).to_have_count(5)
    second_page = set(page.locator("#users .upn").all_inner_texts())
    assert not first_page & second_page
    assert len(first_page | second_page) == 55


def sign_in_directly(browser, portico, tenant_id, username):
    """The guest signs in with the tenant's direct link in a browser of their own; returns the
    error code shown, if any."""
    context = browser.new_context()
    guest = context.new_page()
    guest.goto(portico.url(tenant_id))
    guest.fill("#login", username)
    guest.click("#next")
    guest.fill("#password", PASSWORD)
    guest.click("#signin")
    guest.wait_for_load_state()
    code = guest.locator("#error-code").inner_text() if guest.locator("#error-code").count() else None
    context.close()
    return code


def test_blocked_partner_shows_in_the_log_and_the_diagnosis_names_who_must_act(portico, browser, page):
    alice = invite_by_graph(portico, "alice@fabrikam.com")
    invite_by_graph(portico, "eve@woodgrovebank.com")
    redeem_in_new_context(browser, alice["inviteRedeemUrl"], "alice@fabrikam.com")
    # Contoso's administrator blocks Fabrikam inbound in the portal, reading both halves.
    portal_sign_in(portico, page, ADMIN)
    page.click("#nav-cross-tenant")
    page.fill("#partner", "fabrikam.com")
    page.select_option("#direction", "in")
    page.click("#show-relationship")
    expect(page.locator("#combinations .outcome").first).to_have_text("Allowed")
    page.select_option("#inbound", "block")
    page.click("#save-partner")
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator("#partners")).to_contain_text("Fabrikam")
    expect(page.locator("#combinations .outcome").first).to_have_text("Blocked")
    expect(page.locator("#combinations .who-must-act").first).to_contain_text("Contoso (AADSTS500213)")
    assert sign_in_directly(browser, portico, CONTOSO, "alice@fabrikam.com") == "AADSTS500213"

    page.click("#nav-sign-ins")
    expect(page.locator("#sign-ins tbody tr").first).to_be_visible()
    shoot(page, "13-sign-in-logs")
    page.select_option("#access", "b2bCollaboration")
    page.select_option("#status", "failure")
    page.click("#apply-filters")
    failed = page.locator("#sign-ins tbody tr")
    expect(failed).to_have_count(1)
    expect(failed.first.locator(".status")).to_contain_text("500213")
    expect(failed.first.locator(".access-type")).to_have_text("b2bCollaboration")
    page.select_option("#status", "success")
    page.click("#apply-filters")
    expect(page.locator("#sign-ins tbody tr")).to_have_count(1)  # the redemption
    page.select_option("#status", "failure")
    page.click("#apply-filters")

    page.click("#sign-ins .details-link")
    expect(page.locator("#detail-status")).to_contain_text("500213")
    expect(page.locator("#who-must-act")).to_contain_text("resource (Contoso)")
    expect(page.locator("#sign-in-properties")).to_contain_text(FABRIKAM)
    shoot(page, "14-sign-in-details")

    page.click("#diagnose")
    expect(page.locator("#decision")).to_have_text("deny")
    expect(page.locator("#decision-code")).to_have_text("AADSTS500213")
    expect(page.locator("#responsible")).to_have_text("resource")
    expect(page.locator("#responsible-tenant")).to_contain_text("Contoso")
    expect(page.locator("#trace .trace-failed")).to_have_count(1)
    shoot(page, "15-diagnose")

    # The diagnosis of another setting: Woodgrove's outbound block of Contoso (home must act).
    page.fill("#d-user", "eve@woodgrovebank.com")
    page.click("#evaluate")
    expect(page.locator("#decision-code")).to_have_text("AADSTS500212")
    expect(page.locator("#responsible")).to_have_text("home")
    expect(page.locator("#responsible-tenant")).to_contain_text("Woodgrove")


def test_usage_chart_counts_the_month_s_active_guests(portico, browser, page):
    alice = invite_by_graph(portico, "alice@fabrikam.com")
    redeem_in_new_context(browser, alice["inviteRedeemUrl"], "alice@fabrikam.com")
    portal_sign_in(portico, page, ADMIN)
    page.click("#nav-usage")
    expect(page.locator("#mau-chart")).to_be_visible()
    expect(page.locator("#free-line")).to_have_count(1)
    expect(page.locator("#mau-chart .mau-bar")).to_have_count(12)
    expect(page.locator("#mau-table .mau-count").last).to_have_text("1")  # this month: Alice
    shoot(page, "16-usage")


def test_audit_log_records_the_portal_s_changes(portico, page):
    portal_sign_in(portico, page, ADMIN)
    page.click("#nav-invite")
    page.fill("#email", "carol@outlook.com")
    page.uncheck("#send_message")
    page.click("#invite")
    expect(page.locator("#invite-status")).to_have_text("PendingAcceptance")
    page.click("#nav-audit")
    page.fill("#a-activity", "Invite")
    page.select_option("#a-category", "UserManagement")
    page.click("#apply-filters")
    expect(page.locator("#audits .audit-row")).to_have_count(1)
    expect(page.locator("#audits")).to_contain_text("admin@contoso.com")
    shoot(page, "17-audit-logs")


def test_external_collaboration_settings_change_what_invitations_do(portico, page):
    portal_sign_in(portico, page, ADMIN)
    page.click("#nav-collaboration")
    expect(page.locator("#access-limited")).to_be_checked()
    expect(page.locator("#otp")).to_be_checked()
    shoot(page, "18-external-collaboration")
    page.fill("#lifetime", "ninety")
    page.click("#save-collaboration")
    expect(page.locator("#settings-error")).to_contain_text("number of days")
    page.fill("#lifetime", "90")
    page.check("#domains-block")
    page.fill("#domains", "adatum.com")
    page.click("#save-collaboration")
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator("#lifetime")).to_have_value("90")
    page.select_option("#invites_from", "adminsAndGuestInviters")
    page.click("#save-access")
    expect(page.locator("#notice")).to_be_visible()
    policy = graph(portico, "GET", "policies/authorizationPolicy")
    assert policy["allowInvitesFrom"] == "adminsAndGuestInviters"

    page.click("#nav-invite")
    page.fill("#email", "test1@adatum.com")
    page.click("#invite")
    expect(page.locator("#refusal-reason")).to_have_text("domainBlockedByCollaborationRestrictions")


def test_relationship_view_shows_both_halves_and_who_must_act(portico, page):
    portal_sign_in(portico, page, ADMIN)
    page.click("#nav-cross-tenant")
    expect(page.locator("#no-partners")).to_be_visible()
    page.fill("#partner", "woodgrovebank.com")
    page.select_option("#direction", "in")
    page.click("#show-relationship")
    expect(page.locator("#home-outbound")).to_contain_text("partner Contoso")
    expect(page.locator("#home-outbound")).to_contain_text("blocked")
    expect(page.locator("#resource-inbound")).to_contain_text("default")
    expect(page.locator("#guest-policies")).to_contain_text("Guests must use MFA")
    first = page.locator("#combinations .combination").first
    expect(first.locator(".outcome")).to_have_text("Blocked")
    expect(first.locator(".who-must-act")).to_contain_text("Woodgrove Bank (AADSTS500212)")
    shoot(page, "19-relationship-view")


def test_bulk_invite_of_fifty_rows_with_per_row_results(portico, page):
    template = requests.get(portico.url("portal/invite/bulk/template.csv"), timeout=10)
    assert template.status_code == 200  # the template itself needs no session
    assert template.text.startswith("version:v1.0")
    lines = template.text.splitlines()[:2]
    for n in range(48):
        lines.append(f"bulk{n:02}@example.net,{portico.base},{'TRUE' if n % 2 else 'FALSE'},Welcome {n}")
    lines.append(f"sales@adatum.com,{portico.base},FALSE,")  # a group: refused
    lines.append(f"not-an-address,{portico.base},FALSE,")  # refused
    portal_sign_in(portico, page, ADMIN)
    page.click("#nav-invite")
    page.click("#bulk-link")
    shoot(page, "20-bulk-invite")
    page.set_input_files("#file", files=[{
        "name": "invite.csv", "mimeType": "text/csv", "buffer": "\r\n".join(lines).encode(),
    }])
    page.click("#upload")
    expect(page.locator("#bulk-summary")).to_have_text("Done: 48 invited, 2 refused.", timeout=60_000)
    expect(page.locator("#bulk-results .bulk-row")).to_have_count(50)
    expect(page.locator("#bulk-results .bulk-refused")).to_have_count(2)
    expect(page.locator("#bulk-results .bulk-refused").first).to_contain_text("group e-mail address")
    shoot(page, "21-bulk-invite-results")
    assert len(outbox_to(portico, "bulk01@example.net")) == 1
    assert outbox_to(portico, "bulk00@example.net") == []
    guests = graph(portico, "GET", "users?$filter=userType eq 'Guest'&$count=true&$top=999")
    assert len([u for u in guests["value"] if u["mail"] and u["mail"].startswith("bulk")]) == 48


def test_conditional_access_policy_state_is_changed_in_the_portal(portico, page):
    portal_sign_in(portico, page, ADMIN)
    page.click("#nav-conditional-access")
    policy = page.locator(".ca-policy", has_text="Guests must use MFA")
    expect(policy.locator(".policy-state")).to_have_text("Report-only")
    expect(policy).to_contain_text("GuestsOrExternalUsers")
    shoot(page, "22-conditional-access")
    policy.locator(".state-select").select_option("enabled")
    policy.locator(".save-state").click()
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator(".ca-policy", has_text="Guests must use MFA").locator(".policy-state")).to_have_text("On")
    policies = graph(portico, "GET", "identity/conditionalAccess/policies")["value"]
    assert [p["state"] for p in policies if p["displayName"] == "Guests must use MFA"] == ["enabled"]


def test_tenant_switcher_signs_in_to_another_organization(portico, browser, page):
    alice = invite_by_graph(portico, "alice@fabrikam.com")
    redeem_in_new_context(browser, alice["inviteRedeemUrl"], "alice@fabrikam.com")
    portal_sign_in(portico, page, "alice@fabrikam.com", tenant="fabrikam.com")
    expect(page.locator("#current-tenant")).to_have_text("Fabrikam")
    organizations = page.locator("#my-organizations")
    expect(organizations).to_contain_text("Home organization")
    expect(organizations).to_contain_text("Contoso")
    page.click("#switcher summary")
    shoot(page, "23-tenant-switcher")
    page.get_by_role("link", name="Switch to Contoso").first.click()
    # Contoso's own sign-in, for the same account (its address prefilled); then home.
    expect(page.locator("#login")).to_have_value("alice@fabrikam.com")
    page.click("#next")
    page.wait_for_load_state()
    if page.locator("#password").count():
        page.fill("#password", PASSWORD)
        page.click("#signin")
    page.wait_for_url(re.compile(r"/portal/me$"))
    expect(page.locator("#current-tenant")).to_have_text("Contoso")
    expect(page.locator("#me-type")).to_have_text("Guest")
    assert nav_links(page) == ["My profile", "Outbox (dev)"]


def diagnose(page, portico, user, ip="198.51.100.7"):
    """The what-if for a Contoso sign-in of `user` to Contoso Web from `ip`."""
    page.goto(portico.url(
        f"portal/diagnose?user={user}&app=c0c0a002-0000-4000-8000-000000000002&ip={ip}"))
    expect(page.locator("#verdict")).to_be_visible()


def test_conditional_access_policy_with_a_named_location_from_report_only_to_on(portico, browser, page):
    alice = invite_by_graph(portico, "alice@fabrikam.com")
    redeem_in_new_context(browser, alice["inviteRedeemUrl"], "alice@fabrikam.com")
    portal_sign_in(portico, page, ADMIN)
    # The office, as a trusted named location.
    page.click("#nav-conditional-access")
    page.click("#named-locations-link")
    expect(page.locator("#no-locations")).to_be_visible()
    page.click("#new-ip-location")
    page.fill("#display-name", "Contoso office")
    page.fill("#ip-ranges", "203.0.113.0/33")
    page.click("#save-location")
    # Graph's own refusal, next to the field.
    expect(page.locator("#error-ipRanges")).to_contain_text("is not a CIDR range")
    expect(page.locator("#ip-ranges")).to_have_attribute("aria-invalid", "true")
    shoot(page, "24-named-location-refused")
    page.fill("#ip-ranges", "203.0.113.0/24")
    page.check("#is-trusted")
    page.click("#save-location")
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator("#locations .location")).to_have_count(1)
    expect(page.locator("#locations")).to_contain_text("203.0.113.0/24")
    shoot(page, "25-named-locations")
    office = graph(portico, "GET", "identity/conditionalAccess/namedLocations")["value"][0]
    assert office["displayName"] == "Contoso office" and office["isTrusted"] is True

    # A policy: B2B collaboration guests need MFA outside the office, report-only first.
    page.click("#nav-conditional-access")
    page.click("#new-policy")
    expect(page.locator("#state-reportOnly")).to_be_checked()
    page.fill("#display-name", "Partner guests need MFA outside the office")
    page.check("#include-guest-b2bCollaborationGuest")
    page.check("#include-location-All")
    page.check(f"#exclude-location-{office['id']}")
    page.check("#control-block")  # with MFA, refused as Graph refuses it
    page.click("#save-policy")
    expect(page.locator("#policy-error-property")).to_have_text("grantControls.builtInControls")
    expect(page.locator("#error-grantControls")).to_contain_text("'block' cannot be combined")
    expect(page.locator("#display-name")).to_have_value("Partner guests need MFA outside the office")
    shoot(page, "26-policy-refused")
    page.uncheck("#control-block")
    page.click("#save-policy")
    expect(page.locator("#notice")).to_contain_text("Saved the policy")
    policy = page.locator(".ca-policy", has_text="Partner guests need MFA")
    expect(policy.locator(".policy-state")).to_have_text("Report-only")
    expect(policy).to_contain_text(office["id"])

    # Report-only: evaluated, not enforced.
    diagnose(page, portico, "alice@fabrikam.com")
    expect(page.locator("#whatif-policies li", has_text="Partner guests need MFA")).to_contain_text("reportOnly")
    expect(page.locator("#decision")).to_have_text("allow")

    # On, from the editor: away from the office Alice must do MFA; in it she need not.
    page.goto(portico.url("portal/conditional-access"))
    page.locator(".ca-policy", has_text="Partner guests need MFA").locator(".edit-policy").click()
    expect(page.locator("#include-guest-b2bCollaborationGuest")).to_be_checked()
    expect(page.locator(f"#exclude-location-{office['id']}")).to_be_checked()
    shoot(page, "27-policy-editor")
    page.check("#state-enabled")
    page.click("#save-policy")
    expect(page.locator(".ca-policy", has_text="Partner guests need MFA").locator(".policy-state")).to_have_text("On")
    diagnose(page, portico, "alice@fabrikam.com")
    expect(page.locator("#decision")).to_have_text("interrupt")
    expect(page.locator("#setting")).to_contain_text('"Partner guests need MFA outside the office" › grant › mfa')
    shoot(page, "28-diagnose-policy-on")
    diagnose(page, portico, "alice@fabrikam.com", ip="203.0.113.9")
    expect(page.locator("#decision")).to_have_text("allow")

    # The location is in use: deleting it is refused, and says by which policy.
    page.goto(portico.url(f"portal/named-locations/{office['id']}"))
    page.check("#confirm-delete")
    page.click("#delete-location")
    expect(page.locator("#location-error-message")).to_contain_text("Partner guests need MFA outside the office")

    # The policy is deleted with a confirmation.
    page.goto(portico.url("portal/conditional-access"))
    page.locator(".ca-policy", has_text="Partner guests need MFA").locator(".edit-policy").click()
    page.check("#confirm-delete")
    page.click("#delete-policy")
    expect(page.locator("#notice")).to_have_text("Deleted the policy.")
    expect(page.locator(".ca-policy", has_text="Partner guests need MFA")).to_have_count(0)


def test_terms_of_use_are_created_and_deleted(portico, page):
    portal_sign_in(portico, page, ADMIN)
    page.goto(portico.url("portal/terms-of-use"))
    page.fill("#terms-name", "Partner terms")
    page.fill("#terms-text", "Treat Contoso's data as confidential.")
    page.check("#viewing-required")
    page.click("#create-terms")
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator(".agreement-name")).to_have_text("Partner terms")
    shoot(page, "29-terms-of-use")
    # A policy can require them.
    page.goto(portico.url("portal/conditional-access/new"))
    expect(page.locator("#grant")).to_contain_text("Accept terms of use: Partner terms")
    page.goto(portico.url("portal/terms-of-use"))
    page.locator(".agreement input[name=confirm]").check()
    page.locator(".delete-agreement").click()
    expect(page.locator("#no-agreements")).to_be_visible()


def test_partner_blocked_inbound_from_its_own_settings_page(portico, browser, page):
    alice = invite_by_graph(portico, "alice@fabrikam.com")
    redeem_in_new_context(browser, alice["inviteRedeemUrl"], "alice@fabrikam.com")
    portal_sign_in(portico, page, ADMIN)
    page.click("#nav-cross-tenant")
    page.click("#edit-default")
    expect(page.locator("#b2bCollaborationInbound-users-allowed")).to_be_checked()
    shoot(page, "30-cross-tenant-default")
    page.check("#trust-isMfaAccepted")
    page.click("#save-cross-tenant")
    expect(page.locator("#notice")).to_be_visible()
    assert graph(portico, "GET", "policies/crossTenantAccessPolicy/default")["inboundTrust"]["isMfaAccepted"] is True

    page.fill("#organization", "fabrikam.com")
    page.click("#add-partner")
    expect(page.locator("h1")).to_have_text("Cross-tenant access for Fabrikam")
    expect(page.locator("#b2bCollaborationInbound-inherit")).to_be_checked()
    # Selected users that are not ids: Graph's refusal, on the setting.
    page.check("#b2bCollaborationInbound-custom")
    page.check("#b2bCollaborationInbound-users-blocked")
    page.check("#b2bCollaborationInbound-users-specific")
    page.fill("#b2bCollaborationInbound-users", "alice@fabrikam.com")
    page.click("#save-cross-tenant")
    expect(page.locator("#error-b2bCollaborationInbound")).to_contain_text("is not an object id")
    shoot(page, "31-cross-tenant-partner-refused")
    page.check("#b2bCollaborationInbound-users-all")
    page.check("#b2bCollaborationInbound-apps-blocked")
    page.click("#save-cross-tenant")
    expect(page.locator("#partners")).to_contain_text("users blocked (AllUsers)")
    assert sign_in_directly(browser, portico, CONTOSO, "alice@fabrikam.com") == "AADSTS500213"
    page.locator("#partners .edit-partner").click()
    expect(page.locator("#b2bCollaborationInbound-custom")).to_be_checked()
    shoot(page, "32-cross-tenant-partner")
    # Removing the organization's settings lets the default apply again.
    page.check("#confirm-remove")
    page.click("#remove-partner")
    expect(page.locator("#no-partners")).to_be_visible()
    assert sign_in_directly(browser, portico, CONTOSO, "alice@fabrikam.com") is None


def test_deleted_user_is_restored_from_the_deleted_users_page(portico, page):
    temp = graph(portico, "POST", "users", {
        "accountEnabled": True, "displayName": "Temp Worker", "mailNickname": "temp",
        "userPrincipalName": "temp@contoso.com",
        "passwordProfile": {"password": "Portico-dev-1-long"},
    })
    portal_sign_in(portico, page, ADMIN)
    page.goto(portico.url(f"portal/users/{temp['id']}"))
    page.check("#confirm-delete")
    page.click("#delete")
    page.click("#nav-deleted-users")
    row = page.locator(".deleted-user", has_text="temp@contoso.com")
    expect(row).to_have_count(1)
    expect(row.locator(".deleted-date")).to_contain_text("20")
    shoot(page, "33-deleted-users")
    row.locator(".restore").click()
    expect(page.locator("#notice")).to_contain_text("Restored")
    expect(page.locator("#no-deleted")).to_be_visible()
    assert graph(portico, "GET", f"users/{temp['id']}?$select=displayName")["displayName"] == "Temp Worker"
    # Deleted again, then for good.
    graph(portico, "DELETE", f"users/{temp['id']}")
    page.reload()
    row = page.locator(".deleted-user", has_text="temp@contoso.com")
    row.locator("input[name=confirm]").check()
    row.locator(".purge").click()
    expect(page.locator("#notice")).to_contain_text("permanently")
    expect(page.locator("#no-deleted")).to_be_visible()


def test_guest_inviter_and_member_do_not_reach_the_editors(portico, browser):
    for login in (INVITER, MEGAN):
        context = browser.new_context()
        page = context.new_page()
        portal_sign_in(portico, page, login)
        assert "Conditional Access" not in nav_links(page)
        assert "Deleted users" not in nav_links(page)
        for path in ("portal/conditional-access/new", "portal/named-locations", "portal/terms-of-use",
                     "portal/cross-tenant/default", "portal/deleted-users"):
            assert page.goto(portico.url(path)).status == 403, (login, path)
        page.goto(portico.url("portal/me"))
        csrf = page.input_value("input[name=csrf] >> nth=0")
        assert post_form(page, "/portal/cross-tenant/partners", {"csrf": csrf, "organization": "fabrikam.com"}) == 403
        context.close()
    assert graph(portico, "GET", "policies/crossTenantAccessPolicy/partners")["value"] == []
