//! A user's sponsors (`/users/{id}/sponsors`): the users or groups responsible for a guest. The
//! inviter becomes a new guest's sponsor unless the invitation names others, as in Entra.

use super::{Caller, DirectoryObject, GraphError, Operation};
use crate::b2b::InvitationRequest;
use crate::App;
use portico_model::ObjectId;
use portico_store::{StoreError, Write};

/// Entra's limit on sponsors per user.
pub const MAX_SPONSORS: usize = 5;

fn sponsor_id(text: &str) -> Result<ObjectId, GraphError> {
    ObjectId::parse(text).map_err(|_| {
        GraphError::bad_request(format!(
            "Invalid object identifier '{text}' for a sponsor: use a user's or group's id."
        ))
    })
}

/// The sponsors an invitation names, parsed and bounded.
fn named_sponsors(request: &InvitationRequest) -> Result<Vec<ObjectId>, GraphError> {
    if request.invited_user_sponsors.len() > MAX_SPONSORS {
        return Err(GraphError::bad_request(format!(
            "Property 'invitedUserSponsors' takes at most {MAX_SPONSORS} sponsors."
        )));
    }
    request
        .invited_user_sponsors
        .iter()
        .map(|id| sponsor_id(id))
        .collect()
}

/// The writes that give a new guest its sponsors: those the invitation names, or else the
/// inviting user (an app-only caller sponsors no one).
pub(crate) fn invitation_sponsor_writes(
    caller: &Caller,
    guest: ObjectId,
    request: &InvitationRequest,
) -> Vec<Write> {
    let named = named_sponsors(request).unwrap_or_default();
    let sponsors = if named.is_empty() {
        caller.user_id().into_iter().collect()
    } else {
        named
    };
    sponsors
        .into_iter()
        .map(|sponsor| Write::AddSponsor {
            user: guest,
            sponsor,
        })
        .collect()
}

impl App {
    /// Checks the sponsors an invitation names: at most five, each a user or group of the tenant.
    pub(crate) async fn check_invitation_sponsors(
        &self,
        caller: &Caller,
        request: &InvitationRequest,
    ) -> Result<(), GraphError> {
        let ids = named_sponsors(request)?;
        let found = self.directory_objects(caller.tenant(), ids.clone()).await?;
        if found.len() != ids.len() {
            return Err(GraphError::bad_request(
                "Property 'invitedUserSponsors' names an object that is not a user or group of this tenant.",
            ));
        }
        Ok(())
    }

    /// `GET /users/{id}/sponsors`.
    pub async fn graph_sponsors(
        &self,
        caller: &Caller,
        key: &str,
    ) -> Result<Vec<DirectoryObject>, GraphError> {
        caller.require(Operation::ListSponsors)?;
        let (user, _) = self.graph_get_user(caller, key).await?;
        let ids = self.store().list_sponsors(caller.tenant(), user.id).await?;
        self.directory_objects(caller.tenant(), ids).await
    }

    /// `POST /users/{id}/sponsors/$ref`.
    pub async fn graph_add_sponsor(
        &self,
        caller: &Caller,
        key: &str,
        sponsor: &str,
    ) -> Result<(), GraphError> {
        let (user, _) = self.graph_get_user(caller, key).await?;
        self.require_user_change(caller, Operation::AddSponsor, user.id, false)
            .await?;
        let sponsor = sponsor_id(sponsor)?;
        let current = self.store().list_sponsors(caller.tenant(), user.id).await?;
        if current.len() >= MAX_SPONSORS && !current.contains(&sponsor) {
            return Err(GraphError::bad_request(format!(
                "A user has at most {MAX_SPONSORS} sponsors; remove one first."
            )));
        }
        let audit = self.directory_audit(
            caller,
            "UserManagement",
            "Add sponsor to user",
            "User",
            user.id,
            &user.display_name,
        );
        let writes = vec![
            Write::AddSponsor {
                user: user.id,
                sponsor,
            },
            audit,
        ];
        match self.store().apply(caller.tenant(), writes).await {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(GraphError::NotFound(sponsor.to_string())),
            Err(StoreError::Conflict(_)) => Err(GraphError::bad_request(
                "One or more added object references already exist for the following modified properties: 'sponsors'.",
            )),
            Err(other) => Err(other.into()),
        }
    }

    /// `DELETE /users/{id}/sponsors/{sponsorId}/$ref`.
    pub async fn graph_remove_sponsor(
        &self,
        caller: &Caller,
        key: &str,
        sponsor: &str,
    ) -> Result<(), GraphError> {
        let (user, _) = self.graph_get_user(caller, key).await?;
        self.require_user_change(caller, Operation::RemoveSponsor, user.id, false)
            .await?;
        let sponsor_object =
            ObjectId::parse(sponsor).map_err(|_| GraphError::NotFound(sponsor.to_owned()))?;
        let audit = self.directory_audit(
            caller,
            "UserManagement",
            "Remove sponsor from user",
            "User",
            user.id,
            &user.display_name,
        );
        let writes = vec![
            Write::RemoveSponsor {
                user: user.id,
                sponsor: sponsor_object,
            },
            audit,
        ];
        match self.store().apply(caller.tenant(), writes).await {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(GraphError::NotFound(sponsor.to_owned())),
            Err(other) => Err(other.into()),
        }
    }
}
