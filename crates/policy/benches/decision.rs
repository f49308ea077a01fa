//! B2 (`quality/performance.md`): one sign-in decision for a B2B guest — tenant restrictions v2,
//! both tenants' cross-tenant settings with target lists, risk from home, and 0, 10 or 100
//! Conditional Access policies — against the same-run reference of one RS256 signature with the
//! library Portico signs with. Target: a decision costs ≤ 5% of a signature.
//! `scripts/bench.sh` runs it and writes the ratios to BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Bench code: a failed setup is a failed run.

#[path = "../tests/support/mod.rs"]
mod support;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::RSA_PKCS1_SHA256;
use criterion::{criterion_group, criterion_main, Criterion};
use portico_model::conditional_access::{BuiltInControl, RiskLevel};
use portico_model::cross_tenant::{AccessType, InboundTrust, TargetType};
use portico_policy::evaluate;
use portico_policy::facts::{RestrictionsV2, SignIn};
use std::hint::black_box;
use support::*;

/// Alice from Fabrikam signing in to Contoso, with `policies` Conditional Access policies of
/// which every tenth applies to her (MFA, satisfied at home through inbound trust).
fn guest_sign_in(policies: u32) -> SignIn {
    let mut sign_in = alice();
    sign_in.auth.mfa_at_home = true;
    sign_in.risk.user = RiskLevel::Low;
    let groups: Vec<(String, TargetType)> = (0..20)
        .map(|n| (oid(300 + n).to_string(), TargetType::Group))
        .collect();
    let listed: Vec<(&str, TargetType)> = groups.iter().map(|(g, t)| (g.as_str(), *t)).collect();
    let mut inbound = partner(fabrikam().id);
    inbound.inbound_trust = Some(InboundTrust {
        is_mfa_accepted: true,
        ..InboundTrust::default()
    });
    let mut collaboration = portico_model::cross_tenant::B2bSetting::allow_all();
    collaboration.users_and_groups = targets(AccessType::Blocked, &listed);
    inbound.b2b_collaboration_inbound = Some(collaboration.clone());
    sign_in.resource.partner = Some(inbound);
    let mut outbound = partner(contoso().id);
    outbound.b2b_collaboration_outbound = Some(collaboration.clone());
    home_mut(&mut sign_in).partner = Some(outbound);
    sign_in.restrictions.v2 = Some(RestrictionsV2::Policy {
        owner: fabrikam(),
        setting: portico_model::cross_tenant::B2bSetting::allow_all(),
        from_partner_entry: true,
    });
    sign_in.resource.conditional_access = (0..policies)
        .map(|n| {
            let mut policy = policy(n, &format!("Policy {n}"), &[BuiltInControl::Mfa]);
            if n % 10 != 0 {
                policy.conditions.users.include_users = vec![oid(5000 + n).to_string()];
                policy.conditions.users.exclude_groups = vec![oid(300 + n % 20).to_string()];
            } else {
                policy.conditions.users.include_users = vec!["GuestsOrExternalUsers".into()];
                policy.conditions.user_risk_levels = vec![RiskLevel::Low, RiskLevel::Medium];
            }
            policy
        })
        .collect();
    sign_in
}

fn b2(c: &mut Criterion) {
    let mut group = c.benchmark_group("B2");
    let pair = KeyPair::generate(KeySize::Rsa2048).expect("an RSA key");
    let rng = SystemRandom::new();
    let message = [7u8; 600];
    let mut signature = vec![0u8; pair.public_modulus_len()];
    group.bench_function("reference: one RS256 signature", |b| {
        b.iter(|| {
            pair.sign(&RSA_PKCS1_SHA256, &rng, black_box(&message), &mut signature)
                .expect("signed")
        })
    });
    for policies in [0, 10, 100] {
        let sign_in = guest_sign_in(policies);
        let decision = evaluate(&sign_in).decision;
        assert!(
            matches!(decision, portico_policy::decision::Decision::Allow { .. }),
            "the benchmarked sign-in is allowed: {decision:?}"
        );
        group.bench_function(format!("guest decision, {policies} policies"), |b| {
            b.iter(|| evaluate(black_box(&sign_in)))
        });
    }
    group.finish();
}

criterion_group!(benches, b2);
criterion_main!(benches);
