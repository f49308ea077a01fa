//! Every Graph operation Portico serves. `portico-http` routes each one (its method and path live
//! there) and its OpenAPI row names it; the table (`table.rs`) says who may call it.

macro_rules! operations {
    ($($name:ident),* $(,)?) => {
        /// One Graph operation (one method on one path).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation {
            $($name),*
        }

        impl Operation {
            /// Every operation, in table order.
            pub const ALL: &'static [Operation] = &[$(Operation::$name),*];

            /// The operation's name, as the OpenAPI's `operationId`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Operation::$name => stringify!($name)),*
                }
            }
        }
    };
}

operations! {
    ListUsers,
    CreateUser,
    CountUsers,
    GetUser,
    UpdateUser,
    DeleteUser,
    RevokeSignInSessions,
    ListDeletedUsers,
    GetDeletedItem,
    RestoreDeletedItem,
    PurgeDeletedItem,
    ClearLockout,
    ListSponsors,
    AddSponsor,
    RemoveSponsor,
    GetMe,
    ChangeOwnPassword,
    Invite,
    ListSignIns,
    GetSignIn,
    ListBetaSignIns,
    GetBetaSignIn,
    ListDirectoryAudits,
    GetDirectoryAudit,
    ListGroups,
    CreateGroup,
    GetGroup,
    UpdateGroup,
    DeleteGroup,
    ListGroupMembers,
    AddGroupMember,
    RemoveGroupMember,
    ListContacts,
    CreateContact,
    GetContact,
    GetOrganization,
    GetOrganizationById,
    ListDomains,
    ListDirectoryRoles,
    ListDirectoryRoleMembers,
    AssignDirectoryRole,
    ListApplications,
    GetApplication,
    CreateApplication,
    UpdateApplication,
    DeleteApplication,
    AddApplicationPassword,
    RemoveApplicationPassword,
    ListFederatedCredentials,
    CreateFederatedCredential,
    DeleteFederatedCredential,
    ListServicePrincipals,
    GetServicePrincipal,
    CreateServicePrincipal,
    UpdateServicePrincipal,
    DeleteServicePrincipal,
    ListAppRoleAssignments,
    AssignApp,
    RemoveAppRoleAssignment,
    ListServicePrincipalAppRoles,
    ListPermissionGrants,
    CreatePermissionGrant,
    UpdatePermissionGrant,
    DeletePermissionGrant,
    GetAuthorizationPolicy,
    UpdateAuthorizationPolicy,
    GetSecurityDefaults,
    UpdateSecurityDefaults,
    GetCrossTenantPolicy,
    UpdateCrossTenantPolicy,
    GetCrossTenantDefault,
    UpdateCrossTenantDefault,
    ResetCrossTenantDefault,
    ListCrossTenantPartners,
    CreateCrossTenantPartner,
    GetCrossTenantPartner,
    UpdateCrossTenantPartner,
    DeleteCrossTenantPartner,
    ListConditionalAccessPolicies,
    CreateConditionalAccessPolicy,
    GetConditionalAccessPolicy,
    UpdateConditionalAccessPolicy,
    DeleteConditionalAccessPolicy,
    ListNamedLocations,
    CreateNamedLocation,
    GetNamedLocation,
    UpdateNamedLocation,
    DeleteNamedLocation,
    ListRiskyUsers,
    GetRiskyUser,
    ConfirmCompromised,
    DismissRisk,
    ListAgreements,
    CreateAgreement,
    GetAgreement,
    DeleteAgreement,
    ListRecipients,
    UpdateRecipient,
    ReadMauReport,
    ReadSignInActivity,
}
