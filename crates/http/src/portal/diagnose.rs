//! `/portal/diagnose`: the what-if form for a sign-in to this tenant (user, app, location,
//! device, home MFA, tenant-restriction headers) and the engine's decision with its trace across
//! both tenants — the same evaluation a real sign-in gets. Failed rows of the log link here.

use super::{render, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use portico_app::directory::{GraphError, Operation};
use portico_app::sign_in_policy::whatif::{WhatIfError, WhatIfRequest};
use portico_wire::whatif::WhatIfAnswer;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
pub struct DiagnoseQuery {
    #[serde(default)]
    user: String,
    #[serde(default)]
    app: String,
    #[serde(default)]
    ip: String,
    #[serde(default)]
    compliant: Option<String>,
    #[serde(default)]
    home_mfa: Option<String>,
    #[serde(default)]
    mfa: Option<String>,
    #[serde(default)]
    restrict_to: String,
    #[serde(default)]
    restrict_context: String,
    /// The log row this diagnosis started from.
    #[serde(default)]
    from: String,
}

#[derive(Template)]
#[template(path = "portal/diagnose.html")]
struct DiagnosePage {
    chrome: Chrome,
    query: DiagnoseQuery,
    answer: Option<WhatIfAnswer>,
    error: Option<String>,
    tenant_name: String,
}

impl DiagnosePage {
    /// The engine's check, in words.
    fn label(&self, check: &str) -> String {
        match check {
            "tenantRestrictionsV1" => "Tenant restrictions (v1 headers)",
            "tenantRestrictionsV2" => "Tenant restrictions (v2 policy)",
            "accounts" => "Accounts enabled",
            "homeOutbound" => "Home tenant: outbound access",
            "resourceInbound" => "Resource tenant: inbound access",
            "appAssignment" => "Application assignment",
            "securityDefaults" => "Security defaults",
            "conditionalAccess" => "Conditional Access",
            other => other,
        }
        .to_owned()
    }
}

impl DiagnoseQuery {
    fn request(&self) -> WhatIfRequest {
        let mut headers = BTreeMap::new();
        let mut header = |name: &str, value: &str| {
            if !value.trim().is_empty() {
                headers.insert(name.to_owned(), value.trim().to_owned());
            }
        };
        header("Restrict-Access-To-Tenants", &self.restrict_to);
        header("Restrict-Access-Context", &self.restrict_context);
        WhatIfRequest {
            user: self.user.trim().to_owned(),
            app_id: self.app.trim().to_owned(),
            ip_address: Some(self.ip.trim().to_owned()).filter(|ip| !ip.is_empty()),
            headers,
            device_compliant: self.compliant.is_some(),
            home_mfa_satisfied: self.home_mfa.is_some(),
            mfa_satisfied: self.mfa.is_some(),
            ..WhatIfRequest::default()
        }
    }
}

/// `GET /portal/diagnose`: the form, and the answer once a user and an app are given.
pub async fn diagnose(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<DiagnoseQuery>,
) -> Result<Response, PortalError> {
    if !session.caller.administers(Operation::ListSignIns) {
        return Err(GraphError::Forbidden.into());
    }
    let (mut answer, mut error) = (None, None);
    if !query.user.trim().is_empty() && !query.app.trim().is_empty() {
        match state
            .app
            .portal_what_if(&session.caller, query.request())
            .await?
        {
            Ok(found) => answer = Some(WhatIfAnswer::new(&found.evaluation, found.user_exists)),
            Err(WhatIfError::Store(e)) => return Err(PortalError::internal(e)),
            Err(WhatIfError::App(e)) => return Err(PortalError::internal(e)),
            Err(other) => error = Some(other.to_string()),
        }
    }
    Ok(render(&DiagnosePage {
        chrome: Chrome::of(&state, &session, "diagnose").await,
        tenant_name: session.tenant.display_name.clone(),
        query,
        answer,
        error,
    }))
}
