//! The portal's users table: Graph's user listing (its permission row, its SQL filter, keyset
//! pages in id order) with the portal's filters written as one OData filter. Only Source needs a
//! check the store cannot make (the redeemed identity's issuer); those rows are checked here,
//! and a page examines at most `SCAN_LIMIT` rows so that it stays bounded on any directory.

use super::UserSource;
use crate::directory::{Caller, GraphError};
use crate::App;
use portico_model::user::User;
use portico_model::ObjectId;
use portico_odata::{parse_query, RawQuery, USER};

/// Rows examined for one page when a Source filter drops rows the store returned.
const SCAN_LIMIT: usize = 2_000;
/// Rows asked of the store at a time.
const BATCH: u32 = 100;

/// The table's filters; every one optional.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Start of the display name, UPN or mail.
    pub search: Option<String>,
    /// `Member` or `Guest`.
    pub user_type: Option<String>,
    /// `PendingAcceptance` or `Accepted`.
    pub invitation_state: Option<String>,
    /// `Invitation`, `LocalAccount`, …
    pub creation_type: Option<String>,
    pub source: Option<UserSource>,
}

/// One page, and the id after which the next one starts.
#[derive(Debug, Clone)]
pub struct UserPage {
    pub users: Vec<User>,
    pub next: Option<ObjectId>,
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl UserFilter {
    /// The OData filter the store applies; values outside the schema's enums are refused by
    /// the parser, as Graph refuses them.
    fn odata(&self) -> Option<String> {
        let mut terms = Vec::new();
        if let Some(text) = self
            .search
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let value = quoted(text);
            terms.push(format!(
                "(startsWith(displayName,{value}) or startsWith(userPrincipalName,{value}) or startsWith(mail,{value}))"
            ));
        }
        let pairs = [
            ("userType", &self.user_type),
            ("externalUserState", &self.invitation_state),
            ("creationType", &self.creation_type),
        ];
        for (property, value) in pairs {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                terms.push(format!("{property} eq {}", quoted(value)));
            }
        }
        if let Some(filter) = self.source.and_then(UserSource::store_filter) {
            terms.push(filter.to_owned());
        }
        (!terms.is_empty()).then(|| terms.join(" and "))
    }
}

impl App {
    /// A page of `size` users after `after` (id order), as `ListUsers` allows the caller.
    pub async fn portal_list_users(
        &self,
        caller: &Caller,
        filter: &UserFilter,
        after: Option<ObjectId>,
        size: usize,
    ) -> Result<UserPage, GraphError> {
        let raw = RawQuery {
            filter: filter.odata(),
            top: Some(BATCH.to_string()),
            // Counted with the eventual-consistency header, as the admin center asks: the
            // filter may use advanced operators. The count itself is not wanted.
            count: Some("true".into()),
            ..RawQuery::default()
        };
        let mut options =
            parse_query(&USER, &raw, true).map_err(|e| GraphError::bad_request(e.to_string()))?;
        options.count = false;
        let mut cursor = after.map(|id| format!("id:{id}"));
        let mut users = Vec::new();
        let mut examined = 0;
        loop {
            let listing = self
                .graph_list_users(caller, &options, cursor.as_deref())
                .await?;
            for user in listing.items {
                examined += 1;
                let id = user.id;
                if filter.source.is_none_or(|s| UserSource::of(&user) == s) {
                    users.push(user);
                }
                if users.len() == size || examined == SCAN_LIMIT {
                    // Stopped inside a batch: the next page starts after this row.
                    return Ok(UserPage {
                        users,
                        next: Some(id),
                    });
                }
            }
            match listing.next {
                Some(next) => cursor = Some(next),
                None => return Ok(UserPage { users, next: None }),
            }
        }
    }
}
