//! Which requests the cache answers, and under which key: only URLs that name a real page in
//! one canonical spelling. Any other spelling of a page is redirected to the canonical one (a
//! cheap answer, and nothing stored); reader-specific requests are rendered and never stored.
//!
//! Pages read three query parameters: `page` (topic and author lists), `q` (search) and
//! `result`/`form` (the outcome of a signup made without JavaScript, per reader). Unknown
//! parameters are dropped by a redirect, so `?x=1`, `?x=2`, … cannot make a render and an
//! entry each; a `?page=` past the end of a list is the page's own 404, which is not stored.

use super::store::Kind;
use super::BYPASS_HEADER;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, Uri};
use nv_model::content::MAX_QUERY_CHARS;
use nv_model::urls;
use std::borrow::Cow;

/// What the cache makes of a request.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Lookup<'a> {
    /// Never cached: the router answers it as if there were no cache.
    Pass,
    /// A page or document cached under this key: the path, plus the query when it is only
    /// `page=N`. Borrowed from the request, so a hit allocates no key.
    Page(&'a str),
    /// A search result page, cached under the URL of its query in normal form.
    Search(Cow<'a, str>),
    /// Another spelling of a page: redirected to this URL, which is the canonical one.
    Normalise(HeaderValue),
}

impl Lookup<'_> {
    /// The key and bound of a cacheable request.
    pub(super) fn key(&self) -> Option<(&str, Kind)> {
        match self {
            Lookup::Page(key) => Some((key, Kind::Page)),
            Lookup::Search(key) => Some((key, Kind::Search)),
            Lookup::Pass | Lookup::Normalise(_) => None,
        }
    }
}

/// How the cache treats `request`; `allow_bypass` honours [`BYPASS_HEADER`]. `HEAD` is looked
/// up as `GET` is (answered from the cache, redirected), so it cannot force renders either.
pub(super) fn lookup(request: &Request, allow_bypass: bool) -> Lookup<'_> {
    let method = request.method();
    if (method != Method::GET && method != Method::HEAD)
        || (allow_bypass && request.headers().contains_key(BYPASS_HEADER))
    {
        return Lookup::Pass;
    }
    let uri = request.uri();
    let path = uri.path();
    if path == urls::SEARCH {
        return search_lookup(uri);
    }
    if urls::is_daily_document(path) {
        // Offered by their handler (feeds.rs); a query (a reader's cache-buster) is not cached.
        return if uri.query().is_none() { Lookup::Page(path) } else { Lookup::Pass };
    }
    if urls::NOT_PAGES.iter().chain(&urls::UNCACHED_PAGES).any(|prefix| path.starts_with(prefix))
        || path.ends_with(".xml")
        || path.ends_with(".txt")
    {
        return Lookup::Pass;
    }
    match uri.query() {
        None => Lookup::Page(path),
        // Files (`/favicon.svg?v=2`) are not pages: their queries are left alone.
        Some(_) if path.rsplit('/').next().is_some_and(|name| name.contains('.')) => Lookup::Pass,
        Some(query) => page_lookup(uri, path, query),
    }
}

/// Whether `path` is a list with pages (`/topics/{key}`, `/authors/{key}`).
fn is_list(path: &str) -> bool {
    let name = urls::PAGED_LISTS.iter().find_map(|prefix| path.strip_prefix(prefix));
    name.is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// Whether `value` is a page number as the pager writes it: 2 or more, no leading zero.
fn is_canonical_page(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) && !value.starts_with('0') && value != "1"
}

/// [`lookup`] for a page with a query.
fn page_lookup<'a>(uri: &'a Uri, path: &'a str, query: &'a str) -> Lookup<'a> {
    let list = is_list(path);
    // What the pager links to: no decoding, no allocation.
    if list && query.strip_prefix("page=").is_some_and(is_canonical_page) {
        return uri.path_and_query().map_or(Lookup::Pass, |path_and_query| Lookup::Page(path_and_query.as_str()));
    }
    let mut page = None;
    let mut per_reader = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name == "page" && list {
            // The router reads the last of repeated values.
            page = Some(value);
        } else if name == "result" || name == "form" {
            per_reader.push((name, value));
        }
    }
    let mut canonical = form_urlencoded::Serializer::new(String::new());
    if let Some(page) = page {
        // `1`, `0`, nothing or not a number: the list's first page, at its bare URL. A number
        // past the list's end stays, for the page to answer 404.
        let digits = page.trim_start_matches('0');
        if is_canonical_page(digits) {
            canonical.append_pair("page", digits);
        }
    }
    for (name, value) in &per_reader {
        canonical.append_pair(name, value);
    }
    let canonical = canonical.finish();
    if canonical == query {
        return match (per_reader.is_empty(), uri.path_and_query()) {
            // A signup's outcome is shown to the reader who made it: never stored.
            (false, _) => Lookup::Pass,
            // `/about?` is `/about`.
            (true, _) if query.is_empty() => Lookup::Page(path),
            (true, Some(path_and_query)) => Lookup::Page(path_and_query.as_str()),
            (true, None) => Lookup::Pass,
        };
    }
    let location = if canonical.is_empty() { path.to_string() } else { format!("{path}?{canonical}") };
    redirect(&location)
}

/// A redirect to `location`, a path on this site.
fn redirect(location: &str) -> Lookup<'static> {
    // `//host` and `/\host` would send a browser to another site.
    if location.starts_with("//") || location.starts_with("/\\") {
        return Lookup::Pass;
    }
    HeaderValue::from_str(location).map_or(Lookup::Pass, Lookup::Normalise)
}

/// [`lookup`] for `/search`: one entry per query exactly as typed (cut to the length the page
/// shows) and per `exact=1` (search without correcting typos); the address bar keeps what the
/// reader typed, so nothing is redirected. Other parameters are ignored by the page, and so by
/// the key: `?x=1`, `?x=2`, … share the one entry. `?result=…&form=…` after a signup without
/// JavaScript is per reader: rendered, never stored.
fn search_lookup(uri: &Uri) -> Lookup<'_> {
    let Some(query) = uri.query() else {
        // No query renders exactly what an empty `q` does.
        return Lookup::Search(Cow::Borrowed("/search?q="));
    };
    // What most searches look like: no decoding, no allocation.
    if query.strip_prefix("q=").is_some_and(is_plain) {
        return uri
            .path_and_query()
            .map_or(Lookup::Pass, |path_and_query| Lookup::Search(Cow::Borrowed(path_and_query.as_str())));
    }
    let mut typed = None;
    let mut exact = false;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match &*name {
            // The router reads the last of repeated values.
            "q" => typed = Some(value),
            "exact" => exact = value == EXACT,
            "result" | "form" => return Lookup::Pass,
            _ => {}
        }
    }
    let typed = typed.unwrap_or_default();
    // Leptos percent-decodes query values a second time: a `%` left after the first decoding
    // would not be shown as the key says, so such queries are rendered each time.
    if typed.contains('%') {
        return Lookup::Pass;
    }
    let shown: String = typed.chars().take(MAX_QUERY_CHARS).collect();
    let mut key = urls::search_url(&shown);
    if exact {
        key.push_str("&exact=");
        key.push_str(EXACT);
    }
    Lookup::Search(Cow::Owned(key))
}

/// The value of `exact` that asks for exactly what was typed (see [`urls::exact_search_url`]).
const EXACT: &str = "1";

/// Whether a raw `q` value reads the same decoded and encoded again (`byte_serialize`): letters,
/// digits and `-._*`, spaces as `+`; at most as long as the page shows.
fn is_plain(value: &str) -> bool {
    value.len() <= MAX_QUERY_CHARS
        && value.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.' | b'_' | b'*'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn lookup_with(uri: &str, allow_bypass: bool, bypass_header: bool) -> Lookup<'static> {
        let mut request = Request::get(uri);
        if bypass_header {
            request = request.header(BYPASS_HEADER, "1");
        }
        let request = request.body(Body::empty()).unwrap();
        match lookup(&request, allow_bypass) {
            Lookup::Pass => Lookup::Pass,
            Lookup::Page(key) => Lookup::Page(Box::leak(key.into())),
            Lookup::Search(key) => Lookup::Search(Cow::Owned(key.into_owned())),
            Lookup::Normalise(location) => Lookup::Normalise(location),
        }
    }

    fn lookup_of(uri: &str) -> Lookup<'static> {
        lookup_with(uri, false, false)
    }

    fn key(uri: &str) -> Option<String> {
        lookup_of(uri).key().map(|(key, _)| key.to_string())
    }

    fn location(uri: &str) -> Option<String> {
        match lookup_of(uri) {
            Lookup::Normalise(location) => Some(location.to_str().unwrap().to_string()),
            _ => None,
        }
    }

    #[test]
    fn only_canonical_page_requests_are_cached() {
        assert_eq!(key("/articles/x").as_deref(), Some("/articles/x"));
        assert_eq!(key("/about?").as_deref(), Some("/about"));
        assert_eq!(key("/topics/sleep?page=2").as_deref(), Some("/topics/sleep?page=2"));
        assert_eq!(key("/authors/sarah?page=12").as_deref(), Some("/authors/sarah?page=12"));
        assert_eq!(key("/feed.xml").as_deref(), Some("/feed.xml"));
        assert_eq!(key("/topics/sleep/feed.xml").as_deref(), Some("/topics/sleep/feed.xml"));
        assert_eq!(key("/sitemap.xml").as_deref(), Some("/sitemap.xml"));
        // Per reader: rendered, not stored.
        assert_eq!(lookup_of("/articles/x?result=missing-at&form=community"), Lookup::Pass);
        assert_eq!(lookup_of("/topics/sleep?page=2&result=ok&form=footer"), Lookup::Pass);
        assert_eq!(lookup_of("/newsletter/confirm?token=abc"), Lookup::Pass);
        assert_eq!(lookup_of("/feed.xml?ts=1"), Lookup::Pass);
        assert_eq!(lookup_of("/favicon.svg?v=2"), Lookup::Pass);
        assert_eq!(key("/robots.txt"), None);
        assert_eq!(key("/share/x.png"), None);
        assert_eq!(key("/api/newsletter/subscribe"), None);
        let post = Request::post("/articles/x").body(Body::empty()).unwrap();
        assert_eq!(lookup(&post, true), Lookup::Pass);
        let head = Request::head("/articles/x").body(Body::empty()).unwrap();
        assert_eq!(lookup(&head, false), Lookup::Page("/articles/x"));
    }

    #[test]
    fn other_spellings_of_a_page_are_redirected_to_the_canonical_url() {
        assert_eq!(location("/articles/x?utm_source=mail").as_deref(), Some("/articles/x"));
        assert_eq!(location("/articles/x?page=2").as_deref(), Some("/articles/x"), "articles have no pages");
        assert_eq!(location("/?page=3").as_deref(), Some("/"));
        assert_eq!(location("/topics/sleep?page=1").as_deref(), Some("/topics/sleep"));
        assert_eq!(location("/topics/sleep?page=0").as_deref(), Some("/topics/sleep"));
        assert_eq!(location("/topics/sleep?page=").as_deref(), Some("/topics/sleep"));
        assert_eq!(location("/topics/sleep?page=two").as_deref(), Some("/topics/sleep"));
        assert_eq!(location("/topics/sleep?page=007").as_deref(), Some("/topics/sleep?page=7"));
        assert_eq!(location("/topics/sleep?page=%32").as_deref(), Some("/topics/sleep?page=2"));
        assert_eq!(
            location("/topics/sleep?page=2&page=3").as_deref(),
            Some("/topics/sleep?page=3"),
            "the router reads the last"
        );
        assert_eq!(location("/topics/sleep?x=1&page=2").as_deref(), Some("/topics/sleep?page=2"));
        assert_eq!(location("/topics/sleep/more?page=2").as_deref(), Some("/topics/sleep/more"));
        assert_eq!(location("/articles/x?x=1&result=ok&form=f").as_deref(), Some("/articles/x?result=ok&form=f"));
        // Every redirect leads to a URL that is a key as it is.
        for uri in ["/articles/x?a=1", "/topics/sleep?page=02", "/authors/a?page=9&b=c"] {
            let target = location(uri).unwrap();
            assert_eq!(key(&target).as_deref(), Some(target.as_str()), "{uri} -> {target}");
        }
        // Never to another site.
        assert_eq!(lookup_of("//evil.example?x=1"), Lookup::Pass);
    }

    #[test]
    fn the_bypass_header_counts_only_when_allowed() {
        assert_eq!(lookup_with("/articles/x", false, true), Lookup::Page("/articles/x"));
        assert_eq!(lookup_with("/articles/x", true, true), Lookup::Pass);
        assert_eq!(lookup_with("/articles/x", true, false), Lookup::Page("/articles/x"));
    }

    #[test]
    fn searches_are_keyed_by_their_query_as_typed() {
        assert_eq!(key("/search?q=fiber").as_deref(), Some("/search?q=fiber"));
        assert_eq!(lookup_of("/search?q=fiber").key().map(|(_, kind)| kind), Some(Kind::Search));
        assert_eq!(key("/search?q=vitamin+d").as_deref(), Some("/search?q=vitamin+d"));
        // Another spelling of the same URL: the same page, no redirect.
        assert_eq!(key("/search?q=vitamin%20d").as_deref(), Some("/search?q=vitamin+d"));
        assert_eq!(key("/search?q=caf%C3%A9").as_deref(), Some("/search?q=caf%C3%A9"));
        // What the reader typed stays as typed: capitals and spaces are theirs.
        assert_eq!(key("/search?q=K2").as_deref(), Some("/search?q=K2"));
        assert_eq!(key("/search?q=LDL").as_deref(), Some("/search?q=LDL"));
        assert_eq!(key("/search?q=+magnesium+").as_deref(), Some("/search?q=+magnesium+"));
        // Exactly what was typed is a page of its own; other parameters are not.
        assert_eq!(key("/search?q=magnesum&exact=1").as_deref(), Some("/search?q=magnesum&exact=1"));
        assert_eq!(key("/search?exact=1&q=magnesum").as_deref(), Some("/search?q=magnesum&exact=1"));
        assert_eq!(key("/search?q=fiber&page=2").as_deref(), Some("/search?q=fiber"));
        assert_eq!(key("/search?q=a&q=b").as_deref(), Some("/search?q=b"), "the router reads the last");
        let long = "a".repeat(MAX_QUERY_CHARS + 20);
        assert_eq!(key(&format!("/search?q=x&q={long}")), Some(format!("/search?q={}", &long[..MAX_QUERY_CHARS])));
        // No query and an empty one render the same page.
        assert_eq!(key("/search").as_deref(), Some("/search?q="));
        assert_eq!(key("/search?q=").as_deref(), Some("/search?q="));
        // Per reader, or shown other than the key says: rendered each time.
        assert_eq!(lookup_of("/search?result=ok&form=footer"), Lookup::Pass);
        assert_eq!(lookup_of("/search?q=100%2525"), Lookup::Pass, "decoded twice by the router");
        assert_eq!(key("/search/other"), None);
        // Nothing about search is redirected any more.
        for uri in ["/search?q=Magnesium", "/search?q=Vitamin%20%20D%0A", "/search?q=fiber&page=2"] {
            assert_eq!(location(uri), None, "{uri}");
        }
    }

    #[test]
    fn the_search_urls_pages_link_to_are_the_keys_search_is_kept_under() {
        for query in ["magnesium", "vitamin d", "café & tea+", "a~b/c?d=e#f", "omega-3 *"] {
            let form: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
            assert_eq!(nv_model::urls::search_url(query), format!("/search?q={form}"), "{query}");
        }
    }

    #[test]
    fn the_fast_path_agrees_with_decoding() {
        for value in ["magnesium", "vitamin+d", "omega-3", "B12", "a.b_c*d", "+a++b+", ""] {
            let request = Request::get(format!("/search?q={value}")).body(Body::empty()).unwrap();
            let decoded = form_urlencoded::parse(format!("q={value}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            let encoded: String = form_urlencoded::byte_serialize(decoded.as_bytes()).collect();
            assert!(is_plain(value), "{value}");
            assert_eq!(encoded, value);
            assert!(matches!(lookup(&request, false), Lookup::Search(Cow::Borrowed(_))), "{value} is not decoded");
        }
        for value in ["a%20b", "a~b", "caf%C3%A9"] {
            assert!(!is_plain(value), "{value}");
        }
    }
}
