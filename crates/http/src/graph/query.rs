//! Query options shared by Graph collections: `$top`, `$select`, `$skiptoken`, and the
//! `@odata.nextLink` that continues a page.

use crate::errors::ApiError;
use crate::state::AppState;
use portico_model::{ObjectId, TenantId};
use portico_store::Page;
use std::collections::HashMap;

/// The raw query, `$`-prefixed names as Graph clients send them (with or without the `$`).
pub struct GraphQuery {
    params: HashMap<String, String>,
}

impl GraphQuery {
    pub fn new(raw: Option<String>) -> Self {
        let params = url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .map(|(k, v)| {
                (
                    k.trim_start_matches('$').to_ascii_lowercase(),
                    v.into_owned(),
                )
            })
            .collect();
        Self { params }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// `$top`, bounded as Graph bounds it.
    pub fn top(&self, default: u32, max: u32) -> Result<u32, ApiError> {
        match self.get("top") {
            None => Ok(default),
            Some(text) => match text.parse::<u32>() {
                Ok(top) if (1..=max).contains(&top) => Ok(top),
                _ => Err(ApiError::bad_request(format!(
                    "Invalid page size specified: '{text}'. Must be between 1 and {max} inclusive."
                ))),
            },
        }
    }

    /// `$select` property names as sent.
    pub fn select(&self) -> Option<Vec<String>> {
        self.get("select").map(|s| {
            s.split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect()
        })
    }

    /// The query a skip token is bound to: everything but the token itself, in a stable order.
    pub fn canonical(&self) -> String {
        let mut pairs: Vec<(&String, &String)> = self
            .params
            .iter()
            .filter(|(k, _)| *k != "skiptoken")
            .collect();
        pairs.sort();
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The page after `$skiptoken` (id-ordered collections).
    pub fn page(
        &self,
        state: &AppState,
        tenant: TenantId,
        collection: &str,
        top: u32,
    ) -> Result<Page, ApiError> {
        let after = match self.get("skiptoken") {
            None => None,
            Some(token) => {
                let cursor = state
                    .app
                    .open_skiptoken(tenant, collection, &self.canonical(), token)
                    .ok_or_else(|| {
                        ApiError::bad_request("The $skiptoken is not valid for this request.")
                    })?;
                Some(ObjectId::parse(&cursor).map_err(|_| {
                    ApiError::bad_request("The $skiptoken is not valid for this request.")
                })?)
            }
        };
        Ok(Page { after, limit: top })
    }

    /// `@odata.nextLink` for the page after `cursor`, keeping the other query options.
    pub fn next_link(
        &self,
        state: &AppState,
        tenant: TenantId,
        collection: &str,
        path: &str,
        cursor: &str,
    ) -> String {
        let token = state
            .app
            .skiptoken(tenant, collection, &self.canonical(), cursor);
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        let mut pairs: Vec<(&String, &String)> = self
            .params
            .iter()
            .filter(|(k, _)| *k != "skiptoken")
            .collect();
        pairs.sort();
        for (name, value) in pairs {
            query.append_pair(&format!("${name}"), value);
        }
        query.append_pair("$skiptoken", &token);
        format!(
            "{}{}?{}",
            state.app.public_base(),
            path.trim_start_matches('/'),
            query.finish()
        )
    }
}
