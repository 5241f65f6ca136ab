//! A cache of rendered HTML pages. Pages only change with a deploy or with the day (the daily
//! tip), so each is rendered once per day and then served from memory, already compressed, with
//! an `ETag` that lets browsers and CDNs revalidate with a 304. Requests that carry per-reader
//! state (a query other than `?page=`, newsletter and search pages) are never cached.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Header that makes the server render a page afresh (the benchmark's "full render" path).
pub const BYPASS_HEADER: &str = "x-nv-bypass-cache";
/// What browsers and CDNs may do with a page.
const PAGE_CACHE_CONTROL: &str = "public, max-age=300, stale-while-revalidate=86400";
/// Stop caching past this much HTML (identity bytes), and start again.
const MAX_CACHED_BYTES: usize = 256 * 1024 * 1024;
/// Largest page the cache reads into memory.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// One rendered page in every encoding we serve.
pub struct CachedPage {
    etag: HeaderValue,
    content_type: HeaderValue,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

impl CachedPage {
    /// Compresses `html` once (brotli quality 5, gzip level 6) and fingerprints it.
    pub fn new(html: Bytes, content_type: HeaderValue) -> CachedPage {
        let digest = Sha256::digest(&html);
        let etag = format!("\"{}\"", digest[..12].iter().map(|byte| format!("{byte:02x}")).collect::<String>());
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        let gzip = gzip.write_all(&html).and_then(|()| gzip.finish()).unwrap_or_default();
        let mut brotli = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 5, 22);
            let _ = writer.write_all(&html);
        }
        CachedPage {
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
            content_type,
            identity: html,
            gzip: Bytes::from(gzip),
            brotli: Bytes::from(brotli),
        }
    }

    /// The response for a request with these headers: 304 when its `If-None-Match` matches,
    /// else the best encoding it accepts.
    pub fn respond(&self, request_headers: &HeaderMap) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PAGE_CACHE_CONTROL));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        let etag = self.etag.to_str().unwrap_or_default();
        let revalidated = request_headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|candidate| {
                let candidate = candidate.trim();
                candidate == "*" || candidate.trim_start_matches("W/") == etag
            });
        if revalidated {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(header::CONTENT_TYPE, self.content_type.clone());
        let body = match preferred_encoding(request_headers) {
            Encoding::Brotli if !self.brotli.is_empty() => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                self.brotli.clone()
            }
            Encoding::Gzip | Encoding::Brotli if !self.gzip.is_empty() => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                self.gzip.clone()
            }
            _ => self.identity.clone(),
        };
        (StatusCode::OK, headers, Body::from(body)).into_response()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The encoding to send: brotli, then gzip, when the client lists it without `q=0`.
fn preferred_encoding(headers: &HeaderMap) -> Encoding {
    let accepted: Vec<String> = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter(|item| !item.replace(' ', "").ends_with(";q=0"))
        .map(|item| item.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .collect();
    if accepted.iter().any(|coding| coding == "br") {
        Encoding::Brotli
    } else if accepted.iter().any(|coding| coding == "gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// Rendered pages by day and URL.
#[derive(Default)]
pub struct HtmlCache {
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    day: String,
    bytes: usize,
    pages: HashMap<String, Arc<CachedPage>>,
}

impl HtmlCache {
    fn get(&self, day: &str, key: &str) -> Option<Arc<CachedPage>> {
        let inner = self.inner.lock().ok()?;
        (inner.day == day).then(|| inner.pages.get(key).cloned()).flatten()
    }

    fn insert(&self, day: &str, key: String, page: Arc<CachedPage>) {
        let Ok(mut inner) = self.inner.lock() else { return };
        if inner.day != day || inner.bytes > MAX_CACHED_BYTES {
            // A new day's tip, or too much cached: start again.
            *inner = CacheInner { day: day.to_string(), ..CacheInner::default() };
        }
        inner.bytes += page.identity.len();
        inner.pages.insert(key, page);
    }
}

/// The cache key of a request whose page may be cached, else `None`.
fn cache_key(request: &Request) -> Option<String> {
    if request.method() != Method::GET || request.headers().contains_key(BYPASS_HEADER) {
        return None;
    }
    let path = request.uri().path();
    let uncached_prefixes = ["/api/", "/pkg/", "/images/", "/share/", "/newsletter/", "/search"];
    if uncached_prefixes.iter().any(|prefix| path.starts_with(prefix)) || path.ends_with(".xml") || path.ends_with(".txt") {
        return None;
    }
    match request.uri().query() {
        None => Some(path.to_string()),
        Some(query) if query.strip_prefix("page=").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) => {
            Some(format!("{path}?{query}"))
        }
        Some(_) => None,
    }
}

/// Middleware: serves cached pages, and caches successful HTML pages it lets through.
pub async fn serve_cached(State(cache): State<Arc<HtmlCache>>, request: Request, next: Next) -> Response {
    let Some(key) = cache_key(&request) else {
        return next.run(request).await;
    };
    let day = app::content::dates::Date::today_utc().iso();
    let request_headers = request.headers().clone();
    if let Some(page) = cache.get(&day, &key) {
        return page.respond(&request_headers);
    }
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let cacheable = response.status() == StatusCode::OK
        && is_html
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
    let content_type = parts.headers.get(header::CONTENT_TYPE).cloned().unwrap_or(HeaderValue::from_static("text/html; charset=utf-8"));
    // Compressing a page takes a millisecond or two, once per page per day.
    let page = Arc::new(CachedPage::new(bytes, content_type));
    cache.insert(&day, key, page.clone());
    page.respond(&request_headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(name, value)| (header::HeaderName::from_static(name), HeaderValue::from_static(value))).collect()
    }

    #[test]
    fn picks_brotli_then_gzip_and_respects_q_zero() {
        assert_eq!(preferred_encoding(&headers(&[("accept-encoding", "gzip, deflate, br, zstd")])), Encoding::Brotli);
        assert_eq!(preferred_encoding(&headers(&[("accept-encoding", "gzip")])), Encoding::Gzip);
        assert_eq!(preferred_encoding(&headers(&[("accept-encoding", "br;q=0, gzip")])), Encoding::Gzip);
        assert_eq!(preferred_encoding(&headers(&[])), Encoding::Identity);
    }

    #[test]
    fn only_plain_page_requests_are_cached() {
        let key = |uri: &str| cache_key(&Request::get(uri).body(Body::empty()).unwrap());
        assert_eq!(key("/articles/x").as_deref(), Some("/articles/x"));
        assert_eq!(key("/topics/sleep?page=2").as_deref(), Some("/topics/sleep?page=2"));
        assert_eq!(key("/articles/x?result=ok&form=community"), None);
        assert_eq!(key("/search?q=fiber"), None);
        assert_eq!(key("/newsletter/confirm?token=abc"), None);
        assert_eq!(key("/feed.xml"), None);
        let bypass = Request::get("/articles/x").header(BYPASS_HEADER, "1").body(Body::empty()).unwrap();
        assert_eq!(cache_key(&bypass), None);
    }

    #[test]
    fn the_compressed_copies_decompress_to_the_page() {
        use std::io::Read;
        let html = Bytes::from("<!DOCTYPE html><p>".to_string() + &"Vitamin D3 and K2. ".repeat(200));
        let page = CachedPage::new(html.clone(), HeaderValue::from_static("text/html"));
        let mut gunzipped = String::new();
        flate2::read::GzDecoder::new(&page.gzip[..]).read_to_string(&mut gunzipped).unwrap();
        assert_eq!(gunzipped.as_bytes(), &html[..]);
        let mut unbrotlied = Vec::new();
        brotli::Decompressor::new(&page.brotli[..], 4096).read_to_end(&mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, html);
        assert!(page.brotli.len() < html.len() / 5);
    }
}
