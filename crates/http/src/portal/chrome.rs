//! What every portal page shows around its content: the organization and its switcher, the
//! signed-in user, sign-out, and the navigation — one link per page the permission table lets
//! this caller administer.

use super::Session;
use crate::state::AppState;
use portico_app::b2b::organizations::Relationship;
use portico_app::directory::Operation;

/// Links of the navigation the caller may follow.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub users: bool,
    pub deleted_users: bool,
    pub invite: bool,
    pub sign_ins: bool,
    pub diagnose: bool,
    pub usage: bool,
    pub collaboration: bool,
    pub cross_tenant: bool,
    pub conditional_access: bool,
    pub audit: bool,
    /// Dev mode: the outbox of every tenant.
    pub outbox: bool,
}

/// One organization of the switcher.
#[derive(Debug, Clone)]
pub struct Organization {
    pub name: String,
    pub domain: String,
    pub relationship: &'static str,
    pub current: bool,
    pub switch_url: String,
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub tenant_name: String,
    pub tenant_domain: String,
    pub user_name: String,
    pub user_upn: String,
    pub csrf: String,
    pub nav: Nav,
    pub organizations: Vec<Organization>,
}

#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub signed_in: Option<SignedIn>,
    /// Which navigation entry is this page's.
    pub active: &'static str,
    pub dev_mode: bool,
}

fn relationship(r: Relationship) -> &'static str {
    match r {
        Relationship::Home => "Home organization",
        Relationship::Guest => "Guest",
        Relationship::ExternalMember => "External member",
    }
}

impl Chrome {
    pub fn anonymous() -> Self {
        Self::default()
    }

    pub fn public(state: &AppState, active: &'static str) -> Self {
        Self {
            signed_in: None,
            active,
            dev_mode: state.app.config().dev_mode,
        }
    }

    pub async fn of(state: &AppState, session: &Session, active: &'static str) -> Self {
        let caller = &session.caller;
        let dev_mode = state.app.config().dev_mode;
        let nav = Nav {
            users: caller.administers(Operation::ListUsers),
            deleted_users: caller.administers(Operation::ListDeletedUsers),
            invite: caller.administers(Operation::Invite),
            sign_ins: caller.administers(Operation::ListSignIns),
            diagnose: caller.administers(Operation::ListSignIns),
            usage: caller.administers(Operation::ReadMauReport),
            collaboration: caller.administers(Operation::GetAuthorizationPolicy),
            cross_tenant: caller.administers(Operation::GetCrossTenantPolicy),
            conditional_access: caller.administers(Operation::ListConditionalAccessPolicies),
            audit: caller.administers(Operation::ListDirectoryAudits),
            outbox: dev_mode,
        };
        let user = caller.user.as_ref();
        let upn = user.map_or_else(String::new, |u| u.user_principal_name.to_string());
        // The name the user signs in with at home: a guest's mail, else the UPN.
        let hint = user
            .filter(|u| u.external_user_state.is_some())
            .and_then(|u| u.mail.as_ref().map(ToString::to_string))
            .unwrap_or_else(|| upn.clone());
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let memberships = state
            .app
            .organizations_of(session.tenant.id, caller.claims.oid)
            .await
            .unwrap_or_default();
        let organizations = memberships
            .iter()
            .map(|m| Organization {
                name: m.tenant.display_name.clone(),
                domain: default_domain(&m.tenant),
                relationship: relationship(m.relationship),
                current: m.tenant.id == session.tenant.id,
                switch_url: format!(
                    "/portal/sign-in?tenant={}&login_hint={}",
                    m.tenant.id,
                    enc(&hint)
                ),
            })
            .collect();
        Self {
            signed_in: Some(SignedIn {
                tenant_name: session.tenant.display_name.clone(),
                tenant_domain: default_domain(&session.tenant),
                user_name: user.map_or_else(String::new, |u| u.display_name.clone()),
                user_upn: upn,
                csrf: session.csrf.clone(),
                nav,
                organizations,
            }),
            active,
            dev_mode,
        }
    }
}

/// A tenant's first custom domain, else its initial domain.
pub fn default_domain(tenant: &portico_model::tenant::Tenant) -> String {
    tenant
        .other_domains
        .first()
        .unwrap_or(&tenant.initial_domain)
        .to_string()
}
