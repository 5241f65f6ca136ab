//! Under `cargo leptos watch` (which sets `LEPTOS_WATCH`) pages carry Leptos' live-reload script:
//! the policy allows it by hash and lets it reach the reload WebSocket. In a file of its own
//! because it sets an environment variable for its whole process.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request};
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::test]
async fn the_live_reload_script_runs_under_the_policy_in_development() {
    std::env::set_var("LEPTOS_WATCH", "true");
    let router = common::app().await;
    let response = router.oneshot(Request::get("/articles/vitamin-d3-k2").body(Body::empty()).unwrap()).await.unwrap();
    let csp = response.headers().get(header::CONTENT_SECURITY_POLICY).expect("a CSP").to_str().unwrap().to_string();
    let html = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let marker = html.find("(function (reload_port, protocol)").expect("the live-reload script in the page");
    // The script's whole text, from the end of its start tag to its end tag.
    let tag = html[..marker].rfind("<script").expect("its start tag");
    let start = tag + html[tag..].find('>').expect("end of the start tag") + 1;
    let script = &html[start..start + html[start..].find("</script>").expect("its end")];
    let hash = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        <sha2::Sha256 as sha2::Digest>::digest(script.as_bytes()),
    );
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    assert!(csp.contains("connect-src 'self' ws://*:3001 wss://*:3001;"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
}
