//! `/preview/{token}`: a reviewer's link to an unpublished article. The token is checked here,
//! before the render: a valid one renders the article under its preview banner, with headers
//! that keep it out of search engines, caches and other sites' referrer logs; anything else
//! (wrong, tampered, expired, revoked, or for an article no longer there) is rendered exactly
//! as any page that does not exist. Each view is logged with the slug and expiry, never the
//! token. `server preview …` (`command.rs`) makes, lists and revokes links.

pub mod command;

use crate::render;
use app::article::PreviewGrant;
use app::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use nv_content::dates::{unix_now, Date};
use nv_newsletter::previews;

/// The route, as the router and the Leptos route list name it.
pub const ROUTE: &str = "/preview/{token}";

/// Answers a preview link.
pub async fn page(State(state): State<AppState>, Path(token): Path<String>, request: Request) -> Response {
    // The secret is read for every link, valid or not (the same work either way), and from the
    // database each time, so a revoke on any server takes effect on all at once.
    let grant = match state.newsletter.store.preview_secret().await {
        Ok(secret) => previews::verify(&secret, &token, unix_now()),
        Err(error) => {
            tracing::error!("preview: the signing secret cannot be read: {error}");
            None
        }
    };
    let Some(grant) = grant else {
        return render::page(State(state), request).await;
    };
    let expires = expiry_text(grant.expires);
    let context = PreviewGrant { slug: grant.slug.clone(), expires };
    let mut response = render::page_with(State(state), request, Some(context)).await;
    if response.status() == StatusCode::OK {
        tracing::info!(slug = %grant.slug, expires = grant.expires, "preview: a reviewer opened a preview link");
        let headers = response.headers_mut();
        headers.insert(HeaderName::from_static("x-robots-tag"), HeaderValue::from_static("noindex, nofollow"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        // The token is in the page's URL: links out of it must not carry it to other sites.
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
    response
}

/// `expires` (seconds since the epoch) as the banner says it: "Dec 9, 2026 at 14:00 UTC".
pub fn expiry_text(expires: i64) -> String {
    let day = Date::from_days_since_epoch(expires.div_euclid(86_400)).display();
    let seconds = expires.rem_euclid(86_400);
    format!("{day} at {:02}:{:02} UTC", seconds / 3600, seconds % 3600 / 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_expiry_reads_as_a_date_and_time_in_utc() {
        assert_eq!(super::expiry_text(1_765_288_800), "Dec 9, 2025 at 14:00 UTC");
    }
}
