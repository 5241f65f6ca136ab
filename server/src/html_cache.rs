//! A cache of rendered HTML pages. Pages only change with a deploy or with the day (the daily
//! tip), so each is rendered once per day and then served from memory, already compressed, with
//! an `ETag` that lets browsers and CDNs revalidate with a 304. Requests that carry per-reader
//! state (a query other than `?page=`, newsletter pages) are never cached.
//!
//! Search result pages are the same for every reader too, so they are cached by their query in
//! normal form (trimmed, lower case, one space between words). The page repeats the query as
//! typed (search box, title), so a search in any other form is redirected to the normal form
//! rather than served a page showing someone else's spelling. Readers choose queries freely, so
//! search pages are bounded per day ([`SearchLimits`]), oldest out first.
//!
//! Feeds and the sitemap are built once a day by `feeds.rs`, which hands each document to this
//! cache already compressed, so a feed hit costs what an article hit costs.
//!
//! Two halves: [`CachedPages`] wraps the whole application and answers hits before routing,
//! compression, the body limit or any handler runs; on a miss it passes the request on, and
//! [`store_rendered`], a middleware next to the page handlers, keeps what they render.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
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
/// Search pages kept per day: a few hundred distinct queries a day is a busy site; beyond that
/// the oldest go first.
const MAX_SEARCH_PAGES: usize = 1_000;
/// HTML (identity bytes) of the search pages kept per day; a page of 20 results is about 35 KB
/// (plus a third for its compressed copies), so this is rarely what limits.
const MAX_SEARCH_BYTES: usize = 32 * 1024 * 1024;
/// Longest query (characters, in normal form) whose page is cached: real queries are a few
/// words; longer ones are rendered each time, as before.
const MAX_CACHED_QUERY_CHARS: usize = 100;

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
        CachedPage::with_cache_control(html, content_type, PAGE_CACHE_CONTROL)
    }

    /// [`CachedPage::new`] for any document, with its own `Cache-Control`.
    pub fn with_cache_control(html: Bytes, content_type: HeaderValue, cache_control: &'static str) -> CachedPage {
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
        not_modified.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
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

    /// [`CachedPage::respond`] for a handler that built and keeps the document itself (feeds):
    /// the response carries it, and [`store_rendered`] puts it in the cache as it is.
    pub fn respond_cacheable(self: &Arc<Self>, request_headers: &HeaderMap) -> Response {
        let mut response = self.respond(request_headers);
        response.extensions_mut().insert(Offered(self.clone()));
        response
    }

    /// Bytes of the uncompressed page (what the cache's size limit counts).
    fn len(&self) -> usize {
        self.identity.body.len()
    }
}

/// A document a handler offers to the cache (see [`CachedPage::respond_cacheable`]).
#[derive(Clone)]
struct Offered(Arc<CachedPage>);

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

/// Bounds on the search result pages cached per day. Past either, the oldest search page is
/// dropped (first in, first out): a hit is answered under a read lock, so there is no recency
/// to record; a popular query pushed out by a burst of one-off ones is rendered again on its
/// next request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchLimits {
    /// Search pages kept at most.
    pub pages: usize,
    /// HTML bytes (uncompressed) of the search pages kept at most.
    pub bytes: usize,
}

impl Default for SearchLimits {
    fn default() -> SearchLimits {
        SearchLimits { pages: MAX_SEARCH_PAGES, bytes: MAX_SEARCH_BYTES }
    }
}

/// Rendered pages by day and URL.
#[derive(Default)]
pub struct HtmlCache {
    inner: RwLock<CacheInner>,
    search_limits: SearchLimits,
}

#[derive(Default)]
struct CacheInner {
    day: i64,
    bytes: usize,
    pages: HashMap<Box<str>, Arc<CachedPage>>,
    /// Keys of the cached search pages, oldest first.
    searches: VecDeque<Box<str>>,
    /// Uncompressed bytes of the cached search pages.
    search_bytes: usize,
}

/// Which bound an entry counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A page or document of the site: as many as the site has.
    Page,
    /// A search result page: as many as readers type queries, so bounded by [`SearchLimits`].
    Search,
}

impl HtmlCache {
    /// A cache that keeps search pages within `search_limits` (`pages: 0` caches none).
    pub fn with_search_limits(search_limits: SearchLimits) -> HtmlCache {
        HtmlCache { inner: RwLock::default(), search_limits }
    }

    /// Today's cache keys, sorted (for tests and diagnostics).
    pub fn keys(&self) -> Vec<String> {
        let Ok(inner) = self.inner.read() else { return Vec::new() };
        if inner.day != utc_day() {
            return Vec::new();
        }
        let mut keys: Vec<String> = inner.pages.keys().map(|key| key.to_string()).collect();
        keys.sort();
        keys
    }

    /// The cached answer to a request for `key` on `day`, if the page is cached. Built under the
    /// read lock: no reference count of the page is touched, and readers do not block each other.
    fn respond(&self, day: i64, key: &str, request_headers: &HeaderMap) -> Option<Response> {
        let inner = self.inner.read().ok()?;
        if inner.day != day {
            return None;
        }
        inner.pages.get(key).map(|page| page.respond(request_headers))
    }

    fn insert(&self, day: i64, key: &str, page: Arc<CachedPage>, kind: Kind) {
        let Ok(mut inner) = self.inner.write() else { return };
        if day < inner.day {
            // Rendered before midnight, stored after: yesterday's tip must not come back.
            return;
        }
        if inner.day != day || inner.bytes > MAX_CACHED_BYTES {
            // A new day's tip, or too much cached: start again.
            *inner = CacheInner { day, ..CacheInner::default() };
        }
        let len = page.len();
        inner.bytes += len;
        let previous = inner.pages.insert(key.into(), page);
        if let Some(previous) = &previous {
            inner.bytes = inner.bytes.saturating_sub(previous.len());
        }
        if kind == Kind::Search {
            match previous {
                // Rendered twice at once: the same entry, its place in line kept.
                Some(previous) => inner.search_bytes = (inner.search_bytes + len).saturating_sub(previous.len()),
                None => {
                    inner.searches.push_back(key.into());
                    inner.search_bytes += len;
                }
            }
            self.evict_searches(&mut inner);
        }
    }

    /// Drops the oldest search pages until those left are within the limits.
    fn evict_searches(&self, inner: &mut CacheInner) {
        let limits = self.search_limits;
        while inner.searches.len() > limits.pages || inner.search_bytes > limits.bytes {
            let Some(oldest) = inner.searches.pop_front() else { break };
            if let Some(evicted) = inner.pages.remove(&oldest) {
                inner.bytes = inner.bytes.saturating_sub(evicted.len());
                inner.search_bytes = inner.search_bytes.saturating_sub(evicted.len());
            }
        }
    }
}

/// What the cache makes of a request.
#[derive(Debug, PartialEq, Eq)]
enum Lookup<'a> {
    /// Never cached: the router answers it as if there were no cache.
    Pass,
    /// A page or document cached under this key: the path, plus the query when it is only
    /// `page=N`. Borrowed from the request, so a hit allocates no key.
    Page(&'a str),
    /// A search result page, cached under the URL of its query in normal form.
    Search(Cow<'a, str>),
    /// A search whose query is not in normal form: redirected to this URL, which is.
    Normalise(HeaderValue),
}

impl Lookup<'_> {
    /// The key and bound of a cacheable request.
    fn key(&self) -> Option<(&str, Kind)> {
        match self {
            Lookup::Page(key) => Some((key, Kind::Page)),
            Lookup::Search(key) => Some((key, Kind::Search)),
            Lookup::Pass | Lookup::Normalise(_) => None,
        }
    }
}

/// How the cache treats `request`.
fn lookup(request: &Request) -> Lookup<'_> {
    if request.method() != Method::GET || request.headers().contains_key(BYPASS_HEADER) {
        return Lookup::Pass;
    }
    let uri = request.uri();
    let path = uri.path();
    if path == "/search" {
        return search_lookup(uri);
    }
    if is_daily_document(path) {
        // Offered by their handler (feeds.rs); a query (a reader's cache-buster) is not cached.
        return if uri.query().is_none() { Lookup::Page(path) } else { Lookup::Pass };
    }
    let uncached_prefixes = ["/api/", "/pkg/", "/images/", "/share/", "/newsletter/", "/search"];
    if uncached_prefixes.iter().any(|prefix| path.starts_with(prefix)) || path.ends_with(".xml") || path.ends_with(".txt") {
        return Lookup::Pass;
    }
    match uri.query() {
        None => Lookup::Page(path),
        Some(query) if query.strip_prefix("page=").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) => {
            uri.path_and_query().map_or(Lookup::Pass, |path_and_query| Lookup::Page(path_and_query.as_str()))
        }
        Some(_) => Lookup::Pass,
    }
}

/// The feeds and the sitemap, built once a day by `feeds.rs`.
fn is_daily_document(path: &str) -> bool {
    path == "/feed.xml" || path == "/sitemap.xml" || (path.starts_with("/topics/") && path.ends_with("/feed.xml"))
}

/// [`lookup`] for `/search`: only a query of exactly one `q` is cached (the page reads nothing
/// else; `?result=…&form=…` after a signup without JavaScript is per reader).
fn search_lookup(uri: &Uri) -> Lookup<'_> {
    let Some(query) = uri.query() else {
        // No query renders exactly what an empty `q` does.
        return Lookup::Search(Cow::Borrowed("/search?q="));
    };
    // What the redirect sends and what most searches look like: no decoding, no allocation.
    if query.strip_prefix("q=").is_some_and(is_normal_and_plain) {
        return uri.path_and_query().map_or(Lookup::Pass, |path_and_query| Lookup::Search(Cow::Borrowed(path_and_query.as_str())));
    }
    let mut pairs = form_urlencoded::parse(query.as_bytes());
    let (Some((name, typed)), None) = (pairs.next(), pairs.next()) else {
        return Lookup::Pass;
    };
    // Leptos percent-decodes query values a second time: a `%` left after the first decoding
    // would not be shown as the key says, so such queries are rendered each time.
    if name != "q" || typed.contains('%') {
        return Lookup::Pass;
    }
    let normal = normal_query(&typed);
    // A normal form that is not its own normal form would redirect forever.
    if normal.chars().count() > MAX_CACHED_QUERY_CHARS || normal_query(&normal) != normal {
        return Lookup::Pass;
    }
    let url = format!("/search?q={}", form_urlencoded::byte_serialize(normal.as_bytes()).collect::<String>());
    if typed == normal {
        // Another spelling of the same URL (`%20` for `+`): the page reads the decoded value,
        // so it is the same page.
        return Lookup::Search(Cow::Owned(url));
    }
    HeaderValue::from_str(&url).map_or(Lookup::Pass, Lookup::Normalise)
}

/// A search query in normal form: words separated by one space, lower case, no space around.
fn normal_query(query: &str) -> String {
    let mut normal = String::with_capacity(query.len());
    for word in query.split_whitespace() {
        if !normal.is_empty() {
            normal.push(' ');
        }
        normal.extend(word.chars().flat_map(char::to_lowercase));
    }
    normal
}

/// Whether a raw `q` value is a query in normal form exactly as `byte_serialize` writes it:
/// lower-case letters, digits and `-._*`, words joined by single `+`.
fn is_normal_and_plain(value: &str) -> bool {
    value.len() <= MAX_CACHED_QUERY_CHARS
        && !value.starts_with('+')
        && !value.ends_with('+')
        && !value.contains("++")
        && value.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || matches!(byte, b'+' | b'-' | b'.' | b'_' | b'*'))
}

/// The answer to a search in another form than its normal one.
fn redirect_to(location: &HeaderValue) -> Response {
    let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
    response.headers_mut().insert(header::LOCATION, location.clone());
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(PAGE_CACHE_CONTROL));
    response
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
        let hit = if has_body {
            None
        } else {
            match lookup(&request) {
                Lookup::Normalise(location) => Some(redirect_to(&location)),
                lookup => lookup.key().and_then(|(key, _)| self.cache.respond(utc_day(), key, request.headers())),
            }
        };
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
/// the cache and answers with the cached copy (compressed, with its `ETag`); documents a handler
/// offers ready-made (feeds) are kept as they are.
pub async fn store_rendered(State(cache): State<Arc<HtmlCache>>, request: Request, next: Next) -> Response {
    let Some((key, kind)) = lookup(&request).key().map(|(key, kind)| (Box::<str>::from(key), kind)) else {
        return next.run(request).await;
    };
    let day = utc_day();
    let request_headers = request.headers().clone();
    let mut response = next.run(request).await;
    if let Some(Offered(document)) = response.extensions_mut().remove::<Offered>() {
        cache.insert(day, &key, document, kind);
        return response;
    }
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
    cache.insert(day, &key, page.clone(), kind);
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

    fn lookup_of(uri: &str) -> Lookup<'static> {
        let request = Request::get(uri).body(Body::empty()).unwrap();
        match lookup(&request) {
            Lookup::Pass => Lookup::Pass,
            Lookup::Page(key) => Lookup::Page(Box::leak(key.into())),
            Lookup::Search(key) => Lookup::Search(Cow::Owned(key.into_owned())),
            Lookup::Normalise(location) => Lookup::Normalise(location),
        }
    }

    fn key(uri: &str) -> Option<String> {
        lookup_of(uri).key().map(|(key, _)| key.to_string())
    }

    #[test]
    fn only_plain_page_requests_are_cached() {
        assert_eq!(key("/articles/x").as_deref(), Some("/articles/x"));
        assert_eq!(key("/topics/sleep?page=2").as_deref(), Some("/topics/sleep?page=2"));
        assert_eq!(key("/topics/sleep?page=").as_deref(), None);
        assert_eq!(key("/articles/x?result=ok&form=community"), None);
        assert_eq!(key("/newsletter/confirm?token=abc"), None);
        assert_eq!(key("/feed.xml").as_deref(), Some("/feed.xml"));
        assert_eq!(key("/topics/sleep/feed.xml").as_deref(), Some("/topics/sleep/feed.xml"));
        assert_eq!(key("/sitemap.xml").as_deref(), Some("/sitemap.xml"));
        assert_eq!(key("/feed.xml?ts=1"), None);
        assert_eq!(key("/robots.txt"), None);
        assert_eq!(key("/share/x.png"), None);
        let bypass = Request::get("/articles/x").header(BYPASS_HEADER, "1").body(Body::empty()).unwrap();
        assert_eq!(lookup(&bypass), Lookup::Pass);
        let post = Request::post("/articles/x").body(Body::empty()).unwrap();
        assert_eq!(lookup(&post), Lookup::Pass);
    }

    #[test]
    fn searches_are_keyed_by_their_query_in_normal_form() {
        assert_eq!(key("/search?q=fiber").as_deref(), Some("/search?q=fiber"));
        assert_eq!(lookup_of("/search?q=fiber").key().map(|(_, kind)| kind), Some(Kind::Search));
        assert_eq!(key("/search?q=vitamin+d").as_deref(), Some("/search?q=vitamin+d"));
        // Another spelling of the same URL: the same page, no redirect.
        assert_eq!(key("/search?q=vitamin%20d").as_deref(), Some("/search?q=vitamin+d"));
        assert_eq!(key("/search?q=caf%C3%A9").as_deref(), Some("/search?q=caf%C3%A9"));
        // No query and an empty one render the same page.
        assert_eq!(key("/search").as_deref(), Some("/search?q="));
        assert_eq!(key("/search?q=").as_deref(), Some("/search?q="));
        // Anything else the page could show or read: rendered each time.
        assert_eq!(key("/search?q=fiber&page=2"), None);
        assert_eq!(key("/search?page=2"), None);
        assert_eq!(key("/search?q=a&q=b"), None);
        assert_eq!(key("/search?result=ok&form=footer"), None);
        assert_eq!(key("/search?q=100%2525"), None, "decoded twice by the router");
        assert_eq!(key(&format!("/search?q={}", "a".repeat(MAX_CACHED_QUERY_CHARS + 1))), None);
        assert_eq!(key("/search/other"), None);
    }

    #[test]
    fn other_forms_of_a_query_are_redirected_to_the_normal_one() {
        let location = |uri: &str| match lookup_of(uri) {
            Lookup::Normalise(location) => Some(location.to_str().unwrap().to_string()),
            _ => None,
        };
        assert_eq!(location("/search?q=Magnesium").as_deref(), Some("/search?q=magnesium"));
        assert_eq!(location("/search?q=+magnesium+").as_deref(), Some("/search?q=magnesium"));
        assert_eq!(location("/search?q=Vitamin%20%20D%0A").as_deref(), Some("/search?q=vitamin+d"));
        assert_eq!(location("/search?q=%20").as_deref(), Some("/search?q="));
        assert_eq!(location("/search?q=CAF%C3%89").as_deref(), Some("/search?q=caf%C3%A9"));
        assert_eq!(location("/search?q=magnesium"), None);
        // Every redirect leads to a page that is cached as it is.
        for uri in ["/search?q=Magnesium", "/search?q=+a++b+", "/search?q=CAF%C3%89", "/search?q=%C4%B0stanbul", "/search?q=%CE%A3%CE%91%CE%A3"] {
            let target = location(uri).unwrap();
            assert_eq!(key(&target).as_deref(), Some(target.as_str()), "{uri} -> {target}");
        }
    }

    #[test]
    fn the_fast_path_agrees_with_decoding() {
        for value in ["magnesium", "vitamin+d", "omega-3", "b12", "a.b_c*d", ""] {
            let request = Request::get(format!("/search?q={value}")).body(Body::empty()).unwrap();
            let decoded = form_urlencoded::parse(format!("q={value}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default();
            let encoded: String = form_urlencoded::byte_serialize(normal_query(&decoded).as_bytes()).collect();
            assert!(is_normal_and_plain(value), "{value}");
            assert_eq!(encoded, value);
            assert!(matches!(lookup(&request), Lookup::Search(Cow::Borrowed(_))), "{value} is not decoded");
        }
        for value in ["Magnesium", "+a", "a+", "a++b", "a%20b", "a~b"] {
            assert!(!is_normal_and_plain(value), "{value}");
        }
    }

    fn page_of(len: usize) -> Arc<CachedPage> {
        Arc::new(CachedPage::new(Bytes::from(vec![b'x'; len]), HeaderValue::from_static("text/html")))
    }

    #[test]
    fn search_pages_are_bounded_oldest_out_first() {
        let cache = HtmlCache::with_search_limits(SearchLimits { pages: 3, bytes: 1_000 });
        let none = HeaderMap::new();
        cache.insert(100, "/articles/a", page_of(10), Kind::Page);
        for i in 0..5 {
            cache.insert(100, &format!("/search?q={i}"), page_of(10), Kind::Search);
        }
        let cached = |key: &str| cache.respond(100, key, &none).is_some();
        assert!(!cached("/search?q=0") && !cached("/search?q=1"), "the oldest went first");
        assert!(cached("/search?q=2") && cached("/search?q=3") && cached("/search?q=4"));
        assert!(cached("/articles/a"), "pages do not count against the search limit");
        // The same query stored again keeps one place in line.
        cache.insert(100, "/search?q=4", page_of(10), Kind::Search);
        assert!(cached("/search?q=2"));
        // The byte limit: a second 600-byte page pushes out every older one.
        cache.insert(100, "/search?q=big", page_of(600), Kind::Search);
        assert!(cached("/search?q=big") && cached("/search?q=4"));
        cache.insert(100, "/search?q=bigger", page_of(600), Kind::Search);
        assert!(cached("/search?q=bigger"));
        assert!(!cached("/search?q=big") && !cached("/search?q=4"));
        let inner = cache.inner.read().unwrap();
        assert_eq!(inner.search_bytes, 600);
        assert_eq!(inner.searches.len(), 1);
        assert_eq!(inner.bytes, 610, "the article and the one search page");
    }

    #[test]
    fn no_search_pages_with_a_zero_limit_and_none_left_from_yesterday() {
        let off = HtmlCache::with_search_limits(SearchLimits { pages: 0, bytes: 1_000 });
        off.insert(100, "/search?q=a", page_of(10), Kind::Search);
        assert!(off.respond(100, "/search?q=a", &HeaderMap::new()).is_none());
        let cache = HtmlCache::default();
        cache.insert(100, "/search?q=a", page_of(10), Kind::Search);
        cache.insert(101, "/search?q=b", page_of(10), Kind::Search);
        let inner = cache.inner.read().unwrap();
        assert_eq!(inner.searches.iter().map(|key| key.to_string()).collect::<Vec<_>>(), ["/search?q=b"]);
        assert_eq!(inner.search_bytes, 10);
    }

    #[test]
    fn a_day_starts_afresh_and_yesterday_never_returns() {
        let cache = HtmlCache::default();
        let page = || Arc::new(CachedPage::new(Bytes::from_static(b"<p>tip"), HeaderValue::from_static("text/html")));
        let none = HeaderMap::new();
        cache.insert(100, "/", page(), Kind::Page);
        assert!(cache.respond(100, "/", &none).is_some());
        assert!(cache.respond(101, "/", &none).is_none(), "a new day misses");
        cache.insert(101, "/a", page(), Kind::Page);
        assert!(cache.respond(101, "/", &none).is_none(), "the old day's pages are gone");
        cache.insert(100, "/", page(), Kind::Page);
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
