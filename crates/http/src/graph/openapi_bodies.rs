//! The request body of each write operation, as a JSON Schema generated (schemars) from the very
//! type its handler deserialises: the names, types and `deny_unknown_fields` of the OpenAPI
//! document are the code's. Clients and schemathesis (tests/clients/test_schemathesis.py) read
//! them from `docs/openapi/graph.json`.

use super::{directory, groups, invitations, policies, recipients, users};
use portico_app::directory::Operation;
use portico_wire::graph::{
    applications, conditional_access, cross_tenant, named_locations, risk, terms,
};
use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{json, Value};

/// A self-contained OpenAPI 3.0 schema of `T` (no `$ref`s, no Rust type names).
fn schema<T: JsonSchema>() -> Value {
    let mut settings = SchemaSettings::openapi3();
    settings.inline_subschemas = true;
    settings.meta_schema = None;
    let mut value = settings
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    if let Value::Object(fields) = &mut value {
        fields.remove("title");
    }
    value
}

/// The body schema of `operation`, if it takes one.
fn body_schema(operation: Operation) -> Option<Value> {
    use Operation::*;
    Some(match operation {
        CreateUser => schema::<users::CreateUserBody>(),
        UpdateUser => schema::<users::PatchUserBody>(),
        ChangeOwnPassword => schema::<portico_wire::graph::users::ChangePasswordBody>(),
        CreateConditionalAccessPolicy | UpdateConditionalAccessPolicy => {
            schema::<conditional_access::PolicyBody>()
        }
        CreateNamedLocation | UpdateNamedLocation => schema::<named_locations::NamedLocationBody>(),
        ConfirmCompromised | DismissRisk => schema::<risk::UserIdsBody>(),
        CreateAgreement => schema::<terms::AgreementBody>(),
        Invite => schema::<invitations::InvitationBody>(),
        UpdateRecipient => schema::<recipients::RecipientPatch>(),
        CreateGroup => schema::<groups::CreateGroupBody>(),
        UpdateGroup => schema::<groups::PatchGroupBody>(),
        AddGroupMember | AddSponsor | AssignDirectoryRole => schema::<groups::Reference>(),
        CreateContact => schema::<groups::CreateContactBody>(),
        AssignApp => schema::<directory::AssignmentBody>(),
        CreateApplication | UpdateApplication => schema::<applications::ApplicationBody>(),
        AddApplicationPassword => schema::<applications::AddPasswordBody>(),
        RemoveApplicationPassword => schema::<applications::RemovePasswordBody>(),
        CreateFederatedCredential => schema::<applications::FederatedCredentialBody>(),
        CreateServicePrincipal => schema::<applications::ServicePrincipalBody>(),
        UpdateServicePrincipal => schema::<applications::ServicePrincipalPatch>(),
        CreatePermissionGrant => schema::<applications::PermissionGrantBody>(),
        UpdatePermissionGrant => schema::<applications::PermissionGrantPatch>(),
        UpdateAuthorizationPolicy => schema::<policies::AuthorizationPolicyBody>(),
        UpdateSecurityDefaults => schema::<policies::SecurityDefaultsPatch>(),
        UpdateCrossTenantPolicy => schema::<cross_tenant::PolicyBody>(),
        UpdateCrossTenantDefault => schema::<cross_tenant::DefaultBody>(),
        CreateCrossTenantPartner | UpdateCrossTenantPartner => {
            schema::<cross_tenant::PartnerBody>()
        }
        _ => return None,
    })
}

/// The operation's `requestBody`, if it takes one.
pub(super) fn request_body(operation: Operation) -> Option<Value> {
    body_schema(operation).map(
        |schema| json!({"required": true, "content": {"application/json": {"schema": schema}}}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_with_a_json_body_has_its_schema() {
        for endpoint in super::super::openapi::ENDPOINTS {
            let has_body = body_schema(endpoint.operation).is_some();
            let writes = matches!(endpoint.method, "post" | "patch");
            let bodiless = [
                Operation::ClearLockout,
                Operation::ResetCrossTenantDefault,
                Operation::RevokeSignInSessions,
                Operation::RestoreDeletedItem,
            ];
            assert_eq!(
                has_body,
                writes && !bodiless.contains(&endpoint.operation),
                "{} {}",
                endpoint.method,
                endpoint.path
            );
        }
        let user = body_schema(Operation::CreateUser).unwrap_or_default();
        assert_eq!(user["type"], "object");
        // Profile properties (jobTitle …) come by name from the user table, so the body is open;
        // the use case refuses names that are not user properties.
        assert_ne!(user["additionalProperties"], false);
        assert!(user["properties"]["passwordProfile"]["properties"]["password"].is_object());
    }
}
