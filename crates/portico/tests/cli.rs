//! The `portico` binary as a user runs it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn portico(ca_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
    command
        .env("PORTICO_CA_DIR", ca_dir)
        .env("PORTICO_LOG", "warn");
    command
}

#[test]
fn ca_cert_prints_the_pem_and_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = portico(dir.path())
        .args(["ca-cert", "--path"])
        .output()
        .unwrap();
    assert!(path.status.success());
    let path = String::from_utf8(path.stdout).unwrap();
    assert_eq!(path.trim(), dir.path().join("ca.pem").to_str().unwrap());
    let pem = portico(dir.path()).arg("ca-cert").output().unwrap();
    let pem = String::from_utf8(pem.stdout).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(pem, std::fs::read_to_string(path.trim()).unwrap());
}

#[tokio::test]
async fn serve_demo_prints_where_it_is_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = portico(dir.path())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    // "Portico is serving https://localhost:PORT/ on 127.0.0.1:PORT"
    let base = first.split_whitespace().nth(3).unwrap().to_owned();
    assert!(base.starts_with("https://localhost:"), "{first}");
    assert!(
        second.ends_with(dir.path().join("ca.pem").to_str().unwrap()),
        "{second}"
    );

    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let pem = std::fs::read(dir.path().join("ca.pem")).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let health: serde_json::Value = client
        .get(format!("{base}healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let tenant: serde_json::Value = client
        .get(format!("{base}portico/v1/tenants/fabrikam.com"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tenant["id"], "22222222-2222-4222-8222-222222222222");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        child.wait().unwrap().success(),
        "portico exits cleanly on SIGTERM"
    );
}

#[test]
fn bad_arguments_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let output = portico(dir.path())
        .args([
            "serve",
            "--database-url",
            "mysql://x",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("postgres:// URL"));
    let seed = dir.path().join("bad.toml");
    std::fs::write(&seed, "[[tenant]]\nkey = 'x'\n").unwrap();
    let output = portico(dir.path())
        .args([
            "serve",
            "--seed",
            seed.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.toml") && stderr.contains("missing field"),
        "{stderr}"
    );
}

/// Starts `portico serve` with `args`; returns the child and its base URL.
fn serve(ca_dir: &std::path::Path, args: &[&str]) -> (std::process::Child, String) {
    let mut child = portico(ca_dir)
        .arg("serve")
        .args(args)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    (child, first.split_whitespace().nth(3).unwrap().to_owned())
}

async fn jwks_kids(ca_dir: &std::path::Path, base: &str) -> Vec<String> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let pem = std::fs::read(ca_dir.join("ca.pem")).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let jwks: serde_json::Value = client
        .get(format!("{base}contoso.com/discovery/v2.0/keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn rotate_keys_works_on_a_data_directory_between_starts() {
    let ca = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let (mut first, base) = serve(ca.path(), &["--demo", "--data-dir", data_dir]);
    let before = jwks_kids(ca.path(), &base).await;
    assert_eq!(before.len(), 1);
    Command::new("kill")
        .args(["-TERM", &first.id().to_string()])
        .status()
        .unwrap();
    assert!(first.wait().unwrap().success());

    let rotated = portico(ca.path())
        .args([
            "rotate-keys",
            "--tenant",
            "contoso.com",
            "--data-dir",
            data_dir,
        ])
        .output()
        .unwrap();
    assert!(
        rotated.status.success(),
        "{}",
        String::from_utf8_lossy(&rotated.stderr)
    );
    assert!(String::from_utf8_lossy(&rotated.stdout).starts_with("Contoso: new key "));
    assert!(
        data.path().join("master.key").exists(),
        "signing keys are sealed with the data directory's key"
    );

    let (mut second, base) = serve(ca.path(), &["--demo", "--data-dir", data_dir]);
    let after = jwks_kids(ca.path(), &base).await;
    assert_eq!(
        after.len(),
        2,
        "the next key is published beside the current one"
    );
    assert_eq!(after[0], before[0]);
    Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status()
        .unwrap();
    assert!(second.wait().unwrap().success());

    let unknown = portico(ca.path())
        .args([
            "rotate-keys",
            "--tenant",
            "example.net",
            "--data-dir",
            data_dir,
        ])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr)
        .contains("no tenant has the id or verified domain 'example.net'"));
}

#[tokio::test]
async fn invite_csv_is_idempotent_and_import_synced_adds_state_3_accounts() {
    let ca = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let (mut server, _) = serve(ca.path(), &["--demo", "--data-dir", data_dir]);
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(server.wait().unwrap().success());

    let csv = data.path().join("bulk.csv");
    std::fs::write(
        &csv,
        "version:v1.0\nEmail address to invite [inviteeEmail] Required,Redirection url [inviteRedirectURL] Required,Send invitation message (true or false) [sendEmail],Customized invitation message [customizedMessageBody]\nalice@fabrikam.com,https://myapps.example.com,true,Hello\nuser1@adatum.com,https://myapps.example.com,false,\nsales@adatum.com,https://myapps.example.com,false,\n",
    )
    .unwrap();
    let run = || {
        portico(ca.path())
            .args([
                "invite",
                "--tenant",
                "contoso.com",
                "--csv",
                csv.to_str().unwrap(),
                "--data-dir",
                data_dir,
            ])
            .output()
            .unwrap()
    };
    let first = run();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains("2 invited, 0 already guests, 1 failed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 4: sales@adatum.com failed")
            && stdout.contains("group e-mail address"),
        "{stdout}"
    );
    assert_eq!(
        first.status.code(),
        Some(2),
        "a failed row makes the exit code non-zero"
    );
    let second = run();
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("0 invited, 2 already guests, 1 failed"),
        "re-running creates nothing twice"
    );

    let synced = data.path().join("synced.csv");
    std::fs::write(&synced, "userPrincipalName,displayName,mail,userType\npartner1@contoso.com,Partner One,partner1@contoso.com,Guest\n").unwrap();
    let import = portico(ca.path())
        .args([
            "import",
            "--tenant",
            "contoso.com",
            "--synced",
            synced.to_str().unwrap(),
            "--data-dir",
            data_dir,
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&import.stdout).contains("1 imported"),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let again = portico(ca.path())
        .args([
            "import",
            "--tenant",
            "contoso.com",
            "--synced",
            synced.to_str().unwrap(),
            "--data-dir",
            data_dir,
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 imported, 1 already present"));

    // The server sees both: three guests (two invited, one synced).
    let (mut server, base) = serve(ca.path(), &["--demo", "--data-dir", data_dir]);
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let pem = std::fs::read(ca.path().join("ca.pem")).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let token: serde_json::Value = client
        .post(format!("{base}contoso.com/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "c0c0a001-0000-4000-8000-000000000001"),
            ("client_secret", "contoso-admin-secret"),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let guests: serde_json::Value = client
        .get(format!("{base}v1.0/users?$filter=userType eq 'Guest'&$select=userPrincipalName,onPremisesSyncEnabled,creationType"))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let guests = guests["value"].as_array().unwrap();
    assert_eq!(guests.len(), 3, "{guests:?}");
    assert!(guests
        .iter()
        .any(|g| g["onPremisesSyncEnabled"] == true
            && g["userPrincipalName"] == "partner1@contoso.com"));
    // The invitation mail the command queued is sealed with the server's master key: the
    // server's dev outbox opens it, and the database file holds no redeem ticket.
    let outbox: serde_json::Value = client
        .get(format!("{base}portico/v1/outbox?to=alice@fabrikam.com"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = outbox["value"][0]["links"][0].as_str().unwrap_or_default();
    assert!(link.contains("redeem?tenant="), "{outbox}");
    let ticket = link.split("ticket=").nth(1).unwrap();
    for file in ["portico.db", "portico.db-wal"] {
        let bytes = std::fs::read(data.path().join(file)).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(ticket),
            "{file} holds the redeem ticket"
        );
    }
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(server.wait().unwrap().success());
}

/// A client that trusts the CA of `ca_dir`.
fn https_client(ca_dir: &std::path::Path) -> reqwest::Client {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let pem = std::fs::read(ca_dir.join("ca.pem")).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap()
}

/// A Graph call with a demo admin app's app-only token; returns the status and body.
async fn graph_as(
    client: &reqwest::Client,
    base: &str,
    (tenant, app, secret): (&str, &str, &str),
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let token: serde_json::Value = client
        .post(format!("{base}{tenant}/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", app),
            ("client_secret", secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut request = client
        .request(method, format!("{base}{}", path.trim_start_matches('/')))
        .bearer_auth(token["access_token"].as_str().unwrap());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

fn stop(mut child: std::process::Child) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "the server stopped with {status}");
}

/// Contoso's additions to the demo world for the what-if cases: a trusted office, terms of use,
/// a policy that blocks Contoso Web outside the office and one that asks guests on the CLI to
/// accept the terms.
const CONTOSO_POLICIES: &str = r#"[[tenant.named_location]]
display_name = "Office"
ip_ranges = ["10.0.0.0/8"]
is_trusted = true

[[tenant.terms_of_use]]
display_name = "Guest terms"
text = "Keep Contoso's data in Contoso."

[[tenant.conditional_access]]
display_name = "Web only from the office"
state = "enabled"
include_users = ["All"]
include_applications = ["c0c0a002-0000-4000-8000-000000000002"]
include_locations = ["All"]
exclude_locations = ["AllTrusted"]
grant = ["block"]

[[tenant.conditional_access]]
display_name = "Guests accept the terms on the CLI"
state = "enabled"
include_users = ["GuestsOrExternalUsers"]
include_applications = ["c0c0a003-0000-4000-8000-000000000003"]
terms_of_use = ["Guest terms"]

"#;

/// `portico what-if` against a server's data directory reproduces each policy outcome of the
/// end-to-end tests (S09, S11, S12, S13, S25–S28) without signing anyone in.
#[tokio::test]
async fn what_if_reproduces_the_policy_outcomes_without_a_sign_in() {
    let ca = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let seed = data.path().join("world.toml");
    let demo = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../app/seeds/demo.toml"
    ))
    .unwrap();
    let world = demo.replacen(
        "[[tenant]]\nkey = \"fabrikam\"",
        &format!("{CONTOSO_POLICIES}[[tenant]]\nkey = \"fabrikam\""),
        1,
    );
    assert_ne!(world, demo, "the demo seed's layout changed");
    std::fs::write(&seed, world).unwrap();
    let (server, _) = serve(
        ca.path(),
        &["--seed", seed.to_str().unwrap(), "--data-dir", data_dir],
    );
    stop(server);
    for (tenant, address) in [
        ("contoso.com", "eve@woodgrovebank.com"),
        ("contoso.com", "rick@adatum.com"),
        ("contoso.com", "alice@fabrikam.com"),
        ("contoso.com", "dave@example.net"),
        ("adatum.com", "alice@fabrikam.com"),
    ] {
        let invited = portico(ca.path())
            .args([
                "invite",
                "--tenant",
                tenant,
                "--email",
                address,
                "--data-dir",
                data_dir,
            ])
            .output()
            .unwrap();
        assert!(
            invited.status.success(),
            "{}",
            String::from_utf8_lossy(&invited.stderr)
        );
    }

    // Settings changed the way admins change them: Graph.
    let (server, base) = serve(ca.path(), &["--data-dir", data_dir]);
    let client = https_client(ca.path());
    let contoso = (
        "contoso.com",
        "c0c0a001-0000-4000-8000-000000000001",
        "contoso-admin-secret",
    );
    let adatum = (
        "adatum.com",
        "ada7a001-0000-4000-8000-000000000001",
        "adatum-admin-secret",
    );
    let block_all = serde_json::json!({
        "usersAndGroups": {"accessType": "blocked", "targets": [{"target": "AllUsers", "targetType": "user"}]},
        "applications": {"accessType": "blocked", "targets": [{"target": "AllApplications", "targetType": "application"}]}
    });
    let (status, _) = graph_as(&client, &base, contoso, reqwest::Method::POST, "/v1.0/policies/crossTenantAccessPolicy/partners",
        Some(serde_json::json!({"tenantId": "22222222-2222-4222-8222-222222222222", "b2bCollaborationInbound": block_all}))).await;
    assert_eq!(status, 201);
    let (_, rick) = graph_as(
        &client,
        &base,
        adatum,
        reqwest::Method::GET,
        "/v1.0/users/rick@adatum.com",
        None,
    )
    .await;
    let (status, _) = graph_as(
        &client,
        &base,
        adatum,
        reqwest::Method::POST,
        "/v1.0/identityProtection/riskyUsers/confirmCompromised",
        Some(serde_json::json!({"userIds": [rick["id"]]})),
    )
    .await;
    assert_eq!(status, 204);
    let (_, policies) = graph_as(
        &client,
        &base,
        contoso,
        reqwest::Method::GET,
        "/v1.0/identity/conditionalAccess/policies",
        None,
    )
    .await;
    let mfa = policies["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["displayName"] == "Guests must use MFA")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = graph_as(
        &client,
        &base,
        contoso,
        reqwest::Method::PATCH,
        &format!("/v1.0/identity/conditionalAccess/policies/{mfa}"),
        Some(serde_json::json!({"state": "enabled"})),
    )
    .await;
    assert_eq!(status, 204);
    stop(server);

    let what_if = |user: &str, tenant: &str, app: &str, extra: &[&str]| {
        let output = portico(ca.path())
            .args([
                "what-if",
                "--json",
                "--data-dir",
                data_dir,
                "--user",
                user,
                "--resource-tenant",
                tenant,
                "--app",
                app,
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        (
            answer["decision"].as_str().unwrap().to_owned(),
            answer["errorCode"].as_u64(),
            answer["responsible"].as_str().map(str::to_owned),
        )
    };
    let outcome = |decision: &str, code: Option<u64>, who: Option<&str>| {
        (decision.to_owned(), code, who.map(str::to_owned))
    };
    const CLI: &str = "c0c0a003-0000-4000-8000-000000000003";
    const WEB: &str = "c0c0a002-0000-4000-8000-000000000002";
    const PAYROLL: &str = "c0c0a004-0000-4000-8000-000000000004";
    // S09 a, b, c.
    assert_eq!(
        what_if("eve@woodgrovebank.com", "contoso.com", CLI, &[]),
        outcome("deny", Some(500212), Some("home"))
    );
    assert_eq!(
        what_if("alice@fabrikam.com", "contoso.com", CLI, &[]),
        outcome("deny", Some(500213), Some("resource"))
    );
    assert_eq!(
        what_if(
            "alice@fabrikam.com",
            "adatum.com",
            "ada7a001-0000-4000-8000-000000000001",
            &[]
        ),
        outcome("allow", None, None)
    );
    // S11.
    assert_eq!(
        what_if(
            "megan@contoso.com",
            "contoso.com",
            CLI,
            &[
                "--header",
                "Restrict-Access-To-Tenants: fabrikam.com,adatum.onmicrosoft.com",
                "--header",
                "Restrict-Access-Context: 22222222-2222-4222-8222-222222222222"
            ]
        ),
        outcome("deny", Some(500021), Some("network"))
    );
    // S12, and S27 (assignment is checked before risk).
    assert_eq!(
        what_if("rick@adatum.com", "contoso.com", CLI, &[]),
        outcome("deny", Some(530032), Some("home"))
    );
    assert_eq!(
        what_if("rick@adatum.com", "contoso.com", PAYROLL, &[]),
        outcome("deny", Some(50105), Some("resource"))
    );
    // S13: register MFA in Contoso; S28: then accept the terms; then in.
    assert_eq!(
        what_if("dave@example.net", "contoso.com", CLI, &[]),
        outcome("interrupt", Some(50079), Some("user"))
    );
    assert_eq!(
        what_if("dave@example.net", "contoso.com", CLI, &["--mfa"]),
        outcome("interrupt", Some(50158), Some("user"))
    );
    assert_eq!(
        what_if("megan@contoso.com", "contoso.com", CLI, &[]),
        outcome("allow", None, None)
    );
    // S25: "All users" includes guests; S26: the resource tenant's trusted location lets them in.
    assert_eq!(
        what_if(
            "megan@contoso.com",
            "contoso.com",
            WEB,
            &["--ip", "203.0.113.9"]
        ),
        outcome("deny", Some(53003), Some("resource"))
    );
    assert_eq!(
        what_if(
            "dave@example.net",
            "contoso.com",
            WEB,
            &["--ip", "203.0.113.9", "--mfa"]
        ),
        outcome("deny", Some(53003), Some("resource"))
    );
    assert_eq!(
        what_if(
            "dave@example.net",
            "contoso.com",
            WEB,
            &["--ip", "10.1.2.3", "--mfa"]
        ),
        outcome("allow", None, None)
    );

    // The text form names the setting and who must act.
    let text = portico(ca.path())
        .args([
            "what-if",
            "--data-dir",
            data_dir,
            "--user",
            "eve@woodgrovebank.com",
            "--resource-tenant",
            "contoso.com",
            "--app",
            CLI,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(
            "FAIL homeOutbound           Woodgrove Bank › cross-tenant access › partner Contoso"
        ),
        "{text}"
    );
    assert!(
        text.contains("who must act: home (Woodgrove Bank)"),
        "{text}"
    );

    // --demo evaluates a fresh demo world; unknown names are clear errors.
    let fresh = portico(ca.path())
        .args([
            "what-if",
            "--demo",
            "--user",
            "alice@fabrikam.com",
            "--resource-tenant",
            "contoso.com",
            "--app",
            CLI,
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&fresh.stdout).contains("decision: deny AADSTS50020"),
        "not invited in a fresh world"
    );
    let unknown = portico(ca.path())
        .args([
            "what-if",
            "--demo",
            "--user",
            "megan@contoso.com",
            "--resource-tenant",
            "example.net",
            "--app",
            CLI,
        ])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr)
        .contains("the tenant 'example.net' does not exist"));
}

/// Writes generated sign-ins into a stopped server's data directory, as its sign-ins would be.
async fn log_guest_sign_ins(
    data_dir: &str,
    rows: &[(&str, u128, portico_model::user::UserType, &str)],
) {
    use portico_app::sign_in::{SignInAttempt, SignInKind};
    use portico_app::tokens::master_key::{MasterKey, MasterKeySource};
    use portico_store::Store;
    let config =
        portico_store::StoreConfig::SqliteFile(std::path::Path::new(data_dir).join("portico.db"));
    let sql = std::sync::Arc::new(portico_store::SqlStore::open(&config).await.unwrap());
    let store: std::sync::Arc<dyn Store> = sql.clone();
    let app = portico_app::App::start(
        store.clone(),
        portico_app::AppConfig {
            public_url: "https://localhost:8443".parse().unwrap(),
            dev_mode: false,
            seed: None,
            extra_root_pem: None,
        },
        MasterKey::load(&MasterKeySource::Ephemeral).unwrap(),
    )
    .await
    .unwrap();
    for (tenant, user, user_type, at) in rows {
        let tenant = app.resolve_tenant(tenant).await.unwrap().unwrap();
        let client = store.list_applications(tenant.id).await.unwrap().remove(0);
        let mut person = portico_model::user::User::member(
            portico_model::ObjectId::from_uuid(uuid::Uuid::from_u128(*user)),
            portico_model::Upn::parse(&format!("guest{user}@example.org")).unwrap(),
            format!("Guest {user}"),
            chrono::DateTime::parse_from_rfc3339(at).unwrap().into(),
        );
        person.user_type = *user_type;
        let attempt = SignInAttempt::user(&person, &client, SignInKind::Interactive);
        let at = chrono::DateTime::parse_from_rfc3339(at).unwrap().into();
        store
            .apply(tenant.id, vec![app.sign_in_record(tenant.id, attempt, at)])
            .await
            .unwrap();
    }
    sql.close().await;
}

/// `portico report mau` over a server's data directory: a table, and the control API's JSON.
#[tokio::test]
async fn report_mau_prints_a_table_and_the_api_shape() {
    use portico_model::user::UserType::{Guest, Member};
    let ca = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let (server, _) = serve(ca.path(), &["--demo", "--data-dir", data_dir]);
    stop(server);
    log_guest_sign_ins(
        data_dir,
        &[
            ("contoso.com", 1, Guest, "2027-03-02T10:00:00Z"),
            ("contoso.com", 1, Guest, "2027-03-20T10:00:00Z"),
            ("contoso.com", 2, Guest, "2027-03-31T23:59:59Z"),
            ("contoso.com", 3, Guest, "2027-03-05T08:00:00Z"),
            ("contoso.com", 4, Guest, "2027-04-01T00:00:00Z"),
            ("contoso.com", 5, Member, "2027-03-05T08:00:00Z"),
            ("adatum.com", 1, Guest, "2027-03-07T08:00:00Z"),
        ],
    )
    .await;
    let run = |args: &[&str]| {
        let output = portico(ca.path())
            .args(["report", "mau", "--data-dir", data_dir])
            .args(args)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let lines = |text: &str| -> Vec<String> {
        text.lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };

    let (ok, table, stderr) = run(&["--tenant", "contoso.com", "--month", "2027-03"]);
    assert!(ok, "{stderr}");
    assert_eq!(
        lines(&table),
        vec![
            "Tenant Month MAU Free tier Billable",
            "Contoso 2027-03 3 50,000 0"
        ],
        "{table}"
    );

    let (ok, json, stderr) = run(&["--tenant", "contoso.com", "--month", "2027-03", "--json"]);
    assert!(ok, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"tenantId": "11111111-1111-4111-8111-111111111111", "month": "2027-03",
            "monthlyActiveUsers": 3, "freeTier": 50000, "billable": 0})
    );

    let (ok, table, stderr) = run(&["--tenant", "contoso.com,adatum.com", "--month", "2027-03"]);
    assert!(ok, "{stderr}");
    assert_eq!(
        lines(&table),
        vec![
            "Tenant Month MAU Free tier Billable",
            "Contoso 2027-03 3 - -",
            "Adatum 2027-03 1 - -",
            "Total 2027-03 4 50,000 0",
        ],
        "{table}"
    );
    let (ok, json, _) = run(&[
        "--tenant",
        "contoso.com",
        "--tenant",
        "adatum.com",
        "--month",
        "2027-03",
        "--json",
    ]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["monthlyActiveUsers"], 4);
    assert_eq!(json["tenants"][1]["monthlyActiveUsers"], 1);

    let (ok, json, stderr) = run(&[
        "--tenant",
        "contoso.com",
        "--month",
        "2027-04",
        "--months",
        "3",
        "--json",
    ]);
    assert!(ok, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let months: Vec<(String, u64)> = json["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_owned(),
                m["monthlyActiveUsers"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        vec![
            ("2027-02".into(), 0),
            ("2027-03".into(), 3),
            ("2027-04".into(), 1)
        ]
    );

    let (ok, _, stderr) = run(&["--tenant", "contoso.com", "--month", "2027-13"]);
    assert!(!ok);
    assert!(stderr.contains("out of range"), "{stderr}");
    let (ok, _, stderr) = run(&["--tenant", "example.net", "--month", "2027-03"]);
    assert!(!ok);
    assert!(
        stderr.contains("no tenant has the id or verified domain 'example.net'"),
        "{stderr}"
    );
}

#[test]
fn managed_identity_needs_dev_mode_and_a_known_app() {
    let dir = tempfile::tempdir().unwrap();
    let demo_seed = concat!(env!("CARGO_MANIFEST_DIR"), "/../app/seeds/demo.toml");
    let admin = "contoso.com/c0c0a001-0000-4000-8000-000000000001";
    let refused = |args: &[&str]| {
        let output = portico(dir.path())
            .arg("serve")
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let stderr = refused(&["--seed", demo_seed, "--managed-identity", admin]);
    assert!(stderr.contains("dev mode only"), "{stderr}");
    let stderr = refused(&["--demo", "--managed-identity", "contoso.com"]);
    assert!(stderr.contains("is not TENANT/APPID"), "{stderr}");
    let unknown = "contoso.com/00000000-0000-4000-8000-00000000beef";
    let stderr = refused(&["--demo", "--managed-identity", unknown]);
    assert!(
        stderr.contains(unknown) && stderr.contains("no such application"),
        "{stderr}"
    );
}

#[test]
fn serve_prints_the_managed_identity_variables() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = portico(dir.path())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .args([
            "--managed-identity",
            "contoso.com/c0c0a001-0000-4000-8000-000000000001",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .take(4)
        .map(Result::unwrap)
        .collect();
    let base = lines[0].split_whitespace().nth(3).unwrap().to_owned();
    let line = &lines[3];
    assert!(line.starts_with("Managed identity: "), "{lines:?}");
    assert!(
        line.contains(&format!("IDENTITY_ENDPOINT={base}msi/token ")),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "AZURE_POD_IDENTITY_AUTHORITY_HOST={}",
            base.trim_end_matches('/')
        )),
        "{line}"
    );
    let header = line
        .split("IDENTITY_HEADER=")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    assert!(header.len() >= 32, "a drawn secret: {header}");
    stop(child);
}

/// `portico config check` with `args` and extra environment variables: (success, stdout, stderr).
fn config_check(
    ca_dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (bool, String, String) {
    let output = portico(ca_dir)
        .args(["config", "check"])
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The value of `key` in `config check`'s output.
fn effective<'a>(output: &'a str, key: &str) -> &'a str {
    output
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in {output}"))
}

#[test]
fn config_file_then_environment_then_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portico.toml");
    std::fs::write(
        &file,
        r#"listen = "127.0.0.1:9100"
public_url = "https://file.example/"
dev = true
throttle_app_burst = 42.0
"#,
    )
    .unwrap();
    let config = file.to_str().unwrap();

    let (ok, out, err) = config_check(dir.path(), &["--config", config], &[]);
    assert!(ok, "{err}");
    assert_eq!(effective(&out, "listen"), "\"127.0.0.1:9100\"");
    assert_eq!(effective(&out, "public_url"), "\"https://file.example/\"");
    assert_eq!(effective(&out, "dev"), "true");
    assert_eq!(effective(&out, "demo"), "false", "a default is shown");
    assert_eq!(effective(&out, "throttle_app_burst"), "42.0");
    assert_eq!(effective(&out, "throttle_app_per_second"), "500.0");

    // The environment overrides the file (PORTICO_CONFIG names it); the rest stays the file's.
    let env = [
        ("PORTICO_CONFIG", config),
        ("PORTICO_PUBLIC_URL", "https://env.example/"),
        ("PORTICO_DEV", "false"),
    ];
    let (ok, out, err) = config_check(dir.path(), &[], &env);
    assert!(ok, "{err}");
    assert_eq!(effective(&out, "public_url"), "\"https://env.example/\"");
    assert_eq!(effective(&out, "dev"), "false");
    assert_eq!(effective(&out, "listen"), "\"127.0.0.1:9100\"");

    // Flags override both.
    let flags = ["--public-url", "https://flag.example/", "--dev"];
    let (ok, out, err) = config_check(dir.path(), &flags, &env);
    assert!(ok, "{err}");
    assert_eq!(effective(&out, "public_url"), "\"https://flag.example/\"");
    assert_eq!(effective(&out, "dev"), "true");
}

#[test]
fn config_check_redacts_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portico.toml");
    std::fs::write(
        &file,
        r#"smtp_url = "smtps://mailer:smtp-pass-123@mail.example.com:465"
database_url = "postgres://portico:db-pass-456@db.example.com/portico"
master_key = "bWFzdGVyLWtleS03ODktYWJjZGVmZ2hpamtsbW5vcA=="
"#,
    )
    .unwrap();
    let env = [("PORTICO_IDENTITY_HEADER", "identity-header-secret")];
    let (ok, out, err) = config_check(dir.path(), &["--config", file.to_str().unwrap()], &env);
    assert!(ok, "{err}");
    for secret in [
        "smtp-pass-123",
        "db-pass-456",
        "bWFzdGVyLWtleS03ODk",
        "identity-header-secret",
    ] {
        assert!(!out.contains(secret), "{secret} printed: {out}");
    }
    assert_eq!(
        effective(&out, "smtp_url"),
        "\"smtps://mailer:REDACTED@mail.example.com:465\""
    );
    assert_eq!(
        effective(&out, "database_url"),
        "\"postgres://portico:REDACTED@db.example.com/portico\""
    );
    assert_eq!(effective(&out, "master_key"), "\"REDACTED\"");
    assert_eq!(effective(&out, "identity_header"), "\"REDACTED\"");
}

#[test]
fn bad_configuration_is_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portico.toml");
    let config = file.to_str().unwrap();

    std::fs::write(&file, "listen = \"127.0.0.1:9100\"\nsmtp_host = \"x\"\n").unwrap();
    let (ok, _, err) = config_check(dir.path(), &["--config", config], &[]);
    assert!(!ok);
    assert!(
        err.contains("unknown field `smtp_host`") && err.contains("portico.toml"),
        "{err}"
    );

    std::fs::write(&file, "demo = \"yes\"\n").unwrap();
    let (ok, _, err) = config_check(dir.path(), &["--config", config], &[]);
    assert!(!ok);
    assert!(
        err.contains("demo = \"yes\"") && err.contains("expected a boolean"),
        "{err}"
    );

    // A boolean variable that is not a boolean is refused, never taken as "off".
    let (ok, _, err) = config_check(dir.path(), &[], &[("PORTICO_DEMO", "maybe")]);
    assert!(!ok);
    assert!(
        err.contains("PORTICO_DEMO") && err.contains("expected true or false"),
        "{err}"
    );
    let output = portico(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("PORTICO_DEV", "enabled")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("PORTICO_DEV"), "{err}");

    // Settings that conflict across layers are refused as a whole.
    std::fs::write(&file, "demo = true\n").unwrap();
    let (ok, _, err) = config_check(
        dir.path(),
        &["--config", config],
        &[("PORTICO_SEED", "world.toml")],
    );
    assert!(!ok);
    assert!(err.contains("demo and seed"), "{err}");

    // What `serve` would refuse before opening the store, `config check` refuses too.
    std::fs::write(&file, "frozen_clock = \"2026-01-01T09:00:00Z\"\n").unwrap();
    let (ok, _, err) = config_check(dir.path(), &["--config", config], &[]);
    assert!(!ok);
    assert!(err.contains("dev mode only"), "{err}");

    let missing = dir.path().join("missing.toml");
    let (ok, _, err) = config_check(dir.path(), &["--config", missing.to_str().unwrap()], &[]);
    assert!(!ok);
    assert!(err.contains("cannot read config file"), "{err}");
}

/// Serves with a config file and extra variables until the server says where it is.
fn serve_configured(
    ca_dir: &std::path::Path,
    config: &std::path::Path,
    env: &[(&str, &str)],
) -> (std::process::Child, String) {
    let mut child = portico(ca_dir)
        .args(["serve", "--config", config.to_str().unwrap()])
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    (child, first.split_whitespace().nth(3).unwrap().to_owned())
}

/// Fabrikam's id as the control API (dev mode only) tells it.
async fn demo_tenant_id(client: &reqwest::Client, base: &str) -> serde_json::Value {
    let tenant: serde_json::Value = client
        .get(format!("{base}portico/v1/tenants/fabrikam.com"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tenant["id"].clone()
}

#[tokio::test]
async fn serve_follows_the_config_file_and_portico_demo_true_starts_the_demo_world() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portico.toml");
    let demo_tenant = "22222222-2222-4222-8222-222222222222";

    // The file alone: a demo world on the file's listen address.
    std::fs::write(&file, "listen = \"127.0.0.1:0\"\ndemo = true\n").unwrap();
    let (child, base) = serve_configured(dir.path(), &file, &[]);
    let client = https_client(dir.path());
    assert_eq!(demo_tenant_id(&client, &base).await, demo_tenant);
    stop(child);

    // PORTICO_DEMO=true over a file that does not ask for it.
    std::fs::write(&file, "listen = \"127.0.0.1:0\"\n").unwrap();
    let (ok, out, err) = config_check(
        dir.path(),
        &["--config", file.to_str().unwrap()],
        &[("PORTICO_DEMO", "true")],
    );
    assert!(ok, "{err}");
    assert_eq!(effective(&out, "demo"), "true");
    let (child, base) = serve_configured(dir.path(), &file, &[("PORTICO_DEMO", "true")]);
    assert_eq!(demo_tenant_id(&client, &base).await, demo_tenant);
    stop(child);
}

#[test]
fn openapi_piped_into_a_reader_that_stops_early_ends_quietly() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let mut child = portico(dir.path())
        .arg("openapi")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // As `portico openapi | head -c 100`: the document is far larger than a pipe's buffer.
    let mut start = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut start).unwrap();
    assert!(String::from_utf8_lossy(&start).contains("openapi"));
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}: {stderr}", output.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn commands_on_a_store_refuse_a_missing_one_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let run = |args: &[&str]| {
        let output = portico(dir.path())
            .args(args)
            .env_remove("PORTICO_DATA_DIR")
            .env_remove("PORTICO_DATABASE_URL")
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let mau = ["report", "mau", "--tenant", "contoso.com"];
    let stderr = run(&[&mau[..], &["--data-dir", missing.to_str().unwrap()]].concat());
    assert!(
        stderr.contains("no Portico database at") && stderr.contains("no-such-dir"),
        "{stderr}"
    );
    assert!(!missing.exists(), "an empty database was created");
    let stderr = run(&mau);
    assert!(
        stderr.contains("--data-dir DIR or --database-url URL"),
        "{stderr}"
    );
    let stderr = run(&["rotate-keys", "--tenant", "contoso.com"]);
    assert!(stderr.contains("no store given"), "{stderr}");
}

/// docs/operations.md's Configuration section: everything from there to the next `## `.
fn configuration_docs() -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/operations.md"
    ))
    .unwrap();
    let start = text.find("## Configuration").unwrap();
    let rest = &text[start + 2..];
    rest[..rest.find("\n## ").unwrap_or(rest.len())].to_owned()
}

#[test]
fn the_configuration_docs_list_every_serve_flag_and_their_example_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let docs = configuration_docs();
    let help = portico(dir.path())
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let flags: Vec<&str> = help
        .split_whitespace()
        .filter_map(|word| word.strip_prefix("--"))
        .map(|flag| flag.split(['[', '=', ' ']).next().unwrap())
        .filter(|flag| !["help", "config", ""].contains(flag))
        .collect();
    assert!(flags.contains(&"managed-identity"), "{help}");
    for flag in flags {
        let key = flag.replace('-', "_");
        let variable = format!("PORTICO_{}", key.to_uppercase());
        let row = format!("| `{key}` | `{variable}` | `--{flag}` |");
        assert!(docs.contains(&row), "no row {row} in docs/operations.md");
    }

    let example = docs.split("```toml\n").nth(1).unwrap();
    let example = &example[..example.find("```").unwrap()];
    let file = dir.path().join("portico.toml");
    std::fs::write(&file, example).unwrap();
    let (ok, out, err) = config_check(dir.path(), &["--config", file.to_str().unwrap()], &[]);
    assert!(ok, "{err}");
    assert_eq!(effective(&out, "listen"), "\"0.0.0.0:8443\"");
}
