//! Sign-in log rows as the portal's tables show them.

use portico_app::directory::SignInView;
use portico_model::logs::CrossTenantAccessType;

pub struct SignInRow {
    pub id: String,
    pub time: String,
    pub app: String,
    pub succeeded: bool,
    pub error_code: u32,
    pub failure: String,
    pub access_type: &'static str,
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
            app: record.app_display_name.clone().unwrap_or_default(),
            succeeded: record.error_code == 0,
            error_code: record.error_code,
            failure: record.failure_reason.clone().unwrap_or_default(),
            access_type: access_type_name(record.cross_tenant_access_type),
        }
    }
}
