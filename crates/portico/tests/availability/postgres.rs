//! A private, throwaway PostgreSQL cluster (never the shared server), and the outage tests run
//! against it: immediate stop during invitations, and an outage with token requests.

use crate::server::{created, Load, Served, CONTOSO};
use crate::{missing_invitations, trials};
use portico_model::TenantId;
use portico_store::{SqlStore, Store, StoreConfig};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

pub struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    /// initdb and postgres refuse to run as root: run them as the `postgres` user then.
    as_postgres: bool,
}

impl Cluster {
    /// Creates and starts a cluster in a temporary directory on a free port; `None` (with the
    /// reason printed) when the PostgreSQL server binaries are not installed, a failure then
    /// when `PORTICO_REQUIRE_POSTGRES` is set.
    pub fn start() -> Option<Self> {
        let Some(bin) = server_binaries() else {
            assert!(
                std::env::var("PORTICO_REQUIRE_POSTGRES").is_err(),
                "PORTICO_REQUIRE_POSTGRES is set but no PostgreSQL server binaries were found"
            );
            eprintln!("skipped: no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb)");
            return None;
        };
        let as_postgres = output(Command::new("id").arg("-u")).stdout == b"0\n";
        let dir = tempfile::tempdir().unwrap();
        if as_postgres {
            let owner = Command::new("chown")
                .args(["postgres:", dir.path().to_str().unwrap()])
                .status()
                .unwrap();
            assert!(owner.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Self {
            bin,
            dir,
            port,
            as_postgres,
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &["-D", &data, "-U", "postgres", "--auth=trust", "--no-sync"],
        );
        cluster.up();
        Some(cluster)
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// `pg_ctl start`, waiting until it accepts connections.
    pub fn up(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
    }

    /// `pg_ctl stop -m immediate`: the server dies without a checkpoint, as in a crash.
    pub fn crash(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "stop"]);
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        command.args(args).current_dir(self.dir.path());
        let done = output(&mut command);
        assert!(
            done.status.success(),
            "{} {args:?}: {}",
            program.display(),
            String::from_utf8_lossy(&done.stderr)
        );
        done
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let program = self.bin.join("pg_ctl");
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "stop"];
        // Already stopped is fine: this only makes sure no server outlives the test.
        let _ = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .output()
        } else {
            Command::new(&program).args(args).output()
        };
    }
}

fn output(command: &mut Command) -> Output {
    command.output().unwrap()
}

/// The newest installed `/usr/lib/postgresql/<version>/bin`, or `PORTICO_PG_BIN`.
fn server_binaries() -> Option<PathBuf> {
    if let Ok(bin) = std::env::var("PORTICO_PG_BIN") {
        return Some(PathBuf::from(bin));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn serve_on(cluster: &Cluster, ca_dir: &Path) -> Served {
    Served::start(ca_dir, &["--demo", "--database-url", &cluster.url()])
}

/// `pg_ctl stop -m immediate` during a stream of invitations: once PostgreSQL is back, every
/// acknowledged invitation is there and the same server process is ready again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_crash_during_invitations_loses_nothing_acknowledged() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let ca_dir = tempfile::tempdir().unwrap();
    let served = serve_on(&cluster, ca_dir.path());
    for trial in 0..trials() {
        served.wait_ready(Duration::from_secs(30)).await;
        let token = served.app_token().await.unwrap();
        let load = Load::start(&served, &token, 8);
        load.wait_for(20, Duration::from_secs(30)).await;
        cluster.crash();
        let acknowledged = created(&load.finish().await);
        cluster.up();
        let config = StoreConfig::Postgres {
            url: cluster.url(),
            schema: None,
            max_connections: 2,
        };
        let store = SqlStore::open(&config).await.unwrap();
        let missing = missing_invitations(&store, &acknowledged).await;
        assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
        store.close().await;
        eprintln!(
            "trial {trial}: {} acknowledged invitations survived pg_ctl stop -m immediate",
            acknowledged.len()
        );
    }
    served.wait_ready(Duration::from_secs(30)).await;
}

/// A database outage: `/readyz` says not ready, no token is issued (a token needs its sign-in
/// row), and both recover when PostgreSQL returns, without restarting Portico.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_is_not_ready_issues_no_token_and_recovers() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let ca_dir = tempfile::tempdir().unwrap();
    let served = serve_on(&cluster, ca_dir.path());
    served.wait_ready(Duration::from_secs(30)).await;
    let config = StoreConfig::Postgres {
        url: cluster.url(),
        schema: None,
        max_connections: 2,
    };
    let tenant = TenantId::parse(CONTOSO).unwrap();
    let logged_before = sign_ins(&config, tenant).await;
    let mut issued = usize::from(served.app_token().await.is_ok());

    cluster.crash();
    assert_eq!(
        served.ready_status().await,
        503,
        "not ready during the outage"
    );
    let attempts = tokio::join!(
        served.app_token(),
        served.app_token(),
        served.app_token(),
        served.app_token()
    );
    for attempt in [attempts.0, attempts.1, attempts.2, attempts.3] {
        assert!(attempt.is_err(), "a token was issued during the outage");
    }

    cluster.up();
    served.wait_ready(Duration::from_secs(30)).await;
    for _ in 0..3 {
        served
            .app_token()
            .await
            .expect("tokens again after the outage");
        issued += 1;
    }
    let logged = sign_ins(&config, tenant).await - logged_before;
    assert!(
        logged >= issued,
        "{issued} tokens issued but only {logged} sign-ins logged"
    );
}

async fn sign_ins(config: &StoreConfig, tenant: TenantId) -> usize {
    let store = SqlStore::open(config).await.unwrap();
    let count = store.list_sign_ins(tenant, 10_000).await.unwrap().len();
    store.close().await;
    count
}
