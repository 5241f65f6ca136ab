//! The newsletter: calls to action in articles and the email rules both sides apply.

mod cta;
pub mod email;

pub use cta::NewsletterCta;
