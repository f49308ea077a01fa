//! `/portal/named-locations`: the tenant's named locations (IP ranges, trusted or not, and
//! countries) listed, created, edited and deleted. A post becomes the `NamedLocationBody` a Graph
//! client sends and goes through the same use case, so a refusal is the same
//! `Invalid {property, message}`, shown next to its field.

use super::form::{csrf_of, error_at, form_error, ConfirmForm, FormValues};
use super::{render, render_status, see_other, Chrome, PortalError, Session};
use crate::graph::named_locations::location_patch;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use portico_app::directory::{GraphError, Operation};
use portico_model::conditional_access::{LocationKind, NamedLocation};
use portico_model::Invalid;
use portico_wire::graph::named_locations::{
    named_location_body_from_form, named_location_form_pairs,
};
use serde::Deserialize;

/// One location in words.
pub struct LocationRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub detail: String,
    pub trusted: bool,
}

fn row(location: &NamedLocation) -> LocationRow {
    let (kind, detail, trusted) = match &location.location {
        LocationKind::Ip { ranges, is_trusted } => ("IP ranges", ranges.join(", "), *is_trusted),
        LocationKind::Country {
            countries,
            include_unknown,
        } => {
            let mut detail = countries.join(", ");
            if *include_unknown {
                detail.push_str(" and unknown countries");
            }
            ("Countries", detail, false)
        }
    };
    LocationRow {
        id: location.id.to_string(),
        name: location.display_name.clone(),
        kind,
        detail,
        trusted,
    }
}

#[derive(Template)]
#[template(path = "portal/named_locations.html")]
struct ListPage {
    chrome: Chrome,
    locations: Vec<LocationRow>,
    can_edit: bool,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    saved: Option<String>,
}

/// `GET /portal/named-locations`.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ListQuery>,
) -> Result<Response, PortalError> {
    let caller = &session.caller;
    if !caller.administers(Operation::ListNamedLocations) {
        return Err(GraphError::Forbidden.into());
    }
    let locations = state.app.graph_list_named_locations(caller).await?;
    Ok(render(&ListPage {
        chrome: Chrome::of(&state, &session, "conditional-access").await,
        locations: locations.iter().map(row).collect(),
        can_edit: caller.administers(Operation::CreateNamedLocation),
        notice: q.saved.as_deref().map(|what| match what {
            "deleted" => "Deleted the named location.",
            _ => "Saved the named location. Policies that name it use it from the next sign-in.",
        }),
    }))
}

#[derive(Template)]
#[template(path = "portal/named_location.html")]
struct EditorPage {
    chrome: Chrome,
    /// `None` for a new location.
    id: Option<String>,
    ip: bool,
    values: FormValues,
    error: Option<Invalid>,
    can_delete: bool,
}

impl EditorPage {
    fn error_at(&self, prefix: &str) -> Option<&str> {
        error_at(&self.error, prefix)
    }
}

async fn editor(
    state: &AppState,
    session: &Session,
    id: Option<String>,
    values: FormValues,
    error: Option<Invalid>,
) -> Result<EditorPage, PortalError> {
    let caller = &session.caller;
    let wanted = if id.is_some() {
        Operation::UpdateNamedLocation
    } else {
        Operation::CreateNamedLocation
    };
    if !caller.administers(wanted) {
        return Err(GraphError::Forbidden.into());
    }
    Ok(EditorPage {
        chrome: Chrome::of(state, session, "conditional-access").await,
        can_delete: id.is_some() && caller.administers(Operation::DeleteNamedLocation),
        ip: !values.has("@odata.type", "countryNamedLocation"),
        id,
        values,
        error,
    })
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// `GET /portal/named-locations/new?type=ip|country`.
pub async fn new_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NewQuery>,
) -> Result<Response, PortalError> {
    let kind = if q.kind.as_deref() == Some("country") {
        "countryNamedLocation"
    } else {
        "ipNamedLocation"
    };
    let values = FormValues::new(vec![("@odata.type".into(), kind.into())]);
    Ok(render(&editor(&state, &session, None, values, None).await?))
}

/// `GET /portal/named-locations/{id}`.
pub async fn edit_form(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let location = state
        .app
        .graph_get_named_location(&session.caller, &id)
        .await?;
    let values = FormValues::new(named_location_form_pairs(&location));
    Ok(render(
        &editor(&state, &session, Some(id), values, None).await?,
    ))
}

async fn save(
    state: &AppState,
    session: &Session,
    id: Option<&str>,
    pairs: &[(String, String)],
) -> Result<(), GraphError> {
    let patch = location_patch(named_location_body_from_form(pairs).into_fields()?);
    let caller = &session.caller;
    match id {
        None => state
            .app
            .graph_create_named_location(caller, patch)
            .await
            .map(|_| ()),
        Some(id) => {
            state
                .app
                .graph_update_named_location(caller, id, patch)
                .await
        }
    }
}

async fn submit(
    state: AppState,
    session: Session,
    id: Option<String>,
    pairs: Vec<(String, String)>,
) -> Result<Response, PortalError> {
    session.check_csrf(csrf_of(&pairs))?;
    match save(&state, &session, id.as_deref(), &pairs).await {
        Ok(()) => Ok(see_other("/portal/named-locations?saved=1")),
        Err(error) => {
            let invalid = form_error(error)?;
            let page = editor(&state, &session, id, FormValues::new(pairs), Some(invalid)).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
    }
}

/// `POST /portal/named-locations/new`.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PortalError> {
    submit(state, session, None, pairs).await
}

/// `POST /portal/named-locations/{id}`.
pub async fn update(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PortalError> {
    submit(state, session, Some(id), pairs).await
}

/// `POST /portal/named-locations/{id}/delete`: refused (and said why) while a policy uses it.
pub async fn delete(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PortalError> {
    form.check(&session, "delete the named location")?;
    let caller = &session.caller;
    match state.app.graph_delete_named_location(caller, &id).await {
        Ok(()) => Ok(see_other("/portal/named-locations?saved=deleted")),
        Err(error) => {
            let invalid = form_error(error)?;
            let location = state.app.graph_get_named_location(caller, &id).await?;
            let values = FormValues::new(named_location_form_pairs(&location));
            let page = editor(&state, &session, Some(id), values, Some(invalid)).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
    }
}
