//! Conditional Access and security defaults: conditions, grant controls, states, and how
//! policies combine.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use portico_model::conditional_access::*;
use portico_model::cross_tenant::{InboundTrust, PartnerConfiguration};
use portico_model::user::UserType;
use portico_policy::decision::{Decision, InterruptKind, Party, PolicyOutcome};
use portico_policy::evaluate;
use portico_policy::facts::*;
use support::*;
use BuiltInControl::*;

fn with(mut sign_in: SignIn, policies: Vec<ConditionalAccessPolicy>) -> SignIn {
    sign_in.resource.conditional_access = policies;
    sign_in
}

fn code(sign_in: &SignIn) -> Option<u32> {
    evaluate(sign_in).decision.code()
}

fn result(sign_in: &SignIn, n: usize) -> PolicyOutcome {
    evaluate(sign_in).policies[n].result
}

fn trust(sign_in: &mut SignIn, trust: InboundTrust) {
    let mut entry = PartnerConfiguration::inheriting(fabrikam().id);
    entry.inbound_trust = Some(trust);
    sign_in.resource.partner = Some(entry);
}

fn guests_excluded(mut policy: ConditionalAccessPolicy) -> ConditionalAccessPolicy {
    policy.conditions.users.exclude_users = vec!["GuestsOrExternalUsers".into()];
    policy
}

#[test]
fn all_users_includes_guests_unless_they_are_excluded() {
    let block = policy(1, "Block everyone", &[Block]);
    for sign_in in [member(), alice(), dave()] {
        assert_eq!(code(&with(sign_in, vec![block.clone()])), Some(53003));
    }
    let block_members = guests_excluded(block);
    assert_eq!(
        code(&with(member(), vec![block_members.clone()])),
        Some(53003)
    );
    assert_eq!(code(&with(alice(), vec![block_members.clone()])), None);
    assert_eq!(
        result(&with(alice(), vec![block_members]), 0),
        PolicyOutcome::NotApplied
    );
}

#[test]
fn states_decide_enforcement_and_report_only_never_blocks() {
    // (state, decision code, result)
    let cases = [
        (PolicyState::Enabled, Some(53003), PolicyOutcome::Failure),
        (
            PolicyState::EnabledForReportingButNotEnforced,
            None,
            PolicyOutcome::ReportOnlyFailure,
        ),
        (PolicyState::Disabled, None, PolicyOutcome::NotEnabled),
    ];
    for (state, expected_code, expected_result) in cases {
        let mut block = policy(1, "Block", &[Block]);
        block.state = state;
        let sign_in = with(alice(), vec![block]);
        assert_eq!(code(&sign_in), expected_code, "{state:?}");
        assert_eq!(result(&sign_in, 0), expected_result, "{state:?}");
    }
    let mut mfa = policy(2, "Guests must use MFA", &[Mfa]);
    mfa.state = PolicyState::EnabledForReportingButNotEnforced;
    let sign_in = with(alice(), vec![mfa]);
    assert_eq!(code(&sign_in), None);
    assert_eq!(result(&sign_in, 0), PolicyOutcome::ReportOnlyInterrupted);
}

#[test]
fn a_block_beats_every_grant() {
    let mut member = member();
    member.auth.mfa_here = true;
    let sign_in = with(
        member,
        vec![policy(1, "MFA", &[Mfa]), policy(2, "Block", &[Block])],
    );
    let evaluation = evaluate(&sign_in);
    let Decision::Deny(denial) = &evaluation.decision else {
        panic!()
    };
    assert!(denial.setting.contains("\"Block\""));
    assert_eq!(evaluation.policies[0].result, PolicyOutcome::Success);
    assert_eq!(evaluation.conditional_access_status(), "failure");
    // A block with other controls in the same policy still blocks.
    assert_eq!(
        code(&with(
            alice(),
            vec![policy(3, "Block or MFA", &[Mfa, Block])]
        )),
        Some(53003)
    );
}

#[test]
fn guests_register_and_use_mfa_in_the_resource_tenant_unless_home_mfa_is_trusted() {
    let mfa = || vec![policy(1, "Guests must use MFA", &[Mfa])];
    let interrupt = |sign_in: &SignIn| match evaluate(sign_in).decision {
        Decision::Interrupt(i) => (i.kind, i.code),
        other => panic!("{other:?}"),
    };
    let alice_new = with(alice(), mfa());
    assert_eq!(interrupt(&alice_new), (InterruptKind::RegisterMfa, 50079));
    let mut alice_registered = with(alice(), mfa());
    alice_registered.user.mfa_registered = true;
    assert_eq!(
        interrupt(&alice_registered),
        (InterruptKind::ChallengeMfa, 50076)
    );
    alice_registered.auth.mfa_here = true;
    assert_eq!(
        evaluate(&alice_registered).decision,
        Decision::Allow {
            mfa_from_home: false
        }
    );

    // Home MFA counts only with inbound trust.
    let mut home_mfa = with(alice(), mfa());
    home_mfa.auth.mfa_at_home = true;
    assert_eq!(interrupt(&home_mfa).0, InterruptKind::RegisterMfa);
    trust(
        &mut home_mfa,
        InboundTrust {
            is_mfa_accepted: true,
            ..Default::default()
        },
    );
    assert_eq!(
        evaluate(&home_mfa).decision,
        Decision::Allow {
            mfa_from_home: true
        }
    );
    // Trust without a home MFA claim still asks for MFA.
    home_mfa.auth.mfa_at_home = false;
    assert_eq!(interrupt(&home_mfa).0, InterruptKind::RegisterMfa);
}

#[test]
fn device_controls_for_guests_need_inbound_trust() {
    let compliant = || vec![policy(1, "Compliant devices", &[CompliantDevice])];
    let denial = |sign_in: &SignIn| match evaluate(sign_in).decision {
        Decision::Deny(d) => (d.code, d.responsible),
        other => panic!("{other:?}"),
    };
    let mut guest = with(alice(), compliant());
    guest.auth.device.compliant = true;
    assert_eq!(denial(&guest), (53000, Party::Resource));
    trust(
        &mut guest,
        InboundTrust {
            is_compliant_device_accepted: true,
            ..Default::default()
        },
    );
    assert_eq!(code(&guest), None);
    guest.auth.device.compliant = false;
    assert_eq!(denial(&guest), (53000, Party::Home));

    let mut megan = with(member(), compliant());
    assert_eq!(denial(&megan), (53000, Party::User));
    megan.auth.device.compliant = true;
    assert_eq!(code(&megan), None);

    let joined = with(alice(), vec![policy(2, "Joined", &[DomainJoinedDevice])]);
    assert_eq!(denial(&joined), (53001, Party::Resource));
    let approved = with(
        alice(),
        vec![policy(3, "Approved apps", &[ApprovedApplication])],
    );
    assert_eq!(denial(&approved), (53002, Party::Resource));
    let compliant_app = with(
        member(),
        vec![policy(4, "Compliant apps", &[CompliantApplication])],
    );
    assert_eq!(denial(&compliant_app), (53002, Party::Resource));
}

#[test]
fn operators_combine_controls() {
    let mut or_policy = policy(1, "MFA or compliant", &[Mfa, CompliantDevice]);
    let mut member_compliant = member();
    member_compliant.auth.device.compliant = true;
    assert_eq!(
        code(&with(member_compliant.clone(), vec![or_policy.clone()])),
        None
    );
    // OR: an interrupt the user can satisfy is offered before a control they cannot.
    assert_eq!(code(&with(member(), vec![or_policy.clone()])), Some(50079));
    or_policy.grant_controls.as_mut().unwrap().operator = GrantOperator::And;
    assert_eq!(
        code(&with(member_compliant.clone(), vec![or_policy.clone()])),
        Some(50079)
    );
    // AND: a control that cannot be satisfied denies even when another needs only the user.
    assert_eq!(code(&with(member(), vec![or_policy])), Some(53000));
}

#[test]
fn risk_from_the_home_tenant_blocks_guests_and_only_home_can_clear_it() {
    let mut block_risky = policy(1, "Block high-risk users", &[Block]);
    block_risky.conditions.user_risk_levels = vec![RiskLevel::High];
    let mut rick = guest_from(adatum(), 5, "rick@adatum.com");
    rick.risk.user = RiskLevel::High;
    let evaluation = evaluate(&with(rick.clone(), vec![block_risky.clone()]));
    let Decision::Deny(denial) = evaluation.decision else {
        panic!()
    };
    assert_eq!(denial.code, 530032);
    assert_eq!(denial.reason, "User blocked due to risk on home tenant.");
    assert_eq!(denial.responsible, Party::Home);
    assert_eq!(denial.responsible_tenant, Some(adatum()));
    assert!(denial
        .remediation
        .contains("Contoso's administrator cannot dismiss it"));
    rick.risk.user = RiskLevel::Low;
    assert_eq!(code(&with(rick, vec![block_risky.clone()])), None);
    let mut megan = member();
    megan.risk.user = RiskLevel::High;
    assert_eq!(code(&with(megan, vec![block_risky])), Some(53003));

    // A user-risk policy asking for a password change blocks guests (they cannot change it here).
    let mut change = policy(2, "Risky users change password", &[Mfa, PasswordChange]);
    change.grant_controls.as_mut().unwrap().operator = GrantOperator::And;
    change.conditions.user_risk_levels = vec![RiskLevel::High];
    let mut rick = guest_from(adatum(), 5, "rick@adatum.com");
    rick.risk.user = RiskLevel::High;
    assert_eq!(code(&with(rick, vec![change.clone()])), Some(530032));
    let mut megan = member();
    megan.risk.user = RiskLevel::High;
    megan.auth.mfa_here = true;
    assert_eq!(code(&with(megan, vec![change])), Some(50142));
}

#[test]
fn a_sign_in_risk_policy_does_not_let_a_guest_register_mfa() {
    let mut risky_mfa = policy(1, "Risky sign-ins need MFA", &[Mfa]);
    risky_mfa.conditions.sign_in_risk_levels = vec![RiskLevel::Medium, RiskLevel::High];
    let mut alice = alice();
    alice.risk.sign_in = RiskLevel::High;
    assert_eq!(
        code(&with(alice.clone(), vec![risky_mfa.clone()])),
        Some(53004)
    );
    alice.user.mfa_registered = true;
    assert_eq!(
        code(&with(alice.clone(), vec![risky_mfa.clone()])),
        Some(50076)
    );
    alice.risk.sign_in = RiskLevel::Low;
    assert_eq!(code(&with(alice, vec![risky_mfa])), None);
}

#[test]
fn terms_of_use_are_asked_once_and_after_mfa() {
    let terms = oid(555);
    let mut policy_terms = policy(1, "Guest terms", &[]);
    policy_terms.grant_controls.as_mut().unwrap().terms_of_use = vec![terms.to_string()];
    let sign_in = with(
        alice(),
        vec![policy(2, "MFA", &[Mfa]), policy_terms.clone()],
    );
    let Decision::Interrupt(first) = evaluate(&sign_in).decision else {
        panic!()
    };
    assert_eq!(first.kind, InterruptKind::RegisterMfa);
    let mut after_mfa = sign_in.clone();
    after_mfa.auth.mfa_here = true;
    let Decision::Interrupt(second) = evaluate(&after_mfa).decision else {
        panic!()
    };
    assert_eq!(
        second.kind,
        InterruptKind::AcceptTerms { terms: vec![terms] }
    );
    assert_eq!(second.code, 50158);
    after_mfa.terms_accepted.push(terms);
    assert_eq!(code(&after_mfa), None);
}

#[test]
fn locations_are_the_resource_tenants_own() {
    let office = named_ip(1, "Contoso office", "10.0.0.0/8", true);
    let mut block_outside = policy(1, "Block outside the office", &[Block]);
    block_outside.conditions.locations = Some(LocationConditions {
        include_locations: vec!["All".into()],
        exclude_locations: vec!["AllTrusted".into()],
    });
    let mut inside = with(alice(), vec![block_outside.clone()]);
    inside.resource.named_locations = vec![office.clone()];
    inside.client.ip = Some("10.1.2.3".parse().unwrap());
    assert_eq!(code(&inside), None);
    let mut outside = inside.clone();
    outside.client.ip = Some("192.0.2.1".parse().unwrap());
    assert_eq!(code(&outside), Some(53003));
    // Fabrikam's definition of the same range does not count in Contoso (S26).
    let mut fabrikam_only = inside.clone();
    fabrikam_only.resource.named_locations.clear();
    home_mut(&mut fabrikam_only).named_locations = vec![office.clone()];
    assert_eq!(code(&fabrikam_only), Some(53003));

    // Including a location by id applies only there.
    let mut block_office = policy(2, "Block the office", &[Block]);
    block_office.conditions.locations = Some(LocationConditions {
        include_locations: vec![office.id.to_string()],
        exclude_locations: Vec::new(),
    });
    let mut at_office = with(member(), vec![block_office]);
    at_office.resource.named_locations = vec![office];
    at_office.client.ip = Some("10.9.9.9".parse().unwrap());
    assert_eq!(code(&at_office), Some(53003));
    at_office.client.ip = Some("198.51.100.1".parse().unwrap());
    assert_eq!(code(&at_office), None);
}

#[test]
fn platforms_and_client_app_types_narrow_a_policy() {
    let mut ios_only = policy(1, "Block iOS", &[Block]);
    ios_only.conditions.platforms = Some(PlatformConditions {
        include_platforms: vec!["iOS".into()],
        exclude_platforms: Vec::new(),
    });
    let mut on_ios = with(member(), vec![ios_only]);
    on_ios.client.platform = Some(Platform::Ios);
    assert_eq!(code(&on_ios), Some(53003));
    on_ios.client.platform = Some(Platform::Windows);
    assert_eq!(code(&on_ios), None);
    on_ios.client.platform = None;
    assert_eq!(code(&on_ios), None);

    let mut browsers = policy(2, "Block browsers", &[Block]);
    browsers.conditions.client_app_types = vec!["browser".into()];
    let mut desktop = with(member(), vec![browsers]);
    assert_eq!(code(&desktop), Some(53003));
    desktop.client.app_type = ClientAppType::MobileAppsAndDesktopClients;
    assert_eq!(code(&desktop), None);
}

#[test]
fn guest_types_and_external_tenants_select_guests() {
    let mut policy = policy(1, "Block Fabrikam guests", &[Block]);
    policy.conditions.users.include_users.clear();
    policy.conditions.users.include_guests_or_external_users = Some(GuestsOrExternalUsers {
        guest_or_external_user_types: vec![GuestOrExternalUserType::B2bCollaborationGuest],
        external_tenants: ExternalTenants::Enumerated {
            members: vec![fabrikam().id],
        },
    });
    assert_eq!(code(&with(alice(), vec![policy.clone()])), Some(53003));
    assert_eq!(
        code(&with(
            guest_from(adatum(), 5, "rick@adatum.com"),
            vec![policy.clone()]
        )),
        None
    );
    assert_eq!(code(&with(dave(), vec![policy.clone()])), None);
    // An external member is not a b2bCollaborationGuest.
    let mut external_member = alice();
    external_member.user.user_type = UserType::Member;
    assert_eq!(
        code(&with(external_member.clone(), vec![policy.clone()])),
        None
    );
    policy.conditions.users.include_guests_or_external_users = Some(GuestsOrExternalUsers {
        guest_or_external_user_types: vec![GuestOrExternalUserType::B2bCollaborationMember],
        external_tenants: ExternalTenants::All,
    });
    assert_eq!(
        code(&with(external_member, vec![policy.clone()])),
        Some(53003)
    );
    // A local account with userType Guest is an internal guest.
    let mut internal = member();
    internal.user.user_type = UserType::Guest;
    assert_eq!(code(&with(internal.clone(), vec![policy.clone()])), None);
    policy.conditions.users.include_guests_or_external_users = Some(GuestsOrExternalUsers {
        guest_or_external_user_types: vec![GuestOrExternalUserType::InternalGuest],
        external_tenants: ExternalTenants::All,
    });
    assert_eq!(code(&with(internal, vec![policy])), Some(53003));
}

#[test]
fn users_groups_roles_and_apps_are_matched_with_exclusions_winning() {
    let group = oid(70);
    let admin_role = "62e90394-69f5-4237-9190-012177145e10".to_owned();
    let mut by_group = policy(1, "Block group", &[Block]);
    by_group.conditions.users.include_users.clear();
    by_group.conditions.users.include_groups = vec![group.to_string()];
    let mut in_group = member();
    in_group.user.groups.push(group);
    assert_eq!(
        code(&with(in_group.clone(), vec![by_group.clone()])),
        Some(53003)
    );
    assert_eq!(code(&with(member(), vec![by_group])), None);

    let mut by_role = policy(2, "Block admins", &[Block]);
    by_role.conditions.users.include_users.clear();
    by_role.conditions.users.include_roles = vec![admin_role.clone()];
    let mut admin = member();
    admin.user.roles.push(admin_role);
    assert_eq!(
        code(&with(admin.clone(), vec![by_role.clone()])),
        Some(53003)
    );
    by_role.conditions.users.exclude_users = vec![admin.user.id.to_string()];
    assert_eq!(code(&with(admin, vec![by_role])), None);

    let mut one_app = policy(3, "Block Payroll", &[Block]);
    one_app.conditions.applications.include_applications = vec![OTHER_APP.into()];
    assert_eq!(code(&with(member(), vec![one_app.clone()])), None);
    let mut payroll = member();
    payroll.app = app(OTHER_APP);
    assert_eq!(code(&with(payroll.clone(), vec![one_app])), Some(53003));
    let mut all_but_payroll = policy(4, "Block all but Payroll", &[Block]);
    all_but_payroll.conditions.applications.exclude_applications = vec![OTHER_APP.into()];
    assert_eq!(code(&with(payroll, vec![all_but_payroll])), None);

    let mut nobody = policy(5, "None", &[Block]);
    nobody.conditions.users.include_users = vec!["None".into()];
    assert_eq!(code(&with(member(), vec![nobody])), None);
}

#[test]
fn security_defaults_ask_mfa_of_members_only() {
    let mut member = member();
    member.resource.security_defaults = true;
    assert_eq!(code(&member), Some(50079));
    member.user.mfa_registered = true;
    assert_eq!(code(&member), Some(50076));
    member.auth.mfa_here = true;
    assert_eq!(code(&member), None);
    let mut alice = alice();
    alice.resource.security_defaults = true;
    assert_eq!(code(&alice), None);
}

#[test]
fn conditional_access_status_summarises_enforced_policies() {
    let none = with(member(), Vec::new());
    assert_eq!(evaluate(&none).conditional_access_status(), "notApplied");
    let mut mfa_done = with(member(), vec![policy(1, "MFA", &[Mfa])]);
    mfa_done.auth.mfa_here = true;
    assert_eq!(evaluate(&mfa_done).conditional_access_status(), "success");
    let blocked = with(member(), vec![policy(2, "Block", &[Block])]);
    assert_eq!(evaluate(&blocked).conditional_access_status(), "failure");
}
