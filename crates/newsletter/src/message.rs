//! The headers that make mail acceptable to the big providers, and the message built from an
//! outbox row: a `Message-ID` at the site's domain that a retry repeats (Gmail refuses mail
//! without one), `List-Id` (RFC 2919) with the one-click unsubscribe headers (RFC 8058) on the
//! weekly issue, and an optional DKIM signature for operators whose relay does not sign.

use crate::weekly::render::TOKEN;
use lettre::message::dkim::DkimSigningKey;
use lettre::message::dkim::{DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use std::path::PathBuf;

/// Where the DKIM key is and which DNS record publishes its public half.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkimSettings {
    /// The selector: the public key is at `{selector}._domainkey.{domain}` (`NV_DKIM_SELECTOR`).
    pub selector: String,
    /// An RSA private key in PEM, PKCS#1 or PKCS#8 (`NV_DKIM_KEY_FILE`).
    pub key_file: PathBuf,
}

/// Who the mail is from and what it is signed as: the same for every mail this server sends.
pub struct MailIdentity {
    from: Mailbox,
    /// The site's host name: the right side of every `Message-ID` and the `List-Id` namespace.
    domain: String,
    dkim: Option<DkimConfig>,
}

impl MailIdentity {
    /// The identity for the sender `from` (`Name <address>`) on the site `site_url`, signing with
    /// `dkim` (as the sender's domain) when given. Errors name the setting and what is wrong.
    pub fn new(from: &str, site_url: &str, dkim: Option<&DkimSettings>) -> Result<MailIdentity, String> {
        let from: Mailbox = from.parse().map_err(|error| format!("NV_MAIL_FROM {from:?}: {error}"))?;
        let dkim = match dkim {
            None => None,
            Some(settings) => Some(dkim_config(settings, from.email.domain())?),
        };
        Ok(MailIdentity { from, domain: site_domain(site_url), dkim })
    }

    /// The message for `mail`: plain text, or for an issue `multipart/alternative` with the
    /// recipient's token filled into both parts and the site.toml sender name on the address.
    pub(super) fn message(&self, mail: &OutboxMail, parts: Option<&IssueParts>) -> Result<Message, String> {
        let to: Mailbox = mail.recipient.parse().map_err(|error| format!("recipient: {error}"))?;
        let from = match parts {
            Some(parts) => Mailbox::new(Some(parts.sender_name.clone()), self.from.email.clone()),
            None => self.from.clone(),
        };
        let mut builder = Message::builder()
            .from(from)
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(message_id(mail, &self.domain)))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{}>", mail.list_unsubscribe),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ));
        let body = mail.body.clone().unwrap_or_default();
        let mut message = match parts {
            None => builder.header(ContentType::TEXT_PLAIN).body(body),
            Some(parts) => {
                // The body of an issue mail is the recipient's token (64 hex digits, checked here
                // so nothing else can be spliced into the mail).
                if body.len() != 64 || !body.bytes().all(|byte| byte.is_ascii_hexdigit()) {
                    return Err("issue mail without a valid token".into());
                }
                // Only the weekly issue is list mail; a confirmation is a reply to the reader.
                builder = builder.raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Id"),
                    list_id(&parts.sender_name, &self.domain),
                ));
                builder.multipart(MultiPart::alternative_plain_html(
                    parts.mail_text.replace(TOKEN, &body),
                    parts.mail_html.replace(TOKEN, &body),
                ))
            }
        }
        .map_err(|error| error.to_string())?;
        if let Some(dkim) = &self.dkim {
            message.sign(dkim);
        }
        Ok(message)
    }
}

/// The `Message-ID` of an outbox row: the same on every attempt (a retry after a crash carries
/// the id of the first, so mail clients fold the two), different for every row. A test send
/// (row 0) gets a fresh one each time.
fn message_id(mail: &OutboxMail, domain: &str) -> String {
    if mail.id == 0 {
        let mut random = [0u8; 12];
        let _ = getrandom::fill(&mut random);
        let hex: String = random.iter().map(|byte| format!("{byte:02x}")).collect();
        return format!("<test.{hex}@{domain}>");
    }
    format!("<nv.{}.{}@{domain}>", mail.created_at, mail.id)
}

/// RFC 2919: `"Name weekly" <weekly.example.com>`; providers group and filter the newsletter by
/// the id in angle brackets. The name is left out unless it is plain ASCII.
fn list_id(sender_name: &str, domain: &str) -> String {
    let name = sender_name.trim();
    let id = format!("<weekly.{domain}>");
    if name.is_empty() || !name.bytes().all(|byte| (0x20..0x7f).contains(&byte)) {
        return id;
    }
    let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{quoted} weekly\" {id}")
}

/// The host of `site_url` (`https://nourishvibes.example:8443/x` → `nourishvibes.example`),
/// `localhost` when there is none.
pub fn site_domain(site_url: &str) -> String {
    // Parsed as the cross-site check parses the same setting (`url`, already a dependency).
    let host = url::Url::parse(site_url).ok().and_then(|url| url.host_str().map(str::to_ascii_lowercase));
    // An IPv6 literal (`[::1]`) cannot stand right of the `@` in a Message-ID.
    host.filter(|host| {
        !host.is_empty() && host.bytes().all(|byte| byte.is_ascii_alphanumeric() || b".-".contains(&byte))
    })
    .unwrap_or_else(|| "localhost".into())
}

/// Signs as `domain` with the key and selector of `settings`: relaxed canonicalisation (survives
/// relays that rewrap headers), over every header a provider shows or acts on, the one-click
/// unsubscribe pair included (RFC 8058 asks for it to be signed). Not `Content-Type`: lettre
/// hashes a multipart one otherwise than it writes it, and verifiers then refuse the signature.
fn dkim_config(settings: &DkimSettings, domain: &str) -> Result<DkimConfig, String> {
    use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
    use rsa::pkcs8::DecodePrivateKey;
    let file = settings.key_file.display();
    let pem = std::fs::read_to_string(&settings.key_file)
        .map_err(|error| format!("NV_DKIM_KEY_FILE {file}: cannot read it: {error}"))?;
    let key = rsa::RsaPrivateKey::from_pkcs1_pem(&pem)
        .or_else(|_| rsa::RsaPrivateKey::from_pkcs8_pem(&pem))
        .map_err(|_| format!("NV_DKIM_KEY_FILE {file}: not an RSA private key in PEM (PKCS#1 or PKCS#8)"))?;
    let pkcs1 =
        key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).map_err(|error| format!("NV_DKIM_KEY_FILE {file}: {error}"))?;
    let key = DkimSigningKey::new(&pkcs1, DkimSigningAlgorithm::Rsa)
        .map_err(|error| format!("NV_DKIM_KEY_FILE {file}: {error}"))?;
    let selector = settings.selector.trim();
    if selector.is_empty() || !selector.bytes().all(|byte| byte.is_ascii_alphanumeric() || b".-_".contains(&byte)) {
        return Err(format!("NV_DKIM_SELECTOR must be a DNS label such as mail2026, not {selector:?}"));
    }
    let headers =
        ["From", "To", "Subject", "Date", "Message-ID", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post"];
    Ok(DkimConfig::new(
        selector.to_string(),
        domain.to_string(),
        key,
        headers.into_iter().map(HeaderName::new_from_ascii_str).collect(),
        DkimCanonicalization { header: DkimCanonicalizationType::Relaxed, body: DkimCanonicalizationType::Relaxed },
    ))
}

/// The mail parts of a stored issue, as the outbox delivers them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IssueParts {
    /// Subject line.
    pub subject: String,
    /// HTML part with [`TOKEN`](crate::weekly::render::TOKEN) placeholders.
    pub mail_html: String,
    /// Text part with [`TOKEN`](crate::weekly::render::TOKEN) placeholders.
    pub mail_text: String,
    /// The sender's display name.
    pub sender_name: String,
}

/// A queued mail as the worker reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxMail {
    /// Outbox row id.
    pub id: i64,
    /// Who it is for.
    pub subscriber_id: i64,
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
    /// The weekly issue it carries; its `body` is then the recipient's unsubscribe token.
    pub issue_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64) -> OutboxMail {
        OutboxMail {
            id,
            subscriber_id: 7,
            recipient: "reader@example.com".into(),
            subject: "Confirm".into(),
            body: Some("hello".into()),
            list_unsubscribe: "https://nv.example/newsletter/unsubscribe/one-click?token=ab".into(),
            attempts: 0,
            created_at: 1_780_000_000,
            issue_id: None,
        }
    }

    #[test]
    fn the_message_id_is_at_the_site_domain_and_the_same_on_every_attempt() {
        let identity = MailIdentity::new("NV <news@nv.example>", "https://www.nv.example:8443/", None).unwrap();
        let first = identity.message(&row(42), None).unwrap().formatted();
        let mut retried = row(42);
        retried.attempts = 3;
        let again = identity.message(&retried, None).unwrap().formatted();
        let id = |raw: &[u8]| {
            let text = String::from_utf8_lossy(raw).into_owned();
            text.lines().find_map(|line| line.strip_prefix("Message-ID: ")).map(str::to_string).expect("Message-ID")
        };
        assert_eq!(id(&first), "<nv.1780000000.42@www.nv.example>");
        assert_eq!(id(&first), id(&again));
        assert_ne!(id(&first), id(&identity.message(&row(43), None).unwrap().formatted()));
    }

    #[test]
    fn list_id_quotes_the_name_and_drops_one_it_cannot_carry() {
        assert_eq!(list_id("NourishVibes", "nv.example"), "\"NourishVibes weekly\" <weekly.nv.example>");
        assert_eq!(list_id("Say \"hi\"", "nv.example"), "\"Say \\\"hi\\\" weekly\" <weekly.nv.example>");
        assert_eq!(list_id("Nährwert", "nv.example"), "<weekly.nv.example>");
    }

    #[test]
    fn the_site_domain_is_the_host_of_the_site_url() {
        assert_eq!(site_domain("https://NourishVibes.example"), "nourishvibes.example");
        assert_eq!(site_domain("http://127.0.0.1:3000"), "127.0.0.1");
        assert_eq!(site_domain("http://[::1]:3000/x"), "localhost");
        assert_eq!(site_domain(""), "localhost");
    }

    #[test]
    fn a_bad_dkim_key_or_selector_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("dkim.pem");
        std::fs::write(&key_file, "not a key").unwrap();
        let settings = DkimSettings { selector: "mail".into(), key_file: key_file.clone() };
        let error = MailIdentity::new("news@nv.example", "https://nv.example", Some(&settings)).err().unwrap();
        assert!(error.contains("NV_DKIM_KEY_FILE") && error.contains("not an RSA private key"), "{error}");
        let missing = DkimSettings { selector: "mail".into(), key_file: dir.path().join("none.pem") };
        let error = MailIdentity::new("news@nv.example", "https://nv.example", Some(&missing)).err().unwrap();
        assert!(error.contains("cannot read it"), "{error}");
    }
}
