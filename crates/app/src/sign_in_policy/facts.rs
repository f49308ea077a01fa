//! Loads the facts of one sign-in from the store: both tenants' policies, the accounts, their
//! groups, roles, risk and terms acceptances, and the request's headers.

use super::request::{client_app_type, ClientRequest};
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::application::Application;
use portico_model::conditional_access::RiskLevel;
use portico_model::invitation::GuestBinding;
use portico_model::oauth::HomeRef;
use portico_model::risk::RiskState;
use portico_model::tenant::Tenant;
use portico_model::user::{MfaMethod, User};
use portico_model::{ObjectId, TenantId};
use portico_policy::facts::{
    Account, AppFacts, AuthFacts, ClientFacts, DeviceClaims, Origin, RestrictionsV1,
    RestrictionsV2, RiskFacts, SignIn, Stage, TenantPolicies, TenantRef,
};
use portico_store::StoreError;

/// The `amr` entry Portico keeps for MFA done at a guest's home tenant; tokens show it as `mfa`.
pub const AMR_HOME_MFA: &str = "home_mfa";
/// MFA done in the tenant that issues the token.
pub const AMR_MFA: &str = "mfa";
/// Device states asserted at the interactive sign-in, carried to its codes and refresh tokens
/// (never shown in tokens).
pub const AMR_DEVICE_COMPLIANT: &str = "device_compliant";
pub const AMR_DEVICE_JOINED: &str = "device_domain_joined";

/// The `amr` entries that remember a device's state.
pub fn device_markers(device: DeviceClaims) -> Vec<String> {
    let mut markers = Vec::new();
    if device.compliant {
        markers.push(AMR_DEVICE_COMPLIANT.to_owned());
    }
    if device.domain_joined {
        markers.push(AMR_DEVICE_JOINED.to_owned());
    }
    markers
}

/// One sign-in to evaluate: who, where, to which app, with what proof so far.
pub struct Attempt<'a> {
    pub resource: &'a Tenant,
    /// The user object in the resource tenant (the guest object for guests).
    pub user: &'a User,
    pub app: &'a Application,
    /// The guest's home account when the flow knows it (redemption); else the guest's binding.
    pub home: Option<&'a HomeRef>,
    pub amr: &'a [String],
    /// When the credentials this sign-in rests on were entered, if not in this very sign-in (a
    /// session's or a token's `auth_time`): Conditional Access sign-in frequency limits its age.
    pub entered_at: Option<DateTime<Utc>>,
    pub request: &'a ClientRequest,
    pub stage: Stage,
}

pub fn tenant_ref(tenant: &Tenant) -> TenantRef {
    TenantRef {
        id: tenant.id,
        display_name: tenant.display_name.clone(),
        domains: tenant.domains().cloned().collect(),
    }
}

/// The home account a binding names.
pub fn home_of_binding(binding: &GuestBinding) -> HomeRef {
    match (
        TenantId::parse(&binding.issuer),
        ObjectId::parse(&binding.subject),
    ) {
        (Ok(tenant_id), Ok(user_id)) => HomeRef::Tenant { tenant_id, user_id },
        _ if binding.issuer == GuestBinding::MAIL_ISSUER => HomeRef::Mail {
            address: binding.subject.clone(),
        },
        _ => HomeRef::Federated {
            issuer: binding.issuer.clone(),
            address: binding.subject.clone(),
        },
    }
}

impl App {
    /// One tenant's policies; `other` is the other tenant of the sign-in (its partner entry).
    pub(crate) async fn tenant_policies(
        &self,
        tenant: &Tenant,
        other: Option<TenantId>,
    ) -> Result<TenantPolicies, StoreError> {
        let settings = self.store().get_settings(tenant.id).await?;
        let partner = match other {
            Some(other) if other != tenant.id => {
                self.store()
                    .find_partner_configuration(tenant.id, other)
                    .await?
            }
            _ => None,
        };
        Ok(TenantPolicies {
            tenant: tenant_ref(tenant),
            cross_tenant_default: settings.cross_tenant_default,
            partner,
            conditional_access: self
                .store()
                .list_conditional_access_policies(tenant.id)
                .await?,
            named_locations: self.store().list_named_locations(tenant.id).await?,
            security_defaults: settings.security_defaults_enabled,
        })
    }

    /// A user object with its groups and directory roles in `tenant`.
    pub(crate) async fn account_facts(
        &self,
        tenant: TenantId,
        user: &User,
        name: String,
    ) -> Result<Account, StoreError> {
        // Assigned and dynamic groups alike: CA conditions and app assignment see both.
        let groups = self.groups_of(tenant, user).await?;
        let roles = self
            .store()
            .list_role_assignments(tenant)
            .await?
            .into_iter()
            .filter(|a| a.principal_id == user.id || groups.contains(&a.principal_id))
            .map(|a| a.role.template_id().to_string())
            .collect();
        Ok(Account {
            id: user.id,
            display_name: user.display_name.clone(),
            name,
            user_type: user.user_type,
            enabled: user.account_enabled,
            groups,
            roles,
            mfa_registered: user
                .mfa_methods
                .iter()
                .any(|m| matches!(m, MfaMethod::Totp { .. })),
        })
    }

    /// User risk (where the account lives) and the simulated sign-in risk of this sign-in.
    async fn risk_of(&self, tenant: TenantId, user: ObjectId) -> Result<RiskFacts, StoreError> {
        let Some(risky) = self.store().find_risky_user(tenant, user).await? else {
            return Ok(RiskFacts::default());
        };
        let at_risk = matches!(
            risky.risk_state,
            RiskState::AtRisk | RiskState::ConfirmedCompromised
        );
        Ok(RiskFacts {
            user: if at_risk {
                risky.risk_level
            } else {
                RiskLevel::None
            },
            sign_in: risky.simulated_sign_in_risk,
        })
    }

    async fn restrictions(
        &self,
        request: &ClientRequest,
        resource: &Tenant,
    ) -> Result<portico_policy::facts::Restrictions, StoreError> {
        let mut restrictions = portico_policy::facts::Restrictions::default();
        if let Some(list) = &request.restrict_access_to_tenants {
            let context = match &request.restrict_access_context {
                Some(name) => self.resolve_tenant(name.trim()).await.ok().flatten(),
                None => None,
            };
            restrictions.v1 = Some(RestrictionsV1 {
                allowed: list
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
                context: context.as_ref().map(tenant_ref),
            });
        }
        if let Some(header) = &request.restrict_tenant_access_policy {
            restrictions.v2 = Some(self.restrictions_v2(header, resource).await?);
        }
        Ok(restrictions)
    }

    /// `<tenant id>:<policy id>`: the owner's partner entry for the resource, else its default.
    async fn restrictions_v2(
        &self,
        header: &str,
        resource: &Tenant,
    ) -> Result<RestrictionsV2, StoreError> {
        let unresolved = || RestrictionsV2::Unresolved {
            header: header.to_owned(),
        };
        let Some((tenant, policy)) = header.trim().split_once(':') else {
            return Ok(unresolved());
        };
        let (Ok(owner_id), Ok(policy_id)) = (
            TenantId::parse(tenant.trim()),
            uuid::Uuid::parse_str(policy.trim()),
        ) else {
            return Ok(unresolved());
        };
        // The policy id is the owner's default configuration's `id`.
        if policy_id != portico_model::cross_tenant::default_configuration_id(owner_id) {
            return Ok(unresolved());
        }
        let Some(owner) = self.store().find_tenant(owner_id).await? else {
            return Ok(unresolved());
        };
        let partner = self
            .store()
            .find_partner_configuration(owner.id, resource.id)
            .await?
            .and_then(|p| p.tenant_restrictions);
        let from_partner_entry = partner.is_some();
        let setting = match partner {
            Some(setting) => setting,
            None => {
                self.store()
                    .get_settings(owner.id)
                    .await?
                    .cross_tenant_default
                    .tenant_restrictions
            }
        };
        Ok(RestrictionsV2::Policy {
            owner: tenant_ref(&owner),
            setting,
            from_partner_entry,
        })
    }

    /// Where the user comes from (this tenant, another tenant, an outside issuer) and the risk
    /// known of the account that signs in.
    async fn origin_of(
        &self,
        resource: &Tenant,
        user: &User,
        home: Option<&HomeRef>,
    ) -> Result<(Origin, RiskFacts), StoreError> {
        let external = |issuer: String| (Origin::External { issuer }, RiskFacts::default());
        Ok(match home {
            Some(HomeRef::Tenant { tenant_id, user_id }) if *tenant_id != resource.id => {
                self.home_origin(resource, *tenant_id, *user_id).await?
            }
            Some(HomeRef::Mail { .. }) => external(GuestBinding::MAIL_ISSUER.into()),
            Some(HomeRef::Federated { issuer, .. }) => external(issuer.clone()),
            _ => (Origin::Local, self.risk_of(resource.id, user.id).await?),
        })
    }

    /// Whether the user (or one of `groups`) is assigned to an app that requires assignment.
    async fn assigned(
        &self,
        attempt: &Attempt<'_>,
        groups: &[ObjectId],
    ) -> Result<bool, StoreError> {
        if !attempt.app.assignment_required {
            return Ok(false);
        }
        let assignments = self
            .store()
            .list_app_assignments(attempt.resource.id, attempt.app.id)
            .await?;
        Ok(assignments
            .iter()
            .any(|p| *p == attempt.user.id || groups.contains(p)))
    }

    /// The device state: asserted (dev mode, what-if) or remembered from an earlier proof.
    fn device_of(&self, attempt: &Attempt<'_>) -> DeviceClaims {
        let asserted = attempt
            .request
            .simulated_device
            .filter(|_| self.dev_mode() || attempt.stage == Stage::WhatIf)
            .unwrap_or_default();
        let remembered = |marker: &str| attempt.amr.iter().any(|a| a == marker);
        DeviceClaims {
            compliant: asserted.compliant || remembered(AMR_DEVICE_COMPLIANT),
            domain_joined: asserted.domain_joined || remembered(AMR_DEVICE_JOINED),
        }
    }

    /// Everything the engine needs for `attempt`.
    pub(crate) async fn sign_in_facts(&self, attempt: &Attempt<'_>) -> Result<SignIn, StoreError> {
        let resource = attempt.resource;
        let user = attempt.user;
        let home = match attempt.home {
            Some(home) => Some(home.clone()),
            None => self
                .store()
                .find_binding_of_guest(resource.id, user.id)
                .await?
                .map(|binding| home_of_binding(&binding)),
        };
        let user_name = user
            .mail
            .as_ref()
            .filter(|_| home.is_some())
            .map_or_else(|| user.user_principal_name.to_string(), ToString::to_string);
        let (origin, risk) = self.origin_of(resource, user, home.as_ref()).await?;
        let home_id = origin.home_tenant().map(|t| t.id);
        let account = self.account_facts(resource.id, user, user_name).await?;
        let assigned = self.assigned(attempt, &account.groups).await?;
        let interactive = matches!(
            attempt.stage,
            Stage::Interactive | Stage::Redemption | Stage::WhatIf
        );
        let device = self.device_of(attempt);
        let terms_accepted = self
            .store()
            .list_terms_acceptances(resource.id, user.id)
            .await?
            .into_iter()
            .map(|a| a.terms_id)
            .collect();
        Ok(SignIn {
            stage: attempt.stage,
            resource: self.tenant_policies(resource, home_id).await?,
            user: account,
            origin,
            app: AppFacts {
                client_id: attempt.app.client_id,
                display_name: attempt.app.display_name.clone(),
                assignment_required: attempt.app.assignment_required,
                assigned,
            },
            client: ClientFacts {
                app_type: client_app_type(interactive),
                ip: attempt.request.ip,
                platform: attempt.request.platform(),
            },
            auth: AuthFacts {
                mfa_here: attempt.amr.iter().any(|a| a == AMR_MFA),
                mfa_at_home: attempt.amr.iter().any(|a| a == AMR_HOME_MFA),
                device,
                credentials_age_seconds: attempt
                    .entered_at
                    .map(|at| (self.now() - at).num_seconds().max(0)),
            },
            risk,
            terms_accepted,
            restrictions: self.restrictions(attempt.request, resource).await?,
        })
    }

    /// A guest homed in another Portico tenant: that tenant's policies and the home account.
    async fn home_origin(
        &self,
        resource: &Tenant,
        home_id: TenantId,
        home_user: ObjectId,
    ) -> Result<(Origin, RiskFacts), StoreError> {
        let Some(home) = self.store().find_tenant(home_id).await? else {
            return Ok((
                Origin::External {
                    issuer: home_id.to_string(),
                },
                RiskFacts::default(),
            ));
        };
        let user = self.store().get_user(home_id, home_user).await?;
        let account = self
            .account_facts(home_id, &user, user.user_principal_name.to_string())
            .await?;
        let policies = self.tenant_policies(&home, Some(resource.id)).await?;
        let risk = self.risk_of(home_id, home_user).await?;
        Ok((
            Origin::Tenant {
                home: Box::new(policies),
                account,
            },
            risk,
        ))
    }
}
