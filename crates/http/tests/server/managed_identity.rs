//! The managed identity endpoints (App Service and IMDS): dev mode and configuration only, the
//! protocols' shapes and errors, and tokens issued by the client credentials path.

use crate::harness::{call, spawn, Spawn, TestServer};
use crate::oidc_client::{ADMIN_APP, CONTOSO};
use portico_app::tokens::managed_identity::ManagedIdentity;
use portico_http::managed_identity::ManagedIdentityOptions;
use portico_model::TenantId;
use reqwest::header::HeaderMap;
use serde_json::Value;

const PAYROLL_APP: &str = "c0c0a004-0000-4000-8000-000000000004";
const HEADER: &str = "local-identity-header";

fn options() -> ManagedIdentityOptions {
    ManagedIdentityOptions {
        identities: vec![
            ManagedIdentity::parse(&format!("contoso.com/{ADMIN_APP}")).unwrap(),
            ManagedIdentity::parse(&format!("{CONTOSO}/{PAYROLL_APP}")).unwrap(),
        ],
        identity_header: HEADER.into(),
    }
}

async fn with_identities() -> TestServer {
    spawn(Spawn {
        managed_identity: Some(options()),
        ..Default::default()
    })
    .await
}

async fn get(
    server: &TestServer,
    path: &str,
    headers: &[(&'static str, &str)],
) -> (u16, HeaderMap, Value) {
    let mut request = server.client.get(server.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap_or_default())
}

fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// The token works at Graph (it is a real app-only token of that tenant).
async fn assert_graph_accepts(server: &TestServer, token: &str) {
    let (status, body) = call(server, "GET", token, "/v1.0/organization", None).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn app_service_protocol_issues_the_system_assigned_identitys_token() {
    let server = with_identities().await;
    let path = "/msi/token?resource=https://graph.microsoft.com&api-version=2019-08-01";
    let (status, headers, body) = get(&server, path, &[("X-IDENTITY-HEADER", HEADER)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["cache-control"], "no-store");
    let object = body.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "access_token",
            "client_id",
            "expires_on",
            "resource",
            "token_type"
        ]
    );
    assert_eq!(body["resource"], "https://graph.microsoft.com");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["client_id"], ADMIN_APP);
    let token = body["access_token"].as_str().unwrap();
    let claims = claims(token);
    assert_eq!(claims["azp"], ADMIN_APP);
    assert_eq!(claims["idtyp"], "app");
    assert_eq!(claims["tid"], CONTOSO);
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    let expires_on: i64 = body["expires_on"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires_on, claims["exp"].as_i64().unwrap());
    assert_graph_accepts(&server, token).await;
}

#[tokio::test]
async fn app_service_protocol_refuses_without_the_header_and_names_its_errors() {
    let server = with_identities().await;
    let path = "/msi/token?resource=https://graph.microsoft.com&api-version=2019-08-01";
    for headers in [vec![], vec![("X-IDENTITY-HEADER", "wrong")]] {
        let (status, _, body) = get(&server, path, &headers).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["statusCode"], 401);
        assert!(body["message"]
            .as_str()
            .unwrap()
            .contains("X-IDENTITY-HEADER"));
    }
    let ok = [("X-IDENTITY-HEADER", HEADER)];
    let (status, _, body) = get(&server, "/msi/token?api-version=2019-08-01", &ok).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("resource"));
    let unknown = format!("{path}&client_id=00000000-0000-4000-8000-00000000beef");
    let (status, _, body) = get(&server, &unknown, &ok).await;
    assert_eq!(status, 400);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("No managed identity"));
    let not_graph = "/msi/token?resource=https://vault.example&api-version=2019-08-01";
    let (status, _, body) = get(&server, not_graph, &ok).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS500011"));
}

/// Successful service principal sign-ins of the payroll app in Contoso's log.
async fn payroll_sign_ins(server: &TestServer) -> usize {
    let tenant = TenantId::parse(CONTOSO).unwrap();
    let store = server.running().app.store_for_tests();
    let rows = store.list_sign_ins(tenant, 1000).await.unwrap();
    rows.into_iter()
        .filter(|row| {
            row.app_id.map(|id| id.to_string()).as_deref() == Some(PAYROLL_APP)
                && row.sign_in_event_type == "servicePrincipal"
                && row.error_code == 0
        })
        .count()
}

#[tokio::test]
async fn imds_protocol_picks_identities_and_logs_a_service_principal_sign_in() {
    let server = with_identities().await;
    let before = payroll_sign_ins(&server).await;
    let base = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://graph.microsoft.com";
    let (status, headers, body) = get(
        &server,
        &format!("{base}&client_id={PAYROLL_APP}"),
        &[("Metadata", "true")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["cache-control"], "no-store");
    for field in ["expires_in", "expires_on", "ext_expires_in", "not_before"] {
        let number: i64 = body[field].as_str().unwrap().parse().unwrap();
        assert!(number > 0, "{field}");
    }
    assert_eq!(body["client_id"], PAYROLL_APP);
    assert_eq!(body["resource"], "https://graph.microsoft.com");
    assert_eq!(body["token_type"], "Bearer");
    let token = claims(body["access_token"].as_str().unwrap());
    assert_eq!(token["azp"], PAYROLL_APP);
    assert_eq!(
        payroll_sign_ins(&server).await,
        before + 1,
        "one service principal sign-in row"
    );

    // The payroll app, named by its object id (the token's oid) and by a resource id.
    let object_id = token["oid"].as_str().unwrap();
    let by_resource = "/subscriptions/x/resourceGroups/y/providers/Microsoft.ManagedIdentity/userAssignedIdentities/Contoso%20Payroll";
    for selector in [
        format!("object_id={object_id}"),
        format!("msi_res_id={by_resource}"),
    ] {
        let (status, _, body) = get(
            &server,
            &format!("{base}&{selector}"),
            &[("Metadata", "true")],
        )
        .await;
        assert_eq!(status, 200, "{selector}: {body}");
        assert_eq!(body["client_id"], PAYROLL_APP, "{selector}");
    }
    // No selector: the first configured identity.
    let (_, _, body) = get(&server, base, &[("Metadata", "true")]).await;
    assert_eq!(body["client_id"], ADMIN_APP);
}

/// A request (path, headers) and the `error_description` it must get.
type ImdsCase = (String, Vec<(&'static str, &'static str)>, &'static str);

#[tokio::test]
async fn imds_protocol_errors_are_imds_shaped() {
    let server = with_identities().await;
    let base = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://graph.microsoft.com";
    let cases: [ImdsCase; 6] = [
        (
            base.into(),
            vec![],
            "Required metadata header not specified",
        ),
        (
            base.into(),
            vec![("Metadata", "True")],
            "Required metadata header not specified",
        ),
        (
            base.into(),
            vec![("Metadata", "true"), ("X-Forwarded-For", "10.0.0.1")],
            "X-Forwarded-For",
        ),
        (
            "/metadata/identity/oauth2/token?resource=https://graph.microsoft.com".into(),
            vec![("Metadata", "true")],
            "'api-version' is missing",
        ),
        (
            "/metadata/identity/oauth2/token?api-version=2018-02-01".into(),
            vec![("Metadata", "true")],
            "'resource' is missing",
        ),
        (
            format!("{base}&client_id=00000000-0000-4000-8000-00000000beef"),
            vec![("Metadata", "true")],
            "Identity not found",
        ),
    ];
    for (path, headers, description) in cases {
        let (status, _, body) = get(&server, &path, &headers).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(body["error"], "invalid_request", "{path}");
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .contains(description),
            "{path}: {body}"
        );
    }
    let (status, _, body) = get(
        &server,
        "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.example",
        &[("Metadata", "true")],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_resource");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS500011"));
}

/// The error `start` gives for the demo world with these managed identities.
async fn refused_start(
    dev_mode: bool,
    managed_identity: ManagedIdentityOptions,
) -> portico_http::StartError {
    let ca_dir = tempfile::tempdir().unwrap();
    portico_http::start(portico_http::ServerOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
        store: portico_store::StoreConfig::SqliteMemory,
        seed: Some(portico_app::seed::demo().unwrap()),
        dev_mode,
        ca_dir: ca_dir.path().to_owned(),
        smtp_url: None,
        master_key: portico_http::MasterKeySource::Ephemeral,
        throttle: portico_http::ThrottleLimits::default(),
        frozen_clock: None,
        random_seed: None,
        managed_identity: Some(managed_identity),
        metrics_listen: None,
    })
    .await
    .err()
    .expect("the server is refused")
}

#[tokio::test]
async fn the_endpoints_exist_only_in_dev_mode_with_identities_configured() {
    // Dev mode without configured identities: not mounted.
    let server = spawn(Spawn::default()).await;
    let msi = "/msi/token?resource=https://graph.microsoft.com&api-version=2019-08-01";
    let imds = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://graph.microsoft.com";
    for (path, header) in [
        (msi, ("X-IDENTITY-HEADER", HEADER)),
        (imds, ("Metadata", "true")),
    ] {
        let (status, _, _) = get(&server, path, &[header]).await;
        assert_eq!(status, 404, "{path}");
    }
    // Outside dev mode a server with identities configured does not start.
    assert!(matches!(
        refused_start(false, options()).await,
        portico_http::StartError::ManagedIdentityOutsideDevMode
    ));
    // An identity whose app does not exist is refused at start.
    let unknown = ManagedIdentityOptions {
        identities: vec![ManagedIdentity::parse(
            "contoso.com/00000000-0000-4000-8000-00000000beef",
        )
        .unwrap()],
        identity_header: HEADER.into(),
    };
    assert!(matches!(
        refused_start(true, unknown).await,
        portico_http::StartError::ManagedIdentityNotFound(_)
    ));
}
