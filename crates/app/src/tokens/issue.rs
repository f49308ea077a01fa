//! Entra-shaped v2.0 claims, and the signed tokens made from them.

use crate::App;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use portico_model::application::Application;
use portico_model::user::{User, UserType};
use portico_model::{ClientId, ObjectId, TenantId};
use serde_json::{json, Map, Value};

pub const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";

/// The OIDC scopes; everything else names a resource permission.
pub(crate) const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// A signed token and when it expires.
pub(crate) struct Signed {
    pub token: String,
    pub expires_in: i64,
}

/// The user a delegated token speaks for.
pub(crate) struct Subject<'a> {
    pub tenant: TenantId,
    pub user: &'a User,
    pub client_id: ClientId,
    pub auth_time: DateTime<Utc>,
    pub amr: &'a [String],
    /// A guest's home identity provider (`docs/decisions.md` 15); `None` for members.
    pub idp: Option<String>,
    /// The browser session the sign-in belongs to (the ID token's `sid`, the redirect's
    /// `session_state`), when there is one.
    pub sid: Option<String>,
}

/// `sub` is pairwise, as in Entra: stable per (tenant, user, app), different across apps.
fn pairwise_sub(tenant: TenantId, user: ObjectId, client: ClientId) -> String {
    let input = format!("{tenant}|{user}|{client}");
    URL_SAFE_NO_PAD
        .encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, input.as_bytes()).as_ref())
}

/// The claims every token has. `version` 1 is Entra's v1.0 access token (issuer
/// `https://sts.windows.net/{tid}/`), 2 the v2.0 one.
pub(super) fn base_claims(
    app: &App,
    tenant: TenantId,
    (audience, version): (&str, u8),
    now: DateTime<Utc>,
    lifetime: Duration,
) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("aud".into(), json!(audience));
    let issuer = match version {
        1 => app.v1_issuer(tenant),
        _ => app.issuer(tenant),
    };
    claims.insert("iss".into(), json!(issuer));
    claims.insert("iat".into(), json!(now.timestamp()));
    claims.insert("nbf".into(), json!(now.timestamp()));
    claims.insert("exp".into(), json!((now + lifetime).timestamp()));
    claims.insert("tid".into(), json!(tenant.to_string()));
    claims.insert("uti".into(), json!(app.random().token(16)));
    claims.insert(
        "ver".into(),
        json!(if version == 1 { "1.0" } else { "2.0" }),
    );
    claims
}

pub(super) fn user_claims(claims: &mut Map<String, Value>, subject: &Subject<'_>) {
    let user = subject.user;
    claims.insert("oid".into(), json!(user.id.to_string()));
    claims.insert(
        "sub".into(),
        json!(pairwise_sub(subject.tenant, user.id, subject.client_id)),
    );
    claims.insert("name".into(), json!(user.display_name));
    claims.insert(
        "preferred_username".into(),
        json!(user.user_principal_name.to_string()),
    );
    if let Some(mail) = &user.mail {
        claims.insert("email".into(), json!(mail.to_string()));
    }
    claims.insert(
        "acct".into(),
        json!(if user.user_type == UserType::Guest {
            1
        } else {
            0
        }),
    );
    if let Some(idp) = &subject.idp {
        claims.insert("idp".into(), json!(idp));
        // A guest is known by the address they were invited as, not the #EXT# UPN.
        if let Some(mail) = &user.mail {
            claims.insert("preferred_username".into(), json!(mail.to_string()));
        }
    }
}

impl App {
    /// `{public URL}{tenant id}/v2.0`.
    pub fn issuer(&self, tenant: TenantId) -> String {
        format!("{}{tenant}/v2.0", self.public_base())
    }

    /// The issuer of v1.0 access tokens, Entra's `https://sts.windows.net/{tid}/` form on
    /// Portico's origin: `{public URL}{tenant id}/`.
    pub fn v1_issuer(&self, tenant: TenantId) -> String {
        format!("{}{tenant}/", self.public_base())
    }

    /// The keys `/common` and `/organizations` publish: every tenant's, so a multi-tenant
    /// app that validates tokens with the authority's `jwks_uri` finds the key of any issuer
    /// (Entra publishes one key set for all its tenants).
    pub async fn multi_tenant_jwks(&self) -> Result<Vec<super::keys::Jwk>, crate::AppError> {
        let now = self.now();
        let mut keys = Vec::new();
        for tenant in self.store().list_tenants().await? {
            let published = self.keys().jwks(tenant.id, now).await;
            keys.extend(published?);
        }
        Ok(keys)
    }

    /// The public URL, always ending in `/`.
    pub fn public_base(&self) -> String {
        let url = self.config().public_url.as_str();
        if url.ends_with('/') {
            url.to_owned()
        } else {
            format!("{url}/")
        }
    }

    pub(super) fn access_lifetime(&self) -> Duration {
        let lifetimes = self.lifetimes();
        let spread = (lifetimes.access_max - lifetimes.access_min)
            .num_seconds()
            .max(0);
        let spread = u64::try_from(spread).unwrap_or(0).saturating_add(1);
        let drawn = i64::try_from(self.random().below(spread)).unwrap_or(0);
        lifetimes.access_min + Duration::seconds(drawn)
    }

    pub(super) async fn sign(
        &self,
        tenant: TenantId,
        claims: &Map<String, Value>,
        typ: &str,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> Result<Signed, super::keys::KeyError> {
        let (kid, key) = self.keys().signing_key(tenant, now).await?;
        let token = super::jwt::sign(claims, typ, &kid, &key)?;
        Ok(Signed {
            token,
            expires_in: lifetime.num_seconds(),
        })
    }

    /// An app-only Graph token: `roles` are the app's Graph application permissions.
    pub(crate) async fn app_access_token(
        &self,
        tenant: TenantId,
        app: &Application,
        now: DateTime<Utc>,
    ) -> Result<Signed, super::keys::KeyError> {
        let lifetime = self.access_lifetime();
        let mut claims = base_claims(self, tenant, (GRAPH_AUDIENCE, 2), now, lifetime);
        claims.insert("azp".into(), json!(app.client_id.to_string()));
        claims.insert("azpacr".into(), json!("1"));
        claims.insert("app_displayname".into(), json!(app.display_name));
        claims.insert("idtyp".into(), json!("app"));
        claims.insert("oid".into(), json!(app.id.to_string()));
        claims.insert("sub".into(), json!(app.id.to_string()));
        claims.insert("roles".into(), json!(app.graph_app_permissions));
        self.sign(tenant, &claims, "at+jwt", now, lifetime).await
    }

    /// A delegated Graph token for `subject` with the granted Graph scopes.
    pub(crate) async fn user_access_token(
        &self,
        subject: &Subject<'_>,
        scopes: &[String],
        confidential: bool,
        now: DateTime<Utc>,
    ) -> Result<Signed, super::keys::KeyError> {
        let lifetime = self.access_lifetime();
        let mut claims = base_claims(self, subject.tenant, (GRAPH_AUDIENCE, 2), now, lifetime);
        user_claims(&mut claims, subject);
        claims.insert("azp".into(), json!(subject.client_id.to_string()));
        claims.insert("azpacr".into(), json!(if confidential { "1" } else { "0" }));
        claims.insert("idtyp".into(), json!("user"));
        claims.insert("scp".into(), json!(scopes.join(" ")));
        claims.insert("amr".into(), json!(token_amr(subject.amr)));
        self.sign(subject.tenant, &claims, "at+jwt", now, lifetime)
            .await
    }

    /// An ID token for the client.
    pub(crate) async fn id_token(
        &self,
        subject: &Subject<'_>,
        nonce: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Signed, super::keys::KeyError> {
        let lifetime = self.lifetimes().id_token;
        let mut claims = base_claims(
            self,
            subject.tenant,
            (&subject.client_id.to_string(), 2),
            now,
            lifetime,
        );
        user_claims(&mut claims, subject);
        claims.insert("auth_time".into(), json!(subject.auth_time.timestamp()));
        if let Some(sid) = &subject.sid {
            claims.insert("sid".into(), json!(sid));
        }
        if let Some(nonce) = nonce {
            claims.insert("nonce".into(), json!(nonce));
        }
        self.sign(subject.tenant, &claims, "JWT", now, lifetime)
            .await
    }
}

// Tokens for APIs registered in the tenant (`api_access.rs` decides what they carry).

fn key_failure(error: super::keys::KeyError) -> super::errors::OAuthError {
    tracing::error!(%error, "signing failed");
    super::errors::OAuthError::server_error()
}

/// The client's claims: `appid`/`appidacr` in v1.0 tokens, `azp`/`azpacr` in v2.0.
fn client_claims(claims: &mut Map<String, Value>, version: u8, client_id: String, acr: &str) {
    let (id, acr_name) = match version {
        1 => ("appid", "appidacr"),
        _ => ("azp", "azpacr"),
    };
    claims.insert(id.into(), json!(client_id));
    claims.insert(acr_name.into(), json!(acr));
}

impl App {
    /// An app-only token for an API of the tenant: `roles` are the app roles assigned to the client's service
    /// principal; none, and the claim is absent (Entra issues the token all the same).
    pub(crate) async fn app_api_token(
        &self,
        tenant: &portico_model::tenant::Tenant,
        client: &Application,
        (audience, version): (&str, u8),
        roles: &[String],
        now: DateTime<Utc>,
    ) -> Result<Signed, super::errors::OAuthError> {
        let lifetime = self.access_lifetime();
        let mut claims = base_claims(self, tenant.id, (audience, version), now, lifetime);
        client_claims(&mut claims, version, client.client_id.to_string(), "1");
        if version == 1 {
            claims.insert("idp".into(), json!(self.v1_issuer(tenant.id)));
        }
        claims.insert("idtyp".into(), json!("app"));
        claims.insert("oid".into(), json!(client.id.to_string()));
        claims.insert("sub".into(), json!(client.id.to_string()));
        if !roles.is_empty() {
            claims.insert("roles".into(), json!(roles));
        }
        self.sign(tenant.id, &claims, "at+jwt", now, lifetime)
            .await
            .map_err(key_failure)
    }

    /// A delegated token for `api` with the granted scopes and the user's app roles.
    pub(crate) async fn user_api_token(
        &self,
        subject: &Subject<'_>,
        (audience, version): (&str, u8),
        (scopes, roles): (&[String], &[String]),
        confidential: bool,
        now: DateTime<Utc>,
    ) -> Result<Signed, super::errors::OAuthError> {
        let lifetime = self.access_lifetime();
        let mut claims = base_claims(self, subject.tenant, (audience, version), now, lifetime);
        user_claims(&mut claims, subject);
        let acr = if confidential { "1" } else { "0" };
        client_claims(&mut claims, version, subject.client_id.to_string(), acr);
        if version == 1 {
            // v1.0 names the user by `unique_name` (and members by `upn`).
            if let Some(name) = claims.remove("preferred_username") {
                claims.insert("unique_name".into(), name);
            }
            if subject.user.user_type != UserType::Guest {
                claims.insert(
                    "upn".into(),
                    json!(subject.user.user_principal_name.to_string()),
                );
            }
        }
        claims.insert("idtyp".into(), json!("user"));
        claims.insert("scp".into(), json!(scopes.join(" ")));
        if !roles.is_empty() {
            claims.insert("roles".into(), json!(roles));
        }
        claims.insert("amr".into(), json!(token_amr(subject.amr)));
        self.sign(subject.tenant, &claims, "at+jwt", now, lifetime)
            .await
            .map_err(key_failure)
    }
}

/// Entra's claims challenge naming Conditional Access policies (`capolids`), as a string.
pub(crate) fn claims_challenge(policies: &[String]) -> String {
    json!({"access_token": {"capolids": {"essential": true, "values": policies}}}).to_string()
}

/// A requested scope names a resource other than Microsoft Graph (the scope as given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotGraph(pub String);

/// Splits requested scopes into the Graph permissions granted and the OIDC scopes asked for.
/// Graph scopes may be written bare (`User.Read`), with the Graph URI or with its app id.
pub(crate) fn graph_scopes(requested: &[String]) -> Result<Vec<String>, NotGraph> {
    let mut granted = Vec::new();
    for scope in requested {
        if OIDC_SCOPES.contains(&scope.as_str()) {
            continue;
        }
        // Entra accepts Graph's URI with a trailing slash too (`…microsoft.com//.default`).
        let bare = scope
            .strip_prefix("https://graph.microsoft.com/")
            .or_else(|| scope.strip_prefix("00000003-0000-0000-c000-000000000000/"))
            .map_or(scope.as_str(), |rest| rest.trim_start_matches('/'));
        if bare.contains('/') || bare.contains(':') {
            return Err(NotGraph(scope.clone()));
        }
        let bare = if bare == ".default" {
            "User.Read"
        } else {
            bare
        };
        if !granted.iter().any(|g: &String| g == bare) {
            granted.push(bare.to_owned());
        }
    }
    if granted.is_empty() {
        granted.push("User.Read".to_owned());
    }
    Ok(granted)
}

/// The `amr` claim: MFA at a guest's home tenant shows as `mfa`, like MFA done here; Portico's
/// own markers (device state) are not shown.
pub(super) fn token_amr(amr: &[String]) -> Vec<&str> {
    use crate::sign_in_policy::facts::{AMR_DEVICE_COMPLIANT, AMR_DEVICE_JOINED};
    let mut shown: Vec<&str> = Vec::new();
    for entry in amr {
        let entry = match entry.as_str() {
            crate::sign_in_policy::AMR_HOME_MFA => crate::sign_in_policy::AMR_MFA,
            AMR_DEVICE_COMPLIANT | AMR_DEVICE_JOINED => continue,
            other => other,
        };
        if !shown.contains(&entry) {
            shown.push(entry);
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_scopes_are_normalised() {
        let scopes =
            |list: &[&str]| graph_scopes(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            scopes(&["openid", "offline_access"]).unwrap(),
            ["User.Read"]
        );
        assert_eq!(
            scopes(&[
                "https://graph.microsoft.com/User.Read",
                "Mail.Read",
                "profile"
            ])
            .unwrap(),
            ["User.Read", "Mail.Read"]
        );
        assert_eq!(
            scopes(&["00000003-0000-0000-c000-000000000000/.default"]).unwrap(),
            ["User.Read"]
        );
        assert_eq!(
            scopes(&["api://other/access"]).unwrap_err(),
            NotGraph("api://other/access".into())
        );
    }
}
