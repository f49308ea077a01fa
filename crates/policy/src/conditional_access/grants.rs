//! Grant controls: whether each is satisfied by this sign-in, can be satisfied by the user now
//! (an interrupt), or cannot be (a denial naming who must act).

use crate::decision::{Denial, Interrupt, InterruptKind, Party};
use crate::facts::{Origin, SignIn, TenantRef};
use portico_model::conditional_access::{BuiltInControl, ConditionalAccessPolicy};
use portico_model::ObjectId;

/// The state of one control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    Satisfied { by_home_mfa: bool },
    Interrupt(Interrupt),
    Unsatisfiable(Denial),
}

pub fn control_name(control: BuiltInControl) -> &'static str {
    match control {
        BuiltInControl::Block => "block",
        BuiltInControl::Mfa => "mfa",
        BuiltInControl::CompliantDevice => "compliantDevice",
        BuiltInControl::DomainJoinedDevice => "domainJoinedDevice",
        BuiltInControl::ApprovedApplication => "approvedApplication",
        BuiltInControl::CompliantApplication => "compliantApplication",
        BuiltInControl::PasswordChange => "passwordChange",
    }
}

pub(crate) fn setting(policy: &ConditionalAccessPolicy, sign_in: &SignIn, part: &str) -> String {
    format!(
        "{} › Conditional Access › \"{}\" › {part}",
        sign_in.resource.tenant.display_name, policy.display_name
    )
}

fn home_name(sign_in: &SignIn) -> String {
    match &sign_in.origin {
        Origin::Tenant { home, .. } => home.tenant.display_name.clone(),
        Origin::External { issuer } => format!("your identity provider ({issuer})"),
        Origin::Local => sign_in.resource.tenant.display_name.clone(),
    }
}

fn home_tenant(sign_in: &SignIn) -> Option<TenantRef> {
    sign_in.origin.home_tenant().cloned()
}

/// A block, or a control a guest can never satisfy. A policy that matched on user risk blocks a
/// guest "because of risk on the home tenant" (`docs/decisions.md` 14): only home can remediate it.
pub fn blocked(policy: &ConditionalAccessPolicy, sign_in: &SignIn, what: &str) -> Denial {
    let resource = &sign_in.resource.tenant;
    let risk_based = !policy.conditions.user_risk_levels.is_empty();
    if risk_based && sign_in.origin.is_external() {
        return Denial {
            code: 530032,
            reason: "User blocked due to risk on home tenant.".into(),
            responsible: Party::Home,
            responsible_tenant: home_tenant(sign_in),
            setting: setting(policy, sign_in, &format!("user risk {} › {what}", sign_in.risk.user.name())),
            remediation: format!(
                "Your account is blocked. We've detected suspicious activity on your account, and {resource} restricts at-risk users. An administrator of {home} must remediate or dismiss the risk on your account there, or you reset your password at {home}. {resource}'s administrator cannot dismiss it.",
                resource = resource.display_name,
                home = home_name(sign_in),
            ),
        };
    }
    Denial {
        code: 53003,
        reason: "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.".into(),
        responsible: Party::Resource,
        responsible_tenant: Some(resource.clone()),
        setting: setting(policy, sign_in, what),
        remediation: format!(
            "{}'s Conditional Access policy \"{}\" blocks this sign-in. Only an administrator of {} can change or exclude you from it.",
            resource.display_name, policy.display_name, resource.display_name
        ),
    }
}

/// MFA: in the resource tenant, or at home when the resource's inbound trust accepts it (S13).
pub fn mfa(policy: &ConditionalAccessPolicy, sign_in: &SignIn) -> Control {
    if sign_in.auth.mfa_here {
        return Control::Satisfied { by_home_mfa: false };
    }
    let external = sign_in.origin.is_external();
    let trusted = external && sign_in.resource.inbound_trust().is_mfa_accepted;
    if trusted && sign_in.auth.mfa_at_home {
        return Control::Satisfied { by_home_mfa: true };
    }
    let resource = &sign_in.resource.tenant.display_name;
    // A guest must not register MFA while a sign-in risk policy holds them (an attacker would).
    if external && !sign_in.user.mfa_registered && !policy.conditions.sign_in_risk_levels.is_empty()
    {
        return Control::Unsatisfiable(Denial {
            code: 53004,
            reason: "User needs to complete Multi-factor authentication registration process before accessing this content. Registration is blocked because of sign-in risk.".into(),
            responsible: Party::Resource,
            responsible_tenant: Some(sign_in.resource.tenant.clone()),
            setting: setting(policy, sign_in, "sign-in risk › mfa"),
            remediation: format!("{resource} requires MFA because this sign-in looks risky, and you have no authenticator registered in {resource}. An administrator of {resource} must help you register one, or exclude you from the policy."),
        });
    }
    let (kind, code, verb) = if sign_in.user.mfa_registered {
        (InterruptKind::ChallengeMfa, 50076, "use")
    } else {
        (InterruptKind::RegisterMfa, 50079, "enroll in")
    };
    Control::Interrupt(Interrupt {
        kind,
        code,
        reason: format!(
            "Due to a configuration change made by your administrator, or because you moved to a new location, you must {verb} multi-factor authentication to access '{resource}'."
        ),
        setting: setting(policy, sign_in, "grant › mfa"),
    })
}

/// Device controls: a member's own device state, or a guest's home device claims when the
/// resource's inbound trust accepts them (devices are managed only by the home tenant).
fn device(policy: &ConditionalAccessPolicy, sign_in: &SignIn, joined: bool) -> Control {
    let (state, code, name) = if joined {
        (sign_in.auth.device.domain_joined, 53001, "domain joined")
    } else {
        (sign_in.auth.device.compliant, 53000, "compliant")
    };
    if !sign_in.origin.is_external() {
        if state {
            return Control::Satisfied { by_home_mfa: false };
        }
        return Control::Unsatisfiable(Denial {
            code,
            reason: format!("Device is not in required device state: {name}. Conditional Access policy requires a {name} device, and the device is not {name}."),
            responsible: Party::User,
            responsible_tenant: None,
            setting: setting(policy, sign_in, &format!("grant › {}", if joined { "domainJoinedDevice" } else { "compliantDevice" })),
            remediation: format!("Sign in from a {name} device managed by {}.", sign_in.resource.tenant.display_name),
        });
    }
    let trust = sign_in.resource.inbound_trust();
    let accepted = if joined {
        trust.is_hybrid_azure_ad_joined_device_accepted
    } else {
        trust.is_compliant_device_accepted
    };
    let resource = &sign_in.resource.tenant.display_name;
    let home = home_name(sign_in);
    let part = format!(
        "grant › {} (inbound trust: {})",
        if joined {
            "domainJoinedDevice"
        } else {
            "compliantDevice"
        },
        if accepted { "accepted" } else { "not accepted" }
    );
    if !accepted {
        return Control::Unsatisfiable(Denial {
            code,
            reason: format!("Device is not in required device state: {name}. Conditional Access policy requires a {name} device, and the device is not {name}."),
            responsible: Party::Resource,
            responsible_tenant: Some(sign_in.resource.tenant.clone()),
            setting: setting(policy, sign_in, &part),
            remediation: format!("{resource} requires a {name} device but does not accept device claims from {home}. An administrator of {resource} must turn on inbound trust for {name} devices from {home}, or exclude guests from the policy."),
        });
    }
    if state {
        return Control::Satisfied { by_home_mfa: false };
    }
    Control::Unsatisfiable(Denial {
        code,
        reason: format!("Device is not in required device state: {name}. Conditional Access policy requires a {name} device, and the device is not {name}."),
        responsible: Party::Home,
        responsible_tenant: home_tenant(sign_in),
        setting: setting(policy, sign_in, &part),
        remediation: format!("{resource} accepts {name}-device claims from {home}, but {home} does not report this device as {name}. Use a device your organization manages, or ask {home}'s administrator."),
    })
}

/// One built-in control.
pub fn built_in(
    policy: &ConditionalAccessPolicy,
    sign_in: &SignIn,
    control: BuiltInControl,
) -> Control {
    let resource = &sign_in.resource.tenant.display_name;
    match control {
        BuiltInControl::Block => Control::Unsatisfiable(blocked(policy, sign_in, "grant › block")),
        BuiltInControl::Mfa => mfa(policy, sign_in),
        BuiltInControl::CompliantDevice => device(policy, sign_in, false),
        BuiltInControl::DomainJoinedDevice => device(policy, sign_in, true),
        BuiltInControl::ApprovedApplication | BuiltInControl::CompliantApplication => {
            Control::Unsatisfiable(Denial {
                code: 53002,
                reason: "Application used is not an approved application for Conditional Access access.".into(),
                responsible: Party::Resource,
                responsible_tenant: Some(sign_in.resource.tenant.clone()),
                setting: setting(policy, sign_in, &format!("grant › {}", control_name(control))),
                remediation: format!("{resource}'s policy \"{}\" requires an app protected by Intune, which guests can never satisfy and Portico does not model. An administrator of {resource} must exclude this user or app.", policy.display_name),
            })
        }
        BuiltInControl::PasswordChange => {
            if sign_in.origin.is_external() {
                // Guests cannot change their password in the resource tenant.
                return Control::Unsatisfiable(blocked(policy, sign_in, "grant › passwordChange"));
            }
            Control::Unsatisfiable(Denial {
                code: 50142,
                reason: "Password change is required due to a conditional access policy.".into(),
                responsible: Party::User,
                responsible_tenant: None,
                setting: setting(policy, sign_in, "grant › passwordChange"),
                remediation: "Change your password (Graph POST /me/changePassword, or ask an administrator to reset it), then sign in again.".into(),
            })
        }
    }
}

/// Terms of use: every listed agreement must have been accepted once.
pub fn terms(policy: &ConditionalAccessPolicy, sign_in: &SignIn, required: &[String]) -> Control {
    let missing: Vec<ObjectId> = required
        .iter()
        .filter_map(|id| ObjectId::parse(id).ok())
        .filter(|id| !sign_in.terms_accepted.contains(id))
        .collect();
    if missing.is_empty() {
        return Control::Satisfied { by_home_mfa: false };
    }
    Control::Interrupt(Interrupt {
        kind: InterruptKind::AcceptTerms { terms: missing },
        code: 50158,
        reason: format!(
            "{} requires you to accept its terms of use.",
            sign_in.resource.tenant.display_name
        ),
        setting: setting(policy, sign_in, "grant › termsOfUse"),
    })
}
