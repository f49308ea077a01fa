//! Snapshot tests of decision traces: the text `portico what-if` prints for the FAQ's cases.
//! A change to a trace is a change to what admins read; update the expected text deliberately.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use portico_model::conditional_access::{BuiltInControl, PolicyState, RiskLevel};
use portico_model::cross_tenant::B2bSetting;
use portico_policy::evaluate;
use portico_policy::facts::RestrictionsV1;
use portico_policy::report::render;
use support::*;

fn snapshot(name: &str, actual: &str) {
    let path = format!("{}/tests/snapshots/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("PORTICO_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("no snapshot {path}; run with PORTICO_UPDATE_SNAPSHOTS=1 once and review it")
    });
    assert_eq!(actual, expected, "trace {name} changed");
}

#[test]
fn s09a_woodgrove_outbound_block() {
    let mut eve = guest_from(woodgrove(), 4, "eve@woodgrovebank.com");
    let mut entry = partner(contoso().id);
    entry.b2b_collaboration_outbound = Some(B2bSetting::block_all());
    home_mut(&mut eve).partner = Some(entry);
    snapshot("s09a_outbound_block", &render(&evaluate(&eve)));
}

#[test]
fn s11_tenant_restrictions_v1() {
    let mut alice = alice();
    alice.restrictions.v1 = Some(RestrictionsV1 {
        allowed: vec!["fabrikam.com".into(), "adatum.onmicrosoft.com".into()],
        context: Some(fabrikam()),
    });
    snapshot("s11_tenant_restrictions", &render(&evaluate(&alice)));
}

#[test]
fn s12_home_risk_with_the_demo_policies() {
    let mut rick = guest_from(adatum(), 5, "rick@adatum.com");
    rick.risk.user = RiskLevel::High;
    let mut block = policy(1, "Block high-risk users", &[BuiltInControl::Block]);
    block.conditions.user_risk_levels = vec![RiskLevel::High];
    let mut mfa = policy(2, "Guests must use MFA", &[BuiltInControl::Mfa]);
    mfa.state = PolicyState::EnabledForReportingButNotEnforced;
    mfa.conditions.users.include_users = vec!["GuestsOrExternalUsers".into()];
    rick.resource.conditional_access = vec![block, mfa];
    snapshot("s12_home_risk", &render(&evaluate(&rick)));
}

#[test]
fn s13_guest_mfa_then_allowed() {
    let mut alice = alice();
    alice.resource.conditional_access =
        vec![policy(2, "Guests must use MFA", &[BuiltInControl::Mfa])];
    snapshot("s13_register_mfa", &render(&evaluate(&alice)));
    alice.auth.mfa_here = true;
    alice.user.mfa_registered = true;
    snapshot("s13_allowed", &render(&evaluate(&alice)));
}
