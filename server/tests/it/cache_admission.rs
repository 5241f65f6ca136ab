//! Router-level tests of what may enter the page cache and how it keeps within its budget: only
//! canonical URLs of real pages make entries (unknown parameters are redirected; a page past the
//! end of a list, a made-up path and a made-up article are 404s kept nowhere); every byte of an
//! entry is counted, compressed copies included; past the budget the least recently used pages
//! go; the bypass header is ignored unless the server allows it; and the content reads are not
//! server functions any more.

use crate::common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use common::{app_with_cache, app_with_cache_on, content_dir, copy_dir};
use http_body_util::BodyExt;
use server::html_cache::{CacheSettings, HtmlCache, BYPASS_HEADER};
use std::sync::Arc;
use tower::ServiceExt;

async fn send(router: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let reply = common::client::send(router, request).await;
    (reply.status, reply.headers.clone(), reply.text())
}

use common::client::get_request as get;

async fn app_and_cache(cache: HtmlCache) -> (Arc<HtmlCache>, Router) {
    let cache = Arc::new(cache);
    (cache.clone(), app_with_cache(cache).await)
}

#[tokio::test]
async fn only_canonical_urls_of_real_pages_make_entries() {
    let (cache, router) = app_and_cache(HtmlCache::default()).await;
    // Parameters no page reads, or page numbers in another spelling: one cheap redirect.
    for (uri, to) in [
        ("/articles/vitamin-d3-k2?utm_source=mail", "/articles/vitamin-d3-k2"),
        ("/articles/vitamin-d3-k2?page=2", "/articles/vitamin-d3-k2"),
        ("/?page=2", "/"),
        ("/about?x=1&y=2", "/about"),
        ("/topics/sleep?page=1", "/topics/sleep"),
        ("/topics/sleep?page=two&x=1", "/topics/sleep"),
        ("/topics/sleep?page=02", "/topics/sleep?page=2"),
    ] {
        let (status, headers, _) = send(&router, get(uri)).await;
        assert_eq!(status, StatusCode::MOVED_PERMANENTLY, "{uri}");
        assert_eq!(headers.get(header::LOCATION).unwrap(), to, "{uri}");
    }
    assert!(cache.keys().is_empty(), "redirects keep nothing: {:?}", cache.keys());
    // Pages that do not exist: the 404 page, kept nowhere.
    for uri in [
        "/topics/sleep?page=2",
        "/topics/sleep?page=99999999999999999999999",
        "/authors/maya-patel?page=3",
        "/no-such-page",
        "/no/such/page",
        "/articles/no-such-article",
        "/topics/astrology",
        "/topics/astrology?page=2",
        "/authors/nobody",
    ] {
        let (status, headers, body) = send(&router, get(uri)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(headers.get(header::ETAG).is_none(), "{uri} is not a cached page");
        assert!(body.contains("Page not found"), "{uri}");
    }
    assert!(cache.keys().is_empty(), "errors are not kept: {:?}", cache.keys());
    // Real pages: one entry each.
    for uri in ["/", "/articles/vitamin-d3-k2", "/topics/sleep", "/about", "/about?"] {
        let (status, headers, _) = send(&router, get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(headers.get(header::ETAG).is_some(), "{uri} went through the cache");
    }
    assert_eq!(cache.keys(), ["/", "/about", "/articles/vitamin-d3-k2", "/topics/sleep"]);
}

#[tokio::test]
async fn head_requests_are_answered_like_gets_and_store_nothing() {
    let (cache, router) = app_and_cache(HtmlCache::default()).await;
    let head = |uri: &str| Request::head(uri).body(Body::empty()).unwrap();
    let (status, headers, _) = send(&router, head("/articles/vitamin-d3-k2?utm_source=x")).await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/articles/vitamin-d3-k2");
    // A miss: rendered, and the router drops the body of a `HEAD` answer.
    let (status, _, _) = send(&router, head("/articles/vitamin-d3-k2")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(cache.keys().is_empty(), "a body-less answer is not kept as the page");
    let (_, cached, page) = send(&router, get("/articles/vitamin-d3-k2")).await;
    assert!(page.contains("<h1"), "the page stored by the GET is whole");
    // A hit: the cached answer (the HTTP server sends its headers only).
    let (status, headers, _) = send(&router, head("/articles/vitamin-d3-k2")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::ETAG), cached.get(header::ETAG), "answered from the cache");
}

#[tokio::test]
async fn a_page_within_a_list_is_kept_and_the_one_past_its_end_is_a_404() {
    // 2 fitness articles plus 15 copies: 17, two pages of 12.
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&content_dir(), &content);
    let source = std::fs::read_to_string(content.join("articles/walking-and-step-counts.md")).unwrap();
    for i in 0..15 {
        let copy = source
            .replacen("slug = \"walking-and-step-counts\"", &format!("slug = \"copy-{i:02}\""), 1)
            .replacen("title = \"", &format!("title = \"Copy {i:02}: "), 1);
        std::fs::write(content.join(format!("articles/copy-{i:02}.md")), copy).unwrap();
    }
    let cache = Arc::new(HtmlCache::default());
    let router = app_with_cache_on(&content, cache.clone()).await;
    let (status, headers, page) = send(&router, get("/topics/fitness?page=2")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::ETAG).is_some());
    assert!(page.contains("aria-current=\"page\">2</a>"), "the second page: {page}");
    assert_eq!(page.matches("<article class=\"card\"").count(), 5);
    for past_the_end in ["/topics/fitness?page=3", "/topics/fitness?page=30"] {
        assert_eq!(send(&router, get(past_the_end)).await.0, StatusCode::NOT_FOUND, "{past_the_end}");
    }
    assert_eq!(cache.keys(), ["/topics/fitness?page=2"]);
}

/// Bytes the cache counts for `uri`, requested alone into an empty cache.
async fn cost_of(uri: &str) -> usize {
    let (cache, router) = app_and_cache(HtmlCache::default()).await;
    assert_eq!(send(&router, get(uri)).await.0, StatusCode::OK, "{uri}");
    cache.held_bytes()
}

#[tokio::test]
async fn every_byte_of_a_page_is_counted_compressed_copies_and_key_included() {
    let uri = "/articles/vitamin-d3-k2";
    let (cache, router) = app_and_cache(HtmlCache::default()).await;
    let mut bodies = 0;
    for accept in ["identity", "br", "gzip"] {
        let request = Request::get(uri).header(header::ACCEPT_ENCODING, accept).body(Body::empty()).unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        bodies += response.into_body().collect().await.unwrap().to_bytes().len();
    }
    let counted = cache.held_bytes();
    assert!(counted >= bodies + uri.len(), "counted {counted}, the three copies alone are {bodies}");
    assert!(counted < bodies + 16 * 1024, "counted {counted} for {bodies} bytes of copies");
}

#[tokio::test]
async fn past_its_budget_the_cache_lets_the_least_recently_used_pages_go() {
    let mut pages = Vec::new();
    for uri in [
        "/articles/vitamin-d3-k2",
        "/articles/dietary-fiber-guide",
        "/articles/sleep-habits-that-work",
        "/articles/blood-pressure-and-salt",
    ] {
        pages.push((cost_of(uri).await, uri));
    }
    pages.sort();
    // Stored in the order a, b, c; a read again; then d, the largest: b, now the least recently
    // used (and the smallest, so a, b and c fit together), is the one to go.
    let [(b_cost, b), (a_cost, a), (c_cost, c), (d_cost, d)] = pages[..] else { unreachable!() };
    let rest = a_cost + c_cost + d_cost;
    // Eviction goes a sixteenth below the budget: a, c and d fit there.
    let budget = rest * 16 / 15 + 64;
    assert!(a_cost + b_cost + c_cost + d_cost > budget, "the test needs d to overflow the budget");
    let (cache, router) =
        app_and_cache(HtmlCache::new(CacheSettings { max_bytes: budget, ..CacheSettings::default() })).await;
    for uri in [a, b, c, a, d] {
        assert_eq!(send(&router, get(uri)).await.0, StatusCode::OK, "{uri}");
    }
    let mut expected = vec![a.to_string(), c.to_string(), d.to_string()];
    expected.sort();
    assert_eq!(cache.keys(), expected, "only {b} went");
    assert!(cache.held_bytes() <= budget);
    // It is rendered again when asked for, and pushes out the least recently used in turn.
    let (status, _, page) = send(&router, get(b)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1"));
    assert!(cache.keys().contains(&b.to_string()));
    assert!(cache.held_bytes() <= budget);
}

#[tokio::test]
async fn the_bypass_header_is_ignored_unless_the_server_allows_it() {
    let bypass = |uri: &str| Request::get(uri).header(BYPASS_HEADER, "1").body(Body::empty()).unwrap();
    let (cache, router) = app_and_cache(HtmlCache::default()).await;
    let (_, cached, first) = send(&router, get("/articles/vitamin-d3-k2")).await;
    let (status, headers, again) = send(&router, bypass("/articles/vitamin-d3-k2")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::ETAG), cached.get(header::ETAG), "served from the cache");
    assert_eq!(again, first);
    // A new page asked for with the header is stored like any other.
    let (_, headers, _) = send(&router, bypass("/search?q=fiber")).await;
    assert!(headers.get(header::ETAG).is_some());
    assert!(cache.keys().contains(&"/search?q=fiber".to_string()));

    let (cache, router) =
        app_and_cache(HtmlCache::new(CacheSettings { allow_bypass: true, ..CacheSettings::default() })).await;
    let (status, headers, _) = send(&router, bypass("/articles/vitamin-d3-k2")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::ETAG).is_none(), "rendered afresh");
    assert!(cache.keys().is_empty(), "and not stored");
}

/// The URL `#[server]` gave a function of module `module` in the `app` crate (prefix, name,
/// and the hash of the crate's folder and the module path).
fn server_fn_url(module: &str, name: &str) -> String {
    let app_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("app");
    let key = format!("{}:{module}", app_dir.display());
    format!("/api/{name}{}", leptos::server_fn::xxhash_rust::const_xxh64::xxh64(key.as_bytes(), 0))
}

#[tokio::test]
async fn content_reads_are_not_server_functions() {
    let registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
    assert!(!registered.is_empty());
    assert!(registered.iter().all(|path| path.starts_with("/api/newsletter/")), "{registered:?}");
    let (_, router) = app_and_cache(HtmlCache::default()).await;
    let reads = [
        ("app::content::api", "get_article", "slug=vitamin-d3-k2"),
        ("app::content::api", "get_static_page", "slug=about"),
        ("app::content::api", "list_articles", ""),
        ("app::content::api", "get_site_chrome", ""),
        ("app::content::api", "search_articles", "q=magnesium"),
        ("app::content::lists", "get_home", ""),
        ("app::content::lists", "get_topic", "category=sleep&page=1"),
        ("app::content::lists", "get_author", "author=maya-patel&page=1"),
    ];
    for (module, name, form) in reads {
        let url = server_fn_url(module, name);
        let request = Request::post(&url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap();
        let (status, headers, _) = send(&router, request).await;
        assert!(matches!(status, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED), "POST {url}: {status}");
        assert!(
            !headers.get(header::CONTENT_TYPE).is_some_and(|value| value.as_bytes().starts_with(b"application/json")),
            "{url}"
        );
    }
}
