//! Composing newsletter mail and delivering the outbox: SMTP through lettre when configured,
//! otherwise `.eml` files under the data dir plus a log line with the link (development).

use super::store::Store;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
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

    /// Delivers one mail.
    async fn deliver(&self, mail: &OutboxMail) -> Result<(), String> {
        let body = mail.body.clone().unwrap_or_default();
        match self {
            Mailer::Smtp { transport, from } => {
                let message = build_message(from.clone(), mail, body)?;
                transport.send(message).await.map(|_| ()).map_err(|error| error.to_string())
            }
            Mailer::Files(dir) => {
                let from: Mailbox = "NourishVibes <newsletter@localhost>".parse().map_err(|error| format!("{error}"))?;
                let message = build_message(from, mail, body.clone())?;
                tokio::fs::create_dir_all(dir).await.map_err(|error| error.to_string())?;
                let path = dir.join(format!("{:06}.eml", mail.id));
                tokio::fs::write(&path, message.formatted()).await.map_err(|error| error.to_string())?;
                let link = body.split_whitespace().find(|word| word.contains("/newsletter/confirm?token=")).unwrap_or("");
                tracing::info!("newsletter: no SMTP configured; mail to {} saved as {} (confirm at {link})", mail.recipient, path.display());
                Ok(())
            }
        }
    }
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

    /// Sends every mail that is due now.
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
                let result = match self.mailer.deliver(&mail).await {
                    Ok(()) => self.store.mark_sent(mail.id).await,
                    Err(error) => {
                        tracing::warn!("newsletter: delivery of mail {} failed (attempt {}): {error}", mail.id, mail.attempts + 1);
                        self.store.mark_attempt_failed(mail.id, mail.attempts, &error).await
                    }
                };
                if let Err(error) = result {
                    tracing::error!("newsletter: updating the outbox failed: {error}");
                    return;
                }
            }
        }
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
}
