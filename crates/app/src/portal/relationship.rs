//! The relationship view (beyond Entra, which shows one tenant's half): for a home tenant and a
//! resource tenant, the home's outbound setting next to the resource's inbound one, the
//! resource's inbound trust and its Conditional Access policies that name guests, and for each
//! user group and app either setting names, the outcome — judged by the policy engine's own
//! cross-tenant checks, so a blocked combination says which tenant must change which setting.
//!
//! The caller reads its own tenant's half with `GetCrossTenantPolicy`. The other tenant's half
//! belongs to that tenant's administrators: Portico shows it in dev mode only (where the
//! control API's what-if already evaluates any two tenants), and otherwise leaves it out.

use crate::directory::{Caller, GraphError, Operation};
use crate::sign_in_policy::facts::tenant_ref;
use crate::App;
use portico_model::cross_tenant::{B2bSetting, InboundTrust, TargetType, Targets};
use portico_model::tenant::Tenant;
use portico_model::user::UserType;
use portico_model::{ClientId, ObjectId};
use portico_policy::cross_tenant::{effective, home_outbound, resource_inbound};
use portico_policy::decision::{Denial, Step};
use portico_policy::facts::{Account, AppFacts, TenantPolicies};

/// One tenant's effective setting toward the other.
#[derive(Debug, Clone)]
pub struct HalfView {
    /// "partner Contoso" or "default".
    pub source: String,
    pub users: String,
    pub applications: String,
}

/// One combination of a user group and an app, judged in both tenants.
#[derive(Debug, Clone)]
pub struct Combination {
    pub who: String,
    pub app: String,
    pub steps: Vec<Step>,
    /// Empty when allowed; else each tenant's refusal with its setting and remediation.
    pub denials: Vec<Denial>,
    /// `None` when a half could not be read.
    pub allowed: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Relationship {
    pub home: Tenant,
    pub resource: Tenant,
    pub outbound: Option<HalfView>,
    pub inbound: Option<HalfView>,
    pub trust: Option<InboundTrust>,
    /// Conditional Access of the resource that names guests: (name, state).
    pub guest_policies: Option<Vec<(String, String)>>,
    pub combinations: Vec<Combination>,
}

fn describe(targets: &Targets) -> String {
    let access = format!("{:?}", targets.access_type).to_lowercase();
    let names: Vec<&str> = targets.targets.iter().map(|t| t.target.as_str()).collect();
    format!("{access}: {}", names.join(", "))
}

fn half(setting: &B2bSetting, source: String) -> HalfView {
    HalfView {
        source,
        users: describe(&setting.users_and_groups),
        applications: describe(&setting.applications),
    }
}

/// A stand-in user of the home tenant: nobody in particular, or one listed user or group.
fn someone(target: Option<(&str, TargetType)>) -> Account {
    let id =
        |t: &str| ObjectId::parse(t).unwrap_or_else(|_| ObjectId::from_uuid(uuid::Uuid::nil()));
    let (user, groups) = match target {
        Some((t, TargetType::User)) => (id(t), Vec::new()),
        Some((t, TargetType::Group)) => (ObjectId::from_uuid(uuid::Uuid::nil()), vec![id(t)]),
        _ => (ObjectId::from_uuid(uuid::Uuid::nil()), Vec::new()),
    };
    Account {
        id: user,
        display_name: "a user".into(),
        name: "a user".into(),
        user_type: UserType::Member,
        enabled: true,
        groups,
        roles: Vec::new(),
        mfa_registered: false,
    }
}

fn any_app(client: Option<&str>) -> AppFacts {
    AppFacts {
        client_id: client
            .and_then(|c| ClientId::parse(c).ok())
            .unwrap_or_else(|| ClientId::from_uuid(uuid::Uuid::nil())),
        display_name: client.unwrap_or("any application").to_owned(),
        assignment_required: false,
        assigned: true,
    }
}

/// Policies whose users condition names guests: all users, or guest and external user types,
/// and that do not exclude them.
fn guest_policies(policies: &TenantPolicies) -> Vec<(String, String)> {
    use portico_model::conditional_access::PolicyState;
    policies
        .conditional_access
        .iter()
        .filter(|p| {
            let users = &p.conditions.users;
            let names = users
                .include_users
                .iter()
                .any(|u| u == "All" || u == "GuestsOrExternalUsers")
                || users.include_guests_or_external_users.is_some();
            names && users.exclude_guests_or_external_users.is_none()
        })
        .map(|p| {
            let state = match p.state {
                PolicyState::Enabled => "on",
                PolicyState::Disabled => "off",
                PolicyState::EnabledForReportingButNotEnforced => "report-only",
            };
            (p.display_name.clone(), state.to_owned())
        })
        .collect()
}

/// The most combinations judged: every listed target is one, and "anyone" one more.
const MAX_COMBINATIONS: usize = 24;

fn listed(settings: [&Targets; 2], everyone: &str) -> Vec<Option<(String, TargetType)>> {
    let mut found: Vec<Option<(String, TargetType)>> = vec![None];
    for target in settings.iter().flat_map(|t| t.targets.iter()) {
        let entry = Some((target.target.clone(), target.target_type));
        if target.target != everyone && !found.contains(&entry) {
            found.push(entry);
        }
    }
    found
}

/// Both tenants' policies, and which halves the caller may read.
struct Judged<'a> {
    home: &'a TenantPolicies,
    resource: &'a TenantPolicies,
    home_name: &'a str,
    read_home: bool,
    read_resource: bool,
}

impl Judged<'_> {
    /// One user group and app through the home's outbound and the resource's inbound checks.
    fn combination(
        &self,
        who: Option<&(String, TargetType)>,
        app: Option<&(String, TargetType)>,
    ) -> Combination {
        let account = someone(who.map(|(t, k)| (t.as_str(), *k)));
        let app_facts = any_app(app.map(|(t, _)| t.as_str()));
        let (home_step, home_denial) =
            home_outbound(self.home, &account, &self.resource.tenant, &app_facts);
        let (resource_step, resource_denial) = resource_inbound(
            self.resource,
            Some(&self.home.tenant),
            self.home_name,
            Some(&account),
            Some(&app_facts),
        );
        let mut steps = Vec::new();
        let mut denials = Vec::new();
        if self.read_home {
            steps.push(home_step);
            denials.extend(home_denial);
        }
        if self.read_resource {
            steps.push(resource_step);
            denials.extend(resource_denial);
        }
        let allowed = match (self.read_home && self.read_resource, denials.is_empty()) {
            (_, false) => Some(false),
            (true, true) => Some(true),
            (false, true) => None,
        };
        Combination {
            who: who.map_or_else(|| "Any user".to_owned(), |(t, k)| format!("{k:?} {t}")),
            app: app.map_or_else(|| "any application".to_owned(), |(t, _)| t.clone()),
            steps,
            denials,
            allowed,
        }
    }
}

impl App {
    /// The relationship of `home` (whose users go out) and `resource` (which lets them in);
    /// one of them must be the caller's tenant.
    pub async fn relationship(
        &self,
        caller: &Caller,
        home: &Tenant,
        resource: &Tenant,
    ) -> Result<Relationship, GraphError> {
        caller.require(Operation::GetCrossTenantPolicy)?;
        let mine = caller.tenant();
        if mine != home.id && mine != resource.id || home.id == resource.id {
            return Err(GraphError::bad_request(
                "Pick another organization: the relationship is between yours and another one.",
            ));
        }
        let dev = self.config().dev_mode;
        let (read_home, read_resource) = (dev || mine == home.id, dev || mine == resource.id);
        let home_policies = self.tenant_policies(home, Some(resource.id)).await?;
        let resource_policies = self.tenant_policies(resource, Some(home.id)).await?;
        let (home_ref, resource_ref) = (tenant_ref(home), tenant_ref(resource));
        let out = effective(&home_policies, Some(&resource_ref), true);
        let inb = effective(&resource_policies, Some(&home_ref), false);
        let users = listed(
            [&out.setting.users_and_groups, &inb.setting.users_and_groups],
            "AllUsers",
        );
        let apps = listed(
            [&out.setting.applications, &inb.setting.applications],
            "AllApplications",
        );
        let judged = Judged {
            home: &home_policies,
            resource: &resource_policies,
            home_name: &home.display_name,
            read_home,
            read_resource,
        };
        let combinations = users
            .iter()
            .flat_map(|who| apps.iter().map(move |app| (who, app)))
            .take(MAX_COMBINATIONS)
            .map(|(who, app)| judged.combination(who.as_ref(), app.as_ref()))
            .collect();
        Ok(Relationship {
            outbound: read_home.then(|| half(out.setting, out.source.clone())),
            inbound: read_resource.then(|| half(inb.setting, inb.source.clone())),
            trust: read_resource.then(|| resource_policies.inbound_trust()),
            guest_policies: read_resource.then(|| guest_policies(&resource_policies)),
            home: home.clone(),
            resource: resource.clone(),
            combinations,
        })
    }
}
