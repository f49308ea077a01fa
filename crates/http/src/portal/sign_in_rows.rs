//! Sign-in log rows as the portal's tables show them.

use portico_app::directory::SignInView;
use portico_model::logs::CrossTenantAccessType;

pub struct SignInRow {
    pub id: String,
    pub time: String,
    pub user: String,
    pub app: String,
    pub succeeded: bool,
    pub error_code: u32,
    pub failure: String,
    pub access_type: &'static str,
    pub home_tenant: String,
    /// For a failure: the diagnosis of the same sign-in, prefilled.
    pub diagnose_url: Option<String>,
}

pub fn access_type_name(kind: CrossTenantAccessType) -> &'static str {
    match kind {
        CrossTenantAccessType::None => "none",
        CrossTenantAccessType::B2bCollaboration => "b2bCollaboration",
        CrossTenantAccessType::B2bDirectConnect => "b2bDirectConnect",
        CrossTenantAccessType::MicrosoftSupport => "microsoftSupport",
        CrossTenantAccessType::ServiceProvider => "serviceProvider",
        CrossTenantAccessType::Passthrough => "passthrough",
    }
}

impl SignInRow {
    pub fn of(view: &SignInView) -> Self {
        let record = &view.record;
        Self {
            id: record.id.to_string(),
            time: record.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            user: record
                .user_principal_name
                .clone()
                .or_else(|| record.user_display_name.clone())
                .unwrap_or_default(),
            app: record.app_display_name.clone().unwrap_or_default(),
            succeeded: record.error_code == 0,
            error_code: record.error_code,
            failure: record.failure_reason.clone().unwrap_or_default(),
            access_type: access_type_name(record.cross_tenant_access_type),
            home_tenant: record
                .home_tenant_id
                .map_or_else(String::new, |t| t.to_string()),
            diagnose_url: (record.error_code != 0).then(|| diagnose_url(record)),
        }
    }
}

/// `/portal/diagnose` prefilled with what the row knows of the sign-in.
pub fn diagnose_url(record: &portico_model::logs::SignInRecord) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(user) = &record.user_principal_name {
        query.append_pair("user", user);
    }
    if let Some(app) = &record.app_id {
        query.append_pair("app", &app.to_string());
    }
    if let Some(ip) = &record.ip_address {
        query.append_pair("ip", ip);
    }
    query.append_pair("from", &record.id.to_string());
    format!("/portal/diagnose?{}", query.finish())
}
