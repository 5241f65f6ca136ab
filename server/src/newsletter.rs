//! HTTP pieces of the newsletter that are not server functions: RFC 8058 one-click unsubscribe.

use app::state::AppState;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// `?token=` of the one-click URL.
#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `POST /newsletter/unsubscribe/one-click?token=…` (body `List-Unsubscribe=One-Click`), sent by
/// mail clients: unsubscribes and answers 200 with no redirect and no cookie.
pub async fn one_click(State(state): State<AppState>, Query(query): Query<TokenQuery>) -> Response {
    let text = match state.newsletter.store.unsubscribe(&query.token, "one-click (RFC 8058)").await {
        Ok(()) => {
            return (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], "You have been unsubscribed.\n")
                .into_response()
        }
        Err(error) => app::newsletter::api::NewsletterError::from(error),
    };
    let status = StatusCode::from_u16(text.status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, [(header::CACHE_CONTROL, "no-store")], format!("{text}\n")).into_response()
}

/// A person who opens the one-click URL in a browser gets the unsubscribe page with its button.
pub async fn one_click_page(Query(query): Query<TokenQuery>) -> Redirect {
    let token: String = query.token.chars().filter(char::is_ascii_hexdigit).collect();
    Redirect::to(&format!("/newsletter/unsubscribe?token={token}"))
}
