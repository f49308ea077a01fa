//! What kind of group a request asks for: `groupTypes` (`Unified`, `DynamicMembership`), the
//! dynamic membership rule and its processing state, a Microsoft 365 group's visibility; checked
//! as Graph checks them, for `POST /groups` and `PATCH /groups/{id}`.

use super::access::GraphError;
use super::groups::{GroupPatch, NewGroup};
use portico_model::group::{DynamicMembership, Group, GroupKind};

fn invalid_group_value(property: &str) -> GraphError {
    GraphError::bad_request(format!(
        "Invalid value specified for property '{property}' of resource 'Group'."
    ))
}

/// A rule as Entra checks it, with the reason it was refused.
fn checked_rule(rule: &str) -> Result<String, GraphError> {
    portico_model::membership_rule::MembershipRule::parse(rule)
        .map(|_| rule.to_owned())
        .map_err(|e| {
            GraphError::bad_request(format!(
                "Invalid value specified for property 'membershipRule' of resource 'Group'. {e}"
            ))
        })
}

/// `On` → running, `Paused` → paused (any letter case).
fn processing_paused(state: &str) -> Result<bool, GraphError> {
    match state {
        s if s.eq_ignore_ascii_case("On") => Ok(false),
        s if s.eq_ignore_ascii_case("Paused") => Ok(true),
        _ => Err(invalid_group_value("membershipRuleProcessingState")),
    }
}

/// `Public`, `Private` or `HiddenMembership`, in Graph's spelling.
fn checked_visibility(visibility: &str) -> Result<String, GraphError> {
    ["Public", "Private", "HiddenMembership"]
        .iter()
        .find(|v| v.eq_ignore_ascii_case(visibility))
        .map(|v| (*v).to_owned())
        .ok_or_else(|| invalid_group_value("visibility"))
}

/// The kind a `POST /groups` body asks for: `groupTypes` with the rule and visibility that go
/// with them. A Microsoft 365 group is mail-enabled and public unless told otherwise.
pub(super) fn new_group_kind(new: &NewGroup, mail_enabled: bool) -> Result<GroupKind, GraphError> {
    let mut kind = GroupKind::default();
    for group_type in &new.group_types {
        match group_type.as_str() {
            t if t.eq_ignore_ascii_case("Unified") => kind.unified = true,
            t if t.eq_ignore_ascii_case("DynamicMembership") => {
                let rule = new.membership_rule.as_deref().ok_or_else(|| {
                    GraphError::bad_request(
                        "Property 'membershipRule' is required when creating the entity.",
                    )
                })?;
                let paused = match new.membership_rule_processing_state.as_deref() {
                    Some(state) => processing_paused(state)?,
                    None => false,
                };
                kind.dynamic = Some(DynamicMembership {
                    rule: checked_rule(rule)?,
                    paused,
                });
            }
            _ => return Err(invalid_group_value("groupTypes")),
        }
    }
    if kind.dynamic.is_none()
        && (new.membership_rule.is_some() || new.membership_rule_processing_state.is_some())
    {
        return Err(GraphError::bad_request("The membershipRule property can only be set on a group whose groupTypes include DynamicMembership."));
    }
    if kind.unified && !mail_enabled {
        return Err(invalid_group_value("mailEnabled"));
    }
    kind.visibility = match new.visibility.as_deref() {
        Some(visibility) => Some(checked_visibility(visibility)?),
        None if kind.unified => Some("Public".to_owned()),
        None => None,
    };
    Ok(kind)
}

/// Applies a `PATCH` to `group`; says whether the rule's processing changed (paused or resumed).
pub(super) fn patch_group(
    group: &mut Group,
    patch: GroupPatch,
) -> Result<Option<bool>, GraphError> {
    if let Some(name) = patch.display_name {
        if name.trim().is_empty() {
            return Err(invalid_group_value("displayName"));
        }
        group.display_name = name;
    }
    if let Some(description) = patch.description {
        group.description = description;
    }
    if let Some(visibility) = patch.visibility {
        group.kind.visibility = Some(checked_visibility(&visibility)?);
    }
    let rule_change =
        patch.membership_rule.is_some() || patch.membership_rule_processing_state.is_some();
    let Some(dynamic) = group.kind.dynamic.as_mut() else {
        return match rule_change {
            true => Err(GraphError::bad_request("The membershipRule property can only be set on a group whose groupTypes include DynamicMembership.")),
            false => Ok(None),
        };
    };
    if let Some(rule) = patch.membership_rule {
        dynamic.rule = checked_rule(&rule)?;
    }
    let mut processing = None;
    if let Some(state) = patch.membership_rule_processing_state {
        let paused = processing_paused(&state)?;
        if paused != dynamic.paused {
            processing = Some(paused);
        }
        dynamic.paused = paused;
    }
    Ok(processing)
}
