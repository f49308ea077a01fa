//! Graph shapes of Identity Protection: `riskyUser` and the `userIds` body of `dismiss` and
//! `confirmCompromised`.

use super::timestamp;
use portico_model::risk::RiskyUser;
use portico_model::user::User;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// `POST /identityProtection/riskyUsers/dismiss` and `…/confirmCompromised`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserIdsBody {
    pub user_ids: Vec<String>,
}

fn name_of<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A risky user as Graph returns it; `user` is `None` once the user is deleted.
pub fn risky_user_json(risk: &RiskyUser, user: Option<&User>) -> Map<String, Value> {
    let object = json!({
        "id": risk.user_id.to_string(),
        "isDeleted": user.is_none(),
        "isProcessing": false,
        "riskLastUpdatedDateTime": timestamp(risk.updated_at),
        "riskLevel": name_of(&risk.risk_level),
        "riskState": name_of(&risk.risk_state),
        "riskDetail": risk.risk_detail,
        "userDisplayName": user.map(|u| u.display_name.clone()),
        "userPrincipalName": user.map(|u| u.user_principal_name.to_string()),
    });
    match object {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
