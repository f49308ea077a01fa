//! The Exchange view of a tenant's recipients (`docs/decisions.md` 19): who is in the address book,
//! and the `Set-MailUser -HiddenFromAddressListsEnabled:$false` step that shows a guest there.

use super::access::{Caller, GraphError};
use super::permissions::Operation;
use crate::App;
use portico_model::group::{Group, MailContact};
use portico_model::user::User;
use portico_model::ObjectId;
use portico_store::{Page, StoreError, UserChanges, Write};

/// A recipient: one of the three kinds of object that hold proxy addresses.
#[derive(Debug, Clone)]
pub enum Recipient {
    User(User),
    Group(Group),
    Contact(MailContact),
}

const PAGE: u32 = 500;

impl App {
    /// Every recipient of the caller's tenant: users, mail-enabled groups and mail contacts.
    pub async fn list_recipients(&self, caller: &Caller) -> Result<Vec<Recipient>, GraphError> {
        caller.require(Operation::ListRecipients)?;
        let tenant = caller.tenant();
        let mut recipients = Vec::new();
        let mut page = Page::first(PAGE);
        loop {
            let users = self.store().list_users(tenant, page).await?;
            page.after = users.last().map(|u| u.id);
            let done = users.len() < PAGE as usize;
            recipients.extend(users.into_iter().map(Recipient::User));
            if done {
                break;
            }
        }
        let mut page = Page::first(PAGE);
        loop {
            let groups = self.store().list_groups(tenant, page).await?;
            page.after = groups.last().map(|g| g.id);
            let done = groups.len() < PAGE as usize;
            recipients.extend(
                groups
                    .into_iter()
                    .filter(|g| g.mail_enabled)
                    .map(Recipient::Group),
            );
            if done {
                break;
            }
        }
        let mut page = Page::first(PAGE);
        loop {
            let contacts = self.store().list_contacts(tenant, page).await?;
            page.after = contacts.last().map(|c| c.id);
            let done = contacts.len() < PAGE as usize;
            recipients.extend(contacts.into_iter().map(Recipient::Contact));
            if done {
                break;
            }
        }
        Ok(recipients)
    }

    /// Shows or hides a user or contact in the address lists.
    pub async fn set_hidden_from_address_lists(
        &self,
        caller: &Caller,
        id: &str,
        hidden: bool,
    ) -> Result<Recipient, GraphError> {
        caller.require(Operation::UpdateRecipient)?;
        let tenant = caller.tenant();
        let not_found = || GraphError::NotFound(id.to_owned());
        let object_id = ObjectId::parse(id).map_err(|_| not_found())?;
        match self.store().get_user(tenant, object_id).await {
            Ok(mut user) => {
                user.hidden_from_address_lists = hidden;
                let audit = self.directory_audit(
                    caller,
                    "UserManagement",
                    "Set HiddenFromAddressListsEnabled",
                    "User",
                    user.id,
                    &user.display_name,
                );
                let changes = UserChanges {
                    hidden_from_address_lists: Some(hidden),
                    ..UserChanges::default()
                };
                let patch = Write::PatchUser {
                    id: user.id,
                    changes,
                };
                self.store().apply(tenant, vec![patch, audit]).await?;
                return Ok(Recipient::User(user));
            }
            Err(StoreError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
        match self.store().get_contact(tenant, object_id).await {
            Ok(mut contact) => {
                contact.hidden_from_address_lists = hidden;
                let audit = self.directory_audit(
                    caller,
                    "ContactManagement",
                    "Set HiddenFromAddressListsEnabled",
                    "Contact",
                    contact.id,
                    &contact.display_name,
                );
                self.store()
                    .apply(tenant, vec![Write::UpdateContact(contact.clone()), audit])
                    .await?;
                Ok(Recipient::Contact(contact))
            }
            Err(StoreError::NotFound) => Err(not_found()),
            Err(other) => Err(other.into()),
        }
    }
}
