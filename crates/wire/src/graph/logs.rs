//! Graph shapes of the logs: `signIn` (with `signInStatus` and `appliedConditionalAccessPolicy`)
//! and `directoryAudit` (with `auditActivityInitiator` and `targetResource`).
//!
//! A `signIn` comes in two shapes, v1.0's and beta's ([`SignInShape`]), each exactly the
//! properties of that version's metadata. Properties Portico has no data for are present and
//! `null` (`location`, `deviceDetail`, `homeTenantName`, `riskDetail`, an audit's
//! `resultReason`), or their documented empty value (`riskEventTypes`, `riskEventTypes_v2`,
//! `enforcedSessionControls`, `modifiedProperties`, `additionalDetails`: `[]`). Portico's own
//! facts — who must act on a failure (`responsibleParty`: `home`, `resource`, `network` or
//! `user`), `responsibleTenantId` and the setting that decided (`decidedBy`) — are not
//! properties: they ride in the `@portico.diagnosis` instance annotation.

use super::project;
use portico_model::logs::{Actor, AppliedPolicy, AuditRecord, AuditTarget, SignInRecord};
use portico_model::user::UserType;
use portico_model::ClientId;
use serde_json::{json, Map, Value};

/// Evolvable-enum members Graph sends only to callers that send
/// `Prefer: include-unknown-enum-members`; others get `unknownFutureValue`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EnumMembers {
    pub include_unknown: bool,
}

impl EnumMembers {
    fn gate(self, value: &str, late_members: &[&str]) -> Value {
        if !self.include_unknown && late_members.contains(&value) {
            Value::String("unknownFutureValue".into())
        } else {
            Value::String(value.into())
        }
    }
}

/// Log times keep the microseconds the store keeps, so a row's `createdDateTime` filters back to
/// the row (Graph shows seven fractional digits; clients parse any number).
fn log_time(at: chrono::DateTime<chrono::Utc>) -> Value {
    Value::String(at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
}

fn name_of<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `signInUserType`: lower-case, unlike `user.userType`.
fn sign_in_user_type(user_type: Option<UserType>) -> Value {
    match user_type {
        Some(UserType::Member) => json!("member"),
        Some(UserType::Guest) => json!("guest"),
        None => Value::Null,
    }
}

fn applied_policy_json(policy: &AppliedPolicy, members: EnumMembers) -> Value {
    const REPORT_ONLY: &[&str] = &[
        "reportOnlySuccess",
        "reportOnlyFailure",
        "reportOnlyNotApplied",
        "reportOnlyInterrupted",
    ];
    json!({
        "id": policy.id.to_string(),
        "displayName": policy.display_name,
        "enforcedGrantControls": policy.enforced_grant_controls,
        "enforcedSessionControls": [],
        "result": members.gate(&policy.result, REPORT_ONLY),
    })
}

/// Which Graph version's `signIn` to write: v1.0 has no cross-tenant or event-type properties,
/// beta has them (and no `riskEventTypes`, only `riskEventTypes_v2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInShape {
    V1,
    Beta,
}

/// The instance annotation that carries Portico's diagnosis of a sign-in (who must act, the
/// setting that decided); OData clients keep or ignore annotations they do not know.
pub const DIAGNOSIS_ANNOTATION: &str = "@portico.diagnosis";

/// An id Graph declares non-nullable but the row has none of (a service principal's `userId`, a
/// user's `servicePrincipalId`): Entra writes an empty string.
fn id_or_empty<T: ToString>(id: Option<T>) -> Value {
    Value::String(id.map(|id| id.to_string()).unwrap_or_default())
}

fn risk_value<T: serde::Serialize>(value: &Option<T>) -> Value {
    value.as_ref().map_or(Value::Null, name_of)
}

/// The properties v1.0 and beta share, in Graph's order.
fn common_properties(
    record: &SignInRecord,
    additional_details: Option<&str>,
    members: EnumMembers,
) -> Vec<(&'static str, Value)> {
    let service_principal = record.is_service_principal();
    vec![
        ("id", json!(record.id.to_string())),
        ("createdDateTime", log_time(record.created_at)),
        ("userDisplayName", json!(record.user_display_name)),
        ("userPrincipalName", json!(record.user_principal_name)),
        ("userId", id_or_empty(record.user_id)),
        ("appId", json!(record.app_id.map(|id| id.to_string()))),
        ("appDisplayName", json!(record.app_display_name)),
        ("ipAddress", json!(record.ip_address)),
        ("clientAppUsed", json!(record.client_app_used)),
        ("userAgent", json!(record.user_agent)),
        ("correlationId", json!(record.correlation_id.to_string())),
        (
            "conditionalAccessStatus",
            json!(record
                .conditional_access_status
                .as_deref()
                .unwrap_or("notApplied")),
        ),
        ("isInteractive", json!(record.is_interactive())),
        ("resourceDisplayName", json!(record.resource_display_name)),
        ("resourceId", json!(record.resource_id)),
        (
            "resourceTenantId",
            json!(record.resource_tenant_id.to_string()),
        ),
        (
            "homeTenantId",
            json!(record.home_tenant_id.map(|id| id.to_string())),
        ),
        (
            "servicePrincipalId",
            id_or_empty(record.service_principal_id),
        ),
        (
            "servicePrincipalName",
            json!(record
                .app_display_name
                .as_ref()
                .filter(|_| service_principal)),
        ),
        ("riskDetail", Value::Null),
        (
            "riskLevelAggregated",
            risk_value(&record.risk_level_aggregated),
        ),
        (
            "riskLevelDuringSignIn",
            risk_value(&record.risk_level_during_sign_in),
        ),
        ("riskState", risk_value(&record.risk_state)),
        ("riskEventTypes_v2", json!([])),
        (
            "status",
            json!({
                "errorCode": record.error_code,
                "failureReason": record.failure_reason,
                "additionalDetails": additional_details,
            }),
        ),
        ("deviceDetail", Value::Null),
        ("location", Value::Null),
        (
            "appliedConditionalAccessPolicies",
            Value::Array(
                record
                    .applied_conditional_access_policies
                    .iter()
                    .map(|p| applied_policy_json(p, members))
                    .collect(),
            ),
        ),
    ]
}

/// Beta's own: the cross-tenant columns and the event type.
fn beta_properties(record: &SignInRecord, members: EnumMembers) -> Vec<(&'static str, Value)> {
    let access_type = match name_of(&record.cross_tenant_access_type) {
        Value::String(name) => members.gate(&name, &["passthrough"]),
        other => other,
    };
    vec![
        ("userType", sign_in_user_type(record.user_type)),
        ("homeTenantName", Value::Null),
        ("crossTenantAccessType", access_type),
        ("isTenantRestricted", json!(record.is_tenant_restricted)),
        ("signInEventTypes", json!([record.sign_in_event_type])),
    ]
}

/// Portico's diagnosis of a failure, `None` when the row has none.
fn diagnosis_json(record: &SignInRecord) -> Option<Value> {
    let any = record.responsible_party.is_some() || record.decided_by.is_some();
    any.then(|| {
        json!({
            "responsibleParty": record.responsible_party,
            "responsibleTenantId": record.responsible_tenant_id.map(|id| id.to_string()),
            "decidedBy": record.decided_by,
        })
    })
}

/// A `signIn` of `shape`; `additional_details` is `status.additionalDetails` as the app wrote it
/// out. Portico's diagnosis rides along as the [`DIAGNOSIS_ANNOTATION`], whatever `$select` says.
pub fn sign_in_json(
    record: &SignInRecord,
    additional_details: Option<&str>,
    members: EnumMembers,
    shape: SignInShape,
    select: Option<&[&str]>,
) -> Map<String, Value> {
    let mut all = common_properties(record, additional_details, members);
    match shape {
        SignInShape::V1 => {
            all.push(("riskEventTypes", json!([])));
            all.push(("authenticationAppDeviceDetails", Value::Null));
        }
        SignInShape::Beta => all.extend(beta_properties(record, members)),
    }
    let names: Vec<&str> = all.iter().map(|(name, _)| *name).collect();
    let mut object = project(all, &names, select);
    if let Some(diagnosis) = diagnosis_json(record) {
        object.insert(DIAGNOSIS_ANNOTATION.to_owned(), diagnosis);
    }
    object
}

/// Which Entra service logs an activity, from its name and category.
fn logged_by_service(record: &AuditRecord) -> &'static str {
    let activity = record.activity.to_ascii_lowercase();
    if activity.contains("external user") || activity.contains("invit") {
        "Invited Users"
    } else if record.category == "IdentityProtection" {
        "Identity Protection"
    } else if activity.contains("conditional access") || activity.contains("named location") {
        "Conditional Access"
    } else if activity.contains("terms of use") {
        "Terms Of Use"
    } else if activity.contains("self-service sign-up") {
        "B2B Self-service sign up"
    } else {
        "Core Directory"
    }
}

/// Graph's `operationType` (`Add`, `Assign`, `Update`, `Unassign`, `Delete`), from the verb the
/// activity starts with; memberships and role or app assignments are assigned, not added.
fn operation_type(activity: &str) -> &'static str {
    let lower = activity.to_ascii_lowercase();
    let verb = lower.split_whitespace().next().unwrap_or_default();
    let assignment = ["member", "role", "assignment"]
        .iter()
        .any(|word| lower.contains(word));
    match verb {
        "add" | "assign" | "create" if assignment => "Assign",
        "remove" | "delete" | "unassign" if assignment => "Unassign",
        "add" | "create" | "invite" | "self-service" => "Add",
        "delete" | "remove" => "Delete",
        _ => "Update",
    }
}

fn initiated_by_json(actor: &Actor, app_id: Option<ClientId>) -> Value {
    match actor {
        Actor::User {
            id,
            user_principal_name,
        } => json!({
            "user": {
                "id": id.to_string(),
                "displayName": null,
                "userPrincipalName": user_principal_name,
                "ipAddress": null,
                "userType": null,
                "homeTenantId": null,
                "homeTenantName": null,
            },
            "app": null,
        }),
        Actor::App { id, display_name } => json!({
            "user": null,
            "app": {
                "appId": app_id.map(|a| a.to_string()),
                "displayName": display_name,
                "servicePrincipalId": id.to_string(),
                "servicePrincipalName": null,
            },
        }),
        // Portico itself (seeding, the control API): an app without ids, as Entra shows its own
        // services.
        Actor::System { what } => json!({
            "user": null,
            "app": {
                "appId": null,
                "displayName": format!("Portico ({what})"),
                "servicePrincipalId": null,
                "servicePrincipalName": null,
            },
        }),
    }
}

fn target_json(target: &AuditTarget) -> Value {
    json!({
        "id": target.id,
        "displayName": target.display_name,
        "type": target.kind,
        "userPrincipalName": null,
        "groupType": null,
        "modifiedProperties": [],
    })
}

/// A `directoryAudit`; `app_id` is the application id of an initiating app, when known.
pub fn directory_audit_json(
    record: &AuditRecord,
    app_id: Option<ClientId>,
    select: Option<&[&str]>,
) -> Map<String, Value> {
    let all: Vec<(&'static str, Value)> = vec![
        ("id", json!(record.id.to_string())),
        ("category", json!(record.category)),
        (
            "correlationId",
            json!(record.correlation_id.map(|id| id.to_string())),
        ),
        (
            "result",
            json!(if record.success { "success" } else { "failure" }),
        ),
        ("resultReason", Value::Null),
        ("activityDisplayName", json!(record.activity)),
        ("activityDateTime", log_time(record.activity_at)),
        ("loggedByService", json!(logged_by_service(record))),
        ("operationType", json!(operation_type(&record.activity))),
        (
            "initiatedBy",
            initiated_by_json(&record.initiated_by, app_id),
        ),
        (
            "targetResources",
            Value::Array(record.targets.iter().map(target_json).collect()),
        ),
        ("additionalDetails", json!([])),
    ];
    let names: Vec<&str> = all.iter().map(|(name, _)| *name).collect();
    project(all, &names, select)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_types_follow_the_verb() {
        for (activity, expected) in [
            ("Invite external user", "Add"),
            ("Add user", "Add"),
            ("Add member to role", "Assign"),
            ("Remove member from role", "Unassign"),
            ("Delete user", "Delete"),
            ("Remove member from group", "Unassign"),
            ("Add app role assignment grant to user", "Assign"),
            ("Update authorization policy", "Update"),
            ("Redeem external user invite", "Update"),
        ] {
            assert_eq!(operation_type(activity), expected, "{activity}");
        }
    }

    #[test]
    fn late_enum_members_need_the_prefer_header() {
        let plain = EnumMembers::default();
        let asked = EnumMembers {
            include_unknown: true,
        };
        assert_eq!(
            plain.gate("reportOnlyFailure", &["reportOnlyFailure"]),
            json!("unknownFutureValue")
        );
        assert_eq!(
            asked.gate("reportOnlyFailure", &["reportOnlyFailure"]),
            json!("reportOnlyFailure")
        );
        assert_eq!(
            plain.gate("success", &["reportOnlyFailure"]),
            json!("success")
        );
    }
}
