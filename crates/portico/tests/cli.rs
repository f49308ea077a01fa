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
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(server.wait().unwrap().success());
}

/// `portico what-if` against a data directory: the FAQ's outcomes, without signing anyone in.
#[tokio::test]
async fn what_if_reproduces_the_policy_outcomes_without_a_sign_in() {
    let ca = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    // Contoso blocks Fabrikam inbound (S09b) in a seed of our own.
    let seed = data.path().join("world.toml");
    let demo = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../app/seeds/demo.toml"
    ))
    .unwrap();
    let blocked = demo.replacen(
        "[[tenant]]\nkey = \"fabrikam\"",
        "[[tenant.partner]]\ntenant = \"fabrikam\"\nb2b_collaboration_inbound = \"block\"\n\n[[tenant]]\nkey = \"fabrikam\"",
        1,
    );
    assert_ne!(blocked, demo, "the demo seed's layout changed");
    std::fs::write(&seed, blocked).unwrap();
    let (mut server, _) = serve(
        ca.path(),
        &["--seed", seed.to_str().unwrap(), "--data-dir", data_dir],
    );
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(server.wait().unwrap().success());
    for address in ["eve@woodgrovebank.com", "rick@adatum.com"] {
        let invited = portico(ca.path())
            .args([
                "invite",
                "--tenant",
                "contoso.com",
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
    let what_if = |args: &[&str]| {
        let output = portico(ca.path())
            .args([
                "what-if",
                "--resource-tenant",
                "contoso.com",
                "--data-dir",
                data_dir,
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    const CLI: &str = "c0c0a003-0000-4000-8000-000000000003";
    let eve = what_if(&["--user", "eve@woodgrovebank.com", "--app", CLI]);
    assert!(eve.contains("decision: deny AADSTS500212"), "{eve}");
    assert!(eve.contains("who must act: home (Woodgrove Bank)"), "{eve}");
    assert!(eve.contains("FAIL homeOutbound"), "{eve}");
    let alice = what_if(&["--user", "alice@fabrikam.com", "--app", CLI]);
    assert!(
        alice.contains("decision: deny AADSTS50020"),
        "not invited: {alice}"
    );
    assert!(
        alice.contains("FAIL resourceInbound"),
        "and the inbound block shows: {alice}"
    );
    let rick = what_if(&[
        "--user",
        "rick@adatum.com",
        "--app",
        "c0c0a004-0000-4000-8000-000000000004",
        "--json",
    ]);
    let rick: serde_json::Value = serde_json::from_str(&rick).unwrap();
    assert_eq!(rick["errorCode"], 50105);
    assert_eq!(rick["responsible"], "resource");
    let restricted = what_if(&[
        "--user",
        "megan@contoso.com",
        "--app",
        CLI,
        "--header",
        "Restrict-Access-To-Tenants: fabrikam.com,adatum.onmicrosoft.com",
        "--header",
        "Restrict-Access-Context: 22222222-2222-4222-8222-222222222222",
    ]);
    assert!(
        restricted.contains("decision: deny AADSTS500021"),
        "{restricted}"
    );
    assert!(
        restricted.contains("who must act: network (Fabrikam)"),
        "{restricted}"
    );
    let megan = what_if(&["--user", "megan@contoso.com", "--app", CLI]);
    assert!(megan.contains("decision: allow"), "{megan}");

    // --demo evaluates against a fresh demo world; unknown names are clear errors.
    let demo_eve = portico(ca.path())
        .args([
            "what-if",
            "--demo",
            "--user",
            "megan@contoso.com",
            "--resource-tenant",
            "contoso.com",
            "--app",
            CLI,
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&demo_eve.stdout).contains("decision: allow"));
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
