//! Mail delivery against a real SMTP server on loopback (Debian's python3-aiosmtpd, started here),
//! reading the delivered message back from its Maildir.

mod common;

use app::newsletter::server::{open_database, Clock, DeliveryWorker, Mailer, SmtpSettings, SmtpTls, Store};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An aiosmtpd process storing every message in a Maildir; killed on drop.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl SmtpServer {
    fn start(port: u16, maildir: &Path) -> SmtpServer {
        let python = if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs (scripts/install-tools.sh --test installs python3-aiosmtpd)");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(15), "aiosmtpd did not start on port {port}: is python3-aiosmtpd installed?");
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer { child, port, maildir: maildir.to_path_buf() }
    }

    /// The raw messages delivered so far.
    fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        entries.map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap()).collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn mailer(port: u16) -> Mailer {
    Mailer::smtp(&SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        username: None,
        password: None,
        tls: SmtpTls::None,
        from: "NourishVibes <newsletter@nourishvibes.example>".into(),
    })
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
    let smtp = SmtpServer::start(free_port(), &dir.path().join("maildir"));
    let store = Store::new(open_database(&dir.path().join("data")).await.unwrap(), common::SITE_URL, None);
    store.signup("reader@example.com", "footer", "privacy@2026-02-15").await.unwrap();

    let worker = DeliveryWorker { store: store.clone(), mailer: mailer(smtp.port), signal: Arc::default() };
    worker.deliver_due().await;

    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let message = unfold(&messages[0]);
    assert!(message.contains("To: reader@example.com"), "{message}");
    assert!(message.contains("Subject: Confirm your NourishVibes subscription"));
    let confirm = token_after(&message, "https://nourishvibes.example/newsletter/confirm?token=");
    let unsubscribe = token_after(&message, "List-Unsubscribe: <https://nourishvibes.example/newsletter/unsubscribe/one-click?token=");
    assert!(message.contains(&format!("one-click?token={unsubscribe}>")));
    assert!(message.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(message.contains(&format!("https://nourishvibes.example/newsletter/unsubscribe?token={unsubscribe}")));

    // The delivered link confirms; the outbox forgets the body (it held the raw tokens).
    store.confirm(&confirm).await.expect("the mailed token confirms");
    let (sent, body): (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT sent_at, body FROM outbox").fetch_one(store.pool()).await.unwrap();
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
    let worker = DeliveryWorker { store: store.clone(), mailer: mailer(port), signal: Arc::default() };

    worker.deliver_due().await;
    let (attempts, error): (i64, Option<String>) =
        sqlx::query_as("SELECT attempts, last_error FROM outbox").fetch_one(store.pool()).await.unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some());

    let smtp = SmtpServer::start(port, &dir.path().join("maildir"));
    worker.deliver_due().await;
    assert!(smtp.messages().is_empty(), "not before the backoff");
    now.fetch_add(3600, Ordering::SeqCst);
    worker.deliver_due().await;
    assert_eq!(smtp.messages().len(), 1);
    assert!(unfold(&smtp.messages()[0]).contains("To: patient@example.com"));
}
