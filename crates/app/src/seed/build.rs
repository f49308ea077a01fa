//! Turns a parsed seed into store writes, one batch per tenant. Ids not fixed by the seed are
//! UUIDv5 names under the tenant id, so every load of the same seed yields the same ids.

use super::format::*;
use crate::secrets::{digest_hex, hash_password, HashError};
use chrono::{DateTime, Utc};
use portico_model::application::{Application, ClientSecret, RedirectUri};
use portico_model::conditional_access::*;
use portico_model::cross_tenant::{
    B2bSetting, CrossTenantAccessSettings, InboundTrust, PartnerConfiguration,
};
use portico_model::group::Group;
use portico_model::role::{DirectoryRole, RoleAssignment};
use portico_model::settings::{
    AllowInvitesFrom, DomainRestriction, GuestAccessLevel, TenantSettings,
};
use portico_model::tenant::Tenant;
use portico_model::user::{MfaMethod, User};
use portico_model::{ClientId, DomainName, EmailAddress, ObjectId, ProxyAddress, TenantId, Upn};
use portico_store::{TenantBatch, Write};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the seed file is not valid TOML for Portico's seed format: {0}")]
    Syntax(String),
    #[error("tenant '{tenant}': {problem}")]
    Invalid { tenant: String, problem: String },
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// Builds every tenant's writes. `public_url` replaces `{public_url}` in redirect URIs.
/// Users sharing a password share one Argon2id hash per build (the seed is published anyway);
/// this keeps a reset fast. CPU-heavy: run it off the async executor.
pub fn build_world(
    seed: &SeedFile,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Vec<TenantBatch>, SeedError> {
    let tenant_ids: HashMap<&str, TenantId> = seed
        .tenants
        .iter()
        .map(|t| {
            Ok((
                t.key.as_str(),
                parse_id(&t.key, "id", &t.id, TenantId::parse)?,
            ))
        })
        .collect::<Result<_, SeedError>>()?;
    let mut hashes: HashMap<String, String> = HashMap::new();
    let mut builder = Builder {
        seed,
        public_url,
        now,
        tenant_ids: &tenant_ids,
        hashes: &mut hashes,
    };
    seed.tenants.iter().map(|t| builder.tenant(t)).collect()
}

struct Builder<'a> {
    seed: &'a SeedFile,
    public_url: &'a str,
    now: DateTime<Utc>,
    tenant_ids: &'a HashMap<&'a str, TenantId>,
    hashes: &'a mut HashMap<String, String>,
}

fn invalid(tenant: &str, problem: impl std::fmt::Display) -> SeedError {
    SeedError::Invalid {
        tenant: tenant.to_owned(),
        problem: problem.to_string(),
    }
}

fn parse_id<T, E: std::fmt::Display>(
    tenant: &str,
    what: &str,
    text: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T, SeedError> {
    parse(text).map_err(|e| invalid(tenant, format!("{what}: {e}")))
}

/// A stable object id: the given one, or UUIDv5(`tenant`, `name`).
fn object_id(
    tenant_key: &str,
    tenant: TenantId,
    fixed: Option<&String>,
    name: &str,
) -> Result<ObjectId, SeedError> {
    match fixed {
        Some(text) => parse_id(tenant_key, "id", text, ObjectId::parse),
        None => Ok(ObjectId::from_uuid(Uuid::new_v5(
            tenant.as_uuid(),
            name.as_bytes(),
        ))),
    }
}

impl Builder<'_> {
    fn tenant(&mut self, seed: &TenantSeed) -> Result<TenantBatch, SeedError> {
        let key = seed.key.as_str();
        let id = self
            .tenant_ids
            .get(key)
            .copied()
            .ok_or_else(|| invalid(key, "unknown key"))?;
        let (tenant, tenant_settings) = self.tenant_row(key, id, seed)?;
        let mut writes = vec![Write::CreateTenant(tenant, tenant_settings)];
        writes.extend(self.people(key, id, seed)?);
        // Portico's own portal, an application of every tenant (crate::portal).
        let portal = crate::portal::portal_application(id, self.public_url, self.now)
            .map_err(|e| invalid(key, e))?;
        writes.push(Write::InsertApplication(portal));
        for partner in &seed.partners {
            writes.push(Write::PutPartner(self.partner(key, partner)?));
        }
        writes.extend(self.access_policies(key, id, seed)?);
        Ok(TenantBatch { tenant: id, writes })
    }

    /// The tenant and its settings (cross-tenant default, federations).
    fn tenant_row(
        &self,
        key: &str,
        id: TenantId,
        seed: &TenantSeed,
    ) -> Result<(Tenant, TenantSettings), SeedError> {
        let mut domains = seed
            .domains
            .iter()
            .map(|d| parse_id(key, "domain", d, DomainName::parse));
        let initial_domain = domains
            .next()
            .ok_or_else(|| invalid(key, "a tenant needs at least one domain"))??;
        let tenant = Tenant {
            id,
            display_name: seed.display_name.clone(),
            initial_domain,
            other_domains: domains.collect::<Result<_, _>>()?,
            created_at: self.now,
        };
        let mut tenant_settings = settings(key, &seed.settings)?;
        if let Some(default) = &seed.cross_tenant_default {
            tenant_settings.cross_tenant_default = cross_tenant_default(key, default)?;
        }
        for federation in &seed.federations {
            tenant_settings
                .federations
                .push(portico_model::settings::DomainFederation {
                    domain: parse_id(
                        key,
                        "federation domain",
                        &federation.domain,
                        DomainName::parse,
                    )?,
                    issuer: federation
                        .issuer
                        .replace("{public_url}", self.public_url.trim_end_matches('/')),
                    client_id: federation.client_id.clone(),
                    client_secret: federation.client_secret.clone(),
                });
        }
        Ok((tenant, tenant_settings))
    }

    /// Users (with their roles), groups (with members) and apps (with assignments).
    fn people(
        &mut self,
        key: &str,
        id: TenantId,
        seed: &TenantSeed,
    ) -> Result<Vec<Write>, SeedError> {
        let mut writes = Vec::new();
        let mut user_ids: HashMap<String, ObjectId> = HashMap::new();
        for user in &seed.users {
            let (user, roles) = self.user(key, id, user)?;
            user_ids.insert(user.user_principal_name.normalized(), user.id);
            let user_id = user.id;
            writes.push(Write::InsertUser(user));
            writes.extend(roles.into_iter().map(|role| {
                Write::AssignRole(RoleAssignment {
                    principal_id: user_id,
                    role,
                })
            }));
        }
        let member_id = |upn: &str| {
            user_ids
                .get(&upn.to_ascii_lowercase())
                .copied()
                .ok_or_else(|| invalid(key, format!("no user '{upn}' in this tenant")))
        };
        for group in &seed.groups {
            let built = self.group(key, id, group)?;
            let group_id = built.id;
            writes.push(Write::InsertGroup(built));
            for upn in &group.members {
                writes.push(Write::AddGroupMember {
                    group: group_id,
                    member: member_id(upn)?,
                });
            }
        }
        let mut apps = Vec::new();
        for app in &seed.apps {
            let built = self.app(key, id, seed, app)?;
            let app_id = built.id;
            writes.push(Write::InsertApplication(built.clone()));
            apps.push(built);
            for upn in &app.assigned {
                writes.push(Write::AssignApplication {
                    app: app_id,
                    principal: member_id(upn)?,
                });
            }
        }
        writes.extend(
            super::apis::api_permissions(id, &seed.apps, &apps, self.now)
                .map_err(|e| invalid(key, e))?,
        );
        Ok(writes)
    }

    /// Named locations, terms of use and the Conditional Access policies that refer to them.
    fn access_policies(
        &mut self,
        key: &str,
        id: TenantId,
        seed: &TenantSeed,
    ) -> Result<Vec<Write>, SeedError> {
        let mut writes = Vec::new();
        let mut locations = Vec::new();
        for location in &seed.named_locations {
            let location_id = object_id(
                key,
                id,
                location.id.as_ref(),
                &format!("location:{}", location.display_name.to_lowercase()),
            )?;
            let built = super::access_policies::named_location(location, location_id, self.now)
                .map_err(|e| invalid(key, e))?;
            writes.push(Write::PutNamedLocation(built.clone()));
            locations.push(built);
        }
        let mut terms = Vec::new();
        for agreement in &seed.terms_of_use {
            let terms_id = object_id(
                key,
                id,
                agreement.id.as_ref(),
                &format!("terms:{}", agreement.display_name.to_lowercase()),
            )?;
            let built = super::access_policies::terms_of_use(agreement, terms_id, self.now)
                .map_err(|e| invalid(key, e))?;
            writes.push(Write::PutTermsOfUse(built.clone()));
            terms.push(built);
        }
        for policy in &seed.conditional_access {
            let mut built = self.conditional_access(key, id, policy)?;
            super::access_policies::complete_policy(&mut built, policy, &locations, &terms)
                .map_err(|e| invalid(key, e))?;
            writes.push(Write::PutConditionalAccessPolicy(built));
        }
        Ok(writes)
    }

    fn password_hash(&mut self, password: &str) -> Result<String, SeedError> {
        if let Some(hash) = self.hashes.get(password) {
            return Ok(hash.clone());
        }
        let hash = hash_password(password)?;
        self.hashes.insert(password.to_owned(), hash.clone());
        Ok(hash)
    }

    /// The user's password hash: from `password` (or the seed's default), or an exported
    /// `password_hash` as it is.
    fn user_password(
        &mut self,
        key: &str,
        upn: &Upn,
        seed: &UserSeed,
    ) -> Result<Option<String>, SeedError> {
        Ok(match (&seed.password, &seed.password_hash) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    key,
                    format!("user '{upn}': give password or password_hash, not both"),
                ))
            }
            (None, Some(hash)) if hash.starts_with("$argon2") => Some(hash.clone()),
            (None, Some(_)) => {
                return Err(invalid(
                    key,
                    format!("user '{upn}': password_hash is not an Argon2 PHC string"),
                ))
            }
            (password, None) => {
                let password = password.as_ref().or(self.seed.default_password.as_ref());
                password
                    .cloned()
                    .map(|p| self.password_hash(&p))
                    .transpose()?
            }
        })
    }

    fn user(
        &mut self,
        key: &str,
        tenant: TenantId,
        seed: &UserSeed,
    ) -> Result<(User, Vec<DirectoryRole>), SeedError> {
        let upn = parse_id(key, "upn", &seed.upn, Upn::parse)?;
        let id = object_id(
            key,
            tenant,
            seed.id.as_ref(),
            &format!("user:{}", upn.normalized()),
        )?;
        let mut user = User::member(id, upn.clone(), seed.display_name.clone(), self.now);
        user.given_name = seed.given_name.clone();
        user.surname = seed.surname.clone();
        user.account_enabled = seed.account_enabled;
        user.on_premises_sync_enabled = seed.synced;
        user.user_type = match seed.user_type.as_deref() {
            None | Some("Member") => portico_model::user::UserType::Member,
            Some("Guest") => portico_model::user::UserType::Guest,
            Some(other) => {
                return Err(invalid(
                    key,
                    format!("user_type '{other}' is not Member or Guest"),
                ))
            }
        };
        if seed.mailbox {
            let mail = match &seed.mail {
                Some(mail) => parse_id(key, "mail", mail, EmailAddress::parse)?,
                None => upn
                    .as_email()
                    .ok_or_else(|| invalid(key, format!("user '{upn}' needs a mail address")))?,
            };
            user.proxy_addresses = match &seed.proxy_addresses {
                Some(list) => list
                    .iter()
                    .map(|p| parse_id(key, "proxy address", p, ProxyAddress::parse))
                    .collect::<Result<_, _>>()?,
                None => vec![ProxyAddress::primary(mail.clone())],
            };
            user.mail = Some(mail);
        }
        user.other_mails = seed
            .other_mails
            .iter()
            .map(|m| parse_id(key, "other mail", m, EmailAddress::parse))
            .collect::<Result<_, _>>()?;
        user.password_hash = self.user_password(key, &upn, seed)?;
        if let Some(secret) = &seed.totp_secret {
            let method_id = object_id(key, tenant, None, &format!("totp:{}", upn.normalized()))?;
            user.mfa_methods.push(MfaMethod::Totp {
                id: method_id,
                secret_base32: secret.clone(),
                registered_at: self.now,
                last_used_step: None,
            });
        }
        let roles = seed
            .roles
            .iter()
            .map(|name| {
                DirectoryRole::from_display_name(name)
                    .ok_or_else(|| invalid(key, format!("unknown role '{name}'")))
            })
            .collect::<Result<_, _>>()?;
        Ok((user, roles))
    }

    fn group(&self, key: &str, tenant: TenantId, seed: &GroupSeed) -> Result<Group, SeedError> {
        let mail = seed
            .mail
            .as_deref()
            .map(|m| parse_id(key, "group mail", m, EmailAddress::parse))
            .transpose()?;
        let name = mail.as_ref().map_or_else(
            || seed.display_name.to_lowercase(),
            EmailAddress::normalized,
        );
        Ok(Group {
            id: object_id(key, tenant, seed.id.as_ref(), &format!("group:{name}"))?,
            display_name: seed.display_name.clone(),
            description: seed.description.clone(),
            mail_nickname: mail.as_ref().map(|m| m.local_part().to_owned()),
            mail_enabled: mail.is_some(),
            security_enabled: seed.security_enabled,
            proxy_addresses: mail.iter().cloned().map(ProxyAddress::primary).collect(),
            mail,
            created_at: self.now,
            kind: Default::default(),
        })
    }

    fn app(
        &self,
        key: &str,
        tenant: TenantId,
        tenant_seed: &TenantSeed,
        seed: &AppSeed,
    ) -> Result<Application, SeedError> {
        let client_id = parse_id(key, "client_id", &seed.client_id, ClientId::parse)?;
        let redirect_uris = seed
            .redirect_uris
            .iter()
            .map(|uri| {
                parse_id(
                    key,
                    "redirect URI",
                    &uri.replace("{public_url}", self.public_url.trim_end_matches('/')),
                    RedirectUri::parse,
                )
            })
            .collect::<Result<_, _>>()?;
        let secrets = match &seed.secret {
            Some(secret) => vec![ClientSecret {
                id: object_id(key, tenant, None, &format!("secret:{client_id}"))?,
                display_name: Some("seeded".into()),
                hint: secret.chars().take(3).collect(),
                sha256_hex: digest_hex(secret),
                expires_at: None,
            }],
            None => Vec::new(),
        };
        let secrets = secrets
            .into_iter()
            .chain(secret_digests(
                key,
                tenant,
                client_id,
                &seed.secret_digests,
            )?)
            .collect();
        Ok(Application {
            id: object_id(key, tenant, seed.id.as_ref(), &format!("app:{client_id}"))?,
            client_id,
            display_name: seed.display_name.clone(),
            redirect_uris,
            public_client: seed.public_client,
            assignment_required: seed.assignment_required,
            allow_password_grant: seed.allow_password_grant,
            graph_app_permissions: seed.graph_permissions.clone(),
            secrets,
            key_credentials: key_credentials(key, tenant, seed, self.now)?,
            registration: super::apis::registration(tenant, tenant_seed, seed)
                .map_err(|e| invalid(key, e))?,
            created_at: self.now,
        })
    }

    fn partner(&self, key: &str, seed: &PartnerSeed) -> Result<PartnerConfiguration, SeedError> {
        let partner = match self.tenant_ids.get(seed.tenant.as_str()) {
            Some(id) => *id,
            None => parse_id(key, "partner tenant", &seed.tenant, TenantId::parse)?,
        };
        let setting = |value: &Option<String>| b2b_setting(key, "partner", value);
        let mut config = PartnerConfiguration::inheriting(partner);
        config.b2b_collaboration_inbound = setting(&seed.b2b_collaboration_inbound)?;
        config.b2b_collaboration_outbound = setting(&seed.b2b_collaboration_outbound)?;
        config.tenant_restrictions = setting(&seed.tenant_restrictions)?;
        config.is_service_provider = seed.is_service_provider;
        if seed.inbound_trust_mfa.is_some() || seed.inbound_trust_compliant_device.is_some() {
            config.inbound_trust = Some(InboundTrust {
                is_mfa_accepted: seed.inbound_trust_mfa.unwrap_or(false),
                is_compliant_device_accepted: seed.inbound_trust_compliant_device.unwrap_or(false),
                is_hybrid_azure_ad_joined_device_accepted: false,
            });
        }
        Ok(config)
    }

    fn conditional_access(
        &self,
        key: &str,
        tenant: TenantId,
        seed: &ConditionalAccessSeed,
    ) -> Result<ConditionalAccessPolicy, SeedError> {
        let levels = |list: &[String]| -> Result<Vec<RiskLevel>, SeedError> {
            list.iter()
                .map(|level| by_name(key, "risk level", level))
                .collect()
        };
        let operator = match seed.grant_operator.as_deref() {
            None | Some("OR") => GrantOperator::Or,
            Some("AND") => GrantOperator::And,
            Some(other) => {
                return Err(invalid(
                    key,
                    format!("grant operator '{other}' is not OR or AND"),
                ))
            }
        };
        Ok(ConditionalAccessPolicy {
            id: object_id(
                key,
                tenant,
                seed.id.as_ref(),
                &format!("ca:{}", seed.display_name.to_lowercase()),
            )?,
            display_name: seed.display_name.clone(),
            description: seed.description.clone(),
            state: by_name(key, "state", &seed.state)?,
            conditions: Conditions {
                users: UserConditions {
                    include_users: seed.include_users.clone(),
                    exclude_users: seed.exclude_users.clone(),
                    ..Default::default()
                },
                applications: ApplicationConditions {
                    include_applications: seed.include_applications.clone(),
                    ..Default::default()
                },
                user_risk_levels: levels(&seed.user_risk_levels)?,
                sign_in_risk_levels: levels(&seed.sign_in_risk_levels)?,
                ..Default::default()
            },
            grant_controls: Some(GrantControls {
                operator,
                built_in_controls: seed
                    .grant
                    .iter()
                    .map(|g| by_name(key, "grant control", g))
                    .collect::<Result<_, _>>()?,
                terms_of_use: Vec::new(),
            }),
            session_controls: None,
            created_at: self.now,
            modified_at: None,
        })
    }
}

/// A model enum from its camelCase name, as Graph spells it (`high`, `enabled`, `block`).
fn by_name<T: serde::de::DeserializeOwned>(
    key: &str,
    what: &str,
    name: &str,
) -> Result<T, SeedError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|e| invalid(key, format!("{what} '{name}': {e}")))
}

/// `allow` / `block` (all users, all applications) in a seed; absent is `None`.
fn b2b_setting(
    key: &str,
    what: &str,
    value: &Option<String>,
) -> Result<Option<B2bSetting>, SeedError> {
    match value.as_deref() {
        None => Ok(None),
        Some("allow") => Ok(Some(B2bSetting::allow_all())),
        Some("block") => Ok(Some(B2bSetting::block_all())),
        Some(other) => Err(invalid(
            key,
            format!("{what} setting '{other}' is not 'allow' or 'block'"),
        )),
    }
}

/// The service default with the seed's changes; any change makes it the tenant's own
/// (`isServiceDefault: false`).
fn cross_tenant_default(
    key: &str,
    seed: &CrossTenantDefaultSeed,
) -> Result<CrossTenantAccessSettings, SeedError> {
    let mut default = CrossTenantAccessSettings::default();
    let setting = |value: &Option<String>| b2b_setting(key, "cross_tenant_default", value);
    let mut changed = false;
    for (value, slot) in [
        (
            &seed.b2b_collaboration_inbound,
            &mut default.b2b_collaboration_inbound,
        ),
        (
            &seed.b2b_collaboration_outbound,
            &mut default.b2b_collaboration_outbound,
        ),
        (&seed.tenant_restrictions, &mut default.tenant_restrictions),
    ] {
        if let Some(built) = setting(value)? {
            *slot = built;
            changed = true;
        }
    }
    if let Some(mfa) = seed.inbound_trust_mfa {
        default.inbound_trust.is_mfa_accepted = mfa;
        changed = true;
    }
    if let Some(compliant) = seed.inbound_trust_compliant_device {
        default.inbound_trust.is_compliant_device_accepted = compliant;
        changed = true;
    }
    default.customized = changed;
    Ok(default)
}

fn settings(key: &str, seed: &SettingsSeed) -> Result<TenantSettings, SeedError> {
    let mut settings = TenantSettings::default();
    if let Some(level) = seed.guest_access.as_deref() {
        settings.authorization.guest_access = match level {
            "same_as_members" => GuestAccessLevel::SameAsMembers,
            "limited" => GuestAccessLevel::Limited,
            "restricted" => GuestAccessLevel::Restricted,
            other => {
                return Err(invalid(
                    key,
                    format!("guest_access '{other}' is not same_as_members, limited or restricted"),
                ))
            }
        };
    }
    if let Some(who) = seed.allow_invites_from.as_deref() {
        settings.authorization.allow_invites_from = match who {
            "none" => AllowInvitesFrom::None,
            "admins_and_guest_inviters" => AllowInvitesFrom::AdminsAndGuestInviters,
            "admins_guest_inviters_and_all_members" => {
                AllowInvitesFrom::AdminsGuestInvitersAndAllMembers
            }
            "everyone" => AllowInvitesFrom::Everyone,
            other => {
                return Err(invalid(
                    key,
                    format!("allow_invites_from '{other}' is not a known value"),
                ))
            }
        };
    }
    let domains = |list: &[String]| -> Result<Vec<DomainName>, SeedError> {
        list.iter()
            .map(|d| parse_id(key, "domain", d, DomainName::parse))
            .collect()
    };
    settings.collaboration.domain_restriction = match (&seed.allowed_domains, &seed.blocked_domains)
    {
        (Some(_), Some(_)) => {
            return Err(invalid(
                key,
                "set allowed_domains or blocked_domains, not both",
            ))
        }
        (Some(allowed), None) => DomainRestriction::AllowOnly(domains(allowed)?),
        (None, Some(blocked)) => DomainRestriction::Block(domains(blocked)?),
        (None, None) => DomainRestriction::AllowAll,
    };
    if let Some(enabled) = seed.email_otp_enabled {
        settings.collaboration.email_otp_enabled = enabled;
    }
    settings.collaboration.invitation_lifetime_days = seed.invitation_lifetime_days;
    if let Some(enabled) = seed.self_service_sign_up {
        settings.collaboration.self_service_sign_up = enabled;
    }
    let retention = |name: &str, days: Option<u32>, default: u32| match days {
        Some(0) => Err(invalid(key, format!("{name} must be at least 1"))),
        Some(days) => Ok(days),
        None => Ok(default),
    };
    settings.sign_in_retention_days = retention(
        "sign_in_retention_days",
        seed.sign_in_retention_days,
        settings.sign_in_retention_days,
    )?;
    settings.audit_retention_days = retention(
        "audit_retention_days",
        seed.audit_retention_days,
        settings.audit_retention_days,
    )?;
    Ok(settings)
}

/// Secrets an export wrote down by digest, as they were.
fn secret_digests(
    key: &str,
    tenant: TenantId,
    client_id: ClientId,
    seeds: &[SecretDigestSeed],
) -> Result<Vec<ClientSecret>, SeedError> {
    seeds
        .iter()
        .enumerate()
        .map(|(index, seed)| {
            let sha256 = seed.sha256.to_ascii_lowercase();
            if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(invalid(
                    key,
                    format!("app {client_id}: secret_digest {index} is not a SHA-256 in hex"),
                ));
            }
            let expires_at = seed
                .expires
                .as_deref()
                .map(|text| {
                    DateTime::parse_from_rfc3339(text)
                        .map(|at| at.with_timezone(&Utc))
                        .map_err(|e| {
                            invalid(
                                key,
                                format!("app {client_id}: secret_digest {index} expires: {e}"),
                            )
                        })
                })
                .transpose()?;
            Ok(ClientSecret {
                id: object_id(
                    key,
                    tenant,
                    seed.id.as_ref(),
                    &format!("secret:{client_id}:{index}"),
                )?,
                display_name: seed.display_name.clone(),
                hint: seed.hint.clone(),
                sha256_hex: sha256,
                expires_at,
            })
        })
        .collect()
}

/// The app's certificates, each checked to be an X.509 certificate with an RSA key.
fn key_credentials(
    key: &str,
    tenant: TenantId,
    seed: &AppSeed,
    now: DateTime<Utc>,
) -> Result<Vec<portico_model::application::KeyCredential>, SeedError> {
    use base64::Engine;
    seed.certificates
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let (der, _) = crate::tokens::certificate::read_certificate(text).ok_or_else(|| {
                invalid(
                    key,
                    format!(
                        "app {}: certificate {index} is not an X.509 certificate with an RSA key",
                        seed.client_id
                    ),
                )
            })?;
            Ok(portico_model::application::KeyCredential {
                key_id: object_id(
                    key,
                    tenant,
                    None,
                    &format!("cert:{}:{index}", seed.client_id),
                )?,
                display_name: Some("seeded".into()),
                certificate_base64: base64::engine::general_purpose::STANDARD.encode(der),
                start_at: Some(now),
                end_at: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const SEED: &str = r#"
[[tenant]]
key = "a"
id = "11111111-1111-4111-8111-111111111111"
display_name = "A"
domains = ["a.example.com"]

[tenant.cross_tenant_default]
tenant_restrictions = "allow"
inbound_trust_mfa = true

[[tenant.partner]]
tenant = "22222222-2222-4222-8222-222222222222"
tenant_restrictions = "block"
is_service_provider = true
"#;

    #[test]
    fn cross_tenant_keys_build_the_default_and_partners() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let seed = crate::seed::parse(SEED).unwrap();
        let batches = build_world(&seed, "https://localhost:8443", now).unwrap();
        let writes = &batches[0].writes;
        let Some(Write::CreateTenant(_, settings)) = writes.first() else {
            panic!("the tenant comes first");
        };
        let default = &settings.cross_tenant_default;
        assert!(
            default.customized,
            "a seeded default is not the service default"
        );
        assert_eq!(default.tenant_restrictions, B2bSetting::allow_all());
        assert!(default.inbound_trust.is_mfa_accepted);
        assert_eq!(default.b2b_collaboration_inbound, B2bSetting::allow_all());
        let partner = writes
            .iter()
            .find_map(|w| match w {
                Write::PutPartner(p) => Some(p),
                _ => None,
            })
            .unwrap();
        assert_eq!(partner.tenant_restrictions, Some(B2bSetting::block_all()));
        assert!(partner.is_service_provider);
        assert_eq!(partner.b2b_collaboration_inbound, None);

        let bad = SEED.replace(
            "tenant_restrictions = \"allow\"",
            "tenant_restrictions = \"maybe\"",
        );
        let error = build_world(&crate::seed::parse(&bad).unwrap(), "https://x", now)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("'maybe' is not 'allow' or 'block'"),
            "{error}"
        );
    }

    #[test]
    fn log_retention_is_thirty_days_unless_the_seed_says_otherwise() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let settings_of = |seed: &str| -> Result<TenantSettings, SeedError> {
            let batches = build_world(&crate::seed::parse(seed).unwrap(), "https://x", now)?;
            match batches[0].writes.first() {
                Some(Write::CreateTenant(_, settings)) => Ok(settings.clone()),
                _ => panic!("the tenant comes first"),
            }
        };
        let default = settings_of(SEED).unwrap();
        assert_eq!(
            (default.sign_in_retention_days, default.audit_retention_days),
            (30, 30)
        );
        let with = |keys: &str| {
            SEED.replace(
                "[tenant.cross_tenant_default]",
                &format!("[tenant.settings]\n{keys}\n\n[tenant.cross_tenant_default]"),
            )
        };
        let longer = settings_of(&with(
            "sign_in_retention_days = 90\naudit_retention_days = 365",
        ))
        .unwrap();
        assert_eq!(
            (longer.sign_in_retention_days, longer.audit_retention_days),
            (90, 365)
        );
        let error = settings_of(&with("audit_retention_days = 0"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("audit_retention_days must be at least 1"),
            "{error}"
        );
    }
}
