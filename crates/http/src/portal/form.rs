//! What the portal's editing forms share: the submitted values to fill a form again, and a
//! refusal of the use case as the `Invalid {property, message}` shown next to its field.

use super::{PortalError, Session};
use axum::http::StatusCode;
use portico_app::directory::GraphError;
use portico_model::Invalid;
use serde::Deserialize;

/// A form's values by field name (submitted, or from the stored object), without the CSRF value.
#[derive(Debug, Default)]
pub struct FormValues(Vec<(String, String)>);

impl FormValues {
    pub fn new(mut pairs: Vec<(String, String)>) -> Self {
        pairs.retain(|(name, _)| name != "csrf");
        Self(pairs)
    }

    /// A text field's value; a list field's values one per line.
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether a checkbox, radio button or option `value` of `name` is chosen.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0
            .iter()
            .any(|(n, v)| n == name && v.trim().eq_ignore_ascii_case(value))
    }

    /// The first value of `name` (a radio button, a select), or `""`.
    pub fn first(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of `name`; a text area's lines (or comma-separated items) count one each.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| v.split(['\n', ',']))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// The CSRF value a form post carries.
pub fn csrf_of(pairs: &[(String, String)]) -> &str {
    pairs
        .iter()
        .find(|(n, _)| n == "csrf")
        .map_or("", |(_, v)| v.as_str())
}

/// A refusal the form shows (bad input, with its property), or a page of its own (no access,
/// not found, a failure).
pub fn form_error(error: GraphError) -> Result<Invalid, PortalError> {
    match error {
        GraphError::Invalid(invalid) => Ok(invalid),
        GraphError::BadRequest { message, .. } | GraphError::Conflict { message, .. } => {
            Ok(Invalid::new("", message))
        }
        other => Err(other.into()),
    }
}

/// The message for the field `prefix` (or a property within it), if the refusal is about it.
pub fn error_at<'a>(error: &'a Option<Invalid>, prefix: &str) -> Option<&'a str> {
    error
        .as_ref()
        .filter(|e| {
            e.property == prefix
                || (e.property.starts_with(prefix) && e.property[prefix.len()..].starts_with('.'))
        })
        .map(|e| e.message.as_str())
}

/// A deletion's form: the CSRF value and the ticked confirmation.
#[derive(Deserialize)]
pub struct ConfirmForm {
    csrf: String,
    confirm: Option<String>,
}

impl ConfirmForm {
    /// Refuses a forged form, and one whose confirmation `what` (e.g. "delete the policy") is
    /// not ticked.
    pub fn check(&self, session: &Session, what: &str) -> Result<(), PortalError> {
        session.check_csrf(&self.csrf)?;
        if self.confirm.as_deref() == Some("yes") {
            return Ok(());
        }
        Err(PortalError::page(
            StatusCode::BAD_REQUEST,
            "Not done",
            &format!("Tick the confirmation to {what}."),
        ))
    }
}
