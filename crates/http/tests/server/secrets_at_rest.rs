//! Secrets at rest (issue 10, hole 8) and TOTP replay, end to end. After an authenticator is
//! registered and used, a guest invited and a one-time passcode mailed, none of the TOTP secrets,
//! the passcode or the redeem ticket can be read from the database — the SQLite file's bytes and
//! rows, PostgreSQL's rows — with or without SMTP delivery, while sign-in, passcodes and
//! redemption still work. One TOTP code signs in once however many sign-ins race with it.

use crate::harness::{spawn, Spawn, TestServer};
use crate::lockout::enable_security_defaults;
use crate::oidc_client::*;
use crate::walk::{self, Person};
use portico_app::tokens::totp;
use portico_model::user::MfaMethod;
use portico_model::{TenantId, Upn};
use portico_store::{StoreConfig, UserChanges, Write};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The demo world's seeded authenticator (alice@fabrikam.com).
const SEEDED_TOTP: &str = "JBSWY3DPEHPK3PXP";
const REDIRECT: &str = "https://myapps.example.com/welcome";
const GUEST: &str = "dave@example.net";

/// A local SMTP server (aiosmtpd, the app crate's `smtp_sink.py`) writing `<n>.eml` files.
struct SmtpSink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

impl SmtpSink {
    fn start() -> Self {
        use std::io::BufRead;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../app/tests/support/smtp_sink.py"
        );
        let python = std::env::var("PORTICO_PYTHON").unwrap_or_else(|_| "python3".into());
        let mut child = Command::new(python)
            .args([script, &port.to_string(), dir.path().to_str().unwrap()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd runs the SMTP sink");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
        Self { child, port, dir }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received, oldest first, once there are at least `count`.
    async fn messages(&self, count: usize) -> Vec<String> {
        for _ in 0..200 {
            let received: Vec<String> = (1..=count)
                .map_while(|n| {
                    std::fs::read_to_string(self.dir.path().join(format!("{n}.eml"))).ok()
                })
                .collect();
            if received.len() == count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("fewer than {count} messages reached the SMTP sink");
    }
}

/// Where the test reads the mail Portico sends.
enum Mailbox<'a> {
    /// The dev-mode outbox of the control API (no relay).
    Outbox,
    Smtp(&'a SmtpSink),
}

/// The text of the `n`th message (from 1) sent to the guest.
async fn guest_mail(server: &TestServer, mailbox: &Mailbox<'_>, n: usize) -> String {
    match mailbox {
        Mailbox::Smtp(sink) => quoted_printable_text(&sink.messages(n).await[n - 1]),
        Mailbox::Outbox => {
            let outbox: Value = server
                .client
                .get(server.url(&format!("/portico/v1/outbox?to={GUEST}")))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let mut texts: Vec<String> = outbox["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["text"].as_str().unwrap().to_owned())
                .collect();
            texts.reverse();
            texts
                .get(n - 1)
                .cloned()
                .unwrap_or_else(|| panic!("{outbox}"))
        }
    }
}

/// Enough of quoted-printable for Portico's ASCII mail: soft line breaks and `=3D`.
fn quoted_printable_text(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// What a tour of Portico's secrets leaves in its users' hands.
struct Secrets {
    totp: String,
    ticket: String,
    passcode: String,
}

/// A guest invited by mail redeems with a one-time passcode; megan registers an authenticator
/// and signs in with it again.
async fn tour(server: &TestServer, mailbox: Mailbox<'_>) -> Secrets {
    let token = walk::admin(server, "contoso").await;
    let (status, invitation) = walk::graph(
        server,
        &token,
        reqwest::Method::POST,
        "/v1.0/invitations",
        Some(json!({"invitedUserEmailAddress": GUEST, "inviteRedirectUrl": REDIRECT, "sendInvitationMessage": true})),
    )
    .await;
    assert_eq!(status, 201, "{invitation}");
    let url = invitation["inviteRedeemUrl"].as_str().unwrap();
    let ticket = url.split("ticket=").nth(1).unwrap().to_owned();
    let invited = guest_mail(server, &mailbox, 1).await;
    assert!(invited.contains(url), "{invited}");
    let browser = browser(server);
    let page = browser.get(url).send().await.unwrap().text().await.unwrap();
    let page = post_form(&browser, &page, &[("login", GUEST)]).await;
    let page = page.text().await.unwrap();
    assert!(page.contains("passcode-address"), "{page}");
    let mail = guest_mail(server, &mailbox, 2).await;
    let passcode = regex::Regex::new(r"code is: (\d{8})")
        .unwrap()
        .captures(&mail)
        .unwrap_or_else(|| panic!("{mail}"))[1]
        .to_owned();
    let consent = post_form(&browser, &page, &[("otp", &passcode)]).await;
    let consent = consent.text().await.unwrap();
    assert!(consent.contains("Review permissions"), "{consent}");
    let done = post_form(&browser, &consent, &[("accept", "true")]).await;
    assert_eq!(done.headers()["location"], REDIRECT);

    enable_security_defaults(server).await;
    let megan = Person::new("megan@contoso.com");
    let registered = walk::sign_in(
        server,
        &crate::oidc_client::browser(server),
        CLI_APP,
        &megan,
    )
    .await;
    assert!(registered.location().contains("code="));
    let secret = registered.registered.expect("an authenticator registered");
    server.running().app.advance_clock(30).unwrap();
    let megan = Person {
        totp: Some(secret.clone()),
        ..megan
    };
    let again = walk::sign_in(
        server,
        &crate::oidc_client::browser(server),
        CLI_APP,
        &megan,
    )
    .await;
    assert_eq!(again.pages, ["login", "password", "challengeMfa"]);
    assert!(again.location().contains("code="));
    Secrets {
        totp: secret,
        ticket,
        passcode,
    }
}

/// Everything the database holds as text: the SQLite file's bytes (free pages and WAL
/// included) and every column of every row; PostgreSQL's rows.
async fn stored_text(store: &StoreConfig) -> String {
    match store {
        StoreConfig::SqliteFile(path) => {
            let mut all = String::new();
            for suffix in ["", "-wal"] {
                let file = format!("{}{suffix}", path.display());
                let bytes = std::fs::read(file).unwrap_or_default();
                all.push_str(&String::from_utf8_lossy(&bytes));
            }
            all + &sqlite_rows(path).await
        }
        StoreConfig::Postgres {
            url,
            schema: Some(schema),
            ..
        } => postgres_rows(url, schema).await,
        other => panic!("cannot read {other:?} directly"),
    }
}

async fn sqlite_rows(path: &std::path::Path) -> String {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let tables: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&pool)
            .await
            .unwrap();
    let mut all = String::new();
    for (table,) in tables {
        let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info($1)")
            .bind(&table)
            .fetch_all(&pool)
            .await
            .unwrap();
        for (column,) in columns {
            // As bytes: sealed keys are BLOBs.
            let sql = format!(
                "SELECT CAST(group_concat(CAST(\"{column}\" AS TEXT), '|') AS BLOB) FROM \"{table}\""
            );
            let (bytes,): (Option<Vec<u8>>,) = sqlx::query_as(&sql).fetch_one(&pool).await.unwrap();
            all.push_str(&String::from_utf8_lossy(&bytes.unwrap_or_default()));
        }
    }
    pool.close().await;
    all
}

async fn postgres_rows(url: &str, schema: &str) -> String {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1",
    )
    .bind(schema)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(tables.len() > 20, "{tables:?}");
    let mut all = String::new();
    for (table,) in tables {
        let sql = format!("SELECT string_agg(t::text, '|') FROM \"{schema}\".\"{table}\" t");
        let (text,): (Option<String>,) = sqlx::query_as(&sql).fetch_one(&pool).await.unwrap();
        all.push_str(&text.unwrap_or_default());
    }
    pool.close().await;
    all
}

fn assert_sealed(stored: &str, secrets: &Secrets) {
    // The dump is real: it holds the guest and sealed values.
    assert!(stored.contains(GUEST) && stored.contains("sealed:"));
    for (what, secret) in [
        ("megan's TOTP secret", secrets.totp.as_str()),
        ("the seeded TOTP secret", SEEDED_TOTP),
        ("the redeem ticket", secrets.ticket.as_str()),
        ("the one-time passcode", secrets.passcode.as_str()),
    ] {
        assert!(!stored.contains(secret), "the database holds {what}");
    }
}

fn sqlite_file(dir: &tempfile::TempDir) -> StoreConfig {
    StoreConfig::SqliteFile(dir.path().join("portico.db"))
}

#[tokio::test]
async fn the_sqlite_file_holds_no_totp_secret_passcode_or_ticket() {
    let data = tempfile::tempdir().unwrap();
    let store = sqlite_file(&data);
    let server = spawn(Spawn {
        store: store.clone(),
        ..Default::default()
    })
    .await;
    let secrets = tour(&server, Mailbox::Outbox).await;
    assert_sealed(&stored_text(&store).await, &secrets);
}

#[tokio::test]
async fn postgresql_rows_hold_no_totp_secret_passcode_or_ticket() {
    let Ok(url) = std::env::var("PORTICO_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("PORTICO_REQUIRE_POSTGRES").is_err(),
            "PORTICO_REQUIRE_POSTGRES is set but PORTICO_TEST_DATABASE_URL is not"
        );
        eprintln!("skipped: PORTICO_TEST_DATABASE_URL is not set");
        return;
    };
    let store = StoreConfig::Postgres {
        url,
        schema: Some(format!("secrets_{}", uuid::Uuid::new_v4().simple())),
        max_connections: 4,
    };
    let server = spawn(Spawn {
        store: store.clone(),
        ..Default::default()
    })
    .await;
    let secrets = tour(&server, Mailbox::Outbox).await;
    assert_sealed(&stored_text(&store).await, &secrets);
}

#[tokio::test]
async fn mail_delivered_over_smtp_leaves_no_body_behind() {
    let sink = SmtpSink::start();
    let data = tempfile::tempdir().unwrap();
    let store = sqlite_file(&data);
    let server = spawn(Spawn {
        store: store.clone(),
        smtp_url: Some(sink.url()),
        ..Default::default()
    })
    .await;
    let secrets = tour(&server, Mailbox::Smtp(&sink)).await;
    let app = &server.running().app;
    for _ in 0..100 {
        if app
            .store_for_tests()
            .list_undelivered(10)
            .await
            .unwrap()
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(app
        .store_for_tests()
        .list_undelivered(10)
        .await
        .unwrap()
        .is_empty());
    assert_sealed(&stored_text(&store).await, &secrets);
    // The dev outbox still lists the messages, without their delivered bodies.
    let outbox: Value = server
        .client
        .get(server.url(&format!("/portico/v1/outbox?to={GUEST}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let messages = outbox["value"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{outbox}");
    for message in messages {
        assert_eq!(
            (&message["text"], &message["links"]),
            (&json!(""), &json!([]))
        );
        assert!(!message["subject"].as_str().unwrap().is_empty());
    }
}

fn contoso() -> TenantId {
    TenantId::parse(CONTOSO).unwrap()
}

async fn megan(server: &TestServer) -> portico_model::user::User {
    let upn = Upn::parse("megan@contoso.com").unwrap();
    let store = server.running().app.store_for_tests();
    store
        .find_user_by_upn(contoso(), &upn)
        .await
        .unwrap()
        .unwrap()
}

/// Megan at her code page, in a browser of her own.
async fn megan_at_challenge(server: &TestServer) -> (reqwest::Client, String) {
    let browser = browser(server);
    let page = browser
        .get(authorize_url(server, "&login_hint=megan%40contoso.com"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
    let page = page.text().await.unwrap();
    assert!(
        page.contains("name=\"otp\"") && !page.contains("totp-secret"),
        "{page}"
    );
    (browser, page)
}

#[tokio::test]
async fn one_totp_code_signs_in_once_across_parallel_sign_ins() {
    let server = crate::harness::spawn_demo().await;
    enable_security_defaults(&server).await;
    let person = Person::new("megan@contoso.com");
    let first = walk::sign_in(&server, &browser(&server), CLI_APP, &person).await;
    let secret = first.registered.expect("registered");
    let app = &server.running().app;
    for _ in 0..3 {
        app.advance_clock(30).unwrap();
        let mut flows = Vec::new();
        for _ in 0..4 {
            flows.push(megan_at_challenge(&server).await);
        }
        let code = totp::code_now(&secret, app.now()).unwrap();
        let tasks: Vec<_> = flows
            .into_iter()
            .map(|(browser, page)| {
                let code = code.clone();
                tokio::spawn(async move { post_form(&browser, &page, &[("otp", &code)]).await })
            })
            .collect();
        let mut signed_in = 0;
        for task in tasks {
            let response = task.await.unwrap();
            if response.status() == 302 {
                assert!(redirect_params(&response).contains_key("code"));
                signed_in += 1;
            } else {
                let page = response.text().await.unwrap();
                assert!(page.contains("AADSTS500121"), "{page}");
            }
        }
        assert_eq!(signed_in, 1, "one code, one sign-in");
    }
}

#[tokio::test]
async fn secrets_stored_before_sealing_still_work_and_are_sealed_on_next_use() {
    let server = crate::harness::spawn_demo().await;
    let app = &server.running().app;
    let megan = megan(&server).await;
    let legacy = MfaMethod::Totp {
        id: megan.id,
        secret_base32: SEEDED_TOTP.into(),
        registered_at: app.now(),
        last_used_step: None,
    };
    let patch = Write::PatchUser {
        id: megan.id,
        changes: UserChanges::mfa_methods(vec![legacy]),
    };
    app.store_for_tests()
        .apply(contoso(), vec![patch])
        .await
        .unwrap();
    enable_security_defaults(&server).await;
    let person = Person {
        totp: Some(SEEDED_TOTP.into()),
        ..Person::new("megan@contoso.com")
    };
    for _ in 0..2 {
        let walked = walk::sign_in(&server, &browser(&server), CLI_APP, &person).await;
        assert_eq!(walked.pages, ["login", "password", "challengeMfa"]);
        assert!(walked.location().contains("code="));
        let MfaMethod::Totp { secret_base32, .. } = &self::megan(&server).await.mfa_methods[0];
        assert!(secret_base32.starts_with("sealed:"), "{secret_base32}");
        app.advance_clock(30).unwrap();
    }
}
