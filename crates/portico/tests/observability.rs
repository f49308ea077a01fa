//! What an operator watches: JSON log lines with the request's ids, logs without colour codes
//! when nobody reads them on a terminal, and metrics on their own port.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

/// `portico serve --demo` with `args`, stdout and stderr piped; the child and the lines it
/// printed on stdout up to the dev-mode line (serving URL, CA, and any others before it).
fn serve(ca_dir: &std::path::Path, args: &[&str]) -> (Child, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portico"))
        .env("PORTICO_CA_DIR", ca_dir)
        .env("PORTICO_LOG", "info")
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let last = line.starts_with("Dev mode");
        said.push(line);
        if last {
            break;
        }
    }
    (child, said)
}

/// Stops the server with SIGTERM; everything it wrote on stderr.
fn stop(mut child: Child) -> String {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(child.wait().unwrap().success());
    stderr
}

fn https_client(ca_dir: &std::path::Path) -> reqwest::Client {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let pem = std::fs::read(ca_dir.join("ca.pem")).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn json_logs_carry_the_request_ids_and_metrics_have_their_own_port() {
    let ca = tempfile::tempdir().unwrap();
    let (child, said) = serve(
        ca.path(),
        &["--log-format", "json", "--metrics-listen", "127.0.0.1:0"],
    );
    let base = said[0].split_whitespace().nth(3).unwrap().to_owned();
    let metrics = said
        .iter()
        .find_map(|line| line.strip_prefix("Metrics: "))
        .unwrap_or_else(|| panic!("the metrics address is printed: {said:?}"))
        .to_owned();
    let client = https_client(ca.path());
    let discovery = client
        .get(format!(
            "{base}contoso.com/v2.0/.well-known/openid-configuration"
        ))
        .header("client-request-id", "operator-trace-1")
        .send()
        .await
        .unwrap();
    assert_eq!(discovery.status(), 200);
    let request_id = discovery.headers()["request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let scraped = client.get(&metrics).send().await.unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(
        text.contains(r#"route="/{tenant}/v2.0/.well-known/openid-configuration",status="200""#),
        "{text}"
    );
    let stderr = stop(child);

    assert!(!stderr.contains('\u{1b}'), "no colour codes: {stderr}");
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let finished = lines
        .iter()
        .find(|line| line["span"]["request_id"] == request_id.as_str())
        .unwrap_or_else(|| panic!("no line of request {request_id}: {stderr}"));
    assert_eq!(finished["fields"]["message"], "request finished");
    assert_eq!(finished["fields"]["status"], 200);
    assert_eq!(finished["span"]["correlation_id"], "operator-trace-1");
    assert_eq!(
        finished["span"]["tenant_id"],
        "11111111-1111-4111-8111-111111111111"
    );
}

#[tokio::test]
async fn text_logs_have_no_colour_codes_off_a_terminal() {
    let ca = tempfile::tempdir().unwrap();
    let (child, said) = serve(ca.path(), &[]);
    assert!(
        !said.iter().any(|line| line.starts_with("Metrics")),
        "no metrics port unless asked: {said:?}"
    );
    let base = said[0].split_whitespace().nth(3).unwrap().to_owned();
    let health = https_client(ca.path())
        .get(format!("{base}healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let stderr = stop(child);
    assert!(stderr.contains("request finished"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no colour codes: {stderr}");
}
