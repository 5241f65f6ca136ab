//! The headers providers judge mail by, on mail captured by a real SMTP server on loopback:
//! `Message-ID` at the site's domain and stable per outbox row, `List-Id` on the weekly issue
//! only, and a DKIM signature that an independent verifier (Debian's python3-dkim) accepts
//! against the public key as its DNS record would publish it.

use crate::common;
use crate::smtp_sink;

use nv_newsletter::weekly::{prepare, IsoWeek, Schedule, WeeklySettings};
use nv_newsletter::{
    open_database, DeliveryWorker, DkimSettings, MailIdentity, Mailer, Pace, SmtpSettings, SmtpTls, Store,
};
use smtp_sink::Sink;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

fn mailer(port: u16, dkim: Option<&DkimSettings>) -> Mailer {
    let settings = SmtpSettings { host: "127.0.0.1".into(), port, username: None, password: None, tls: SmtpTls::None };
    let identity = MailIdentity::new("NourishVibes <newsletter@nourishvibes.example>", common::SITE_URL, dkim);
    Mailer::smtp(&settings, identity.expect("valid sender and key")).expect("valid settings")
}

fn worker(store: &Store, mailer: Mailer) -> DeliveryWorker {
    DeliveryWorker {
        store: store.clone(),
        mailer,
        signal: Arc::default(),
        pace: Pace { per_second: 0.0, concurrency: 1 },
    }
}

/// The value of `name` in the message's header block (unfolded), if present.
fn header(message: &str, name: &str) -> Option<String> {
    let head = message.split("\n\n").next().unwrap_or_default().replace("\r\n", "\n");
    let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
    let prefix = format!("{}:", name.to_ascii_lowercase());
    unfolded
        .lines()
        .find(|line| line.to_ascii_lowercase().starts_with(&prefix))
        .map(|line| line[prefix.len()..].trim().to_string())
}

#[tokio::test]
async fn a_confirmation_has_a_message_id_from_its_outbox_row_and_no_list_id() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = Sink::start();
    let store = Store::new(open_database(dir.path()).await.unwrap(), common::SITE_URL, None);
    store.signup("reader@example.com", "footer", "privacy@2026-02-15").await.unwrap();
    let (id, created_at): (i64, i64) = sqlx::query_as("SELECT id, created_at FROM outbox")
        .fetch_one(store.database().sqlite().unwrap())
        .await
        .unwrap();
    worker(&store, mailer(smtp.port, None)).deliver_due().await;

    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let expected = format!("<nv.{created_at}.{id}@nourishvibes.example>");
    assert_eq!(header(&messages[0], "Message-ID").as_deref(), Some(expected.as_str()), "{}", messages[0]);
    assert_eq!(header(&messages[0], "List-Id"), None, "a confirmation is not list mail");
    assert!(header(&messages[0], "List-Unsubscribe").is_some());
}

/// An RSA key made by openssl (PKCS#8 PEM, as `openssl genpkey` writes it) and the TXT record
/// that would publish its public half.
fn dkim_key(dir: &Path) -> (DkimSettings, String) {
    let key_file = dir.join("dkim.pem");
    let made = Command::new("openssl")
        .args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out"])
        .arg(&key_file)
        .output()
        .expect("openssl (scripts/install-tools.sh --test installs it)");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let public = Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(&key_file).output().unwrap();
    assert!(public.status.success());
    let pem = String::from_utf8(public.stdout).unwrap();
    let base64: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    (DkimSettings { selector: "mail2026".into(), key_file }, format!("v=DKIM1; k=rsa; p={base64}"))
}

/// Whether python3-dkim verifies `message` with `record` as the selector's DNS TXT record.
fn dkim_verifies(dir: &Path, message: &str, record: &str) -> bool {
    let file = dir.join("message.eml");
    // The Maildir keeps bare line feeds; mail on the wire (and so the signature) has CRLF.
    std::fs::write(&file, message.replace("\r\n", "\n").replace('\n', "\r\n")).unwrap();
    let script = "import dkim, sys\n\
                  message = open(sys.argv[1], 'rb').read()\n\
                  record = sys.argv[2].encode()\n\
                  def dns(name, timeout=5):\n    \
                      return record if name == b'mail2026._domainkey.nourishvibes.example.' else None\n\
                  sys.exit(0 if dkim.verify(message, dnsfunc=dns) else 1)\n";
    let python = if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
    let status = Command::new(python)
        .args(["-c", script])
        .arg(&file)
        .arg(record)
        .status()
        .expect("python3 with the dkim module (scripts/install-tools.sh --test installs python3-dkim)");
    status.success()
}

#[tokio::test]
async fn the_weekly_issue_is_list_mail_signed_with_dkim_that_an_independent_verifier_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let (dkim, record) = dkim_key(dir.path());
    let smtp = Sink::start();
    let pool = open_database(&dir.path().join("data")).await.unwrap();
    sqlx::query("INSERT INTO subscribers (email, status, created_at, confirmed_at) VALUES ('reader@example.com', 'confirmed', 1, 1)")
        .execute(&pool)
        .await
        .unwrap();
    let store = Store::new(pool, common::SITE_URL, None);
    let content = nv_content::store::ContentStore::load(&common::content_dir(), common::SITE_URL).unwrap();
    let weekly = WeeklySettings {
        content_dir: common::content_dir(),
        site_url: common::SITE_URL.into(),
        schedule: None,
        send_time: Schedule::default(),
    };
    let issue = prepare(&weekly, &content, IsoWeek::parse("2026-W19").unwrap(), false).unwrap();
    assert_eq!(store.send_issue(&issue, "NourishVibes").await.unwrap().queued, 1);
    worker(&store, mailer(smtp.port, Some(&dkim))).deliver_due().await;

    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(
        header(message, "List-Id").as_deref(),
        Some("\"NourishVibes weekly\" <weekly.nourishvibes.example>"),
        "{message}"
    );
    assert!(header(message, "Message-ID").is_some_and(|id| id.ends_with("@nourishvibes.example>")), "{message}");
    let signature = header(message, "DKIM-Signature").expect("signed");
    assert!(signature.contains("d=nourishvibes.example") && signature.contains("s=mail2026"), "{signature}");
    assert!(signature.to_ascii_lowercase().contains("list-unsubscribe-post"), "RFC 8058 asks to sign it: {signature}");
    assert!(dkim_verifies(dir.path(), message, &record), "python3-dkim refused the signature:\n{message}");
    // The verifier is not a rubber stamp: a changed subject fails.
    let tampered = message.replacen("Subject: ", "Subject: Re: ", 1);
    assert!(!dkim_verifies(dir.path(), &tampered, &record), "a tampered mail verified");
}
