//! The newsletter's server functions: signup, confirmation and unsubscribe. What they share
//! with the pages (forms, texts, the error type) is in `rules`, the server side in `server`.

pub use super::rules::*;
use leptos::prelude::*;

/// Signs `email` up (double opt-in). `form` is the id of the form used; `company` is a honeypot
/// that people never see and bots fill in; `return_to` is the page to come back to without JS.
#[server(prefix = "/api", endpoint = "newsletter/subscribe")]
pub async fn subscribe(
    email: String,
    #[server(default)] form: String,
    #[server(default)] company: String,
    #[server(default)] return_to: String,
) -> Result<String, NewsletterError> {
    let request = super::server::FormRequest::current(&return_to);
    let result = super::server::subscribe(&email, &form, &company).await;
    request.finish(result, Some(&form), SIGNUP_ACCEPTED)
}

/// Confirms the subscription the token was sent for.
#[server(prefix = "/api", endpoint = "newsletter/confirm")]
pub async fn confirm_subscription(#[server(default)] token: String) -> Result<String, NewsletterError> {
    let request = super::server::FormRequest::current("/newsletter/confirm");
    let result = super::server::confirm(&token).await;
    request.finish(result, None, CONFIRMED)
}

/// Unsubscribes the address the token was sent to; harmless when repeated.
#[server(prefix = "/api", endpoint = "newsletter/unsubscribe")]
pub async fn unsubscribe(#[server(default)] token: String) -> Result<String, NewsletterError> {
    let request = super::server::FormRequest::current("/newsletter/unsubscribe");
    let result = super::server::unsubscribe(&token, "unsubscribe page").await;
    request.finish(result, None, UNSUBSCRIBED)
}
