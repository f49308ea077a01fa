//! Fixtures: the demo world's tenants and a builder for sign-ins and policies.

#![allow(dead_code)]

use portico_model::conditional_access::*;
use portico_model::cross_tenant::*;
use portico_model::user::UserType;
use portico_model::{ClientId, DomainName, ObjectId, TenantId};
use portico_policy::facts::*;

pub fn tenant(name: &str, id: &str, domain: &str) -> TenantRef {
    TenantRef {
        id: TenantId::parse(id).unwrap(),
        display_name: name.into(),
        domains: vec![DomainName::parse(domain).unwrap()],
    }
}

pub fn contoso() -> TenantRef {
    tenant(
        "Contoso",
        "11111111-1111-4111-8111-111111111111",
        "contoso.com",
    )
}
pub fn fabrikam() -> TenantRef {
    tenant(
        "Fabrikam",
        "22222222-2222-4222-8222-222222222222",
        "fabrikam.com",
    )
}
pub fn adatum() -> TenantRef {
    tenant(
        "Adatum",
        "33333333-3333-4333-8333-333333333333",
        "adatum.com",
    )
}
pub fn woodgrove() -> TenantRef {
    tenant(
        "Woodgrove Bank",
        "44444444-4444-4444-8444-444444444444",
        "woodgrovebank.com",
    )
}

pub fn oid(n: u32) -> ObjectId {
    ObjectId::parse(&format!("00000000-0000-4000-8000-{n:012}")).unwrap()
}

pub fn account(n: u32, name: &str, user_type: UserType) -> Account {
    Account {
        id: oid(n),
        display_name: name.into(),
        name: name.into(),
        user_type,
        enabled: true,
        groups: Vec::new(),
        roles: Vec::new(),
        mfa_registered: false,
    }
}

pub const APP: &str = "c0c0a003-0000-4000-8000-000000000003";
pub const OTHER_APP: &str = "c0c0a004-0000-4000-8000-000000000004";

pub fn app(client_id: &str) -> AppFacts {
    AppFacts {
        client_id: ClientId::parse(client_id).unwrap(),
        display_name: if client_id == APP {
            "Contoso CLI"
        } else {
            "Contoso Payroll"
        }
        .into(),
        assignment_required: false,
        assigned: false,
    }
}

/// Megan, a Contoso member, signing in to Contoso CLI in a browser.
pub fn member() -> SignIn {
    SignIn {
        stage: Stage::Interactive,
        resource: TenantPolicies::defaults(contoso()),
        user: account(1, "megan@contoso.com", UserType::Member),
        origin: Origin::Local,
        app: app(APP),
        client: ClientFacts {
            app_type: ClientAppType::Browser,
            ip: Some("203.0.113.7".parse().unwrap()),
            platform: Some(Platform::Windows),
        },
        auth: AuthFacts::default(),
        risk: RiskFacts::default(),
        terms_accepted: Vec::new(),
        restrictions: Restrictions::default(),
    }
}

/// A guest in Contoso whose home account (`n + 100` there) is in `home`.
pub fn guest_from(home: TenantRef, n: u32, name: &str) -> SignIn {
    let mut sign_in = member();
    sign_in.user = account(n, name, UserType::Guest);
    sign_in.origin = Origin::Tenant {
        home: Box::new(TenantPolicies::defaults(home)),
        account: account(n + 100, name, UserType::Member),
    };
    sign_in
}

pub fn alice() -> SignIn {
    guest_from(fabrikam(), 2, "alice@fabrikam.com")
}

/// Dave, a one-time-passcode guest.
pub fn dave() -> SignIn {
    let mut sign_in = member();
    sign_in.user = account(3, "dave@example.net", UserType::Guest);
    sign_in.origin = Origin::External {
        issuer: "mail".into(),
    };
    sign_in
}

pub fn home_mut(sign_in: &mut SignIn) -> &mut TenantPolicies {
    match &mut sign_in.origin {
        Origin::Tenant { home, .. } => home,
        _ => panic!("not a guest from a tenant"),
    }
}

pub fn home_account_mut(sign_in: &mut SignIn) -> &mut Account {
    match &mut sign_in.origin {
        Origin::Tenant { account, .. } => account,
        _ => panic!("not a guest from a tenant"),
    }
}

pub fn targets(access: AccessType, items: &[(&str, TargetType)]) -> Targets {
    Targets {
        access_type: access,
        targets: items
            .iter()
            .map(|(target, target_type)| Target {
                target: (*target).into(),
                target_type: *target_type,
            })
            .collect(),
    }
}

pub fn partner(id: TenantId) -> PartnerConfiguration {
    PartnerConfiguration::inheriting(id)
}

/// An enabled policy for all users and apps with the given controls.
pub fn policy(n: u32, name: &str, controls: &[BuiltInControl]) -> ConditionalAccessPolicy {
    ConditionalAccessPolicy {
        id: oid(900 + n),
        display_name: name.into(),
        description: None,
        state: PolicyState::Enabled,
        conditions: Conditions {
            users: UserConditions {
                include_users: vec!["All".into()],
                ..Default::default()
            },
            applications: ApplicationConditions {
                include_applications: vec!["All".into()],
                exclude_applications: Vec::new(),
            },
            ..Default::default()
        },
        grant_controls: Some(GrantControls {
            operator: GrantOperator::Or,
            built_in_controls: controls.to_vec(),
            terms_of_use: Vec::new(),
        }),
        session_controls: None,
        created_at: chrono::DateTime::UNIX_EPOCH,
        modified_at: None,
    }
}

pub fn named_ip(n: u32, name: &str, range: &str, trusted: bool) -> NamedLocation {
    NamedLocation {
        id: oid(800 + n),
        display_name: name.into(),
        location: LocationKind::Ip {
            ranges: vec![range.into()],
            is_trusted: trusted,
        },
        created_at: chrono::DateTime::UNIX_EPOCH,
        modified_at: None,
    }
}
