//! The one way the tests call the router: a request in; status, headers and body out.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// What the router answered.
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, whole.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as text without the empty comments Leptos puts between text nodes, so a test
    /// can look for a sentence as the reader sees it.
    pub fn visible_text(&self) -> String {
        self.text().replace("<!---->", "")
    }

    /// The value of the header `name`, if it is there and text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_string)
    }
}

/// A `GET` of `uri`, with no body.
pub fn get_request(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("a valid request")
}

/// Sends `request` to `router` and reads the whole answer.
pub async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.expect("the router answers");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("the body").to_bytes().to_vec();
    Reply { status: parts.status, headers: parts.headers, body }
}

/// `GET uri` from `router`.
pub async fn get(router: &Router, uri: &str) -> Reply {
    send(router, get_request(uri)).await
}
