//! Router-level tests of the security headers: on every kind of response (page rendered or
//! from the cache, 304, asset, file, feed, redirect, 404, server function), a CSP that allows
//! exactly the inline scripts the pages carry, HSTS only over https, and pages the HTML checker
//! accepts as far as the markup Leptos writes goes (the Nu checker itself runs in end2end/).

use crate::common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::Response;
use base64::Engine;
use http_body_util::BodyExt;
use server::html_cache::HtmlCache;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::sync::Arc;
use tower::ServiceExt;

const ARTICLE: &str = "/articles/vitamin-d3-k2";

async fn send(router: &axum::Router, request: Request<Body>) -> Response {
    router.clone().oneshot(request).await.expect("response")
}

use common::client::get_request as get;

async fn text(response: Response) -> String {
    String::from_utf8(response.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf-8")
}

/// Asserts the headers of a response that is not an HTML page (a response to `what`): it may
/// run and load nothing if opened as a document, is not sniffed, and keeps to HTTPS.
fn assert_resource_headers(what: &str, headers: &HeaderMap) {
    let value = |name: &str| {
        headers
            .get(name)
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
            .to_str()
            .expect("ASCII header")
            .to_string()
    };
    assert_eq!(
        value("content-security-policy"),
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox",
        "{what}"
    );
    assert_eq!(value("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(value("referrer-policy"), "strict-origin-when-cross-origin", "{what}");
    assert!(value("strict-transport-security").starts_with("max-age="), "{what}");
}

/// Asserts every security header of an HTML page on `headers` (a response to `what`) and
/// returns the CSP.
fn assert_security_headers(what: &str, headers: &HeaderMap) -> String {
    let value = |name: &str| {
        headers
            .get(name)
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
            .to_str()
            .expect("ASCII header")
            .to_string()
    };
    assert_eq!(value("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(value("referrer-policy"), "strict-origin-when-cross-origin", "{what}");
    assert_eq!(value("cross-origin-opener-policy"), "same-origin", "{what}");
    let permissions = value("permissions-policy");
    for denied in ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"] {
        assert!(permissions.contains(denied), "{what}: {denied} missing from {permissions}");
    }
    assert!(
        !permissions.contains("web-share") && !permissions.contains("clipboard"),
        "{what}: sharing must stay allowed"
    );
    assert!(value("strict-transport-security").starts_with("max-age="), "{what}");
    let csp = value("content-security-policy");
    for directive in [
        "default-src 'self'",
        "style-src 'self';",
        "img-src 'self' data:",
        "connect-src 'self';",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{what}: {directive:?} missing from {csp}");
    }
    let scripts =
        csp.split(';').find_map(|directive| directive.trim().strip_prefix("script-src ")).expect("script-src");
    assert!(scripts.starts_with("'self' 'wasm-unsafe-eval'"), "{what}: {scripts}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{what}: {csp}");
    csp
}

/// The `'sha256-…'` sources of the policy's `script-src`.
fn allowed_hashes(csp: &str) -> BTreeSet<String> {
    csp.split(';')
        .find_map(|directive| directive.trim().strip_prefix("script-src "))
        .expect("script-src")
        .split_whitespace()
        .filter_map(|source| source.strip_prefix("'sha256-")?.strip_suffix('\'').map(str::to_string))
        .collect()
}

/// One `<script>` element of a page: its attributes and its text.
struct Script {
    attributes: String,
    text: String,
}

/// Every `<script>` element of `html`, found the way the HTML tokenizer finds them (a script's
/// text runs to the first `</script`).
fn scripts(html: &str) -> Vec<Script> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after_name = &rest[start + "<script".len()..];
        let open_end = after_name.find('>').expect("end of the script tag");
        let body = &after_name[open_end + 1..];
        let close = body.find("</script").expect("closed script");
        found.push(Script { attributes: after_name[..open_end].to_string(), text: body[..close].to_string() });
        rest = &body[close..];
    }
    found
}

/// The base64 SHA-256 of each inline script the browser would run (not data blocks, not `src`).
fn inline_script_hashes(html: &str) -> BTreeSet<String> {
    scripts(html)
        .into_iter()
        .filter(|script| !script.attributes.contains("src=") && !script.attributes.contains("application/ld+json"))
        .map(|script| base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.text.as_bytes())))
        .collect()
}

/// A production app (versioned asset URLs, so the hydration script differs from a debug one)
/// whose site root holds a small built `/pkg` and a favicon.
async fn production_app() -> axum::Router {
    common::production_app_with(&[
        ("pkg/nourishvibes.css", b"body{}"),
        ("pkg/nourishvibes.js", b"export default function init() {}"),
        ("pkg/nourishvibes.wasm", b"\0asm"),
        ("favicon.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
    ])
    .await
}

#[tokio::test]
async fn pages_carry_the_headers_whether_rendered_or_from_the_cache() {
    let cache = Arc::new(HtmlCache::default());
    let router = common::app_with_cache(cache.clone()).await;

    let miss = send(&router, get(ARTICLE)).await;
    assert_eq!(miss.status(), StatusCode::OK);
    let csp = assert_security_headers("article, rendered", miss.headers());
    let etag = miss.headers().get(header::ETAG).expect("an ETag").clone();
    assert!(cache.keys().iter().any(|key| key == ARTICLE), "the page is now in the cache");

    let hit =
        send(&router, Request::get(ARTICLE).header(header::ACCEPT_ENCODING, "br").body(Body::empty()).unwrap()).await;
    assert_eq!(hit.status(), StatusCode::OK);
    assert_eq!(hit.headers().get(header::CONTENT_ENCODING).unwrap(), "br", "the cache's compressed copy");
    assert_eq!(assert_security_headers("article, from the cache", hit.headers()), csp);

    let revalidated =
        send(&router, Request::get(ARTICLE).header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap()).await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert_security_headers("304 from the cache", revalidated.headers());

    let fresh =
        send(&router, Request::get(ARTICLE).header("x-nv-bypass-cache", "1").body(Body::empty()).unwrap()).await;
    assert_eq!(fresh.status(), StatusCode::OK);
    assert_security_headers("article, rendered past the cache", fresh.headers());
}

#[tokio::test]
async fn every_other_kind_of_response_carries_them_too() {
    let router = production_app().await;
    let same_origin_post = |uri: &str, body: &str| {
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, common::SITE_URL)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    // (what, request, status if fixed, whether it is an HTML page)
    let cases = [
        ("asset under /pkg", get("/pkg/nourishvibes.js"), Some(StatusCode::OK), false),
        ("file of the site root", get("/favicon.svg"), Some(StatusCode::OK), false),
        ("404 page", get("/no/such/page"), Some(StatusCode::NOT_FOUND), true),
        ("article 404", get("/articles/no-such-article"), Some(StatusCode::NOT_FOUND), true),
        ("feed, built", get("/feed.xml"), Some(StatusCode::OK), false),
        ("feed, from the cache", get("/feed.xml"), Some(StatusCode::OK), false),
        ("sitemap", get("/sitemap.xml"), Some(StatusCode::OK), false),
        ("content image", get("/images/no-such-image.png"), Some(StatusCode::NOT_FOUND), false),
        (
            "page redirected to its canonical URL",
            get("/articles/vitamin-d3-k2?utm_source=x"),
            Some(StatusCode::MOVED_PERMANENTLY),
            false,
        ),
        ("newsletter page", get("/newsletter"), Some(StatusCode::OK), true),
        ("server function", same_origin_post("/api/newsletter/confirm", "token=00"), None, false),
    ];
    for (what, request, status, is_page) in cases {
        let response = send(&router, request).await;
        if let Some(status) = status {
            assert_eq!(response.status(), status, "{what}");
        }
        assert!(!response.status().is_server_error(), "{what}: {}", response.status());
        if is_page {
            assert_security_headers(what, response.headers());
        } else {
            assert_resource_headers(what, response.headers());
        }
    }
}

#[tokio::test]
async fn the_policy_allows_exactly_the_inline_scripts_the_pages_carry() {
    for router in [common::app().await, production_app().await] {
        for page in [
            ARTICLE,
            "/",
            "/search?q=vitamin",
            "/topics/gut-health",
            "/newsletter",
            "/newsletter/confirm?token=00",
            "/no/such/page",
        ] {
            let response = send(&router, get(page)).await;
            let allowed = allowed_hashes(&assert_security_headers(page, response.headers()));
            let html = text(response).await;
            let carried = inline_script_hashes(&html);
            assert!(carried.len() >= 3, "{page}: theme, navigation and hydration scripts, found {carried:?}");
            assert_eq!(carried, allowed, "{page}: every inline script allowed by its hash, and nothing else");
            for script in scripts(&html) {
                assert!(!script.attributes.contains("nonce"), "{page}: a nonce attribute, which no policy uses");
            }
        }
    }
}

#[tokio::test]
async fn pages_use_no_inline_style() {
    let router = common::app().await;
    for page in [ARTICLE, "/", "/search?q=vitamin", "/authors/maya-patel", "/about", "/newsletter", "/no/such/page"] {
        let html = text(send(&router, get(page)).await).await;
        assert!(!html.contains("<style"), "{page}: a <style> element, which style-src 'self' refuses");
        assert!(!html.contains(" style="), "{page}: a style attribute, which style-src 'self' refuses");
    }
}

#[tokio::test]
async fn pages_end_at_the_document_and_carry_no_bogus_comments() {
    let router = common::app().await;
    let pages = [
        ARTICLE,
        "/",
        "/search?q=vitamin",
        "/search?q=xylophone",
        "/topics/gut-health",
        "/authors/maya-patel",
        "/privacy",
    ];
    for page in pages.into_iter().chain(["/newsletter/unsubscribe?token=00", "/no/such/page"]) {
        let html = text(send(&router, get(page)).await).await;
        assert!(
            html.trim_end().ends_with("</html>"),
            "{page}: something after </html>: {}",
            &html[html.len().saturating_sub(200)..]
        );
        assert!(!html.contains("__RESOLVED_RESOURCES"), "{page}: resource scripts");
        assert!(!html.contains("<!>"), "{page}: a `<!>` marker, which HTML parses as a bogus comment");
    }
}

#[tokio::test]
async fn hsts_only_when_the_site_is_served_over_https() {
    let https = send(&common::app().await, get(ARTICLE)).await;
    assert_eq!(https.headers().get(header::STRICT_TRANSPORT_SECURITY).unwrap(), "max-age=31536000");
    let http = common::app_for_site("http://127.0.0.1:3000").await;
    for page in [ARTICLE, "/feed.xml", "/no/such/page"] {
        let response = send(&http, get(page)).await;
        assert!(response.headers().get(header::STRICT_TRANSPORT_SECURITY).is_none(), "{page}");
        assert!(response.headers().contains_key(header::CONTENT_SECURITY_POLICY), "{page}");
    }
}
