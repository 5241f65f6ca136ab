//! Mail delivery against a real SMTP server on loopback (Debian's python3-aiosmtpd, started here),
//! reading the delivered message back from its Maildir.

use crate::common;
use crate::smtp_sink;

use nv_newsletter::{open_database, Clock, DeliveryWorker, MailIdentity, Mailer, SmtpSettings, SmtpTls, Store};
use smtp_sink::{free_port, Sink};
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn mailer(port: u16) -> Mailer {
    Mailer::smtp(
        &SmtpSettings { host: "127.0.0.1".into(), port, username: None, password: None, tls: SmtpTls::None },
        MailIdentity::new("NourishVibes <newsletter@nourishvibes.example>", common::SITE_URL, None).unwrap(),
    )
    .expect("valid settings")
}

/// A clock the test moves by hand.
fn manual_clock(start: i64) -> (Clock, Arc<AtomicI64>) {
    let now = Arc::new(AtomicI64::new(start));
    let reader = now.clone();
    (Arc::new(move || reader.load(Ordering::SeqCst)), now)
}

/// Undoes quoted-printable soft line breaks and `=3D`, in case the body was encoded so.
fn unfold(message: &str) -> String {
    message.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")
}

fn token_after(text: &str, marker: &str) -> String {
    let start = text.find(marker).unwrap_or_else(|| panic!("{marker} in {text}")) + marker.len();
    text[start..start + 64].to_string()
}

#[tokio::test]
async fn the_confirmation_mail_arrives_with_its_link_and_one_click_unsubscribe_headers() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = Sink::start();
    let store = Store::new(open_database(&dir.path().join("data")).await.unwrap(), common::SITE_URL, None);
    store.signup("reader@example.com", "footer", "privacy@2026-02-15").await.unwrap();

    let worker = DeliveryWorker {
        store: store.clone(),
        mailer: mailer(smtp.port),
        signal: Arc::default(),
        pace: Default::default(),
    };
    worker.deliver_due().await;

    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let message = unfold(&messages[0]);
    assert!(message.contains("To: reader@example.com"), "{message}");
    assert!(message.contains("Subject: Confirm your NourishVibes subscription"));
    let confirm = token_after(&message, "https://nourishvibes.example/newsletter/confirm?token=");
    let unsubscribe = token_after(
        &message,
        "List-Unsubscribe: <https://nourishvibes.example/newsletter/unsubscribe/one-click?token=",
    );
    assert!(message.contains(&format!("one-click?token={unsubscribe}>")));
    assert!(message.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(message.contains(&format!("https://nourishvibes.example/newsletter/unsubscribe?token={unsubscribe}")));

    // The delivered link confirms; the outbox forgets the body (it held the raw tokens).
    store.confirm(&confirm).await.expect("the mailed token confirms");
    let (sent, body): (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT sent_at, body FROM outbox").fetch_one(store.database().sqlite().unwrap()).await.unwrap();
    assert!(sent.is_some());
    assert_eq!(body, None);
    worker.deliver_due().await;
    assert_eq!(smtp.messages().len(), 1, "delivered once");
}

#[tokio::test]
async fn mail_queued_while_the_smtp_server_is_down_is_delivered_when_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (clock, now) = manual_clock(1_800_000_000);
    let store = Store::new(open_database(&dir.path().join("data")).await.unwrap(), common::SITE_URL, Some(clock));
    store.signup("patient@example.com", "newsletter page", "privacy@2026-02-15").await.unwrap();
    let worker =
        DeliveryWorker { store: store.clone(), mailer: mailer(port), signal: Arc::default(), pace: Default::default() };

    worker.deliver_due().await;
    let (attempts, error): (i64, Option<String>) = sqlx::query_as("SELECT attempts, last_error FROM outbox")
        .fetch_one(store.database().sqlite().unwrap())
        .await
        .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some());

    let smtp = Sink::start_on(port);
    worker.deliver_due().await;
    assert!(smtp.messages().is_empty(), "not before the backoff");
    now.fetch_add(3600, Ordering::SeqCst);
    worker.deliver_due().await;
    assert_eq!(smtp.messages().len(), 1);
    assert!(unfold(&smtp.messages()[0]).contains("To: patient@example.com"));
}

/// The RCPT lines the picky server logged for addresses starting with `prefix`.
fn tries(log: &Path, prefix: &str) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.starts_with(&format!("RCPT {prefix}")))
        .count()
}

async fn outbox_row(
    store: &Store,
    recipient: &str,
) -> (i64, Option<i64>, Option<i64>, Option<String>, Option<String>, i64) {
    sqlx::query_as(
        "SELECT attempts, sent_at, failed_at, body, last_error, next_attempt_at FROM outbox WHERE recipient = ?",
    )
    .bind(recipient)
    .fetch_one(store.database().sqlite().unwrap())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_refused_recipient_fails_at_once_a_busy_one_backs_off_and_is_given_up_after_days() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = Sink::start_picky();
    let log = smtp.rcpt_log();
    let start = 1_800_000_000;
    let (clock, now) = manual_clock(start);
    let store = Store::new(open_database(&dir.path().join("data")).await.unwrap(), common::SITE_URL, Some(clock));
    for address in ["refused@example.com", "later@example.com", "welcome@example.com"] {
        store.signup(address, "footer", "privacy@2026-02-15").await.unwrap();
    }
    let worker = DeliveryWorker {
        store: store.clone(),
        mailer: mailer(smtp.port),
        signal: Arc::default(),
        pace: Default::default(),
    };
    worker.deliver_due().await;

    // Delivered: the others' failures do not hold it up.
    assert_eq!(smtp.messages().len(), 1);
    assert!(unfold(&smtp.messages()[0]).contains("To: welcome@example.com"));
    // 550: failed for good at once, its tokens forgotten, and the address kept out of the error.
    let (attempts, sent, failed, body, error, _) = outbox_row(&store, "refused@example.com").await;
    assert_eq!((attempts, sent, failed, body), (1, None, Some(start), None));
    let error = error.expect("the reason is kept");
    assert!(error.contains("550") && !error.contains("refused@example.com"), "{error}");
    // 451: tried again after a minute, then two, ...
    let (attempts, _, failed, body, _, next) = outbox_row(&store, "later@example.com").await;
    assert_eq!((attempts, failed, body.is_some(), next), (1, None, true, start + 60));

    now.fetch_add(59, Ordering::SeqCst);
    worker.deliver_due().await;
    assert_eq!(tries(&log, "later"), 1, "not before the backoff");
    now.fetch_add(1, Ordering::SeqCst);
    worker.deliver_due().await;
    assert_eq!(tries(&log, "later"), 2);
    let (attempts, _, _, _, _, next) = outbox_row(&store, "later@example.com").await;
    assert_eq!((attempts, next), (2, start + 60 + 120));

    // Three days after it was queued, the next failure gives it up.
    now.store(start + 3 * 24 * 3600, Ordering::SeqCst);
    worker.deliver_due().await;
    let (attempts, _, failed, body, _, _) = outbox_row(&store, "later@example.com").await;
    assert_eq!((attempts, failed, body), (3, Some(start + 3 * 24 * 3600), None));

    // Nothing is tried again, however long the worker runs.
    now.fetch_add(7 * 24 * 3600, Ordering::SeqCst);
    worker.deliver_due().await;
    assert_eq!((tries(&log, "refused"), tries(&log, "later"), tries(&log, "welcome")), (1, 3, 1));
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn a_mail_the_server_accepted_is_not_sent_again_when_recording_it_fails() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = Sink::start();
    let store = Store::new(open_database(&dir.path().join("data")).await.unwrap(), common::SITE_URL, None);
    store.signup("once@example.com", "footer", "privacy@2026-02-15").await.unwrap();
    // The database refuses to record the delivery, as a full disk or a lock held elsewhere would.
    sqlx::query(
        "CREATE TRIGGER sent_fails BEFORE UPDATE OF sent_at ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .execute(store.database().sqlite().unwrap())
    .await
    .unwrap();

    let worker = DeliveryWorker {
        store: store.clone(),
        mailer: mailer(smtp.port),
        signal: Arc::default(),
        pace: Default::default(),
    };
    let delivering = tokio::spawn(async move { worker.deliver_due().await });
    let started = Instant::now();
    while smtp.messages().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(15), "the mail never arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The worker keeps retrying the record meanwhile, not the send.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.messages().len(), 1, "sent again while the delivery was not recorded");
    assert!(!delivering.is_finished(), "the worker went on without recording the delivery");
    let (_, sent, _, _, _, _) = outbox_row(&store, "once@example.com").await;
    assert_eq!(sent, None);

    sqlx::query("DROP TRIGGER sent_fails").execute(store.database().sqlite().unwrap()).await.unwrap();
    tokio::time::timeout(Duration::from_secs(15), delivering).await.expect("recorded once the database works").unwrap();
    let (_, sent, failed, body, _, _) = outbox_row(&store, "once@example.com").await;
    assert!(sent.is_some());
    assert_eq!((failed, body), (None, None));
    assert_eq!(smtp.messages().len(), 1, "delivered exactly once");
}
