//! The cross-tenant settings form, shared by the default and a partner: B2B collaboration
//! inbound and outbound and tenant restrictions (each: users and groups, applications — allowed
//! or blocked, all or specific), and inbound trust. A partner's setting may inherit the default.
//! Targets go through Graph's `TargetConfigurationBody::to_model`, then the use case's rules.

use super::form::FormValues;
use portico_app::directory::{B2bSettingInput, Change, InboundTrustInput};
use portico_model::cross_tenant::{
    B2bSetting, InboundTrust, TargetType, Targets, ALL_APPLICATIONS, ALL_USERS,
};
use portico_model::Invalid;
use portico_wire::graph::cross_tenant::{
    access_type_name, target_type_name, TargetConfigurationBody,
};

/// The settings the form edits: (Graph property, title, what it decides).
pub const SETTINGS: [(&str, &str, &str); 3] = [
    ("b2bCollaborationInbound", "B2B collaboration inbound", "Users of the other organization coming here as guests, and which of this tenant's applications they may use."),
    ("b2bCollaborationOutbound", "B2B collaboration outbound", "This tenant's users going to the other organization as guests, and which of its applications they may use."),
    ("tenantRestrictions", "Tenant restrictions", "Which external accounts and applications this tenant's users may use on devices and networks that send this tenant's restriction header."),
];

const TRUST: [(&str, &str); 3] = [
    (
        "isMfaAccepted",
        "Trust multifactor authentication from the guest's home organization",
    ),
    ("isCompliantDeviceAccepted", "Trust compliant devices"),
    (
        "isHybridAzureADJoinedDeviceAccepted",
        "Trust Microsoft Entra hybrid joined devices",
    ),
];

/// One setting as the form shows it.
pub struct SettingView {
    pub name: &'static str,
    pub title: &'static str,
    pub hint: &'static str,
    pub inherit: bool,
    pub users_access: String,
    pub users_all: bool,
    pub users: String,
    pub groups: String,
    pub apps_access: String,
    pub apps_all: bool,
    pub apps: String,
}

pub struct TrustView {
    pub inherit: bool,
    /// (property, label, ticked)
    pub flags: Vec<(&'static str, &'static str, bool)>,
}

fn push(pairs: &mut Vec<(String, String)>, name: String, value: &str) {
    pairs.push((name, value.to_owned()));
}

fn targets_pairs(pairs: &mut Vec<(String, String)>, at: &str, targets: &Targets) {
    push(
        pairs,
        format!("{at}.accessType"),
        access_type_name(targets.access_type),
    );
    let all = targets.names_all();
    push(
        pairs,
        format!("{at}.scope"),
        if all { "all" } else { "specific" },
    );
    for t in targets.targets.iter().filter(|_| !all) {
        let list = match t.target_type {
            TargetType::User => "users",
            TargetType::Group => "groups",
            TargetType::Application => "apps",
        };
        push(pairs, format!("{at}.{list}"), &t.target);
    }
}

/// The form's pairs for stored settings; `None` for a partner's setting that inherits
/// (shown with the default's values, ready to customise).
pub fn settings_pairs(
    settings: [(Option<&B2bSetting>, &B2bSetting); 3],
    trust: (Option<InboundTrust>, InboundTrust),
) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for ((name, _, _), (own, inherited)) in SETTINGS.iter().zip(settings) {
        push(
            &mut pairs,
            format!("{name}.mode"),
            if own.is_some() { "custom" } else { "inherit" },
        );
        let setting = own.unwrap_or(inherited);
        targets_pairs(
            &mut pairs,
            &format!("{name}.usersAndGroups"),
            &setting.users_and_groups,
        );
        targets_pairs(
            &mut pairs,
            &format!("{name}.applications"),
            &setting.applications,
        );
    }
    let (own, inherited) = trust;
    push(
        &mut pairs,
        "inboundTrust.mode".into(),
        if own.is_some() { "custom" } else { "inherit" },
    );
    let t = own.unwrap_or(inherited);
    for (name, on) in [
        ("isMfaAccepted", t.is_mfa_accepted),
        ("isCompliantDeviceAccepted", t.is_compliant_device_accepted),
        (
            "isHybridAzureADJoinedDeviceAccepted",
            t.is_hybrid_azure_ad_joined_device_accepted,
        ),
    ] {
        if on {
            push(&mut pairs, format!("inboundTrust.{name}"), "true");
        }
    }
    pairs
}

pub fn setting_views(values: &FormValues) -> Vec<SettingView> {
    SETTINGS
        .iter()
        .map(|(name, title, hint)| {
            let users = format!("{name}.usersAndGroups");
            let apps = format!("{name}.applications");
            SettingView {
                name,
                title,
                hint,
                inherit: values.first(&format!("{name}.mode")) == "inherit",
                users_access: values.first(&format!("{users}.accessType")).to_owned(),
                users_all: values.first(&format!("{users}.scope")) != "specific",
                users: values.text(&format!("{users}.users")),
                groups: values.text(&format!("{users}.groups")),
                apps_access: values.first(&format!("{apps}.accessType")).to_owned(),
                apps_all: values.first(&format!("{apps}.scope")) != "specific",
                apps: values.text(&format!("{apps}.apps")),
            }
        })
        .collect()
}

pub fn trust_view(values: &FormValues) -> TrustView {
    TrustView {
        inherit: values.first("inboundTrust.mode") == "inherit",
        flags: TRUST
            .iter()
            .map(|(name, label)| {
                (
                    *name,
                    *label,
                    values.has(&format!("inboundTrust.{name}"), "true"),
                )
            })
            .collect(),
    }
}

/// One half as Graph would receive it, judged by Graph's parsing.
fn targets(values: &FormValues, at: &str, users: bool) -> Result<Targets, Invalid> {
    let list: Vec<(String, &str)> = if values.first(&format!("{at}.scope")) != "specific" {
        let keyword = if users { ALL_USERS } else { ALL_APPLICATIONS };
        let kind = if users {
            TargetType::User
        } else {
            TargetType::Application
        };
        vec![(keyword.to_owned(), target_type_name(kind))]
    } else if users {
        let named = |list: &str, kind| {
            values
                .list(&format!("{at}.{list}"))
                .into_iter()
                .map(move |id| (id, target_type_name(kind)))
        };
        named("users", TargetType::User)
            .chain(named("groups", TargetType::Group))
            .collect()
    } else {
        values
            .list(&format!("{at}.apps"))
            .into_iter()
            .map(|id| (id, target_type_name(TargetType::Application)))
            .collect()
    };
    TargetConfigurationBody::from_form(values.first(&format!("{at}.accessType")), list).to_model(at)
}

/// The change to one setting (`Inherit` only where the form offers it: partners).
pub fn setting_change(values: &FormValues, name: &str) -> Result<Change<B2bSettingInput>, Invalid> {
    if values.first(&format!("{name}.mode")) == "inherit" {
        return Ok(Change::Inherit);
    }
    Ok(Change::Set(B2bSettingInput {
        users_and_groups: Some(targets(values, &format!("{name}.usersAndGroups"), true)?),
        applications: Some(targets(values, &format!("{name}.applications"), false)?),
    }))
}

pub fn trust_change(values: &FormValues) -> Change<InboundTrustInput> {
    if values.first("inboundTrust.mode") == "inherit" {
        return Change::Inherit;
    }
    let flag = |name: &str| Some(values.has(&format!("inboundTrust.{name}"), "true"));
    Change::Set(InboundTrustInput {
        is_mfa_accepted: flag("isMfaAccepted"),
        is_compliant_device_accepted: flag("isCompliantDeviceAccepted"),
        is_hybrid_azure_ad_joined_device_accepted: flag("isHybridAzureADJoinedDeviceAccepted"),
    })
}
