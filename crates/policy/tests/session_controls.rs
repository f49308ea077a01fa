//! Conditional Access session controls: sign-in frequency asks for credentials again when the
//! session or token is older than a policy allows; the persistent browser session decides whether
//! the session cookie outlives the browser.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use portico_model::conditional_access::*;
use portico_policy::decision::{Decision, InterruptKind, PolicyOutcome};
use portico_policy::evaluate;
use portico_policy::facts::*;
use support::*;

fn frequency(n: u32, hours: u32) -> ConditionalAccessPolicy {
    let mut policy = policy(n, &format!("Sign in every {hours} h"), &[]);
    policy.grant_controls = None;
    policy.session_controls = Some(SessionControls {
        sign_in_frequency: Some(SignInFrequency {
            is_enabled: true,
            interval: FrequencyInterval::TimeBased {
                value: hours,
                unit: FrequencyUnit::Hours,
            },
            secondary_only: false,
        }),
        persistent_browser: None,
    });
    policy
}

fn browser(n: u32, mode: PersistentBrowserMode) -> ConditionalAccessPolicy {
    let mut policy = policy(n, "Browser sessions", &[]);
    policy.grant_controls = None;
    policy.session_controls = Some(SessionControls {
        sign_in_frequency: None,
        persistent_browser: Some(PersistentBrowser {
            is_enabled: true,
            mode,
        }),
    });
    policy
}

fn aged(mut sign_in: SignIn, seconds: Option<i64>, stage: Stage) -> SignIn {
    sign_in.auth.credentials_age_seconds = seconds;
    sign_in.stage = stage;
    sign_in
}

#[test]
fn credentials_older_than_the_frequency_must_be_entered_again() {
    let policies = vec![frequency(1, 8)];
    let mut fresh = aged(member(), Some(8 * 3600), Stage::Interactive);
    fresh.resource.conditional_access = policies.clone();
    assert!(matches!(evaluate(&fresh).decision, Decision::Allow { .. }));
    assert_eq!(
        evaluate(&fresh).session.max_credentials_age_seconds,
        Some(8 * 3600)
    );

    let mut stale_session = aged(member(), Some(8 * 3600 + 1), Stage::Interactive);
    stale_session.resource.conditional_access = policies.clone();
    let Decision::Interrupt(interrupt) = evaluate(&stale_session).decision else {
        panic!("a stale session must be interrupted");
    };
    assert_eq!(interrupt.kind, InterruptKind::Reauthenticate);
    assert_eq!(interrupt.code, 70044);
    assert!(interrupt
        .setting
        .ends_with("Sign in every 8 h › sign-in frequency"));

    let mut stale_token = aged(alice(), Some(9 * 3600), Stage::Refresh);
    stale_token.resource.conditional_access = policies.clone();
    let Decision::Interrupt(interrupt) = evaluate(&stale_token).decision else {
        panic!("a stale refresh token must be refused");
    };
    assert_eq!(interrupt.code, 70043);
    assert!(interrupt
        .reason
        .contains("maximum allowed lifetime for this request is 28800 seconds"));

    // Credentials entered in this very sign-in are never too old.
    let mut just_now = aged(member(), None, Stage::Interactive);
    just_now.resource.conditional_access = policies;
    assert!(matches!(
        evaluate(&just_now).decision,
        Decision::Allow { .. }
    ));
}

#[test]
fn the_strictest_applied_enforced_frequency_counts() {
    let mut report_only = frequency(3, 1);
    report_only.state = PolicyState::EnabledForReportingButNotEnforced;
    let mut off = frequency(4, 1);
    off.state = PolicyState::Disabled;
    let mut sign_in = aged(member(), Some(3 * 3600), Stage::Interactive);
    sign_in.resource.conditional_access = vec![frequency(1, 12), frequency(2, 4), report_only, off];
    let evaluation = evaluate(&sign_in);
    assert!(matches!(evaluation.decision, Decision::Allow { .. }));
    assert_eq!(
        evaluation.session.max_credentials_age_seconds,
        Some(4 * 3600)
    );
    assert_eq!(
        evaluation.policies[2].result,
        PolicyOutcome::ReportOnlyInterrupted
    );

    let mut every_time = frequency(5, 1);
    if let Some(session) = &mut every_time.session_controls {
        if let Some(f) = &mut session.sign_in_frequency {
            f.interval = FrequencyInterval::EveryTime;
        }
    }
    let mut within_skew = aged(member(), Some(EVERY_TIME_SKEW_SECONDS), Stage::Interactive);
    within_skew.resource.conditional_access = vec![every_time.clone()];
    assert!(matches!(
        evaluate(&within_skew).decision,
        Decision::Allow { .. }
    ));
    let mut later = aged(
        member(),
        Some(EVERY_TIME_SKEW_SECONDS + 1),
        Stage::Interactive,
    );
    later.resource.conditional_access = vec![every_time];
    assert_eq!(evaluate(&later).decision.code(), Some(70044));
}

#[test]
fn a_frequency_only_limits_the_users_its_policy_applies_to_and_a_block_still_wins() {
    let mut guests_only = frequency(1, 1);
    guests_only.conditions.users.include_users = vec!["GuestsOrExternalUsers".into()];
    let mut member_sign_in = aged(member(), Some(7200), Stage::Interactive);
    member_sign_in.resource.conditional_access = vec![guests_only.clone()];
    assert!(matches!(
        evaluate(&member_sign_in).decision,
        Decision::Allow { .. }
    ));
    let mut guest_sign_in = aged(alice(), Some(7200), Stage::Interactive);
    guest_sign_in.resource.conditional_access = vec![guests_only.clone()];
    assert_eq!(evaluate(&guest_sign_in).decision.code(), Some(70044));

    let mut blocked = aged(alice(), Some(7200), Stage::Interactive);
    blocked.resource.conditional_access =
        vec![guests_only, policy(2, "Block", &[BuiltInControl::Block])];
    assert_eq!(evaluate(&blocked).decision.code(), Some(53003));
}

#[test]
fn never_persistent_wins_over_always_and_the_users_choice_stands_otherwise() {
    let mut sign_in = member();
    sign_in.resource.conditional_access = vec![];
    let none = evaluate(&sign_in).session;
    assert!(none.persistent(true));
    assert!(!none.persistent(false));

    sign_in.resource.conditional_access = vec![browser(1, PersistentBrowserMode::Always)];
    assert!(evaluate(&sign_in).session.persistent(false));

    sign_in.resource.conditional_access = vec![
        browser(1, PersistentBrowserMode::Never),
        browser(2, PersistentBrowserMode::Always),
    ];
    assert!(!evaluate(&sign_in).session.persistent(true));
}

#[test]
fn automatic_redemption_needs_both_partner_entries() {
    use portico_policy::cross_tenant::automatic_redemption;
    let mut sign_in = alice();
    assert!(
        !automatic_redemption(&sign_in),
        "defaults never redeem automatically"
    );
    let mut inbound = partner(fabrikam().id);
    inbound.automatic_user_consent_inbound = Some(true);
    sign_in.resource.partner = Some(inbound);
    assert!(
        !automatic_redemption(&sign_in),
        "the home tenant has not agreed"
    );
    let mut outbound = partner(contoso().id);
    outbound.automatic_user_consent_outbound = Some(true);
    home_mut(&mut sign_in).partner = Some(outbound);
    assert!(automatic_redemption(&sign_in));
    assert!(
        !automatic_redemption(&member()),
        "members have nothing to redeem"
    );
}
