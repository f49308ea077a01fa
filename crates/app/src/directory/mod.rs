//! Directory use cases behind Microsoft Graph: who is calling (`access.rs`), who may do what
//! (`permissions/`, the permission table), users, groups,
//! contacts and the authorization policy. HTTP-free: the Graph routes call these and render.

pub mod access;
pub(crate) mod applications;
mod audit_logs;
mod conditional_access;
mod countries;
mod cross_tenant_policy;
mod cross_tenant_rules;
mod dynamic_groups;
mod group_kinds;
mod groups;
mod lifecycle;
mod listing;
mod named_locations;
mod objects;
mod paging;
mod passwords;
pub mod permissions;
mod policy;
mod recipients;
mod risk;
mod roles;
mod service_principals;
mod sponsors;
mod synced;
mod terms;
mod user_profile;
mod users;

pub use access::{Caller, GraphError};
pub use applications::{AddedPassword, ApplicationChanges, NewKeyCredential};
pub use audit_logs::{status_details, AuditView, SignInScope, SignInView};
pub use conditional_access::{validate_policy, PolicyPatch};
pub use cross_tenant_policy::{
    B2bSettingInput, Change, CrossTenantPolicyPatch, DefaultPatch, InboundTrustInput, PartnerPatch,
};
pub use groups::{GroupPatch, NewGroup};
pub use lifecycle::{DeletedOrder, DeletedQuery};
pub use listing::Listing;
pub use named_locations::{validate_location, LocationType, NamedLocationPatch};
pub use objects::DirectoryObject;
pub use permissions::{Operation, Reach, Target};
pub use policy::AuthorizationPolicyPatch;
pub use recipients::Recipient;
pub use risk::RiskyUserView;
pub use service_principals::NewPermissionGrant;
pub(crate) use sponsors::invitation_sponsor_writes;
pub use sponsors::MAX_SPONSORS;
pub use synced::SyncedImport;
pub use terms::NewAgreement;
pub use user_profile::PatchValue;
pub use users::{NewUser, UserPatch};
