//! Properties over generated policies and sign-ins: the engine never panics, and a `block` in
//! an enabled policy that applies always denies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use portico_model::conditional_access::*;
use portico_model::cross_tenant::{AccessType, B2bSetting, TargetType};
use portico_model::user::UserType;
use portico_policy::conditional_access::conditions::applies;
use portico_policy::decision::Decision;
use portico_policy::evaluate;
use portico_policy::facts::*;
use proptest::prelude::*;
use support::*;

fn control() -> impl Strategy<Value = BuiltInControl> {
    prop_oneof![
        Just(BuiltInControl::Block),
        Just(BuiltInControl::Mfa),
        Just(BuiltInControl::CompliantDevice),
        Just(BuiltInControl::DomainJoinedDevice),
        Just(BuiltInControl::ApprovedApplication),
        Just(BuiltInControl::CompliantApplication),
        Just(BuiltInControl::PasswordChange),
    ]
}

fn risk() -> impl Strategy<Value = RiskLevel> {
    prop_oneof![
        Just(RiskLevel::None),
        Just(RiskLevel::Low),
        Just(RiskLevel::Medium),
        Just(RiskLevel::High),
    ]
}

fn user_entry() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("All".to_owned()),
        Just("None".to_owned()),
        Just("GuestsOrExternalUsers".to_owned()),
        (1u32..6).prop_map(|n| oid(n).to_string()),
    ]
}

prop_compose! {
    fn generated_policy(n: u32)(
        state in prop_oneof![3 => Just(PolicyState::Enabled), 1 => Just(PolicyState::Disabled), 1 => Just(PolicyState::EnabledForReportingButNotEnforced)],
        include in prop_oneof![3 => Just(vec!["All".to_owned()]), 1 => prop::collection::vec(user_entry(), 0..3)],
        exclude in prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(user_entry(), 0..2)],
        apps in prop_oneof![3 => Just(vec!["All".to_owned()]), 1 => prop::collection::vec(prop_oneof![Just("All".to_owned()), Just(APP.to_owned()), Just(OTHER_APP.to_owned())], 0..2)],
        controls in prop::collection::vec(control(), 0..4),
        and in any::<bool>(),
        user_risk in prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(risk(), 1..3)],
        sign_in_risk in prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(risk(), 1..3)],
        terms in prop::bool::weighted(0.2),
        locations in prop::bool::weighted(0.2),
        types in prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(prop_oneof![Just("browser".to_owned()), Just("mobileAppsAndDesktopClients".to_owned()), Just("all".to_owned())], 1..3)],
    ) -> ConditionalAccessPolicy {
        let mut policy = policy(n, &format!("P{n}"), &controls);
        policy.state = state;
        policy.conditions.users.include_users = include;
        policy.conditions.users.exclude_users = exclude;
        policy.conditions.applications.include_applications = apps;
        policy.conditions.user_risk_levels = user_risk;
        policy.conditions.sign_in_risk_levels = sign_in_risk;
        policy.conditions.client_app_types = types;
        if locations {
            policy.conditions.locations = Some(LocationConditions {
                include_locations: vec!["All".into()],
                exclude_locations: vec!["AllTrusted".into(), oid(801).to_string()],
            });
        }
        let grant = policy.grant_controls.as_mut().unwrap();
        grant.operator = if and { GrantOperator::And } else { GrantOperator::Or };
        if terms {
            grant.terms_of_use = vec![oid(555).to_string(), "not-a-guid".into()];
        }
        policy
    }
}

prop_compose! {
    fn generated_sign_in()(
        who in 0u8..4,
        policies in prop::collection::vec((0u32..50).prop_flat_map(generated_policy), 0..5),
        mfa_here in any::<bool>(),
        mfa_home in any::<bool>(),
        registered in any::<bool>(),
        compliant in any::<bool>(),
        user_risk in risk(),
        sign_in_risk in risk(),
        trusted in any::<bool>(),
        blocked_inbound in any::<bool>(),
        enabled in any::<bool>(),
        ip in prop_oneof![Just(None), Just(Some("10.0.0.1")), Just(Some("2001:db8::1"))],
        security_defaults in any::<bool>(),
        assignment in any::<bool>(),
    ) -> SignIn {
        let mut sign_in = match who {
            0 => member(),
            1 => alice(),
            2 => dave(),
            _ => {
                let mut internal = member();
                internal.user.user_type = UserType::Guest;
                internal
            }
        };
        sign_in.resource.conditional_access = policies;
        sign_in.resource.named_locations = vec![named_ip(1, "Office", "10.0.0.0/8", trusted)];
        sign_in.resource.security_defaults = security_defaults;
        if blocked_inbound {
            sign_in.resource.cross_tenant_default.b2b_collaboration_inbound = B2bSetting {
                users_and_groups: targets(AccessType::Blocked, &[(&oid(102).to_string(), TargetType::User)]),
                applications: targets(AccessType::Allowed, &[("AllApplications", TargetType::Application)]),
            };
        }
        sign_in.auth = AuthFacts { mfa_here, mfa_at_home: mfa_home, device: DeviceClaims { compliant, domain_joined: false }, credentials_age_seconds: None };
        sign_in.user.mfa_registered = registered;
        sign_in.user.enabled = enabled;
        sign_in.risk = RiskFacts { user: user_risk, sign_in: sign_in_risk };
        sign_in.client.ip = ip.map(|ip| ip.parse().unwrap());
        sign_in.app.assignment_required = assignment;
        sign_in
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_and_a_block_that_applies_always_denies(sign_in in generated_sign_in()) {
        let evaluation = evaluate(&sign_in);
        let must_block = sign_in.resource.conditional_access.iter().any(|policy| {
            policy.state == PolicyState::Enabled
                && policy.grant_controls.as_ref().is_some_and(|g| g.built_in_controls.contains(&BuiltInControl::Block))
                && applies(policy, &sign_in).is_ok()
        });
        if must_block {
            prop_assert!(matches!(evaluation.decision, Decision::Deny(_)), "{:?}", evaluation.decision);
        }
        // Report-only and disabled policies never change the decision.
        let mut enforced_only = sign_in.clone();
        enforced_only.resource.conditional_access.retain(|p| p.state == PolicyState::Enabled);
        prop_assert_eq!(evaluate(&enforced_only).decision, evaluation.decision);
        // Every policy gets exactly one result, and the trace names every check once.
        prop_assert_eq!(evaluation.policies.len(), sign_in.resource.conditional_access.len());
        for check in ["tenantRestrictionsV1", "tenantRestrictionsV2", "accounts", "homeOutbound", "resourceInbound", "appAssignment", "securityDefaults", "conditionalAccess"] {
            prop_assert_eq!(evaluation.trace.iter().filter(|s| s.check == check).count(), 1, "{}", check);
        }
    }
}
