//! What both sides of the newsletter agree on: the signup forms, the texts readers are shown,
//! and the error type (with, on the server, how an error sets the response's status).

use super::email::EmailError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// The signup forms on the site: (form id, where the consent record says the address came from).
pub const SIGNUP_FORMS: [(&str, &str); 4] = [
    ("newsletter-inline", "article (inline)"),
    ("newsletter-end", "article (end)"),
    ("community", "footer"),
    ("newsletter-page", "newsletter page"),
];

/// What every accepted signup is told, whether the address is new, pending, confirmed or
/// unsubscribed, so the form cannot be used to find out who subscribes.
pub const SIGNUP_ACCEPTED: &str = "Thanks! Check your inbox for an email from NourishVibes and click the link in it to confirm your subscription. If you're already subscribed, there's nothing more to do.";

/// Shown once a confirmation went through.
pub const CONFIRMED: &str = "You're subscribed. Your first weekly tips arrive next week.";

/// Shown once an unsubscribe went through (also when the address was already unsubscribed).
pub const UNSUBSCRIBED: &str = "You're unsubscribed and won't get any more newsletters from us.";

/// The response header that names a refused request's error by its [`NewsletterError::code`]:
/// the islands read it instead of decoding the JSON body, which keeps a JSON parser out of the
/// WASM.
pub const ERROR_HEADER: &str = "x-newsletter-error";

/// Why a newsletter request was refused; `Display` is the text shown to the reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum NewsletterError {
    /// The address is not acceptable; its message says why.
    #[error("{0}")]
    InvalidEmail(EmailError),
    /// Too many signups from this network recently.
    #[error("Too many signups from your network in the last few minutes. Please wait a little and try again.")]
    RateLimited,
    /// The confirmation or unsubscribe link is unknown or has expired.
    #[error("This link is invalid or has expired. Sign up again and we'll send you a new one.")]
    InvalidLink,
    /// The request could not be read (a tampered or truncated form).
    #[error("We couldn't read that form. Please reload the page and try again.")]
    Malformed,
    /// The form was posted from another website (cross-site request forgery); nothing was done.
    #[error("This form was sent from another website, so we didn't accept it and nothing was changed. To subscribe, confirm or unsubscribe, use the form on the NourishVibes site itself.")]
    CrossSite,
    /// The browser could not reach the server.
    #[error("We couldn't reach NourishVibes. Check your connection and try again.")]
    Network,
    /// Something failed on the server; nothing was saved.
    #[error("Something went wrong on our side and nothing was saved. Please try again in a moment.")]
    Unavailable,
}

impl NewsletterError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            NewsletterError::InvalidEmail(_) => 422,
            NewsletterError::RateLimited => 429,
            NewsletterError::InvalidLink => 404,
            NewsletterError::Malformed => 400,
            NewsletterError::CrossSite => 403,
            NewsletterError::Network | NewsletterError::Unavailable => 503,
        }
    }

    /// A short stable name for the redirect URL of a form posted without JavaScript.
    pub fn code(&self) -> String {
        match self {
            NewsletterError::InvalidEmail(kind) => kind.code().to_string(),
            NewsletterError::RateLimited => "rate-limited".into(),
            NewsletterError::InvalidLink => "invalid-link".into(),
            NewsletterError::Malformed => "malformed".into(),
            NewsletterError::CrossSite => "cross-site".into(),
            NewsletterError::Network | NewsletterError::Unavailable => "unavailable".into(),
        }
    }

    /// The error named by [`NewsletterError::code`].
    pub fn from_code(code: &str) -> NewsletterError {
        if let Some(kind) = EmailError::from_code(code) {
            return NewsletterError::InvalidEmail(kind);
        }
        match code {
            "rate-limited" => NewsletterError::RateLimited,
            "invalid-link" => NewsletterError::InvalidLink,
            "malformed" => NewsletterError::Malformed,
            "cross-site" => NewsletterError::CrossSite,
            _ => NewsletterError::Unavailable,
        }
    }
}

impl From<EmailError> for NewsletterError {
    fn from(error: EmailError) -> Self {
        NewsletterError::InvalidEmail(error)
    }
}

#[cfg(feature = "ssr")]
impl From<nv_newsletter::StoreError> for NewsletterError {
    fn from(error: nv_newsletter::StoreError) -> Self {
        match error {
            nv_newsletter::StoreError::InvalidLink => NewsletterError::InvalidLink,
            nv_newsletter::StoreError::Unavailable => NewsletterError::Unavailable,
        }
    }
}

impl FromServerFnError for NewsletterError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => {
                NewsletterError::Malformed
            }
            ServerFnErrorErr::Request(_) => NewsletterError::Network,
            _ => NewsletterError::Unavailable,
        };
        // A body that cannot be decoded never reaches the function, so its status is set here.
        #[cfg(feature = "ssr")]
        respond_with_error(&error);
        error
    }
}

#[cfg(feature = "ssr")]
/// Sets the status of the error response being built (also for errors the function body never
/// sees), and names the error in `X-Newsletter-Error` (see [`ERROR_HEADER`]).
pub fn respond_with_error(error: &NewsletterError) {
    use crate::http_status::{set_response_header, set_response_status};
    set_response_status(error.status());
    set_response_header(http::HeaderName::from_static(ERROR_HEADER), &error.code());
}
