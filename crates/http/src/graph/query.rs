//! Query options shared by Graph collections: `$top`, `$select`, `$skiptoken`, and the
//! `@odata.nextLink` that continues a page.

use crate::errors::ApiError;
use crate::state::AppState;
use portico_model::TenantId;
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

    /// Takes an option out (a handler that reads it itself), lower-case name without `$`.
    pub fn take(&mut self, name: &str) -> Option<String> {
        self.params.remove(name)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
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

    /// `$select` on a single read, checked against `entity` as on a list: Graph's 400 for a
    /// name that is not one of its properties.
    pub fn select_of(
        &self,
        entity: &portico_odata::Entity,
    ) -> Result<Option<Vec<&'static str>>, ApiError> {
        self.get("select")
            .map(|text| portico_odata::parse_select(entity, text))
            .transpose()
            .map_err(odata_error)
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

    /// Graph's collection options for `entity`, checked (`ConsistencyLevel: eventual` decides
    /// what advanced queries may do), and the cursor of a verified `$skiptoken`.
    pub fn options(
        &self,
        state: &AppState,
        tenant: TenantId,
        entity: &portico_odata::Entity,
        headers: &axum::http::HeaderMap,
    ) -> Result<(portico_odata::QueryOptions, Option<String>), ApiError> {
        let raw = portico_odata::RawQuery::from_pairs(
            self.params
                .iter()
                .map(|(k, v)| (format!("${k}"), v.clone())),
        )
        .map_err(odata_error)?;
        let eventual = headers
            .get("consistencylevel")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("eventual"));
        let options = portico_odata::parse_query(entity, &raw, eventual).map_err(odata_error)?;
        let cursor = match &options.skip_token {
            None => None,
            Some(token) => Some(
                state
                    .app
                    .open_skiptoken(tenant, entity.name, &self.canonical(), token)
                    .ok_or_else(|| {
                        ApiError::bad_request("The $skiptoken is not valid for this request.")
                    })?,
            ),
        };
        Ok((options, cursor))
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

/// An OData query error in Graph's terms.
pub fn odata_error(error: portico_odata::ODataError) -> ApiError {
    ApiError::BadRequest {
        code: error.code(),
        message: error.message().to_owned(),
    }
}

/// Graph accepts `@odata.type` in a body only when it names the resource's own type (P6: no casts).
pub fn check_odata_type(odata_type: Option<&str>, expected: &str) -> Result<(), ApiError> {
    match odata_type {
        None => Ok(()),
        Some(given)
            if given
                .trim_start_matches('#')
                .eq_ignore_ascii_case(&format!("microsoft.graph.{expected}")) =>
        {
            Ok(())
        }
        Some(given) => Err(ApiError::bad_request(format!(
            "The type '{given}' is not valid here; expected '#microsoft.graph.{expected}'."
        ))),
    }
}
