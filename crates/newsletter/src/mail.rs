//! Composing newsletter mail and delivering the outbox: SMTP through lettre when configured,
//! otherwise `.eml` files under the data dir (development; the log names the file, not its links).

use crate::message::{IssueParts, MailIdentity, OutboxMail};
use crate::retry::{classify, Failure};
use crate::weekly::render::TOKEN;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use nv_model::urls;
use std::path::PathBuf;
use std::time::Duration;

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
    let confirm = urls::absolute(site_url, &urls::confirm_path(confirm_token));
    let unsubscribe = urls::absolute(site_url, &urls::unsubscribe_path(unsubscribe_token));
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
        list_unsubscribe: urls::absolute(site_url, &urls::one_click_unsubscribe_path(unsubscribe_token)),
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
}

/// Where mail goes, and who it is from.
pub struct Mailer {
    route: Route,
    identity: MailIdentity,
}

/// How mail leaves this server.
enum Route {
    /// A real SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// No SMTP configured: each mail is written to a file in this folder and its link logged.
    Files(PathBuf),
}

impl Mailer {
    /// An SMTP mailer, or why the settings are unusable.
    pub fn smtp(settings: &SmtpSettings, identity: MailIdentity) -> Result<Mailer, String> {
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
        Ok(Mailer { route: Route::Smtp(builder.build()), identity })
    }

    /// A mailer that writes each mail as an `.eml` file into `dir` (development, no SMTP).
    pub fn files(dir: PathBuf, identity: MailIdentity) -> Mailer {
        Mailer { route: Route::Files(dir), identity }
    }

    /// Delivers one mail (`parts`: the issue it carries, if any). Errors never carry the
    /// address: mail servers often quote it in their replies, and these end up in the log.
    pub(super) async fn deliver(&self, mail: &OutboxMail, parts: Option<&IssueParts>) -> Result<(), DeliveryError> {
        self.deliver_unredacted(mail, parts)
            .await
            .map_err(|error| DeliveryError { message: redact(&error.message, &mail.recipient), ..error })
    }

    /// Sends `parts` to `recipient` at once, outside the outbox (`server newsletter send-test`),
    /// with links carrying a token that unsubscribes nobody.
    pub async fn send_test(&self, recipient: &str, parts: &IssueParts, one_click_url: &str) -> Result<(), String> {
        let token = "0".repeat(64);
        let mail = OutboxMail {
            id: 0,
            subscriber_id: 0,
            recipient: recipient.to_string(),
            subject: format!("[Test] {}", parts.subject),
            body: Some(token.clone()),
            list_unsubscribe: one_click_url.replace(TOKEN, &token),
            attempts: 0,
            created_at: 0,
            issue_id: Some(0),
        };
        self.deliver(&mail, Some(parts)).await.map_err(|error| error.message)
    }

    async fn deliver_unredacted(&self, mail: &OutboxMail, parts: Option<&IssueParts>) -> Result<(), DeliveryError> {
        let message = self.identity.message(mail, parts).map_err(DeliveryError::permanent)?;
        match &self.route {
            Route::Smtp(transport) => transport.send(message).await.map(|_| ()).map_err(|error| {
                let code = error
                    .status()
                    .map(|code| code.severity as u16 * 100 + code.category as u16 * 10 + code.detail as u16);
                DeliveryError { failure: classify(code), message: error.to_string() }
            }),
            Route::Files(dir) => {
                tokio::fs::create_dir_all(dir).await.map_err(DeliveryError::transient)?;
                let path = dir.join(format!("{:06}.eml", mail.id));
                tokio::fs::write(&path, message.formatted()).await.map_err(DeliveryError::transient)?;
                // The file holds the links (live tokens): the log names the file, never a token.
                tracing::info!("newsletter: no SMTP configured; mail {} written to {}", mail.id, path.display());
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
        let reply =
            "permanent error (550): 5.1.1 <Reader@Example.com>: Recipient address rejected; reader@example.com unknown";
        assert_eq!(
            redact(reply, "reader@example.com"),
            "permanent error (550): 5.1.1 <<recipient>>: Recipient address rejected; <recipient> unknown"
        );
        assert_eq!(redact("connection refused", "reader@example.com"), "connection refused");
    }
}
