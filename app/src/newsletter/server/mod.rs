//! The newsletter's server functions' side on the server: reading the request (form or
//! JavaScript, client address, return page), answering with the right status or redirect, and
//! calling the newsletter service (`nv-newsletter`) from the request's state.

pub mod archive;

use super::email;
use super::rules::{respond_with_error, NewsletterError, SIGNUP_FORMS};
use crate::http_status::{set_response_header, set_response_status};
use crate::state::app_state;
use axum::extract::ConnectInfo;
use http::{header, request::Parts, StatusCode};
use leptos::prelude::use_context;
use nv_newsletter::{forwarded_client, return_to, Newsletter, SignupOutcome};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// How the current form request came in: from the hydrated page (JSON back) or as a plain HTML
/// form post without JavaScript (answered with a redirect to a page that shows the result).
pub struct FormRequest {
    plain_form: bool,
    return_to: String,
}

impl FormRequest {
    /// Reads the request from the context; `return_to` is kept only as a path on this site
    /// (see [`return_to::resolve`]), otherwise the reader goes back to `/`.
    pub fn current(return_to: &str) -> FormRequest {
        let plain_form = use_context::<Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(header::ACCEPT)
                .and_then(|value| value.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
        });
        let site_url = app_state().map(|state| state.config.site_url.clone()).unwrap_or_default();
        FormRequest { plain_form, return_to: return_to::resolve(&site_url, return_to) }
    }

    /// Turns a result into the response: JSON with the right status for the hydrated form, or a
    /// 303 redirect back to `return_to?result=…` for a plain form post (naming the signup
    /// `form` and jumping to it, so the message shows next to the right form).
    pub fn finish(
        self,
        result: Result<(), NewsletterError>,
        form: Option<&str>,
        success: &str,
    ) -> Result<String, NewsletterError> {
        if self.plain_form {
            let code = match &result {
                Ok(()) => "ok".to_string(),
                Err(error) => error.code(),
            };
            let location = match form.filter(|form| SIGNUP_FORMS.iter().any(|(id, _)| id == form)) {
                Some(form) => format!("{}?result={code}&form={form}#{form}", self.return_to),
                None => format!("{}?result={code}", self.return_to),
            };
            set_response_status(StatusCode::SEE_OTHER.as_u16());
            set_response_header(header::LOCATION, &location);
        } else if let Err(error) = &result {
            respond_with_error(error);
        }
        result.map(|()| success.to_string())
    }
}

/// The newsletter service of this server.
fn newsletter() -> Result<Arc<Newsletter>, NewsletterError> {
    app_state().map(|state| state.newsletter.clone()).map_err(|_| NewsletterError::Unavailable)
}

/// The address the request came from, as the rate limiter sees it.
fn client_address(newsletter: &Newsletter) -> Option<IpAddr> {
    let parts = use_context::<Parts>()?;
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    forwarded_client(&parts.headers, peer, newsletter.trusted_proxy_hops)
}

/// Signs an address up: validation, honeypot, rate limit, then one write transaction. Each
/// outcome is counted (`nv_signups_total`, by outcome and reason).
pub async fn subscribe(email_input: &str, form: &str, honeypot: &str) -> Result<(), NewsletterError> {
    let outcome = subscribe_counted(email_input, form, honeypot).await;
    let (outcome_label, reason) = match &outcome {
        Ok(reason) => ("accepted", *reason),
        Err(NewsletterError::RateLimited) => ("refused", "rate_limited"),
        Err(NewsletterError::Unavailable) => ("refused", "unavailable"),
        Err(NewsletterError::Malformed) => ("refused", "malformed"),
        Err(_) => ("refused", "invalid_address"),
    };
    metrics::counter!("nv_signups_total", "outcome" => outcome_label, "reason" => reason).increment(1);
    outcome.map(|_| ())
}

/// [`subscribe`], saying why an accepted signup stored nothing (`honeypot`) or what it stored.
async fn subscribe_counted(email_input: &str, form: &str, honeypot: &str) -> Result<&'static str, NewsletterError> {
    let source =
        SIGNUP_FORMS.iter().find(|(id, _)| *id == form).map(|(_, source)| *source).ok_or(NewsletterError::Malformed)?;
    let newsletter = newsletter()?;
    if email_input.len() > 1024 {
        return Err(email::EmailError::TooLong.into());
    }
    let address = email::normalize(email_input, |domain| idna::domain_to_ascii(domain).ok())?;
    if !honeypot.is_empty() {
        // Bots get the same answer as people, and nothing is stored or sent.
        tracing::info!("newsletter: honeypot filled, signup ignored");
        return Ok("honeypot");
    }
    let client = client_address(&newsletter);
    if !newsletter.allow_signup(client).await {
        return Err(NewsletterError::RateLimited);
    }
    let privacy_version = app_state()
        .ok()
        .and_then(|state| {
            state.current().content.static_page("privacy").map(|page| format!("privacy@{}", page.updated.iso))
        })
        .unwrap_or_else(|| "privacy@unknown".into());
    let outcome = newsletter
        .store
        .signup(&address, source, &privacy_version)
        .await
        .map_err(|error| NewsletterError::from(newsletter.store.unavailable(error)))?;
    if outcome == SignupOutcome::MailQueued {
        newsletter.outbox_signal.notify_one();
    }
    Ok("stored")
}

/// Confirms the subscription a confirmation token was sent for.
pub async fn confirm(token: &str) -> Result<(), NewsletterError> {
    let newsletter = newsletter()?;
    Ok(newsletter.store.confirm(token).await?)
}

/// Unsubscribes the address an unsubscribe token was sent to.
pub async fn unsubscribe(token: &str, via: &str) -> Result<(), NewsletterError> {
    let newsletter = newsletter()?;
    Ok(newsletter.store.unsubscribe(token, via).await?)
}
