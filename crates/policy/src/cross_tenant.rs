//! Cross-tenant access settings: the home tenant's outbound and the resource tenant's inbound
//! B2B collaboration settings, each a partner entry or else the default.

use crate::decision::{Denial, Outcome, Party, Step};
use crate::facts::{Account, AppFacts, Origin, SignIn, TenantPolicies, TenantRef};
use portico_model::cross_tenant::{
    AccessType, B2bSetting, TargetType, Targets, ALL_APPLICATIONS, ALL_USERS,
};

/// Which setting of a tenant applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective<'a> {
    pub setting: &'a B2bSetting,
    /// "partner Contoso" or "default".
    pub source: String,
}

/// The B2B collaboration setting `policies` applies to the other tenant `other`, in one direction.
pub fn effective<'a>(
    policies: &'a TenantPolicies,
    other: Option<&TenantRef>,
    outbound: bool,
) -> Effective<'a> {
    let partner = policies.partner.as_ref().and_then(|p| {
        if outbound {
            p.b2b_collaboration_outbound.as_ref()
        } else {
            p.b2b_collaboration_inbound.as_ref()
        }
    });
    match (partner, other) {
        (Some(setting), Some(other)) => Effective {
            setting,
            source: format!("partner {}", other.display_name),
        },
        _ => Effective {
            setting: if outbound {
                &policies.cross_tenant_default.b2b_collaboration_outbound
            } else {
                &policies.cross_tenant_default.b2b_collaboration_inbound
            },
            source: "default".into(),
        },
    }
}

/// Whether a target list covers the user: everyone, the user's id, or one of their groups.
fn covers_user(targets: &Targets, user: Option<&Account>) -> bool {
    targets.targets.iter().any(|t| {
        t.target == ALL_USERS
            || user.is_some_and(|user| match t.target_type {
                TargetType::User => t.target.eq_ignore_ascii_case(&user.id.to_string()),
                TargetType::Group => user
                    .groups
                    .iter()
                    .any(|g| t.target.eq_ignore_ascii_case(&g.to_string())),
                TargetType::Application => false,
            })
    })
}

fn covers_app(targets: &Targets, app: Option<&AppFacts>) -> bool {
    targets.targets.iter().any(|t| {
        t.target == ALL_APPLICATIONS
            || app.is_some_and(|app| {
                t.target_type == TargetType::Application
                    && t.target.eq_ignore_ascii_case(&app.client_id.to_string())
            })
    })
}

/// Listed targets get the access type; everyone else gets the opposite.
fn allowed_by(targets: &Targets, covered: bool) -> bool {
    (targets.access_type == AccessType::Allowed) == covered
}

/// The verdict of one setting for a user and an app (`None` for "any app", at invitation time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    /// "users and groups: blocked (all users)" — the part that decided.
    pub part: String,
}

pub fn judge(setting: &B2bSetting, user: Option<&Account>, app: Option<&AppFacts>) -> Verdict {
    let users = &setting.users_and_groups;
    let user_ok = allowed_by(users, covers_user(users, user));
    if !user_ok {
        return Verdict {
            allowed: false,
            part: format!("users and groups: {}", describe(users, "all users")),
        };
    }
    // At invitation time there is no app yet: a user allowed for some app may be invited.
    let Some(app) = app else {
        return Verdict {
            allowed: true,
            part: format!("users and groups: {}", describe(users, "all users")),
        };
    };
    let apps = &setting.applications;
    let app_part = format!("applications: {}", describe(apps, "all applications"));
    if !allowed_by(apps, covers_app(apps, Some(app))) {
        return Verdict {
            allowed: false,
            part: app_part,
        };
    }
    Verdict {
        allowed: true,
        part: format!(
            "users and groups: {}; {app_part}",
            describe(users, "all users")
        ),
    }
}

fn describe(targets: &Targets, everyone: &str) -> String {
    let access = match targets.access_type {
        AccessType::Allowed => "allowed",
        AccessType::Blocked => "blocked",
    };
    if targets.names_all() {
        format!("{access} ({everyone})")
    } else {
        let names: Vec<&str> = targets.targets.iter().map(|t| t.target.as_str()).collect();
        format!("{access} ({})", names.join(", "))
    }
}

fn path(owner: &TenantRef, source: &str, direction: &str, part: &str) -> String {
    format!(
        "{} › cross-tenant access › {source} › B2B collaboration {direction} › {part}",
        owner.display_name
    )
}

/// The home tenant's outbound setting for the resource tenant (AADSTS500212).
pub fn home_outbound(
    home: &TenantPolicies,
    account: &Account,
    resource: &TenantRef,
    app: &AppFacts,
) -> (Step, Option<Denial>) {
    let effective = effective(home, Some(resource), true);
    let verdict = judge(effective.setting, Some(account), Some(app));
    let setting = path(&home.tenant, &effective.source, "outbound", &verdict.part);
    if verdict.allowed {
        let step = step(
            "homeOutbound",
            &home.tenant,
            Outcome::Passed,
            setting,
            format!(
                "{} lets {} reach {}.",
                home.tenant.display_name, account.name, resource.display_name
            ),
        );
        return (step, None);
    }
    let denial = Denial {
        code: 500212,
        reason: "The user's administrator has set an outbound access policy that doesn't allow access to the resource tenant.".into(),
        responsible: Party::Home,
        responsible_tenant: Some(home.tenant.clone()),
        setting: setting.clone(),
        remediation: format!(
            "An administrator of {home} (your organization) must allow B2B collaboration outbound to {resource} in {home}'s cross-tenant access settings ({source}). {resource}'s administrator cannot change this.",
            home = home.tenant.display_name,
            resource = resource.display_name,
            source = effective.source,
        ),
    };
    let step = step(
        "homeOutbound",
        &home.tenant,
        Outcome::Failed,
        setting,
        format!(
            "{} blocks {} from reaching {}.",
            home.tenant.display_name, account.name, resource.display_name
        ),
    );
    (step, Some(denial))
}

/// The resource tenant's inbound setting for the guest's home (AADSTS500213). `account` is the
/// home account (`None` for guests homed outside Portico, who match only "all users").
pub fn resource_inbound(
    resource: &TenantPolicies,
    home: Option<&TenantRef>,
    home_name: &str,
    account: Option<&Account>,
    app: Option<&AppFacts>,
) -> (Step, Option<Denial>) {
    let effective = effective(resource, home, false);
    let verdict = judge(effective.setting, account, app);
    let setting = path(
        &resource.tenant,
        &effective.source,
        "inbound",
        &verdict.part,
    );
    if verdict.allowed {
        let step = step(
            "resourceInbound",
            &resource.tenant,
            Outcome::Passed,
            setting,
            format!(
                "{} admits users from {home_name}.",
                resource.tenant.display_name
            ),
        );
        return (step, None);
    }
    let denial = Denial {
        code: 500213,
        reason: "The resource tenant's cross-tenant access policy doesn't allow this user to access this tenant.".into(),
        responsible: Party::Resource,
        responsible_tenant: Some(resource.tenant.clone()),
        setting: setting.clone(),
        remediation: format!(
            "An administrator of {resource} must allow B2B collaboration inbound from {home_name} in {resource}'s cross-tenant access settings ({source}). Your own organization cannot change this.",
            resource = resource.tenant.display_name,
            source = effective.source,
        ),
    };
    let step = step(
        "resourceInbound",
        &resource.tenant,
        Outcome::Failed,
        setting,
        format!(
            "{} does not admit this user from {home_name}.",
            resource.tenant.display_name
        ),
    );
    (step, Some(denial))
}

fn step(
    check: &'static str,
    tenant: &TenantRef,
    outcome: Outcome,
    setting: String,
    detail: String,
) -> Step {
    Step {
        check,
        tenant: Some(tenant.clone()),
        outcome,
        setting,
        detail,
    }
}

/// Automatic redemption (`automaticUserConsentSettings`): a guest from another Portico tenant
/// redeems without the consent page only when the resource tenant's entry for the home tenant
/// allows it inbound and the home tenant's entry for the resource tenant allows it outbound.
/// Tenant defaults never do (Entra keeps them `false`).
pub fn automatic_redemption(sign_in: &SignIn) -> bool {
    let Origin::Tenant { home, .. } = &sign_in.origin else {
        return false;
    };
    let inbound = sign_in
        .resource
        .partner
        .as_ref()
        .and_then(|p| p.automatic_user_consent_inbound);
    let outbound = home
        .partner
        .as_ref()
        .and_then(|p| p.automatic_user_consent_outbound);
    inbound == Some(true) && outbound == Some(true)
}
