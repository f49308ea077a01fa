//! The world as a seed, and a seed as the new world (dev mode's snapshot and restore,
//! `docs/test-tooling.md`). The export writes every tenant in the seed format with secrets as the
//! importer accepts them — password hashes, client secret digests —, so a restored world signs
//! the same clients and people in; the import is the seed loader's own build and one `reset`.

use super::format::*;
use crate::{App, AppError};
use portico_model::application::Application;
use portico_model::conditional_access::{
    ConditionalAccessPolicy, GrantOperator, GuestsOrExternalUsers, LocationKind, NamedLocation,
};
use portico_model::cross_tenant::{B2bSetting, PartnerConfiguration};
use portico_model::group::Group;
use portico_model::settings::{
    AllowInvitesFrom, DomainRestriction, GuestAccessLevel, TenantSettings,
};
use portico_model::tenant::Tenant;
use portico_model::user::{MfaMethod, User, UserType};
use portico_model::ObjectId;
use portico_store::Page;
use std::collections::HashMap;

/// The name a model enum has on the wire (`enabled`, `high`, `mfa`), as the seed spells it.
fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `allow` / `block` when the setting is one of the two the seed can say.
fn b2b_name(setting: &Option<B2bSetting>) -> Option<String> {
    let setting = setting.as_ref()?;
    if *setting == B2bSetting::allow_all() {
        Some("allow".into())
    } else if *setting == B2bSetting::block_all() {
        Some("block".into())
    } else {
        None
    }
}

impl App {
    /// Every tenant, in the seed format. Dev mode only.
    pub async fn export_world(&self) -> Result<SeedFile, AppError> {
        self.require_dev_mode()?;
        let mut tenants = Vec::new();
        for tenant in self.store().list_tenants().await? {
            tenants.push(self.export_tenant(&tenant).await?);
        }
        Ok(SeedFile {
            default_password: None,
            tenants,
        })
    }

    /// Replaces the whole world with `seed`, in one transaction: a seed that does not build
    /// changes nothing. Dev mode only. The server's own seed (`POST /portico/v1/reset`) stays.
    pub async fn import_world(&self, seed: SeedFile) -> Result<(), AppError> {
        self.require_dev_mode()?;
        let batches = self.build_seed(seed).await?;
        self.store().reset(batches).await?;
        self.keys().clear();
        tracing::info!("world replaced by an imported seed");
        Ok(())
    }

    async fn export_tenant(&self, tenant: &Tenant) -> Result<TenantSeed, AppError> {
        let store = self.store();
        let settings = store.get_settings(tenant.id).await?;
        let (users, upns) = self.export_users(tenant).await?;
        let mut groups = Vec::new();
        for group in store.list_groups(tenant.id, Page::first(u32::MAX)).await? {
            // A dynamic group's members come from its rule, which the seed cannot hold.
            if group.kind.dynamic.is_none() {
                let members = store.list_group_members(tenant.id, group.id).await?;
                groups.push(group_seed(group, &members, &upns));
            }
        }
        let portal = crate::portal::portal_client_id(tenant.id);
        let mut apps = Vec::new();
        for app in store.list_applications(tenant.id).await? {
            if app.client_id != portal {
                let assigned = store.list_app_assignments(tenant.id, app.id).await?;
                apps.push(app_seed(app, &assigned, &upns));
            }
        }
        let mut federations = Vec::new();
        for federation in &settings.federations {
            federations.push(FederationSeed {
                domain: federation.domain.to_string(),
                issuer: federation.issuer.clone(),
                client_id: federation.client_id.clone(),
                client_secret: self.federation_secret(tenant.id, federation)?,
            });
        }
        let partners = store.list_partner_configurations(tenant.id).await?;
        Ok(TenantSeed {
            key: tenant.id.to_string(),
            id: tenant.id.to_string(),
            display_name: tenant.display_name.clone(),
            domains: tenant.domains().map(ToString::to_string).collect(),
            settings: settings_seed(&settings),
            users,
            groups,
            apps,
            partners: partners.iter().map(partner_seed).collect(),
            cross_tenant_default: cross_tenant_default_seed(&settings),
            named_locations: store
                .list_named_locations(tenant.id)
                .await?
                .iter()
                .map(location_seed)
                .collect(),
            terms_of_use: store
                .list_terms_of_use(tenant.id)
                .await?
                .into_iter()
                .map(|terms| TermsOfUseSeed {
                    display_name: terms.display_name,
                    id: Some(terms.id.to_string()),
                    text: terms.text,
                })
                .collect(),
            conditional_access: store
                .list_conditional_access_policies(tenant.id)
                .await?
                .iter()
                .map(policy_seed)
                .collect(),
            federations,
        })
    }

    /// The tenant's users (TOTP secrets opened: the seed holds them in the clear), and each
    /// one's UPN by object id, for memberships and assignments.
    async fn export_users(
        &self,
        tenant: &Tenant,
    ) -> Result<(Vec<UserSeed>, HashMap<ObjectId, String>), AppError> {
        let store = self.store();
        let mut roles: HashMap<ObjectId, Vec<String>> = HashMap::new();
        for assignment in store.list_role_assignments(tenant.id).await? {
            let name = assignment.role.display_name().to_owned();
            roles.entry(assignment.principal_id).or_default().push(name);
        }
        let mut users = Vec::new();
        let mut upns = HashMap::new();
        for user in store.list_users(tenant.id, Page::first(u32::MAX)).await? {
            // MfaMethod has one kind today: a TOTP authenticator.
            let totp = user.mfa_methods.first().map(|method| {
                let MfaMethod::Totp { secret_base32, .. } = method;
                secret_base32.clone()
            });
            let totp_secret = totp
                .map(|sealed| self.open_totp_secret(tenant.id, user.id, &sealed))
                .transpose()?;
            upns.insert(user.id, user.user_principal_name.to_string());
            let roles = roles.remove(&user.id).unwrap_or_default();
            users.push(user_seed(user, roles, totp_secret));
        }
        Ok((users, upns))
    }
}

fn strings<T: ToString>(list: &[T]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

fn user_seed(user: User, roles: Vec<String>, totp_secret: Option<String>) -> UserSeed {
    UserSeed {
        upn: user.user_principal_name.to_string(),
        display_name: user.display_name,
        id: Some(user.id.to_string()),
        mailbox: user.mail.is_some(),
        mail: user.mail.as_ref().map(ToString::to_string),
        other_mails: strings(&user.other_mails),
        proxy_addresses: Some(strings(&user.proxy_addresses)),
        given_name: user.given_name,
        surname: user.surname,
        account_enabled: user.account_enabled,
        password: None,
        password_hash: user.password_hash,
        roles,
        totp_secret,
        user_type: (user.user_type == UserType::Guest).then(|| "Guest".to_owned()),
        synced: user.on_premises_sync_enabled,
    }
}

/// Members the seed can name: users, by UPN (nested groups are not kept).
fn upns_of(ids: &[ObjectId], upns: &HashMap<ObjectId, String>) -> Vec<String> {
    ids.iter().filter_map(|id| upns.get(id).cloned()).collect()
}

fn group_seed(group: Group, members: &[ObjectId], upns: &HashMap<ObjectId, String>) -> GroupSeed {
    GroupSeed {
        display_name: group.display_name,
        id: Some(group.id.to_string()),
        description: group.description,
        mail: group.mail.as_ref().map(ToString::to_string),
        security_enabled: group.security_enabled,
        members: upns_of(members, upns),
    }
}

fn app_seed(app: Application, assigned: &[ObjectId], upns: &HashMap<ObjectId, String>) -> AppSeed {
    let secret_digests = app
        .secrets
        .iter()
        .map(|secret| SecretDigestSeed {
            id: Some(secret.id.to_string()),
            sha256: secret.sha256_hex.clone(),
            hint: secret.hint.clone(),
            display_name: secret.display_name.clone(),
            expires: secret.expires_at.map(|at| at.to_rfc3339()),
        })
        .collect();
    AppSeed {
        display_name: app.display_name,
        client_id: app.client_id.to_string(),
        id: Some(app.id.to_string()),
        secret: None,
        secret_digests,
        redirect_uris: app.redirect_uris.iter().map(ToString::to_string).collect(),
        public_client: app.public_client,
        assignment_required: app.assignment_required,
        allow_password_grant: app.allow_password_grant,
        graph_permissions: app.graph_app_permissions,
        assigned: upns_of(assigned, upns),
        certificates: app
            .key_credentials
            .into_iter()
            .map(|credential| credential.certificate_base64)
            .collect(),
        ..registration_seed(&app.registration)
    }
}

/// The API a registration exposes, as a seed declares it (app role assignments and permission
/// grants are not exported).
fn registration_seed(registration: &portico_model::app_registration::Registration) -> AppSeed {
    use portico_model::app_registration::{ConsentType, SignInAudience};
    AppSeed {
        identifier_uris: registration.identifier_uris.clone(),
        scopes: registration
            .scopes
            .iter()
            .map(|s| ScopeSeed {
                value: s.value.clone(),
                admin_consent_required: s.consent_type == ConsentType::Admin,
                description: s.admin_consent_description.clone(),
            })
            .collect(),
        app_roles: registration
            .app_roles
            .iter()
            .filter_map(|r| {
                Some(AppRoleSeed {
                    value: r.value.clone()?,
                    members: r.allowed_member_types.clone(),
                    description: r.description.clone(),
                })
            })
            .collect(),
        access_token_version: registration.requested_access_token_version,
        sign_in_audience: (registration.sign_in_audience == SignInAudience::AzureADMultipleOrgs)
            .then(|| registration.sign_in_audience.name().to_owned()),
        ..AppSeed::default()
    }
}

fn settings_seed(settings: &TenantSettings) -> SettingsSeed {
    let authorization = &settings.authorization;
    let collaboration = &settings.collaboration;
    let domains = |list: &[portico_model::DomainName]| {
        Some(list.iter().map(ToString::to_string).collect::<Vec<_>>())
    };
    let (allowed_domains, blocked_domains) = match &collaboration.domain_restriction {
        DomainRestriction::AllowAll => (None, None),
        DomainRestriction::AllowOnly(list) => (domains(list), None),
        DomainRestriction::Block(list) => (None, domains(list)),
    };
    SettingsSeed {
        guest_access: Some(
            match authorization.guest_access {
                GuestAccessLevel::SameAsMembers => "same_as_members",
                GuestAccessLevel::Limited => "limited",
                GuestAccessLevel::Restricted => "restricted",
            }
            .into(),
        ),
        allow_invites_from: Some(
            match authorization.allow_invites_from {
                AllowInvitesFrom::None => "none",
                AllowInvitesFrom::AdminsAndGuestInviters => "admins_and_guest_inviters",
                AllowInvitesFrom::AdminsGuestInvitersAndAllMembers => {
                    "admins_guest_inviters_and_all_members"
                }
                AllowInvitesFrom::Everyone => "everyone",
            }
            .into(),
        ),
        email_otp_enabled: Some(collaboration.email_otp_enabled),
        invitation_lifetime_days: collaboration.invitation_lifetime_days,
        self_service_sign_up: Some(collaboration.self_service_sign_up),
        allowed_domains,
        blocked_domains,
        sign_in_retention_days: Some(settings.sign_in_retention_days),
        audit_retention_days: Some(settings.audit_retention_days),
    }
}

fn partner_seed(partner: &PartnerConfiguration) -> PartnerSeed {
    PartnerSeed {
        tenant: partner.partner_tenant_id.to_string(),
        b2b_collaboration_inbound: b2b_name(&partner.b2b_collaboration_inbound),
        b2b_collaboration_outbound: b2b_name(&partner.b2b_collaboration_outbound),
        inbound_trust_mfa: partner.inbound_trust.as_ref().map(|t| t.is_mfa_accepted),
        inbound_trust_compliant_device: partner
            .inbound_trust
            .as_ref()
            .map(|t| t.is_compliant_device_accepted),
        tenant_restrictions: b2b_name(&partner.tenant_restrictions),
        is_service_provider: partner.is_service_provider,
    }
}

fn cross_tenant_default_seed(settings: &TenantSettings) -> Option<CrossTenantDefaultSeed> {
    let default = &settings.cross_tenant_default;
    default.customized.then(|| CrossTenantDefaultSeed {
        b2b_collaboration_inbound: b2b_name(&Some(default.b2b_collaboration_inbound.clone())),
        b2b_collaboration_outbound: b2b_name(&Some(default.b2b_collaboration_outbound.clone())),
        tenant_restrictions: b2b_name(&Some(default.tenant_restrictions.clone())),
        inbound_trust_mfa: Some(default.inbound_trust.is_mfa_accepted),
        inbound_trust_compliant_device: Some(default.inbound_trust.is_compliant_device_accepted),
    })
}

fn location_seed(location: &NamedLocation) -> NamedLocationSeed {
    let mut seed = NamedLocationSeed {
        display_name: location.display_name.clone(),
        id: Some(location.id.to_string()),
        ip_ranges: Vec::new(),
        countries: Vec::new(),
        include_unknown_countries: false,
        is_trusted: false,
    };
    match &location.location {
        LocationKind::Ip { ranges, is_trusted } => {
            seed.ip_ranges = ranges.clone();
            seed.is_trusted = *is_trusted;
        }
        LocationKind::Country {
            countries,
            include_unknown,
        } => {
            seed.countries = countries.clone();
            seed.include_unknown_countries = *include_unknown;
        }
    }
    seed
}

fn guest_types(guests: &Option<GuestsOrExternalUsers>) -> Vec<String> {
    guests.as_ref().map_or_else(Vec::new, |g| {
        g.guest_or_external_user_types.iter().map(name_of).collect()
    })
}

fn policy_seed(policy: &ConditionalAccessPolicy) -> ConditionalAccessSeed {
    let conditions = &policy.conditions;
    let users = &conditions.users;
    let grant = policy.grant_controls.as_ref();
    let locations = conditions.locations.as_ref();
    let platforms = conditions.platforms.as_ref();
    ConditionalAccessSeed {
        display_name: policy.display_name.clone(),
        id: Some(policy.id.to_string()),
        description: policy.description.clone(),
        state: name_of(&policy.state),
        include_users: users.include_users.clone(),
        exclude_users: users.exclude_users.clone(),
        include_applications: conditions.applications.include_applications.clone(),
        user_risk_levels: conditions.user_risk_levels.iter().map(name_of).collect(),
        sign_in_risk_levels: conditions.sign_in_risk_levels.iter().map(name_of).collect(),
        grant: grant.map_or_else(Vec::new, |g| {
            g.built_in_controls.iter().map(name_of).collect()
        }),
        grant_operator: grant.map(|g| match g.operator {
            GrantOperator::Or => "OR".to_owned(),
            GrantOperator::And => "AND".to_owned(),
        }),
        include_guests_or_external_users: guest_types(&users.include_guests_or_external_users),
        exclude_guests_or_external_users: guest_types(&users.exclude_guests_or_external_users),
        include_locations: locations.map_or_else(Vec::new, |l| l.include_locations.clone()),
        exclude_locations: locations.map_or_else(Vec::new, |l| l.exclude_locations.clone()),
        include_platforms: platforms.map_or_else(Vec::new, |p| p.include_platforms.clone()),
        exclude_platforms: platforms.map_or_else(Vec::new, |p| p.exclude_platforms.clone()),
        client_app_types: conditions.client_app_types.clone(),
        terms_of_use: grant.map_or_else(Vec::new, |g| g.terms_of_use.clone()),
    }
}

/// The seed's TOML text.
pub fn to_toml(seed: &SeedFile) -> Result<String, super::SeedError> {
    toml::to_string(seed).map_err(|e| super::SeedError::Syntax(e.to_string()))
}
