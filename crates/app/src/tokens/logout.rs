//! Logout (OpenID Connect RP-Initiated Logout): which client an `id_token_hint` names, and where
//! a `post_logout_redirect_uri` may send the browser. Redirects go through the one matcher,
//! `RedirectUri::matches`, as `/authorize`'s do.

use super::jwt;
use crate::App;
use portico_model::{ClientId, TenantId};
use serde_json::Value;

/// What a valid `id_token_hint` tells: the app the user signed in to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutHint {
    pub client_id: ClientId,
}

impl App {
    /// An ID token this tenant issued (signature, `typ`, `iss` and `tid` checked). Its lifetime is
    /// not: a hint may have expired by the time the user signs out (RP-Initiated Logout §2).
    pub async fn logout_hint(&self, tenant: TenantId, hint: &str) -> Option<LogoutHint> {
        let now = self.now();
        let header = jwt::unverified_header(hint)?;
        let kid = header.get("kid").and_then(Value::as_str)?;
        let key = self.keys().public_key(tenant, kid, now).await.ok()??;
        let verified = jwt::verify(hint, |k| (k == kid).then(|| key.clone())).ok()?;
        let claims = &verified.claims;
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        let issued_here = verified.typ.as_deref() == Some("JWT")
            && text("iss") == Some(self.issuer(tenant).as_str())
            && text("tid") == Some(tenant.to_string().as_str());
        if !issued_here {
            return None;
        }
        let client_id = ClientId::parse(text("aud")?).ok()?;
        Some(LogoutHint { client_id })
    }

    /// Where to send the browser after logout: `uri` (with `state`) when it is a registered
    /// redirect URI of `client`, or of any of the tenant's apps when no hint named a client.
    pub async fn post_logout_location(
        &self,
        tenant: TenantId,
        client: Option<ClientId>,
        uri: &str,
        state: Option<&str>,
    ) -> Option<String> {
        let apps = match self.store().list_applications(tenant).await {
            Ok(apps) => apps,
            Err(error) => {
                tracing::warn!(%error, "cannot read the applications for logout");
                return None;
            }
        };
        let registered = apps
            .iter()
            .filter(|app| client.is_none_or(|id| app.client_id == id))
            .any(|app| app.redirect_uris.iter().any(|r| r.matches(uri)));
        if !registered {
            return None;
        }
        Some(match state {
            Some(state) => format!(
                "{uri}{}state={}",
                if uri.contains('?') { '&' } else { '?' },
                super::flow::encode(state)
            ),
            None => uri.to_owned(),
        })
    }
}
