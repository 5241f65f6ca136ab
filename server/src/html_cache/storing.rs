//! [`store_rendered`]: the middleware next to the page handlers that keeps what they render.

use super::document::{CachedPage, Offered};
use super::keys::lookup;
use super::{utc_day, HtmlCache};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Largest page the cache reads into memory.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// Middleware next to the page handlers: keeps successful HTML pages of cacheable requests in
/// the cache and answers with the cached copy (compressed, with its `ETag`); documents a handler
/// offers ready-made (feeds) are kept as they are. Errors (404 for a made-up path or a page
/// past the end of a list) are never kept.
pub async fn store_rendered(State(cache): State<Arc<HtmlCache>>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        // A `HEAD` response comes back without its body: nothing to keep.
        return next.run(request).await;
    }
    let key = lookup(&request, cache.settings.allow_bypass).key().map(|(key, kind)| (Box::<str>::from(key), kind));
    let Some((key, kind)) = key else {
        return next.run(request).await;
    };
    let day = utc_day();
    // Read before the handler takes its content: a reload clearing the cache meanwhile makes
    // this page's store a no-op (see `HtmlCache::clear`).
    let generation = cache.generation();
    let request_headers = request.headers().clone();
    let mut response = next.run(request).await;
    if let Some(Offered(document)) = response.extensions_mut().remove::<Offered>() {
        cache.insert_rendered(generation, day, &key, document, kind);
        return response;
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    // A page that asks not to be stored (a search that found nothing: each one is counted for
    // the editors; a draft's preview) is not.
    let no_store = response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("no-store"));
    let cacheable = response.status() == StatusCode::OK
        && is_html
        && !no_store
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CONTENT_ENCODING);
    if !cacheable {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!("html cache: reading the rendered page failed: {error}");
            return (StatusCode::INTERNAL_SERVER_ERROR, "The page could not be rendered.").into_response();
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .cloned()
        .unwrap_or(HeaderValue::from_static("text/html; charset=utf-8"));
    // Compressing a page takes a millisecond or two, once per page per day.
    let page = Arc::new(CachedPage::new(bytes, content_type));
    cache.insert_rendered(generation, day, &key, page.clone(), kind);
    page.respond(&request_headers)
}
