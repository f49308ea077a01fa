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
