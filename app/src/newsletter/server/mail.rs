//! Composing newsletter mail and delivering the outbox: SMTP through lettre when configured,
//! otherwise `.eml` files under the data dir (development; the link is logged at debug level).

use super::retry::{classify, Failure, NextStep};
use super::store::Store;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// A mail ready for the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposedMail {
    /// Subject line.
    pub subject: String,
    /// Plain-text body with the links.
    pub body: String,
    /// The RFC 8058 one-click unsubscribe URL for the `List-Unsubscribe` header.
    pub list_unsubscribe: String,
}

/// A queued mail as the worker reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxMail {
    /// Outbox row id.
    pub id: i64,
    /// Normalised address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: Option<String>,
    /// One-click unsubscribe URL.
    pub list_unsubscribe: String,
    /// Failed attempts so far.
    pub attempts: i64,
    /// When it was queued (seconds since the epoch).
    pub created_at: i64,
}

/// Why a mail was not delivered: how (see [`classify`]) and the error, without the address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryError {
    /// Whether trying again may help.
    pub failure: Failure,
    /// What went wrong, for the log and the outbox row.
    pub message: String,
}

impl DeliveryError {
    fn transient(message: impl ToString) -> DeliveryError {
        DeliveryError { failure: Failure::Transient, message: message.to_string() }
    }

    fn permanent(message: impl ToString) -> DeliveryError {
        DeliveryError { failure: Failure::Permanent, message: message.to_string() }
    }
}

/// The double opt-in mail: a link to the confirmation page (whose button confirms) and the
/// unsubscribe links.
pub fn compose_confirmation(site_url: &str, confirm_token: &str, unsubscribe_token: &str) -> ComposedMail {
    let confirm = format!("{site_url}/newsletter/confirm?token={confirm_token}");
    let unsubscribe = format!("{site_url}/newsletter/unsubscribe?token={unsubscribe_token}");
    ComposedMail {
        subject: "Confirm your NourishVibes subscription".into(),
        body: format!(
            "Hello,\n\n\
             Someone, hopefully you, asked to get the NourishVibes weekly health tips at this address.\n\n\
             To confirm, open this link and press the button on the page:\n{confirm}\n\n\
             The link works for 48 hours. If you didn't ask for this, ignore this email: you won't be \
             subscribed and won't hear from us again.\n\n\
             Unsubscribe at any time: {unsubscribe}\n\n\
             NourishVibes, evidence-based nutrition and health\n"
        ),
        list_unsubscribe: format!("{site_url}/newsletter/unsubscribe/one-click?token={unsubscribe_token}"),
    }
}

/// How to talk TLS to the SMTP server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP (a relay on loopback, or tests).
    None,
    /// STARTTLS after connecting (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// SMTP connection settings.
#[derive(Clone, Debug)]
pub struct SmtpSettings {
    /// Server host name.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Login name, if the server wants one.
    pub username: Option<String>,
    /// Password for `username`.
    pub password: Option<String>,
    /// TLS mode.
    pub tls: SmtpTls,
    /// `From:` address, e.g. `NourishVibes <newsletter@example.com>`.
    pub from: String,
}

/// Where mail goes.
pub enum Mailer {
    /// A real SMTP server.
    Smtp {
        /// The lettre transport.
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// Sender.
        from: Mailbox,
    },
    /// No SMTP configured: each mail is written to a file in this folder and its link logged.
    Files(PathBuf),
}

impl Mailer {
    /// An SMTP mailer, or why the settings are unusable.
    pub fn smtp(settings: &SmtpSettings) -> Result<Mailer, String> {
        let from: Mailbox = settings.from.parse().map_err(|error| format!("NV_MAIL_FROM {:?}: {error}", settings.from))?;
        let builder = match settings.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
                .map_err(|error| format!("SMTP host {}: {error}", settings.host))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)
                .map_err(|error| format!("SMTP host {}: {error}", settings.host))?,
        };
        let mut builder = builder.port(settings.port).timeout(Some(Duration::from_secs(20)));
        if let (Some(username), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
        }
        Ok(Mailer::Smtp { transport: builder.build(), from })
    }

    /// Delivers one mail. Errors never carry the address: mail servers often quote it in
    /// their replies, and these end up in the log.
    async fn deliver(&self, mail: &OutboxMail) -> Result<(), DeliveryError> {
        self.deliver_unredacted(mail).await.map_err(|error| DeliveryError {
            message: redact(&error.message, &mail.recipient),
            ..error
        })
    }

    async fn deliver_unredacted(&self, mail: &OutboxMail) -> Result<(), DeliveryError> {
        let body = mail.body.clone().unwrap_or_default();
        match self {
            Mailer::Smtp { transport, from } => {
                let message = build_message(from.clone(), mail, body).map_err(DeliveryError::permanent)?;
                transport.send(message).await.map(|_| ()).map_err(|error| {
                    let code = error
                        .status()
                        .map(|code| code.severity as u16 * 100 + code.category as u16 * 10 + code.detail as u16);
                    DeliveryError { failure: classify(code), message: error.to_string() }
                })
            }
            Mailer::Files(dir) => {
                let from: Mailbox = "NourishVibes <newsletter@localhost>".parse().map_err(DeliveryError::permanent)?;
                let message = build_message(from, mail, body.clone()).map_err(DeliveryError::permanent)?;
                tokio::fs::create_dir_all(dir).await.map_err(DeliveryError::transient)?;
                let path = dir.join(format!("{:06}.eml", mail.id));
                tokio::fs::write(&path, message.formatted()).await.map_err(DeliveryError::transient)?;
                tracing::info!("newsletter: no SMTP configured; mail {} written to {}", mail.id, path.display());
                // The link holds a live token: only for a developer who asks for debug logs.
                let link = body.split_whitespace().find(|word| word.contains("/newsletter/confirm?token=")).unwrap_or("");
                tracing::debug!("newsletter: mail {} to {} confirms at {link}", mail.id, mail.recipient);
                Ok(())
            }
        }
    }
}

/// `text` with every spelling of `address` (any letter case) replaced by `<recipient>`.
fn redact(text: &str, address: &str) -> String {
    if address.is_empty() {
        return text.to_string();
    }
    let (lower_text, lower_address) = (text.to_ascii_lowercase(), address.to_ascii_lowercase());
    let mut redacted = String::with_capacity(text.len());
    let mut rest = 0;
    // ASCII lowercasing keeps byte offsets, so positions in the lowercase copy fit the original.
    for (start, _) in lower_text.match_indices(&lower_address) {
        if start >= rest {
            redacted.push_str(&text[rest..start]);
            redacted.push_str("<recipient>");
            rest = start + address.len();
        }
    }
    redacted.push_str(&text[rest..]);
    redacted
}

fn build_message(from: Mailbox, mail: &OutboxMail, body: String) -> Result<Message, String> {
    let to: Mailbox = mail.recipient.parse().map_err(|error| format!("recipient: {error}"))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{}>", mail.list_unsubscribe),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".into(),
        ))
        .body(body)
        .map_err(|error| error.to_string())
}

/// Delivers the outbox in the background: woken when mail is queued, retrying failures with
/// backoff. Everything it sends was committed first, so a crash only delays mail.
pub struct DeliveryWorker {
    /// Where the outbox lives.
    pub store: Store,
    /// Where mail goes.
    pub mailer: Mailer,
    /// Woken by signups.
    pub signal: Arc<Notify>,
}

impl DeliveryWorker {
    /// Runs until [`Store::stop`], then returns after the mail in hand.
    pub async fn run(self) {
        loop {
            self.deliver_due().await;
            if self.store.is_stopping() {
                return;
            }
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_secs() as i64);
            let wait = match self.store.next_due_at().await {
                Ok(Some(due)) => Duration::from_secs(due.saturating_sub(now).clamp(1, 60) as u64),
                Ok(None) => Duration::from_secs(60),
                Err(error) => {
                    tracing::error!("newsletter: reading the outbox failed: {error}");
                    Duration::from_secs(5)
                }
            };
            tokio::select! {
                _ = tokio::time::timeout(wait, self.signal.notified()) => {}
                () = self.store.stopping() => return,
            }
        }
    }

    /// Sends every mail that is due now. A mail the server accepted is never sent again: if
    /// recording that fails (the database is locked or full), the worker keeps retrying the
    /// record, not the send.
    pub async fn deliver_due(&self) {
        loop {
            let batch = match self.store.due_mail(20).await {
                Ok(batch) => batch,
                Err(error) => {
                    tracing::error!("newsletter: reading the outbox failed: {error}");
                    return;
                }
            };
            if batch.is_empty() {
                return;
            }
            for mail in batch {
                // At shutdown the mail in hand is finished (sent and marked), the rest waits.
                if self.store.is_stopping() {
                    return;
                }
                match self.mailer.deliver(&mail).await {
                    Ok(()) => {
                        until_recorded(mail.id, || self.store.mark_sent(mail.id)).await;
                        tracing::debug!("newsletter: mail {} delivered", mail.id);
                    }
                    Err(error) => {
                        let step = until_recorded(mail.id, || self.store.mark_attempt_failed(&mail, error.failure, &error.message)).await;
                        log_failure(&mail, &error, step);
                    }
                }
            }
        }
    }
}

/// Runs `record` until it succeeds, waiting 100 ms after the first failure and doubling the
/// wait up to 30 s, with an error logged each time.
async fn until_recorded<T, F, Fut>(mail_id: i64, mut record: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    let mut wait = Duration::from_millis(100);
    loop {
        match record().await {
            Ok(value) => return value,
            Err(error) => {
                tracing::error!("newsletter: recording the outcome of mail {mail_id} failed, retrying in {wait:?}: {error}");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(30));
            }
        }
    }
}

fn log_failure(mail: &OutboxMail, error: &DeliveryError, step: NextStep) {
    let attempt = mail.attempts + 1;
    match (step, error.failure) {
        (NextStep::RetryAt(at), _) => tracing::warn!(
            "newsletter: delivery of mail {} failed (attempt {attempt}), next try at {at}: {}",
            mail.id,
            error.message
        ),
        (NextStep::GiveUp, Failure::Permanent) => {
            tracing::error!("newsletter: mail {} refused for good by the mail server, given up: {}", mail.id, error.message)
        }
        (NextStep::GiveUp, Failure::Transient) => tracing::error!(
            "newsletter: mail {} given up after {attempt} attempts over {} days: {}",
            mail.id,
            super::retry::GIVE_UP_AFTER_SECS / 86_400,
            error.message
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confirmation_mail_links_to_the_pages_not_to_actions() {
        let mail = compose_confirmation("https://nv.example", "c0ffee", "beef");
        assert!(mail.body.contains("https://nv.example/newsletter/confirm?token=c0ffee"));
        assert!(mail.body.contains("https://nv.example/newsletter/unsubscribe?token=beef"));
        assert_eq!(mail.list_unsubscribe, "https://nv.example/newsletter/unsubscribe/one-click?token=beef");
    }

    #[test]
    fn addresses_are_taken_out_of_error_messages() {
        let reply = "permanent error (550): 5.1.1 <Reader@Example.com>: Recipient address rejected; reader@example.com unknown";
        assert_eq!(
            redact(reply, "reader@example.com"),
            "permanent error (550): 5.1.1 <<recipient>>: Recipient address rejected; <recipient> unknown"
        );
        assert_eq!(redact("connection refused", "reader@example.com"), "connection refused");
    }
}
