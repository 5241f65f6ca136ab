//! Email address rules, shared by the browser (instant feedback) and the server (the authority).
//! Dot-atom local parts only; domains as host names (no address literals), IDN labels turned
//! into ASCII by the caller's converter so the browser needs no IDNA tables.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest address accepted (RFC 5321 path limit less the angle brackets).
pub const MAX_ADDRESS: usize = 254;
/// Longest part before the `@`.
pub const MAX_LOCAL: usize = 64;
/// Longest domain.
pub const MAX_DOMAIN: usize = 255;

/// Why an address was refused; `Display` is the message shown next to the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailError {
    /// Nothing typed.
    Empty,
    /// No `@` (or nothing on one side of it).
    MissingAt,
    /// Over [`MAX_ADDRESS`].
    TooLong,
    /// Local part over [`MAX_LOCAL`].
    LocalTooLong,
    /// Characters or dots not allowed before the `@`.
    LocalInvalid,
    /// `name@[192.0.2.1]`.
    AddressLiteral,
    /// Domain over [`MAX_DOMAIN`] once in ASCII.
    DomainTooLong,
    /// Not a host name like `example.com`.
    DomainInvalid,
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmailError::Empty => "Enter your email address.",
            EmailError::MissingAt => "An email address needs an @ with text on both sides, like name@example.com.",
            EmailError::TooLong => "That address is too long: email addresses have at most 254 characters.",
            EmailError::LocalTooLong => "The part before the @ can have at most 64 characters.",
            EmailError::LocalInvalid => {
                "The part before the @ can use letters, digits and . _ % + - ' (no spaces, no dot at the start or end, no two dots in a row)."
            }
            EmailError::AddressLiteral => "Addresses with an IP address after the @ aren't accepted; use a domain name like example.com.",
            EmailError::DomainTooLong => "The part after the @ is too long to be a domain name.",
            EmailError::DomainInvalid => "The part after the @ must be a domain name like example.com.",
        })
    }
}

impl std::error::Error for EmailError {}

impl EmailError {
    /// Every kind, for looking one up by its code.
    pub const ALL: [EmailError; 8] = [
        EmailError::Empty,
        EmailError::MissingAt,
        EmailError::TooLong,
        EmailError::LocalTooLong,
        EmailError::LocalInvalid,
        EmailError::AddressLiteral,
        EmailError::DomainTooLong,
        EmailError::DomainInvalid,
    ];

    /// A short stable name, used in the redirect URL of a form posted without JavaScript
    /// (so the address itself never appears in a URL).
    pub fn code(self) -> &'static str {
        match self {
            EmailError::Empty => "empty",
            EmailError::MissingAt => "missing-at",
            EmailError::TooLong => "too-long",
            EmailError::LocalTooLong => "local-too-long",
            EmailError::LocalInvalid => "local-invalid",
            EmailError::AddressLiteral => "address-literal",
            EmailError::DomainTooLong => "domain-too-long",
            EmailError::DomainInvalid => "domain-invalid",
        }
    }

    /// The kind named by [`EmailError::code`].
    pub fn from_code(code: &str) -> Option<EmailError> {
        EmailError::ALL.into_iter().find(|error| error.code() == code)
    }
}

/// Checks `input` and returns the normalised address: trimmed, all in lowercase ASCII (the part
/// before the `@` too: no mail system in use treats `Ann@` and `ann@` as two people, so the
/// site treats them as one subscriber).
/// `domain_to_ascii` converts an internationalised domain (the server passes IDNA; the browser
/// may pass [`ascii_only`] and leave IDN domains to the server).
pub fn normalize(input: &str, domain_to_ascii: impl Fn(&str) -> Option<String>) -> Result<String, EmailError> {
    let address = input.trim();
    if address.is_empty() {
        return Err(EmailError::Empty);
    }
    let (local, domain) = address.rsplit_once('@').ok_or(EmailError::MissingAt)?;
    if local.is_empty() || domain.is_empty() {
        return Err(EmailError::MissingAt);
    }
    if local.chars().count() > MAX_LOCAL {
        return Err(EmailError::LocalTooLong);
    }
    if !is_dot_atom(local) {
        return Err(EmailError::LocalInvalid);
    }
    if domain.starts_with('[') {
        return Err(EmailError::AddressLiteral);
    }
    let ascii = if domain.is_ascii() {
        domain.to_ascii_lowercase()
    } else {
        domain_to_ascii(domain).ok_or(EmailError::DomainInvalid)?.to_ascii_lowercase()
    };
    if ascii.len() > MAX_DOMAIN {
        return Err(EmailError::DomainTooLong);
    }
    if !is_host_name(&ascii) {
        return Err(EmailError::DomainInvalid);
    }
    // The dot-atom check above allows ASCII only, so ASCII lowercasing covers every letter.
    let normalized = format!("{}@{ascii}", local.to_ascii_lowercase());
    if normalized.len() > MAX_ADDRESS {
        return Err(EmailError::TooLong);
    }
    Ok(normalized)
}

/// A converter that accepts only ASCII domains (for the browser, which defers IDN to the server).
pub fn ascii_only(domain: &str) -> Option<String> {
    domain.is_ascii().then(|| domain.to_string())
}

/// A converter for checks in the browser, which has no IDNA tables: it keeps the shape of an
/// internationalised domain (labels and dots) so syntax errors still show, and leaves the real
/// conversion to the server.
pub fn idn_placeholder(domain: &str) -> Option<String> {
    Some(domain.chars().map(|c| if c.is_ascii() { c } else { 'x' }).collect())
}

fn is_dot_atom(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";
    !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || SPECIALS.contains(c))
}

fn is_host_name(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels.last().is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stands in for IDNA in these tests: the one IDN domain the table uses.
    fn fake_idna(domain: &str) -> Option<String> {
        (domain == "bücher.example").then(|| "xn--bcher-kva.example".to_string())
    }

    #[test]
    fn accepts_and_normalises_valid_addresses() {
        for (input, expected) in [
            ("reader@example.com", "reader@example.com"),
            ("  Reader.Name+tips@Example.COM  ", "reader.name+tips@example.com"),
            ("o'brien@mail.example.org", "o'brien@mail.example.org"),
            ("a@b.co", "a@b.co"),
            ("user@bücher.example", "user@xn--bcher-kva.example"),
        ] {
            assert_eq!(normalize(input, fake_idna).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn refuses_invalid_addresses_with_a_specific_reason() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_domain = format!("a@{}.com", vec!["b".repeat(63); 4].join("."));
        let long_address = format!("{}@{}.example.com", "a".repeat(64), vec!["c".repeat(60); 3].join("."));
        for (input, expected) in [
            ("", EmailError::Empty),
            ("   ", EmailError::Empty),
            ("reader.example.com", EmailError::MissingAt),
            ("@example.com", EmailError::MissingAt),
            ("reader@", EmailError::MissingAt),
            (long_local.as_str(), EmailError::LocalTooLong),
            ("two words@example.com", EmailError::LocalInvalid),
            (".dot@example.com", EmailError::LocalInvalid),
            ("dot.@example.com", EmailError::LocalInvalid),
            ("do..t@example.com", EmailError::LocalInvalid),
            ("\"quoted\"@example.com", EmailError::LocalInvalid),
            ("reader@[192.0.2.1]", EmailError::AddressLiteral),
            ("reader@[IPv6:2001:db8::1]", EmailError::AddressLiteral),
            (long_domain.as_str(), EmailError::DomainTooLong),
            ("reader@localhost", EmailError::DomainInvalid),
            ("reader@example..com", EmailError::DomainInvalid),
            ("reader@-example.com", EmailError::DomainInvalid),
            ("reader@example.123", EmailError::DomainInvalid),
            ("reader@exa mple.com", EmailError::DomainInvalid),
            ("reader@ünknown.example", EmailError::DomainInvalid),
            (long_address.as_str(), EmailError::TooLong),
        ] {
            assert_eq!(normalize(input, fake_idna), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn every_error_has_a_readable_message() {
        assert_eq!(
            EmailError::MissingAt.to_string(),
            "An email address needs an @ with text on both sides, like name@example.com."
        );
        assert!(EmailError::AddressLiteral.to_string().contains("domain name"));
    }

    #[test]
    fn codes_round_trip_for_every_kind() {
        for error in EmailError::ALL {
            assert_eq!(EmailError::from_code(error.code()), Some(error));
        }
        assert_eq!(EmailError::from_code("reader@example.com"), None);
    }

    #[test]
    fn the_browser_placeholder_accepts_idn_shapes_and_still_catches_syntax() {
        assert!(normalize("a@bücher.example", idn_placeholder).is_ok());
        assert_eq!(normalize("a@bücher..example", idn_placeholder), Err(EmailError::DomainInvalid));
    }

    #[test]
    fn the_browser_converter_defers_idn_to_the_server() {
        assert_eq!(normalize("a@bücher.example", ascii_only), Err(EmailError::DomainInvalid));
        assert_eq!(normalize("a@Example.com", ascii_only).as_deref(), Ok("a@example.com"));
    }
}
