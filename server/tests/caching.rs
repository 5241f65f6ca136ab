//! Router-level tests of the HTML cache: ETag and 304, compressed copies, and the requests that
//! must never be served from the cache.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::app;
use http_body_util::BodyExt;
use std::io::Read;
use tower::ServiceExt;

async fn send(router: &Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn pages_carry_an_etag_and_revalidate_with_304() {
    let router = app().await;
    let (status, headers, body) = send(&router, Request::get("/articles/vitamin-d3-k2").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers.get(header::ETAG).expect("an ETag").clone();
    assert!(headers.get(header::CACHE_CONTROL).unwrap().to_str().unwrap().contains("max-age"));
    assert!(String::from_utf8_lossy(&body).contains("Vitamin D3 + K2"));

    let (status, again, _) = send(&router, Request::get("/articles/vitamin-d3-k2").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again.get(header::ETAG), Some(&etag), "the same page from the cache");

    let conditional = Request::get("/articles/vitamin-d3-k2").header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap();
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
    let bypass = Request::get("/articles/vitamin-d3-k2").header("x-nv-bypass-cache", "1").body(Body::empty()).unwrap();
    let (status, headers, _) = send(&router, bypass).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::ETAG).is_none(), "a fresh render");
    let (status, _, _) = send(&router, Request::get("/articles/no-such-thing").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "errors are not cached as pages");
}
