//! Real SMTP delivery through lettre, against a local aiosmtpd server (tests/support/smtp_sink.py).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

use chrono::{DateTime, TimeZone, Utc};
use portico_app::clock::AdjustableClock;
use portico_app::mail::{open_body, seal_body, Dispatcher, SmtpTransport};
use portico_app::tokens::master_key::MasterKey;
use portico_model::mail::OutboxMessage;
use portico_model::{EmailAddress, ObjectId};
use portico_store::{SqlStore, Store, StoreConfig, Write};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

struct Sink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn start_sink() -> Sink {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
    let python = std::env::var("PORTICO_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut child = Command::new(python)
        .args([script, &port.to_string(), dir.path().to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 must be installed (with aiosmtpd) to run the SMTP test");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        "ready",
        "the SMTP sink did not start; is aiosmtpd installed (pip install aiosmtpd)?"
    );
    Sink { child, port, dir }
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()
}

fn address(text: &str) -> EmailAddress {
    EmailAddress::parse(text).unwrap()
}

#[tokio::test]
async fn queued_mail_is_delivered_over_smtp_and_marked_delivered() {
    let sink = start_sink();
    let store: Arc<dyn Store> = Arc::new(SqlStore::open(&StoreConfig::SqliteMemory).await.unwrap());
    let seed = portico_app::seed::parse(
        "[[tenant]]\nkey = \"t\"\nid = \"11111111-1111-4111-8111-111111111111\"\ndisplay_name = \"T\"\ndomains = [\"t.onmicrosoft.com\"]\n",
    )
    .unwrap();
    let batches = portico_app::seed::build_world(&seed, "https://localhost:8443", at()).unwrap();
    store.reset(batches).await.unwrap();
    let tenant = portico_model::TenantId::parse("11111111-1111-4111-8111-111111111111").unwrap();
    let message = OutboxMessage {
        id: ObjectId::parse("00000000-0000-4000-8000-000000000001").unwrap(),
        tenant_id: Some(tenant),
        from: address("invites@t.onmicrosoft.com"),
        to: vec![address("alice@fabrikam.com")],
        cc: vec![address("boss@fabrikam.com")],
        subject: "You're invited to the T organization".into(),
        text: "Accept the invitation: https://localhost:8443/redeem?ticket=abc".into(),
        html: "<p><a href=\"https://localhost:8443/redeem?ticket=abc\">Accept invitation</a></p>"
            .into(),
        links: vec!["https://localhost:8443/redeem?ticket=abc".into()],
        created_at: at(),
        delivered_at: None,
        delivery_attempts: 0,
        last_error: None,
        sealed_body: None,
    };
    // Queued as the app queues it: the body sealed with the master key.
    let master = Arc::new(MasterKey::generate().unwrap().0);
    let sealed = seal_body(&master, message.clone()).unwrap();
    assert!(sealed.text.is_empty() && sealed.links.is_empty());
    store
        .apply(tenant, vec![Write::EnqueueMail(sealed)])
        .await
        .unwrap();
    let queued = &store.list_undelivered(10).await.unwrap()[0];
    assert!(!format!("{queued:?}").contains("ticket=abc"), "{queued:?}");
    assert_eq!(
        open_body(&master, queued.clone()).unwrap().links,
        message.links
    );

    let transport = SmtpTransport::from_url(&format!("smtp://127.0.0.1:{}", sink.port)).unwrap();
    let dispatcher = Dispatcher::new(
        store.clone(),
        Arc::new(transport),
        Arc::new(AdjustableClock::new()),
        Default::default(),
        master,
    );
    assert_eq!(dispatcher.deliver_pending().await, 1);
    assert!(store.list_undelivered(10).await.unwrap().is_empty());
    let stored = store.list_outbox(None, 10).await.unwrap();
    assert!(stored[0].delivered_at.is_some());
    assert!(
        stored[0].text.is_empty() && stored[0].sealed_body.is_none(),
        "a delivered message keeps no body: {:?}",
        stored[0]
    );
    assert_eq!(stored[0].subject, message.subject, "the envelope stays");
    assert_eq!(
        dispatcher.deliver_pending().await,
        0,
        "a delivered message is not sent again"
    );

    let received = std::fs::read_to_string(sink.dir.path().join("1.eml"))
        .expect("the sink received the message");
    assert!(
        received.contains("X-Envelope-To: alice@fabrikam.com, boss@fabrikam.com"),
        "{received}"
    );
    assert!(
        received.contains("Subject: You're invited to the T organization"),
        "{received}"
    );
    assert!(received.contains("Cc: boss@fabrikam.com"), "{received}");
    assert!(
        received.contains("https://localhost:8443/redeem?ticket=abc"),
        "{received}"
    );
    assert!(received.contains("text/html"), "{received}");
}

#[tokio::test]
async fn an_unreachable_relay_leaves_mail_queued_with_the_error() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let store: Arc<dyn Store> = Arc::new(SqlStore::open(&StoreConfig::SqliteMemory).await.unwrap());
    let seed = portico_app::seed::parse(
        "[[tenant]]\nkey = \"t\"\nid = \"11111111-1111-4111-8111-111111111111\"\ndisplay_name = \"T\"\ndomains = [\"t.onmicrosoft.com\"]\n",
    )
    .unwrap();
    store
        .reset(portico_app::seed::build_world(&seed, "https://localhost:8443", at()).unwrap())
        .await
        .unwrap();
    let tenant = portico_model::TenantId::parse("11111111-1111-4111-8111-111111111111").unwrap();
    let message = OutboxMessage {
        id: ObjectId::parse("00000000-0000-4000-8000-000000000002").unwrap(),
        tenant_id: Some(tenant),
        from: address("invites@t.onmicrosoft.com"),
        to: vec![address("alice@fabrikam.com")],
        cc: vec![],
        subject: "s".into(),
        text: "t".into(),
        html: "<p>t</p>".into(),
        links: vec![],
        created_at: at(),
        delivered_at: None,
        delivery_attempts: 0,
        last_error: None,
        sealed_body: None,
    };
    store
        .apply(tenant, vec![Write::EnqueueMail(message)])
        .await
        .unwrap();
    let transport = SmtpTransport::from_url(&format!("smtp://127.0.0.1:{closed_port}")).unwrap();
    let metrics = Arc::new(portico_app::metrics::AppMetrics::default());
    let dispatcher = Dispatcher::new(
        store.clone(),
        Arc::new(transport),
        Arc::new(AdjustableClock::new()),
        Default::default(),
        Arc::new(MasterKey::generate().unwrap().0),
    )
    .counting_in(metrics.clone());
    assert_eq!(dispatcher.deliver_pending().await, 0);
    let queued = store.list_undelivered(10).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].delivery_attempts, 1);
    assert!(queued[0].last_error.is_some());
    assert_eq!(
        queued[0].text, "t",
        "an undelivered body is kept for the retry"
    );

    // Nine more failures make ten: the message is a dead letter, counted once, and tried no more.
    for _ in 0..10 {
        assert_eq!(dispatcher.deliver_pending().await, 0);
    }
    let dead = store.list_undelivered(10).await.unwrap();
    assert_eq!(dead[0].delivery_attempts, 10);
    let mut registry = prometheus_client::registry::Registry::with_prefix("portico");
    metrics.register(&mut registry);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
    assert!(
        text.lines()
            .any(|line| line == "portico_mail_dead_letters_total 1"),
        "{text}"
    );
}
