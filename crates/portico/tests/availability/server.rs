//! The real `portico serve` as a child process, a client that trusts its CA, and the load the
//! availability tests put on it.

use reqwest::Client;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";
const ADMIN_APP: &str = "c0c0a001-0000-4000-8000-000000000001";
const ADMIN_SECRET: &str = "contoso-admin-secret";

pub struct Served {
    child: Child,
    pub base: String,
    pub client: Client,
}

impl Served {
    /// Starts `portico serve <args> --listen 127.0.0.1:0` and waits for its first line.
    pub fn start(ca_dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_portico"))
            .env("PORTICO_CA_DIR", ca_dir)
            .env("PORTICO_LOG", "error")
            .arg("serve")
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines
            .next()
            .expect("portico printed where it serves")
            .unwrap();
        // "Portico is serving https://localhost:PORT/ on 127.0.0.1:PORT"
        let base = first.split_whitespace().nth(3).unwrap().to_owned();
        // Keep reading so the child never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let pem = std::fs::read(ca_dir.join("ca.pem")).unwrap();
        let client = Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
            // A new connection per request: no keep-alive connection is closed under a request.
            .pool_max_idle_per_host(0)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Self {
            child,
            base,
            client,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn wait(&mut self) -> ExitStatus {
        self.child.wait().unwrap()
    }

    pub async fn ready_status(&self) -> u16 {
        match self.client.get(self.url("/readyz")).send().await {
            Ok(response) => response.status().as_u16(),
            Err(_) => 0,
        }
    }

    /// Polls `/readyz` until it answers 200, for at most `limit`.
    pub async fn wait_ready(&self, limit: Duration) {
        let start = std::time::Instant::now();
        while self.ready_status().await != 200 {
            assert!(start.elapsed() < limit, "not ready after {limit:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// A client-credentials token for Contoso's admin app: the status and the token, if any.
    pub async fn app_token(&self) -> Result<String, String> {
        let response = self
            .client
            .post(self.url("/contoso.com/oauth2/v2.0/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", ADMIN_APP),
                ("client_secret", ADMIN_SECRET),
                ("scope", "https://graph.microsoft.com/.default"),
            ])
            .send()
            .await
            .map_err(|e| format!("{e:?}"))?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| format!("{e:?}"))?;
        match body["access_token"].as_str() {
            Some(token) if status == 200 => Ok(token.to_owned()),
            _ => Err(format!("{status}: {body}")),
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one invitation request came to.
#[derive(Debug)]
pub enum Outcome {
    /// 201: the invitation's id, acknowledged as committed.
    Created(String),
    /// No connection: the server was not there to receive the request.
    NotConnected,
    /// Connected, but the connection closed without an answer: the request may not have
    /// reached the server (HTTP/1 lets a server close a connection before reading from it).
    Unanswered { address: String, why: String },
    /// Answered with a status other than 201.
    Failed(String),
}

/// Invitations posted from parallel loops until told to stop or the server is gone.
pub struct Load {
    acknowledged: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<Vec<Outcome>>>,
}

impl Load {
    pub fn start(served: &Served, token: &str, workers: usize) -> Self {
        let acknowledged = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let run = uuid::Uuid::new_v4().simple().to_string();
        let tasks = (0..workers)
            .map(|worker| {
                let client = served.client.clone();
                let url = served.url("/v1.0/invitations");
                let token = token.to_owned();
                let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
                let run = run.clone();
                tokio::spawn(async move {
                    let mut outcomes = Vec::new();
                    for n in 0.. {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let address = format!("load-{run}-{worker}-{n}@example.net");
                        let outcome = invite(&client, &url, &token, &address).await;
                        if matches!(outcome, Outcome::Created(_)) {
                            acknowledged.fetch_add(1, Ordering::SeqCst);
                        }
                        let gone = matches!(outcome, Outcome::NotConnected);
                        outcomes.push(outcome);
                        if gone {
                            break;
                        }
                    }
                    outcomes
                })
            })
            .collect();
        Self {
            acknowledged,
            stop,
            tasks,
        }
    }

    /// Waits until at least `count` invitations are acknowledged (at most `limit`).
    pub async fn wait_for(&self, count: usize, limit: Duration) {
        let start = std::time::Instant::now();
        while self.acknowledged.load(Ordering::SeqCst) < count {
            assert!(
                start.elapsed() < limit,
                "fewer than {count} invitations in {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the loops and returns every outcome.
    pub async fn finish(self) -> Vec<Outcome> {
        self.stop.store(true, Ordering::SeqCst);
        let mut all = Vec::new();
        for task in self.tasks {
            all.extend(task.await.unwrap());
        }
        all
    }
}

async fn invite(client: &Client, url: &str, token: &str, address: &str) -> Outcome {
    let body = json!({
        "invitedUserEmailAddress": address,
        "inviteRedirectUrl": "https://myapps.microsoft.com",
    });
    let response = match client.post(url).bearer_auth(token).json(&body).send().await {
        Ok(response) => response,
        Err(e) if e.is_connect() => return Outcome::NotConnected,
        Err(e) => {
            return Outcome::Unanswered {
                address: address.to_owned(),
                why: format!("{e:?}"),
            }
        }
    };
    let status = response.status().as_u16();
    match response.json::<Value>().await {
        Ok(body) if status == 201 => match body["id"].as_str() {
            Some(id) => Outcome::Created(id.to_owned()),
            None => Outcome::Failed(format!("201 without an id: {body}")),
        },
        Ok(body) => Outcome::Failed(format!("{status}: {body}")),
        Err(e) => Outcome::Failed(format!("{status}, unreadable body: {e:?}")),
    }
}

/// The ids of the created invitations.
pub fn created(outcomes: &[Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Created(id) => Some(id.clone()),
            _ => None,
        })
        .collect()
}
