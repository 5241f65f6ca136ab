//! The built assets under `/pkg` in production: versioned URLs in the page, a year of caching
//! for the current version, the build's brotli copy sent as it is.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

const JS: &[u8] = b"export default function init() {}";

/// A production app whose site root holds a small built `/pkg`, with a brotli copy of the JS.
async fn production_app() -> axum::Router {
    common::production_app_with(&[
        ("pkg/nourishvibes.css", b"body{}"),
        ("pkg/nourishvibes.js", JS),
        ("pkg/nourishvibes.js.br", b"pretend-brotli"),
        ("pkg/nourishvibes.wasm", b"\0asm"),
    ])
    .await
}

async fn get(router: &axum::Router, uri: &str, accept_encoding: Option<&str>) -> axum::response::Response {
    let mut request = Request::get(uri);
    if let Some(encoding) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, encoding);
    }
    router.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("response")
}

async fn text(response: axum::response::Response) -> String {
    String::from_utf8(response.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf-8")
}

/// The `?v=` URL the page links for `name` (e.g. `nourishvibes.js`).
fn versioned_url(html: &str, name: &str) -> String {
    let start = html.find(&format!("/pkg/{name}?v=")).unwrap_or_else(|| panic!("no versioned {name} in the page"));
    let rest = &html[start..];
    let end = rest.find(['"', '\\']).expect("end of URL");
    rest[..end].to_string()
}

#[tokio::test]
async fn pages_link_versioned_assets_and_load_the_wasm_only_after_the_page() {
    let router = production_app().await;
    let html = text(get(&router, "/articles/vitamin-d3-k2", None).await).await;
    let css = versioned_url(&html, "nourishvibes.css");
    let js = versioned_url(&html, "nourishvibes.js");
    let wasm = versioned_url(&html, "nourishvibes.wasm");
    assert!(html.contains(&format!(r#"href="{css}""#)), "stylesheet link");
    // Nothing in the head fetches the WASM or JS before the page has loaded.
    assert!(!html.contains("modulepreload") && !html.contains(r#"rel="preload""#), "no preloads");
    assert!(html.contains(&format!(r#"import("{js}")"#)) && html.contains(&format!(r#"module_or_path: "{wasm}""#)));
    assert!(html.contains(r#"addEventListener("load""#), "hydration waits for load");
}

#[tokio::test]
async fn the_current_version_is_cached_for_a_year_and_sent_precompressed() {
    let router = production_app().await;
    let html = text(get(&router, "/", None).await).await;
    let js = versioned_url(&html, "nourishvibes.js");

    let response = get(&router, &js, Some("br, gzip")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    assert!(response.headers()[header::VARY].to_str().unwrap_or_default().contains("accept-encoding"));
    assert_eq!(text(response).await, "pretend-brotli", "the build's brotli copy, not a new compression");

    let plain = get(&router, &js, None).await;
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(text(plain).await.as_bytes(), JS);
}

#[tokio::test]
async fn other_versions_and_unversioned_urls_are_revalidated() {
    let router = production_app().await;
    for uri in ["/pkg/nourishvibes.js", "/pkg/nourishvibes.js?v=0000000000000000"] {
        let response = get(&router, uri, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache", "{uri}");
    }
}

#[tokio::test]
async fn article_images_may_be_cached_for_a_day() {
    let router = production_app().await;
    let response = get(&router, "/images/vitamin-d3-k2.svg", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "public, max-age=86400, stale-while-revalidate=604800");
}
