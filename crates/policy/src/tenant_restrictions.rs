//! Tenant restrictions: a network or device administrator limits which tenants may issue tokens
//! to requests that pass through them. Independent of the cross-tenant access settings.

use crate::cross_tenant::judge;
use crate::decision::{Denial, Outcome, Party, Step};
use crate::facts::{Account, AppFacts, RestrictionsV1, RestrictionsV2, TenantRef};

/// v1: `Restrict-Access-To-Tenants` must name the tenant that issues the token (AADSTS500021).
pub fn v1(restrictions: &RestrictionsV1, resource: &TenantRef) -> (Step, Option<Denial>) {
    let listed = restrictions.allowed.join(",");
    let setting = format!("Restrict-Access-To-Tenants: {listed}");
    let context = restrictions
        .context
        .as_ref()
        .map_or("an unnamed tenant".to_owned(), |t| t.display_name.clone());
    if restrictions
        .allowed
        .iter()
        .any(|name| resource.is_named_by(name))
    {
        let step = Step {
            check: "tenantRestrictionsV1",
            tenant: restrictions.context.clone(),
            outcome: Outcome::Passed,
            setting,
            detail: format!("The network allows {}.", resource.display_name),
        };
        return (step, None);
    }
    let denial = Denial {
        code: 500021,
        reason: format!("Access to '{}' tenant is denied.", resource.display_name),
        responsible: Party::Network,
        responsible_tenant: restrictions.context.clone(),
        setting: setting.clone(),
        remediation: format!(
            "Your network administrator (tenant restrictions of {context}) allows only {listed}. Ask them to add {} to Restrict-Access-To-Tenants, or use a network without this restriction. Neither organization's directory settings can change this.",
            resource.display_name
        ),
    };
    let step = Step {
        check: "tenantRestrictionsV1",
        tenant: restrictions.context.clone(),
        outcome: Outcome::Failed,
        setting,
        detail: format!("The network does not list {}.", resource.display_name),
    };
    (step, Some(denial))
}

/// v2: the policy owner's tenant-restrictions setting for the resource tenant (AADSTS5000211).
/// A tenant's own users and apps are never restricted by its own policy.
pub fn v2(
    restrictions: &RestrictionsV2,
    resource: &TenantRef,
    user: &Account,
    app: &AppFacts,
) -> (Step, Option<Denial>) {
    let reason = format!(
        "A tenant restrictions policy added to this request by a device or network administrator does not allow access to '{}'.",
        resource.display_name
    );
    match restrictions {
        RestrictionsV2::Unresolved { header } => {
            let setting = format!("sec-Restrict-Tenant-Access-Policy: {header}");
            let denial = Denial {
                code: 5000211,
                reason,
                responsible: Party::Network,
                responsible_tenant: None,
                setting: setting.clone(),
                remediation: "The tenant restrictions header added by your network or device does not name a known tenant policy (<tenant id>:<policy id>). Ask the administrator who configured it to fix it.".into(),
            };
            let step = Step {
                check: "tenantRestrictionsV2",
                tenant: None,
                outcome: Outcome::Failed,
                setting,
                detail: "The header names no known policy.".into(),
            };
            (step, Some(denial))
        }
        RestrictionsV2::Policy {
            owner,
            setting,
            from_partner_entry,
        } => {
            let source = if *from_partner_entry {
                format!("partner {}", resource.display_name)
            } else {
                "default".into()
            };
            if owner.id == resource.id {
                let step = Step {
                    check: "tenantRestrictionsV2",
                    tenant: Some(owner.clone()),
                    outcome: Outcome::Passed,
                    setting: format!("{} › tenant restrictions", owner.display_name),
                    detail: "A tenant's own resources are never restricted by its policy.".into(),
                };
                return (step, None);
            }
            let verdict = judge(setting, Some(user), Some(app));
            let path = format!(
                "{} › cross-tenant access › {source} › tenant restrictions › {}",
                owner.display_name, verdict.part
            );
            if verdict.allowed {
                let step = Step {
                    check: "tenantRestrictionsV2",
                    tenant: Some(owner.clone()),
                    outcome: Outcome::Passed,
                    setting: path,
                    detail: format!(
                        "{}'s policy allows {}.",
                        owner.display_name, resource.display_name
                    ),
                };
                return (step, None);
            }
            let denial = Denial {
                code: 5000211,
                reason,
                responsible: Party::Network,
                responsible_tenant: Some(owner.clone()),
                setting: path.clone(),
                remediation: format!(
                    "The device or network you use applies {owner}'s tenant restrictions, which block {resource}. Ask {owner}'s administrator to allow {resource} in its tenant restrictions ({source}), or use another device or network.",
                    owner = owner.display_name,
                    resource = resource.display_name,
                ),
            };
            let step = Step {
                check: "tenantRestrictionsV2",
                tenant: Some(owner.clone()),
                outcome: Outcome::Failed,
                setting: path,
                detail: format!(
                    "{}'s policy blocks {}.",
                    owner.display_name, resource.display_name
                ),
            };
            (step, Some(denial))
        }
    }
}
