//! The permission matrix (security.md D-1, issue 10): every Graph operation of the committed
//! OpenAPI, called by every kind of principal, answers exactly as the permission table says —
//! allowed cells never 401/403 (nor 5xx), denied cells 403 (400 for an app on `/me`), no token 401.
//! Also: every route names its operation, and the OpenAPI's permission notes are the table's.

use crate::matrix::*;
use portico_app::directory::{Caller, Operation, Target};
use portico_http::graph::openapi::{document, permissions, Endpoint, ENDPOINTS};
use serde_json::json;
use std::collections::BTreeSet;

#[test]
fn every_operation_is_routed_once_and_the_openapi_notes_are_the_table() {
    let routed: Vec<Operation> = ENDPOINTS.iter().map(|e| e.operation).collect();
    let unique: BTreeSet<Operation> = routed.iter().copied().collect();
    assert_eq!(unique.len(), routed.len(), "an operation is routed twice");
    for op in Operation::ALL {
        assert!(
            unique.contains(op)
                || matches!(op, Operation::ReadMauReport | Operation::ReadSignInActivity),
            "{op:?} has no route"
        );
    }
    let document = document();
    for endpoint in ENDPOINTS {
        let described = &document["paths"][endpoint.path][endpoint.method];
        assert_eq!(described["operationId"], endpoint.operation.name());
        assert_eq!(
            described["x-permissions"],
            permissions(&endpoint.operation.rule()),
            "{} {}",
            endpoint.method,
            endpoint.path
        );
    }
}

/// What the table expects of `caller` on the object the matrix names.
fn expected(caller: &Caller, endpoint: &Endpoint, member: &str) -> bool {
    let op = endpoint.operation;
    let member_id = portico_model::ObjectId::parse(member).unwrap();
    let target = match op {
        Operation::GetUser => Target::User {
            id: member_id,
            roles: &[],
            sensitive: false,
        },
        Operation::GetGroup | Operation::ListGroupMembers => Target::Group {
            caller_is_member: caller.user_id() == Some(member_id),
        },
        Operation::GetContact => Target::Other,
        _ => return caller.require(op).is_ok(),
    };
    caller.require_target(op, target).is_ok()
}

struct World {
    member: String,
    team: String,
}

/// The path a cell calls: reads name real objects of Alpha, writes a random id.
fn cell_path(endpoint: &Endpoint, world: &World) -> String {
    let id = match (endpoint.method, endpoint.operation) {
        ("get", Operation::GetUser) => world.member.as_str(),
        ("get", Operation::GetGroup | Operation::ListGroupMembers) => world.team.as_str(),
        ("get", Operation::GetOrganizationById) => ALPHA,
        ("get", Operation::ListDirectoryRoleMembers) => "62e90394-69f5-4237-9190-012177145e10",
        _ => RANDOM_ID,
    };
    path_of(endpoint, ALPHA, id)
}

async fn check_principal(
    server: &crate::harness::TestServer,
    world: &World,
    name: &str,
    token: &str,
) -> (usize, usize) {
    let caller = caller_of(server, token).await;
    let (mut allowed, mut denied) = (0, 0);
    for endpoint in ENDPOINTS {
        let path = cell_path(endpoint, world);
        let (status, body) = call(server, endpoint, Some(token), &path).await;
        let cell = format!("{name}: {} {path} → {status} {body}", endpoint.method);
        assert!(status < 500, "{cell}");
        if expected(&caller, endpoint, &world.member) {
            allowed += 1;
            assert!(
                status != 401 && status != 403,
                "allowed by the table: {cell}"
            );
        } else {
            denied += 1;
            let me = caller.is_app() && endpoint.path.starts_with("/v1.0/me");
            assert_eq!(
                status,
                if me { 400 } else { 403 },
                "denied by the table: {cell}"
            );
        }
    }
    (allowed, denied)
}

async fn set_guest_level(server: &crate::harness::TestServer, admin: &str, role_id: &str) {
    let response = server
        .client
        .patch(server.url("/v1.0/policies/authorizationPolicy"))
        .bearer_auth(admin)
        .json(&json!({"guestUserRoleId": role_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn every_cell_of_the_permission_matrix_answers_as_the_table_says() {
    let server = spawn_world().await;
    let all_app = app_token(&server, ALPHA, ALL_APP, "all-secret").await;
    let no_app = app_token(&server, ALPHA, NO_APP, "none-secret").await;
    let member_token = user_token(&server, "alpha.example", CLI, "member@alpha.example").await;
    let world = World {
        member: caller_of(&server, &member_token)
            .await
            .user_id()
            .unwrap()
            .to_string(),
        team: first_id(&server, &all_app, "/v1.0/groups").await,
    };
    let mut principals = vec![
        ("app with every permission", all_app.clone()),
        ("app without permissions", no_app),
        ("member", member_token),
    ];
    for login in ["ga", "ua", "helpdesk"] {
        let token = user_token(
            &server,
            "alpha.example",
            CLI,
            &format!("{login}@alpha.example"),
        )
        .await;
        principals.push((login, token));
    }
    let (mut allowed, mut denied) = (0, 0);
    for (name, token) in &principals {
        let (a, d) = check_principal(&server, &world, name, token).await;
        allowed += a;
        denied += d;
    }
    let guest = user_token(&server, "alpha.example", CLI, "guest@alpha.example").await;
    for (level, role_id) in GUEST_LEVELS {
        set_guest_level(&server, &all_app, role_id).await;
        let (a, d) = check_principal(&server, &world, &format!("guest ({level})"), &guest).await;
        allowed += a;
        denied += d;
    }
    let cells = ENDPOINTS.len() * (principals.len() + GUEST_LEVELS.len());
    assert_eq!(allowed + denied, cells);
    assert!(
        allowed > cells / 4 && denied > cells / 4,
        "{allowed} allowed, {denied} denied"
    );
    // Without a token, or with a token whose tenant was rewritten, nothing is served.
    let forged = with_tid(
        &app_token(&server, BRAVO, BRAVO_ALL_APP, "all-secret").await,
        ALPHA,
    );
    for endpoint in ENDPOINTS {
        let path = cell_path(endpoint, &world);
        assert_eq!(call(&server, endpoint, None, &path).await.0, 401, "{path}");
        assert_eq!(
            call(&server, endpoint, Some(&forged), &path).await.0,
            401,
            "{path}"
        );
    }
}
