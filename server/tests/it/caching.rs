//! Router-level tests of the HTML cache: ETag and 304, compressed copies, the requests that
//! must never be served from the cache, search pages (keyed by the query as typed, bounded) and
//! feeds.
//! Admission (only canonical URLs of real pages are kept), eviction and the bypass switch are
//! in `cache_admission.rs`.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::{app, app_with_cache};
use server::html_cache::{CacheSettings, HtmlCache, SearchLimits};
use std::io::Read;
use std::sync::Arc;

async fn send(router: &Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let reply = common::client::send(router, request).await;
    (reply.status, reply.headers, reply.body)
}

#[tokio::test]
async fn pages_carry_an_etag_and_revalidate_with_304() {
    let router = app().await;
    let (status, headers, body) =
        send(&router, Request::get("/articles/vitamin-d3-k2").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers.get(header::ETAG).expect("an ETag").clone();
    assert!(headers.get(header::CACHE_CONTROL).unwrap().to_str().unwrap().contains("max-age"));
    assert!(String::from_utf8_lossy(&body).contains("Vitamin D3 + K2"));

    let (status, again, _) = send(&router, Request::get("/articles/vitamin-d3-k2").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again.get(header::ETAG), Some(&etag), "the same page from the cache");

    let conditional =
        Request::get("/articles/vitamin-d3-k2").header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap();
    let (status, _, body) = send(&router, conditional).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
}

#[tokio::test]
async fn compressed_copies_are_the_same_page() {
    let router = app().await;
    let (_, _, plain) = send(&router, Request::get("/").body(Body::empty()).unwrap()).await;
    let brotli = Request::get("/").header(header::ACCEPT_ENCODING, "gzip, deflate, br").body(Body::empty()).unwrap();
    let (status, headers, compressed) = send(&router, brotli).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "br");
    assert_eq!(headers.get(header::VARY).unwrap(), "accept-encoding");
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&compressed[..], 4096).read_to_end(&mut decoded).unwrap();
    assert_eq!(decoded, plain);
    assert!(compressed.len() * 4 < plain.len(), "brotli shrinks the page");
}

#[tokio::test]
async fn reader_specific_pages_are_rendered_each_time() {
    let router = app().await;
    let (_, _, plain) = send(&router, Request::get("/articles/vitamin-d3-k2").body(Body::empty()).unwrap()).await;
    // The page a no-JavaScript signup lands on shows its result: never the cached page.
    let result = Request::get("/articles/vitamin-d3-k2?result=missing-at&form=community").body(Body::empty()).unwrap();
    let (status, headers, body) = send(&router, result).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::ETAG).is_none());
    assert!(String::from_utf8_lossy(&body).contains("An email address needs an @"));
    assert!(!String::from_utf8_lossy(&plain).contains("An email address needs an @"));
    let (status, _, _) = send(&router, Request::get("/articles/no-such-thing").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "errors are not cached as pages");
}

use common::client::get_request as get;

/// The app on the real content with `cache`, which the test can look into.
async fn app_and_cache(cache: HtmlCache) -> (Arc<HtmlCache>, Router) {
    let cache = Arc::new(cache);
    (cache.clone(), app_with_cache(cache).await)
}

/// Whether a search page marks `word` as a match.
fn marks(page: &[u8], word: &str) -> bool {
    String::from_utf8_lossy(page).to_lowercase().contains(&format!("<mark>{word}</mark>"))
}

fn search_keys(cache: &HtmlCache) -> Vec<String> {
    cache.keys().into_iter().filter(|key| key.starts_with("/search")).collect()
}

/// A cache that renders afresh for the bypass header, to compare cached pages with renders.
fn bypassable() -> HtmlCache {
    HtmlCache::new(CacheSettings { allow_bypass: true, ..CacheSettings::default() })
}

#[tokio::test]
async fn a_search_is_rendered_once_then_served_from_the_cache_like_an_article() {
    let (cache, router) = app_and_cache(bypassable()).await;
    let (status, headers, first) = send(&router, get("/search?q=magnesium")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(marks(&first, "magnesium"));
    let etag = headers.get(header::ETAG).expect("an ETag: the page went through the cache").clone();
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "public, max-age=300, stale-while-revalidate=86400");
    assert_eq!(search_keys(&cache), ["/search?q=magnesium"]);

    let (status, again_headers, again) = send(&router, get("/search?q=magnesium")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again_headers.get(header::ETAG), Some(&etag));
    assert_eq!(again, first, "the same bytes from memory");
    assert_eq!(search_keys(&cache), ["/search?q=magnesium"], "one entry for one query");

    // Nothing in the page depends on the request: a fresh render is the cached one.
    let fresh = Request::get("/search?q=magnesium").header("x-nv-bypass-cache", "1").body(Body::empty()).unwrap();
    let (_, fresh_headers, fresh) = send(&router, fresh).await;
    assert!(fresh_headers.get(header::ETAG).is_none(), "rendered afresh");
    assert!(!first.windows(7).any(|window| window == b" nonce="), "no per-response nonce in a cached page");
    assert_eq!(fresh, first);

    let conditional =
        Request::get("/search?q=magnesium").header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap();
    let (status, _, body) = send(&router, conditional).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    let brotli =
        Request::get("/search?q=magnesium").header(header::ACCEPT_ENCODING, "gzip, br").body(Body::empty()).unwrap();
    let (_, headers, compressed) = send(&router, brotli).await;
    assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "br");
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&compressed[..], 4096).read_to_end(&mut decoded).unwrap();
    assert_eq!(decoded, first);
}

#[tokio::test]
async fn different_searches_differ_and_each_keeps_the_query_as_typed() {
    let (cache, router) = app_and_cache(bypassable()).await;
    let (_, magnesium, magnesium_page) = send(&router, get("/search?q=magnesium")).await;
    let (_, fiber, fiber_page) = send(&router, get("/search?q=fiber")).await;
    assert_ne!(magnesium.get(header::ETAG), fiber.get(header::ETAG));
    assert!(marks(&fiber_page, "fiber"));
    assert!(!marks(&magnesium_page, "fiber"));

    // The address bar and the search field keep what the reader typed: no redirect, and the
    // page shows that spelling (cached under it).
    for (typed, shown) in [("/search?q=Magnesium", "Magnesium"), ("/search?q=K2", "K2"), ("/search?q=LDL", "LDL")] {
        let (status, headers, page) = send(&router, get(typed)).await;
        assert_eq!(status, StatusCode::OK, "{typed}");
        assert!(headers.get(header::LOCATION).is_none(), "{typed}");
        let page = String::from_utf8_lossy(&page);
        assert!(page.contains(&format!("value=\"{shown}\"")), "{typed}: the field shows {shown}");
        assert!(page.contains(&format!("<title>Search: {shown} | NourishVibes</title>")), "{typed}");
    }
    // `%20` and `+` are the same query to the page: one entry, the same bytes as a fresh render.
    let (_, plus, plus_page) = send(&router, get("/search?q=vitamin+d")).await;
    let (_, escaped, escaped_page) = send(&router, get("/search?q=vitamin%20d")).await;
    assert_eq!(plus.get(header::ETAG), escaped.get(header::ETAG));
    assert_eq!(plus_page, escaped_page);
    let fresh = Request::get("/search?q=vitamin%20d").header("x-nv-bypass-cache", "1").body(Body::empty()).unwrap();
    assert_eq!(send(&router, fresh).await.2, escaped_page);
    assert_eq!(
        search_keys(&cache),
        [
            "/search?q=K2",
            "/search?q=LDL",
            "/search?q=Magnesium",
            "/search?q=fiber",
            "/search?q=magnesium",
            "/search?q=vitamin+d"
        ]
    );
}

#[tokio::test]
async fn other_parameters_share_the_query_s_page_and_a_signup_result_is_rendered_for_the_reader() {
    let (cache, router) = app_and_cache(HtmlCache::default()).await;
    // The page reads `q` (and `exact`) only: anything else shares the query's one entry.
    for uri in ["/search?q=magnesium&page=2", "/search?q=fiber&q=magnesium", "/search?q=magnesium&utm_source=x"] {
        let (status, headers, page) = send(&router, get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(headers.get(header::LOCATION).is_none(), "{uri}");
        assert!(marks(&page, "magnesium"), "{uri}");
    }
    assert_eq!(search_keys(&cache), ["/search?q=magnesium"], "one entry for the three");
    // The outcome of a signup without JavaScript is the reader's own: rendered, never kept.
    let (status, headers, page) = send(&router, get("/search?q=fiber&result=ok&form=footer")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::ETAG).is_none());
    assert!(marks(&page, "fiber"));
    assert_eq!(search_keys(&cache), ["/search?q=magnesium"]);
}

#[tokio::test]
async fn the_search_page_echoes_at_most_a_hundred_characters_of_the_query() {
    let (cache, router) = app_and_cache(HtmlCache::default()).await;
    let long = format!("{}{}", "a".repeat(100), "b".repeat(5_000));
    let (status, headers, page) = send(&router, get(&format!("/search?q={long}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::LOCATION).is_none());
    let page = String::from_utf8_lossy(&page);
    assert!(!page.contains(&"b".repeat(50)), "the tail is not echoed");
    assert!(page.matches(&"a".repeat(100)).count() >= 3, "title, field and heading, each cut to 100 characters");
    // Nothing matches it: such a page is counted for the editors, so never kept.
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    assert!(search_keys(&cache).is_empty());
}

#[tokio::test]
async fn the_search_pages_kept_stay_within_the_limit() {
    let (cache, router) =
        app_and_cache(HtmlCache::with_search_limits(SearchLimits { pages: 2, bytes: 16 * 1024 * 1024 })).await;
    send(&router, get("/articles/vitamin-d3-k2")).await;
    for query in ["magnesium", "fiber", "sleep", "protein"] {
        let (status, headers, _) = send(&router, get(&format!("/search?q={query}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers.get(header::ETAG).is_some(), "{query} is served through the cache");
    }
    assert_eq!(search_keys(&cache), ["/search?q=protein", "/search?q=sleep"], "the newest two");
    assert!(cache.keys().contains(&"/articles/vitamin-d3-k2".to_string()), "pages are not pushed out");
    // A query pushed out is rendered again, correctly, and pushes out the oldest in turn.
    let (status, _, page) = send(&router, get("/search?q=magnesium")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(marks(&page, "magnesium"));
    assert_eq!(search_keys(&cache), ["/search?q=magnesium", "/search?q=protein"]);
}

#[tokio::test]
async fn feeds_and_the_sitemap_are_answered_from_the_page_cache() {
    let (cache, router) = app_and_cache(HtmlCache::default()).await;
    let (status, headers, feed) = send(&router, get("/feed.xml")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CONTENT_TYPE).unwrap(), "application/atom+xml; charset=utf-8");
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "public, max-age=300");
    let etag = headers.get(header::ETAG).expect("an ETag").clone();
    send(&router, get("/topics/sleep/feed.xml")).await;
    send(&router, get("/sitemap.xml")).await;
    assert_eq!(send(&router, get("/topics/astrology/feed.xml")).await.0, StatusCode::NOT_FOUND);
    let documents: Vec<String> = cache.keys().into_iter().filter(|key| key.ends_with(".xml")).collect();
    assert_eq!(documents, ["/feed.xml", "/sitemap.xml", "/topics/sleep/feed.xml"]);

    // Hits keep what the feed handler sends: type, caching rules, ETag, compressed copies, 304.
    let brotli = Request::get("/feed.xml").header(header::ACCEPT_ENCODING, "br").body(Body::empty()).unwrap();
    let (status, headers, compressed) = send(&router, brotli).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "br");
    assert_eq!(headers.get(header::CONTENT_TYPE).unwrap(), "application/atom+xml; charset=utf-8");
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "public, max-age=300");
    assert_eq!(headers.get(header::ETAG), Some(&etag));
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&compressed[..], 4096).read_to_end(&mut decoded).unwrap();
    assert_eq!(decoded, feed);
    let conditional = Request::get("/feed.xml").header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap();
    let (status, headers, _) = send(&router, conditional).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "public, max-age=300");
    // A reader's cache-buster still gets the feed, from the feed handler's own cache.
    let (status, headers, busted) = send(&router, get("/feed.xml?t=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "public, max-age=300");
    assert_eq!(busted, feed);
}
