//! The newsletter: signup forms, double opt-in, unsubscribe, and the email rules both sides apply.

pub mod api;
mod archive;
mod cta;
pub mod email;
mod form;
mod pages;
mod rules;
#[cfg(feature = "ssr")]
pub mod server;
mod submit;

pub use archive::{IssueRoute, IssuesPage};
pub use cta::NewsletterCta;
pub use form::SignupForm;
pub use pages::{ConfirmPage, NewsletterPage, UnsubscribePage};
