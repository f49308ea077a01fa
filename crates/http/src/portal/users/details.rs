//! One user: every property of the user-properties seed, the actions of the admin center (each
//! one a Graph use case: update, invite again, reset redemption, address list, delete) and the
//! user's recent sign-ins in this tenant.

use super::super::sign_in_rows::SignInRow;
use super::super::{render, see_other, Chrome, PortalError, Session};
use super::{invitation_state, user_type_name};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use portico_app::b2b::InvitationRequest;
use portico_app::directory::{GraphError, Operation, SignInScope, UserPatch};
use portico_app::portal::UserSource;
use portico_model::user::{User, UserType};
use portico_odata::{parse_query, RawQuery, SIGN_IN_BETA};
use serde::Deserialize;

/// What the caller may do to users, from the permission table.
pub struct Abilities {
    pub edit: bool,
    pub invite: bool,
    pub hide: bool,
    pub delete: bool,
}

#[derive(Template)]
#[template(path = "portal/user.html")]
struct UserPage {
    chrome: Chrome,
    user: User,
    id: String,
    user_type: &'static str,
    other_type: &'static str,
    source: &'static str,
    state: &'static str,
    props: Vec<(&'static str, String)>,
    can: Abilities,
    mail: String,
    sign_ins: Option<Vec<SignInRow>>,
    notice: Option<String>,
    redeem_url: Option<String>,
    error: Option<String>,
}

fn join<T: ToString>(items: &[T]) -> String {
    if items.is_empty() {
        "—".into()
    } else {
        items
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn properties(user: &User) -> Vec<(&'static str, String)> {
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(
            || "—".into(),
            |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        )
    };
    let identities: Vec<String> = user
        .identities
        .iter()
        .map(|i| format!("{} ({})", i.issuer, i.sign_in_type))
        .collect();
    vec![
        ("Object id", user.id.to_string()),
        ("User principal name", user.user_principal_name.to_string()),
        (
            "Mail",
            user.mail
                .as_ref()
                .map_or_else(|| "—".into(), ToString::to_string),
        ),
        ("Other mails", join(&user.other_mails)),
        ("Proxy addresses", join(&user.proxy_addresses)),
        ("Identities", join(&identities)),
        (
            "Creation type",
            user.creation_type
                .map_or_else(|| "—".into(), |c| format!("{c:?}")),
        ),
        (
            "Invitation state change",
            time(user.external_user_state_changed_at),
        ),
        (
            "Show in address list",
            if user.hidden_from_address_lists {
                "No"
            } else {
                "Yes"
            }
            .into(),
        ),
        (
            "Account enabled",
            if user.account_enabled {
                "Yes"
            } else {
                "No (sign-in blocked)"
            }
            .into(),
        ),
        (
            "On-premises sync",
            if user.on_premises_sync_enabled {
                "Yes"
            } else {
                "No"
            }
            .into(),
        ),
        ("Created", time(Some(user.created_at))),
    ]
}

/// The user's ten latest sign-ins here, when the caller may read the logs.
async fn recent_sign_ins(
    state: &AppState,
    session: &Session,
    user: &User,
) -> Option<Vec<SignInRow>> {
    if !session.caller.administers(Operation::ListSignIns) {
        return None;
    }
    let raw = RawQuery {
        filter: Some(format!("userId eq '{}'", user.id)),
        top: Some("10".into()),
        ..RawQuery::default()
    };
    let options = parse_query(&SIGN_IN_BETA, &raw, false).ok()?;
    let listing = state
        .app
        .graph_list_sign_ins(&session.caller, &options, SignInScope::All, None)
        .await
        .ok()?;
    Some(listing.items.iter().map(SignInRow::of).collect())
}

#[derive(Deserialize, Default)]
pub struct DetailsQuery {
    done: Option<String>,
}

fn done_notice(done: &str) -> Option<String> {
    let text = match done {
        "edit" => "Saved the name and mail.",
        "convert" => "Changed the user type.",
        "block" => "Blocked sign-in: the user's sessions and refresh tokens are revoked.",
        "unblock" => "Sign-in is allowed again.",
        "hide" => "Hidden from the address list.",
        "show" => "Shown in the address list.",
        _ => return None,
    };
    Some(text.to_owned())
}

/// Builds the page for `key`; the outcome of an action (notice, link or error) rides along.
async fn page(
    state: &AppState,
    session: &Session,
    key: &str,
    outcome: (Option<String>, Option<String>, Option<String>),
) -> Result<UserPage, PortalError> {
    if !session.caller.administers(Operation::GetUser) {
        return Err(GraphError::Forbidden.into());
    }
    let (user, _) = state.app.graph_get_user(&session.caller, key).await?;
    let caller = &session.caller;
    let (notice, redeem_url, error) = outcome;
    Ok(UserPage {
        chrome: Chrome::of(state, session, "users").await,
        id: user.id.to_string(),
        user_type: user_type_name(user.user_type),
        other_type: match user.user_type {
            UserType::Member => "Guest",
            UserType::Guest => "Member",
        },
        source: UserSource::of(&user).label(),
        state: invitation_state(&user),
        props: properties(&user),
        can: Abilities {
            edit: caller.administers(Operation::UpdateUser),
            invite: caller.administers(Operation::Invite) && user.external_user_state.is_some(),
            hide: caller.administers(Operation::UpdateRecipient),
            delete: caller.administers(Operation::DeleteUser),
        },
        mail: user
            .mail
            .as_ref()
            .map_or_else(String::new, ToString::to_string),
        sign_ins: recent_sign_ins(state, session, &user).await,
        notice,
        redeem_url,
        error,
        user,
    })
}

/// `GET /portal/users/{id}`.
pub async fn details(
    State(state): State<AppState>,
    session: Session,
    Path(key): Path<String>,
    Query(query): Query<DetailsQuery>,
) -> Result<Response, PortalError> {
    let notice = query.done.as_deref().and_then(done_notice);
    Ok(render(
        &page(&state, &session, &key, (notice, None, None)).await?,
    ))
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    action: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    mail: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// What an action did: back to the page (post/redirect/get), or the page with what to show.
enum Done {
    Redirect(&'static str),
    Show(Option<String>, Option<String>),
}

/// `POST /portal/users/{id}`: one action, through its Graph use case.
pub async fn act(
    State(state): State<AppState>,
    session: Session,
    Path(key): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PortalError> {
    session.check_csrf(&form.csrf)?;
    match perform(&state, &session, &key, &form).await {
        Ok(Done::Redirect("delete")) => Ok(see_other("/portal/users?deleted=1")),
        Ok(Done::Redirect(done)) => Ok(see_other(&format!("/portal/users/{key}?done={done}"))),
        Ok(Done::Show(notice, link)) => Ok(render(
            &page(&state, &session, &key, (notice, link, None)).await?,
        )),
        Err(GraphError::Internal(message)) => Err(PortalError::internal(message)),
        Err(GraphError::NotFound(_)) => Err(GraphError::NotFound(key).into()),
        Err(refused) => {
            let page = page(
                &state,
                &session,
                &key,
                (None, None, Some(refused.to_string())),
            )
            .await?;
            Ok(super::super::render_status(StatusCode::BAD_REQUEST, &page))
        }
    }
}

async fn perform(
    state: &AppState,
    session: &Session,
    key: &str,
    form: &ActionForm,
) -> Result<Done, GraphError> {
    let app = &state.app;
    let caller = &session.caller;
    let patch = |patch: UserPatch| async move { app.graph_update_user(caller, key, patch).await };
    match form.action.as_str() {
        "edit" => {
            let mail = Some(form.mail.trim().to_owned()).filter(|m| !m.is_empty());
            patch(UserPatch {
                display_name: Some(form.display_name.trim().to_owned()),
                mail: Some(mail),
                ..UserPatch::default()
            })
            .await?;
            Ok(Done::Redirect("edit"))
        }
        "convert" => {
            let (user, _) = app.graph_get_user(caller, key).await?;
            let to = match user.user_type {
                UserType::Member => "Guest",
                UserType::Guest => "Member",
            };
            patch(UserPatch {
                user_type: Some(to.into()),
                ..UserPatch::default()
            })
            .await?;
            Ok(Done::Redirect("convert"))
        }
        "block" | "unblock" => {
            let enabled = form.action == "unblock";
            patch(UserPatch {
                account_enabled: Some(enabled),
                ..UserPatch::default()
            })
            .await?;
            Ok(Done::Redirect(if enabled { "unblock" } else { "block" }))
        }
        "hide" | "show" => {
            let (user, _) = app.graph_get_user(caller, key).await?;
            let hidden = form.action == "hide";
            app.set_hidden_from_address_lists(caller, &user.id.to_string(), hidden)
                .await?;
            Ok(Done::Redirect(if hidden { "hide" } else { "show" }))
        }
        "resend" | "reset" => invite_again(state, session, key, form.action == "reset").await,
        "delete" => {
            if form.confirm.as_deref() != Some("yes") {
                return Err(GraphError::bad_request(
                    "Tick the confirmation box to delete the user.",
                ));
            }
            app.graph_delete_user(caller, key).await?;
            Ok(Done::Redirect("delete"))
        }
        _ => Err(GraphError::bad_request("Unknown action.")),
    }
}

/// Resends the invitation (a re-invitation of the same address) or resets the redemption.
async fn invite_again(
    state: &AppState,
    session: &Session,
    key: &str,
    reset: bool,
) -> Result<Done, GraphError> {
    let (user, _) = state.app.graph_get_user(&session.caller, key).await?;
    let address = user
        .mail
        .as_ref()
        .or_else(|| user.other_mails.first())
        .ok_or_else(|| GraphError::bad_request("This user has no e-mail address to invite."))?;
    let request = InvitationRequest {
        invited_user_email_address: Some(address.to_string()),
        invite_redirect_url: Some(state.app.tenant_link(&session.tenant)),
        send_invitation_message: true,
        invited_user_type: Some(user_type_name(user.user_type).to_owned()),
        reset_redemption: reset,
        invited_user_id: reset.then(|| user.id.to_string()),
        ..InvitationRequest::default()
    };
    let outcome = state.app.invite(&session.caller, request).await?;
    let notice = if reset {
        format!("Reset the redemption: {address} must accept the invitation again. A new invitation was sent.")
    } else {
        format!("Sent the invitation to {address} again.")
    };
    Ok(Done::Show(Some(notice), Some(outcome.invite_redeem_url)))
}
