//! The engine's fixed order: tenant restrictions, accounts, cross-tenant access, app assignment.
//! Table-driven where the cases share a shape.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use portico_model::cross_tenant::{AccessType, B2bSetting, TargetType};
use portico_policy::decision::{Decision, Denial, Outcome, Party};
use portico_policy::evaluate;
use portico_policy::facts::*;
use support::*;

fn denial(sign_in: &SignIn) -> Denial {
    match evaluate(sign_in).decision {
        Decision::Deny(denial) => denial,
        other => panic!("expected a denial, got {other:?}"),
    }
}

fn allowed(sign_in: &SignIn) -> bool {
    matches!(evaluate(sign_in).decision, Decision::Allow { .. })
}

fn outcome_of(sign_in: &SignIn, check: &str) -> Outcome {
    evaluate(sign_in)
        .trace
        .iter()
        .find(|s| s.check == check)
        .unwrap_or_else(|| panic!("no {check} step"))
        .outcome
}

#[test]
fn members_and_guests_with_default_settings_get_in() {
    for sign_in in [member(), alice(), dave()] {
        assert!(allowed(&sign_in), "{:?}", evaluate(&sign_in));
    }
    assert_eq!(
        outcome_of(&member(), "homeOutbound"),
        Outcome::NotApplicable
    );
    assert_eq!(outcome_of(&alice(), "homeOutbound"), Outcome::Passed);
    assert_eq!(outcome_of(&alice(), "resourceInbound"), Outcome::Passed);
}

#[test]
fn woodgrove_blocking_contoso_outbound_is_woodgroves_to_fix() {
    let mut eve = guest_from(woodgrove(), 4, "eve@woodgrovebank.com");
    let mut entry = partner(contoso().id);
    entry.b2b_collaboration_outbound = Some(B2bSetting::block_all());
    home_mut(&mut eve).partner = Some(entry);
    let denial = denial(&eve);
    assert_eq!(denial.code, 500212);
    assert_eq!(denial.responsible, Party::Home);
    assert_eq!(denial.responsible_tenant, Some(woodgrove()));
    assert_eq!(
        denial.setting,
        "Woodgrove Bank › cross-tenant access › partner Contoso › B2B collaboration outbound › users and groups: blocked (all users)"
    );
    assert!(denial
        .remediation
        .contains("An administrator of Woodgrove Bank (your organization)"));
}

#[test]
fn settings_come_from_the_partner_entry_else_the_default() {
    // (default outbound, partner outbound, allowed, source named in the setting)
    let cases = [
        (B2bSetting::allow_all(), None, true, "default"),
        (B2bSetting::block_all(), None, false, "default"),
        (
            B2bSetting::block_all(),
            Some(B2bSetting::allow_all()),
            true,
            "partner Contoso",
        ),
        (
            B2bSetting::allow_all(),
            Some(B2bSetting::block_all()),
            false,
            "partner Contoso",
        ),
    ];
    for (default, entry, expect_allowed, source) in cases {
        let mut alice = alice();
        let home = home_mut(&mut alice);
        home.cross_tenant_default.b2b_collaboration_outbound = default;
        let mut configuration = partner(contoso().id);
        configuration.b2b_collaboration_outbound = entry;
        home.partner = Some(configuration);
        let evaluation = evaluate(&alice);
        assert_eq!(
            matches!(evaluation.decision, Decision::Allow { .. }),
            expect_allowed
        );
        let step = evaluation
            .trace
            .iter()
            .find(|s| s.check == "homeOutbound")
            .unwrap();
        assert!(step.setting.contains(source), "{}", step.setting);
    }
}

#[test]
fn contoso_blocking_fabrikam_inbound_is_contosos_to_fix_and_adatum_still_works() {
    let block_fabrikam = |mut sign_in: SignIn, home_id| {
        let mut entry = partner(home_id);
        entry.b2b_collaboration_inbound = Some(B2bSetting::block_all());
        // The resource's partner entry is the one for the guest's home.
        if sign_in.origin.home_tenant().map(|t| t.id) == Some(fabrikam().id) {
            sign_in.resource.partner = Some(entry);
        }
        sign_in
    };
    let alice = block_fabrikam(alice(), fabrikam().id);
    let denial = denial(&alice);
    assert_eq!((denial.code, denial.responsible), (500213, Party::Resource));
    assert_eq!(denial.responsible_tenant, Some(contoso()));
    assert!(denial.setting.starts_with(
        "Contoso › cross-tenant access › partner Fabrikam › B2B collaboration inbound"
    ));
    let rick = block_fabrikam(guest_from(adatum(), 5, "rick@adatum.com"), fabrikam().id);
    assert!(allowed(&rick));
}

#[test]
fn users_groups_and_apps_are_targeted() {
    let group = oid(77);
    // (inbound users/groups targets, inbound apps targets, user in group, app, allowed)
    let only_group = targets(
        AccessType::Allowed,
        &[(&group.to_string(), TargetType::Group)],
    );
    let all_apps = targets(
        AccessType::Allowed,
        &[("AllApplications", TargetType::Application)],
    );
    let all_users = targets(AccessType::Allowed, &[("AllUsers", TargetType::User)]);
    let only_cli = targets(AccessType::Allowed, &[(APP, TargetType::Application)]);
    let blocked_alice = targets(
        AccessType::Blocked,
        &[("00000000-0000-4000-8000-000000000102", TargetType::User)],
    );
    let cases = [
        (only_group.clone(), all_apps.clone(), true, APP, true),
        (only_group, all_apps.clone(), false, APP, false),
        (all_users.clone(), only_cli.clone(), false, APP, true),
        (all_users, only_cli, false, OTHER_APP, false),
        (blocked_alice, all_apps, false, APP, false),
    ];
    for (users, apps, in_group, client, expect) in cases {
        let mut alice = alice();
        if in_group {
            home_account_mut(&mut alice).groups.push(group);
        }
        alice.app = app(client);
        alice
            .resource
            .cross_tenant_default
            .b2b_collaboration_inbound = B2bSetting {
            users_and_groups: users,
            applications: apps,
        };
        assert_eq!(allowed(&alice), expect, "{:#?}", evaluate(&alice).trace);
    }
}

#[test]
fn outbound_is_checked_before_inbound_and_both_show_in_the_trace() {
    let mut alice = alice();
    home_mut(&mut alice)
        .cross_tenant_default
        .b2b_collaboration_outbound = B2bSetting::block_all();
    alice
        .resource
        .cross_tenant_default
        .b2b_collaboration_inbound = B2bSetting::block_all();
    assert_eq!(denial(&alice).code, 500212);
    assert_eq!(outcome_of(&alice, "homeOutbound"), Outcome::Failed);
    assert_eq!(outcome_of(&alice, "resourceInbound"), Outcome::Failed);
}

#[test]
fn guests_without_a_home_tenant_meet_the_default_inbound_setting() {
    let mut dave = dave();
    dave.resource.cross_tenant_default.b2b_collaboration_inbound = B2bSetting::block_all();
    let denial = denial(&dave);
    assert_eq!(denial.code, 500213);
    assert_eq!(outcome_of(&dave, "homeOutbound"), Outcome::NotApplicable);
}

#[test]
fn tenant_restrictions_v1_block_unlisted_tenants_and_log_to_the_context() {
    // (listed tenants, allowed)
    let cases = [
        (vec!["fabrikam.com", "adatum.onmicrosoft.com"], false),
        (vec!["CONTOSO.COM"], true),
        (vec![" 11111111-1111-4111-8111-111111111111"], true),
        (vec![], false),
    ];
    for (listed, expect) in cases {
        let mut sign_in = alice();
        sign_in.restrictions.v1 = Some(RestrictionsV1 {
            allowed: listed.iter().map(|s| (*s).to_owned()).collect(),
            context: Some(fabrikam()),
        });
        let evaluation = evaluate(&sign_in);
        assert_eq!(
            matches!(evaluation.decision, Decision::Allow { .. }),
            expect
        );
        if !expect {
            let Decision::Deny(denial) = evaluation.decision else {
                unreachable!()
            };
            assert_eq!((denial.code, denial.responsible), (500021, Party::Network));
            assert_eq!(denial.reason, "Access to 'Contoso' tenant is denied.");
            assert_eq!(evaluation.log_tenant, Some(fabrikam()));
        } else {
            assert_eq!(evaluation.log_tenant, None);
        }
    }
}

#[test]
fn tenant_restrictions_v2_follow_the_owners_policy() {
    let allow = B2bSetting::allow_all();
    let block = B2bSetting::block_all();
    // (owner, setting, allowed)
    let cases = [
        (fabrikam(), block.clone(), false),
        (fabrikam(), allow, true),
        (contoso(), block, true),
    ];
    for (owner, setting, expect) in cases {
        let mut sign_in = alice();
        sign_in.restrictions.v2 = Some(RestrictionsV2::Policy {
            owner,
            setting,
            from_partner_entry: false,
        });
        let evaluation = evaluate(&sign_in);
        assert_eq!(
            matches!(evaluation.decision, Decision::Allow { .. }),
            expect
        );
        if let Decision::Deny(denial) = evaluation.decision {
            assert_eq!((denial.code, denial.responsible), (5000211, Party::Network));
            assert_eq!(denial.responsible_tenant, Some(fabrikam()));
        }
    }
    let mut sign_in = alice();
    sign_in.restrictions.v2 = Some(RestrictionsV2::Unresolved {
        header: "nonsense".into(),
    });
    assert_eq!(denial(&sign_in).code, 5000211);
}

#[test]
fn tenant_restrictions_come_before_cross_tenant_settings() {
    let mut alice = alice();
    home_mut(&mut alice)
        .cross_tenant_default
        .b2b_collaboration_outbound = B2bSetting::block_all();
    alice.restrictions.v1 = Some(RestrictionsV1 {
        allowed: vec!["fabrikam.com".into()],
        context: None,
    });
    assert_eq!(denial(&alice).code, 500021);
}

#[test]
fn disabled_accounts_fail_where_they_are_disabled() {
    let mut at_home = alice();
    home_account_mut(&mut at_home).enabled = false;
    let denial_home = denial(&at_home);
    assert_eq!(
        (denial_home.code, denial_home.responsible),
        (50057, Party::Home)
    );
    let mut here = alice();
    here.user.enabled = false;
    let denial_here = denial(&here);
    assert_eq!(
        (denial_here.code, denial_here.responsible),
        (50057, Party::Resource)
    );
    assert!(denial_here.remediation.contains("guest account in Contoso"));
}

#[test]
fn assignment_required_admits_only_assigned_users() {
    let mut alice = alice();
    alice.app = app(OTHER_APP);
    alice.app.assignment_required = true;
    let denial = denial(&alice);
    assert_eq!((denial.code, denial.responsible), (50105, Party::Resource));
    assert!(denial.reason.contains("Contoso Payroll"));
    alice.app.assigned = true;
    assert!(allowed(&alice));
}

#[test]
fn invitation_time_inbound_judges_users_only() {
    let mut resource = TenantPolicies::defaults(contoso());
    let home_account = account(
        102,
        "alice@fabrikam.com",
        portico_model::user::UserType::Member,
    );
    assert!(
        portico_policy::inbound_admits(&resource, Some(&fabrikam()), Some(&home_account))
            .1
            .is_none()
    );
    // Only some apps allowed: still invitable.
    resource
        .cross_tenant_default
        .b2b_collaboration_inbound
        .applications = targets(AccessType::Allowed, &[(APP, TargetType::Application)]);
    assert!(
        portico_policy::inbound_admits(&resource, Some(&fabrikam()), Some(&home_account))
            .1
            .is_none()
    );
    resource.cross_tenant_default.b2b_collaboration_inbound = B2bSetting::block_all();
    let (_, denial) =
        portico_policy::inbound_admits(&resource, Some(&fabrikam()), Some(&home_account));
    assert_eq!(denial.unwrap().code, 500213);
}
