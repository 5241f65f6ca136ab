//! A cache of rendered HTML pages. Pages only change with a deploy or with the day (the daily
//! tip), so each is rendered once per day and then served from memory, already compressed, with
//! an `ETag` that lets browsers and CDNs revalidate with a 304. Requests that carry per-reader
//! state (a query other than `?page=`, newsletter and search pages) are never cached.
//!
//! Two halves: [`CachedPages`] wraps the whole application and answers hits before routing,
//! compression, the body limit or any handler runs; on a miss it passes the request on, and
//! [`store_rendered`], a middleware next to the page handlers, keeps what they render.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};

/// Header that makes the server render a page afresh (the benchmark's "full render" path).
pub const BYPASS_HEADER: &str = "x-nv-bypass-cache";
/// What browsers and CDNs may do with a page.
const PAGE_CACHE_CONTROL: &str = "public, max-age=300, stale-while-revalidate=86400";
/// Stop caching past this much HTML (identity bytes), and start again.
const MAX_CACHED_BYTES: usize = 256 * 1024 * 1024;
/// Largest page the cache reads into memory.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// One encoding of a page: the body and every response header, built once so that serving it
/// is two reference-count increments and a header map copy.
struct Encoded {
    headers: HeaderMap,
    body: Bytes,
}

impl Encoded {
    fn new(headers: &HeaderMap, content_encoding: Option<&'static str>, body: Bytes) -> Encoded {
        let mut headers = headers.clone();
        if let Some(coding) = content_encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        Encoded { headers, body }
    }

    fn response(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// One rendered page in every encoding we serve.
pub struct CachedPage {
    etag: HeaderValue,
    identity: Encoded,
    gzip: Option<Encoded>,
    brotli: Option<Encoded>,
    /// Headers of the 304 answer: the validators and caching rules, no body headers.
    not_modified: HeaderMap,
}

impl CachedPage {
    /// Compresses `html` once (brotli quality 5, gzip level 6) and fingerprints it.
    pub fn new(html: Bytes, content_type: HeaderValue) -> CachedPage {
        let digest = Sha256::digest(&html);
        let etag = format!("\"{}\"", digest[..12].iter().map(|byte| format!("{byte:02x}")).collect::<String>());
        let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\""));
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        let gzip = gzip.write_all(&html).and_then(|()| gzip.finish()).unwrap_or_default();
        let mut brotli = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 5, 22);
            let _ = writer.write_all(&html);
        }
        let mut not_modified = HeaderMap::with_capacity(3);
        not_modified.insert(header::ETAG, etag.clone());
        not_modified.insert(header::CACHE_CONTROL, HeaderValue::from_static(PAGE_CACHE_CONTROL));
        not_modified.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        let mut body_headers = not_modified.clone();
        body_headers.insert(header::CONTENT_TYPE, content_type);
        // An empty copy means compression failed: that encoding is then not offered.
        let compressed = |coding, bytes: Vec<u8>| (!bytes.is_empty()).then(|| Encoded::new(&body_headers, Some(coding), bytes.into()));
        CachedPage {
            gzip: compressed("gzip", gzip),
            brotli: compressed("br", brotli),
            identity: Encoded::new(&body_headers, None, html),
            etag,
            not_modified,
        }
    }

    /// The response for a request with these headers: 304 when its `If-None-Match` matches,
    /// else the best encoding it accepts.
    pub fn respond(&self, request_headers: &HeaderMap) -> Response {
        if revalidates(request_headers, self.etag.as_bytes()) {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            *response.headers_mut() = self.not_modified.clone();
            return response;
        }
        let accepted = AcceptedEncodings::of(request_headers);
        let encoded = match (&self.brotli, &self.gzip) {
            (Some(brotli), _) if accepted.brotli => brotli,
            (_, Some(gzip)) if accepted.gzip => gzip,
            _ => &self.identity,
        };
        encoded.response()
    }

    /// Bytes of the uncompressed page (what the cache's size limit counts).
    fn len(&self) -> usize {
        self.identity.body.len()
    }
}

/// Whether `If-None-Match` names `etag` (strong or weak) or `*`.
fn revalidates(request_headers: &HeaderMap, etag: &[u8]) -> bool {
    request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .flat_map(|value| value.as_bytes().split(|&byte| byte == b','))
        .any(|candidate| {
            let candidate = candidate.trim_ascii();
            candidate == b"*" || candidate.strip_prefix(b"W/").unwrap_or(candidate) == etag
        })
}

/// The compressed encodings a request accepts (`Accept-Encoding`, without `q=0`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct AcceptedEncodings {
    brotli: bool,
    gzip: bool,
}

impl AcceptedEncodings {
    /// Read without allocating: this runs on every cache hit.
    fn of(headers: &HeaderMap) -> AcceptedEncodings {
        let mut accepted = AcceptedEncodings::default();
        let items = headers.get_all(header::ACCEPT_ENCODING).into_iter().flat_map(|value| value.as_bytes().split(|&byte| byte == b','));
        for item in items {
            let mut parts = item.split(|&byte| byte == b';');
            let coding = parts.next().unwrap_or_default().trim_ascii();
            if parts.any(refuses) {
                continue;
            }
            if coding.eq_ignore_ascii_case(b"br") {
                accepted.brotli = true;
            } else if coding.eq_ignore_ascii_case(b"gzip") {
                accepted.gzip = true;
            }
        }
        accepted
    }
}

/// Whether an `Accept-Encoding` parameter is a zero weight (`q=0`, `q=0.0`, `Q=0.000`…).
fn refuses(parameter: &[u8]) -> bool {
    let parameter = parameter.trim_ascii();
    let Some(weight) = parameter.strip_prefix(b"q=").or_else(|| parameter.strip_prefix(b"Q=")) else {
        return false;
    };
    let weight = weight.trim_ascii();
    weight.first() == Some(&b'0') && weight[1..].iter().all(|&byte| byte == b'.' || byte == b'0')
}

/// Days since 1970-01-01 in UTC: the daily tip changes with it, so it is part of the cache key.
/// An integer from the clock, no date formatting: this runs on every request.
fn utc_day() -> i64 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or(0);
    seconds.div_euclid(86_400)
}

/// Rendered pages by day and URL.
#[derive(Default)]
pub struct HtmlCache {
    inner: RwLock<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    day: i64,
    bytes: usize,
    pages: HashMap<Box<str>, Arc<CachedPage>>,
}

impl HtmlCache {
    /// The cached answer to a request for `key` on `day`, if the page is cached. Built under the
    /// read lock: no reference count of the page is touched, and readers do not block each other.
    fn respond(&self, day: i64, key: &str, request_headers: &HeaderMap) -> Option<Response> {
        let inner = self.inner.read().ok()?;
        if inner.day != day {
            return None;
        }
        inner.pages.get(key).map(|page| page.respond(request_headers))
    }

    fn insert(&self, day: i64, key: &str, page: Arc<CachedPage>) {
        let Ok(mut inner) = self.inner.write() else { return };
        if day < inner.day {
            // Rendered before midnight, stored after: yesterday's tip must not come back.
            return;
        }
        if inner.day != day || inner.bytes > MAX_CACHED_BYTES {
            // A new day's tip, or too much cached: start again.
            *inner = CacheInner { day, ..CacheInner::default() };
        }
        inner.bytes += page.len();
        if let Some(previous) = inner.pages.insert(key.into(), page) {
            inner.bytes -= previous.len();
        }
    }
}

/// The cache key of a request whose page may be cached, else `None`: the path, plus the query
/// when it is only `page=N`. Borrowed from the request, so a hit allocates no key.
fn cache_key(request: &Request) -> Option<&str> {
    if request.method() != Method::GET || request.headers().contains_key(BYPASS_HEADER) {
        return None;
    }
    let path = request.uri().path();
    let uncached_prefixes = ["/api/", "/pkg/", "/images/", "/share/", "/newsletter/", "/search"];
    if uncached_prefixes.iter().any(|prefix| path.starts_with(prefix)) || path.ends_with(".xml") || path.ends_with(".txt") {
        return None;
    }
    match request.uri().query() {
        None => Some(path),
        Some(query) if query.strip_prefix("page=").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) => {
            request.uri().path_and_query().map(|path_and_query| path_and_query.as_str())
        }
        Some(_) => None,
    }
}

/// Answers cache hits in front of `inner` (the router with all its layers), so that a hit costs
/// a hash lookup and a copy of pre-built headers; everything else goes to `inner`.
#[derive(Clone)]
pub struct CachedPages<S> {
    cache: Arc<HtmlCache>,
    inner: S,
}

impl<S> CachedPages<S> {
    /// `inner` must store what it renders into the same `cache` (see [`store_rendered`]).
    pub fn new(cache: Arc<HtmlCache>, inner: S) -> CachedPages<S> {
        CachedPages { cache, inner }
    }
}

impl<S> tower::Service<Request> for CachedPages<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = CachedPagesFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // A hit leaves the inner service's readiness unused: fine for a router, which reserves
        // nothing when it says it is ready.
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // A request with a body goes the long way, so the body limit answers it as before.
        let has_body = request.headers().contains_key(header::CONTENT_LENGTH) || request.headers().contains_key(header::TRANSFER_ENCODING);
        let hit = cache_key(&request)
            .filter(|_| !has_body)
            .and_then(|key| self.cache.respond(utc_day(), key, request.headers()));
        match hit {
            Some(response) => CachedPagesFuture::Hit(Some(response)),
            // Boxed: a miss renders a page, next to which one allocation is nothing.
            None => CachedPagesFuture::Miss(Box::pin(self.inner.call(request))),
        }
    }
}

/// The answer of [`CachedPages`]: ready at once on a hit, the inner service's future on a miss.
pub enum CachedPagesFuture<F> {
    /// The cached response, taken when polled.
    Hit(Option<Response>),
    /// The inner service at work.
    Miss(Pin<Box<F>>),
}

impl<F> Future for CachedPagesFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            CachedPagesFuture::Hit(response) => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                // Polled again after it answered: a caller bug, answered without panicking.
                None => Poll::Ready(Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response())),
            },
            CachedPagesFuture::Miss(future) => future.as_mut().poll(cx),
        }
    }
}

/// Middleware next to the page handlers: keeps successful HTML pages of cacheable requests in
/// the cache and answers with the cached copy (compressed, with its `ETag`).
pub async fn store_rendered(State(cache): State<Arc<HtmlCache>>, request: Request, next: Next) -> Response {
    let Some(key) = cache_key(&request).map(Box::<str>::from) else {
        return next.run(request).await;
    };
    let day = utc_day();
    let request_headers = request.headers().clone();
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
    cache.insert(day, &key, page.clone());
    page.respond(&request_headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(name, value)| (header::HeaderName::from_static(name), HeaderValue::from_static(value))).collect()
    }

    fn accepted(accept_encoding: &'static str) -> AcceptedEncodings {
        AcceptedEncodings::of(&headers(&[("accept-encoding", accept_encoding)]))
    }

    #[test]
    fn reads_accepted_encodings_and_respects_q_zero() {
        assert_eq!(accepted("gzip, deflate, br, zstd"), AcceptedEncodings { brotli: true, gzip: true });
        assert_eq!(accepted("gzip"), AcceptedEncodings { brotli: false, gzip: true });
        assert_eq!(accepted("br;q=0, gzip"), AcceptedEncodings { brotli: false, gzip: true });
        assert_eq!(accepted("BR ; q=0.000 , GZip;q=0.5"), AcceptedEncodings { brotli: false, gzip: true });
        assert_eq!(accepted("br;q=0.1"), AcceptedEncodings { brotli: true, gzip: false });
        assert_eq!(AcceptedEncodings::of(&headers(&[])), AcceptedEncodings::default());
    }

    #[test]
    fn serves_brotli_then_gzip_then_identity() {
        let html = Bytes::from("<!DOCTYPE html><p>".to_string() + &"Vitamin D3 and K2. ".repeat(200));
        let page = CachedPage::new(html.clone(), HeaderValue::from_static("text/html"));
        let encoding = |accept: &'static str| {
            let response = page.respond(&headers(&[("accept-encoding", accept)]));
            assert_eq!(response.headers().get(header::ETAG), Some(&page.etag));
            assert_eq!(response.headers().get(header::VARY).unwrap(), "accept-encoding");
            response.headers().get(header::CONTENT_ENCODING).map(|value| value.to_str().unwrap().to_string())
        };
        assert_eq!(encoding("gzip, br").as_deref(), Some("br"));
        assert_eq!(encoding("gzip").as_deref(), Some("gzip"));
        assert_eq!(encoding("identity"), None);
        assert_eq!(encoding("br;q=0, gzip;q=0"), None);
    }

    #[test]
    fn revalidates_with_the_etag_weak_or_strong() {
        let page = CachedPage::new(Bytes::from_static(b"<p>hi"), HeaderValue::from_static("text/html"));
        let etag = page.etag.to_str().unwrap().to_string();
        for value in [etag.clone(), format!("W/{etag}"), format!("\"other\", {etag}"), "*".to_string()] {
            let request = HeaderMap::from_iter([(header::IF_NONE_MATCH, HeaderValue::from_str(&value).unwrap())]);
            let response = page.respond(&request);
            assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{value}");
            assert!(response.headers().get(header::CONTENT_TYPE).is_none());
        }
        let stale = HeaderMap::from_iter([(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""))]);
        assert_eq!(page.respond(&stale).status(), StatusCode::OK);
    }

    #[test]
    fn only_plain_page_requests_are_cached() {
        let request = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
        let key = |uri: &str| cache_key(&request(uri)).map(str::to_string);
        assert_eq!(key("/articles/x").as_deref(), Some("/articles/x"));
        assert_eq!(key("/topics/sleep?page=2").as_deref(), Some("/topics/sleep?page=2"));
        assert_eq!(key("/topics/sleep?page=").as_deref(), None);
        assert_eq!(key("/articles/x?result=ok&form=community"), None);
        assert_eq!(key("/search?q=fiber"), None);
        assert_eq!(key("/newsletter/confirm?token=abc"), None);
        assert_eq!(key("/feed.xml"), None);
        let bypass = Request::get("/articles/x").header(BYPASS_HEADER, "1").body(Body::empty()).unwrap();
        assert_eq!(cache_key(&bypass), None);
        let post = Request::post("/articles/x").body(Body::empty()).unwrap();
        assert_eq!(cache_key(&post), None);
    }

    #[test]
    fn a_day_starts_afresh_and_yesterday_never_returns() {
        let cache = HtmlCache::default();
        let page = || Arc::new(CachedPage::new(Bytes::from_static(b"<p>tip"), HeaderValue::from_static("text/html")));
        let none = HeaderMap::new();
        cache.insert(100, "/", page());
        assert!(cache.respond(100, "/", &none).is_some());
        assert!(cache.respond(101, "/", &none).is_none(), "a new day misses");
        cache.insert(101, "/a", page());
        assert!(cache.respond(101, "/", &none).is_none(), "the old day's pages are gone");
        cache.insert(100, "/", page());
        assert!(cache.respond(100, "/", &none).is_none(), "a late render of yesterday is not kept");
        assert!(cache.respond(101, "/a", &none).is_some());
    }

    #[test]
    fn the_compressed_copies_decompress_to_the_page() {
        use std::io::Read;
        let html = Bytes::from("<!DOCTYPE html><p>".to_string() + &"Vitamin D3 and K2. ".repeat(200));
        let page = CachedPage::new(html.clone(), HeaderValue::from_static("text/html"));
        let gzip = &page.gzip.as_ref().expect("a gzip copy").body;
        let brotli = &page.brotli.as_ref().expect("a brotli copy").body;
        let mut gunzipped = String::new();
        flate2::read::GzDecoder::new(&gzip[..]).read_to_string(&mut gunzipped).unwrap();
        assert_eq!(gunzipped.as_bytes(), &html[..]);
        let mut unbrotlied = Vec::new();
        brotli::Decompressor::new(&brotli[..], 4096).read_to_end(&mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, html);
        assert!(brotli.len() < html.len() / 5);
    }
}
