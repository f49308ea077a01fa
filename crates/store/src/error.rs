use portico_model::TenantId;

/// Why a store call failed. A uniqueness violation is a [`Conflict`] the caller can explain to
/// the user; anything else is the store breaking.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(Conflict),
    #[error("a write for tenant {write} was submitted in a batch for tenant {batch}")]
    TenantMismatch { batch: TenantId, write: TenantId },
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(String),
}

/// The uniqueness rule a write broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    #[error("proxy address {0} already belongs to another recipient")]
    ProxyAddress(String),
    #[error("user principal name {0} is already taken")]
    UserPrincipalName(String),
    #[error("domain {0} is already verified by a tenant")]
    Domain(String),
    #[error("client id {0} is already registered")]
    ClientId(String),
    #[error("an object with id {0} already exists")]
    ObjectId(String),
    #[error("the object was changed concurrently: {0}")]
    Precondition(String),
}
