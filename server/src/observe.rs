//! What an operator sees of each request: an `x-request-id` (a proxy's, when it is well formed,
//! else one made here) on the response and on every log line of the request, a span naming the
//! route pattern (never the raw path or query) for requests the page cache does not answer, and
//! request counts and latencies by route and status class.
//!
//! A cache hit is counted only: no span, no latency sample, and no id of ours (it writes no log
//! line to find); a proxy's id is echoed. Making an id for every hit (a request extension, a
//! header added to the cached copy's exact-size header map) took the cached article from 0.95 to
//! 0.85 of nginx's requests/s (bench/run page:article), far over the 3% it may spend on this.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use metrics::Counter;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::Instant;

/// The request id header, read from proxies and sent back.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a proxy.
const MAX_ID_LEN: usize = 64;

/// Set on the response by the router (absent: the page cache answered).
#[derive(Clone, Copy, Debug)]
pub struct RouteLabel;

/// The id a proxy sent, if it is short and plain (letters, digits, `-`, `_`, `.`, `:`); anything
/// else is replaced, so a client cannot put arbitrary text into the logs.
fn proxy_id(value: &HeaderValue) -> Option<HeaderValue> {
    let bytes = value.as_bytes();
    let plain = |byte: &u8| byte.is_ascii_alphanumeric() || b"-_.:".contains(byte);
    (!bytes.is_empty() && bytes.len() <= MAX_ID_LEN && bytes.iter().all(plain)).then(|| value.clone())
}

/// A new id: a prefix random per process and a counter (unique, no lock).
fn new_id() -> HeaderValue {
    static PREFIX: OnceLock<String> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        // std's hasher keys are random per process: enough to tell two runs' ids apart.
        use std::hash::{BuildHasher, Hasher};
        let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
        format!("{:08x}", random as u32)
    });
    let id = format!("{prefix}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed));
    HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("0"))
}

/// The label of a status code's class.
fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Counters of cache hits by status class, looked up once (a labelled lookup per request would
/// cost more than the hit itself).
fn hit_counters() -> &'static [Counter; 5] {
    static HITS: OnceLock<[Counter; 5]> = OnceLock::new();
    HITS.get_or_init(|| {
        ["1xx", "2xx", "3xx", "4xx", "5xx"]
            .map(|class| metrics::counter!("nv_http_requests_total", "route" => "page cache", "status" => class))
    })
}

/// The outermost service: request id, then counts and latency once the response is ready.
#[derive(Clone)]
pub struct Observe<S> {
    inner: S,
}

impl<S> Observe<S> {
    /// Observes `inner`.
    pub fn new(inner: S) -> Observe<S> {
        Observe { inner }
    }
}

impl<S> tower::Service<Request> for Observe<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = ObserveFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let given = request.headers().get(&REQUEST_ID).map(proxy_id);
        if let Some(None) = given {
            // Not a plain id: nothing of it reaches a log line or the response.
            request.headers_mut().remove(&REQUEST_ID);
        }
        ObserveFuture { inner: self.inner.call(request), id: given.flatten() }
    }
}

pin_project_lite::pin_project! {
    /// The inner service's answer, with the id added and the request counted.
    pub struct ObserveFuture<F> {
        #[pin]
        inner: F,
        id: Option<HeaderValue>,
    }
}

impl<F> Future for ObserveFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Poll::Ready(Ok(mut response)) = this.inner.poll(cx) else { return Poll::Pending };
        // A miss was counted by `label_route`, which knows the route, and got its id there.
        if response.extensions().get::<RouteLabel>().is_none() {
            let class = usize::from(response.status().as_u16() / 100).clamp(1, 5) - 1;
            hit_counters()[class].increment(1);
            // A hit echoes the proxy's id.
            if let Some(id) = this.id.take() {
                response.headers_mut().insert(REQUEST_ID.clone(), id);
            }
        }
        Poll::Ready(Ok(response))
    }
}

/// The span of a request the page cache did not answer: its id (the proxy's, or one made now and
/// put on the request for the handlers and the response) and method now, the route pattern once
/// the router has matched it.
pub fn request_span(request: &mut Request) -> tracing::Span {
    let id = match request.headers().get(&REQUEST_ID) {
        Some(id) => id.clone(),
        None => {
            let id = new_id();
            request.headers_mut().insert(REQUEST_ID.clone(), id.clone());
            id
        }
    };
    let id = id.to_str().unwrap_or("-");
    tracing::info_span!("request", id = %id, method = %request.method(), route = tracing::field::Empty)
}

/// Router middleware: names the route pattern that matched (on the span and, for the metrics,
/// on the response) and logs the outcome at debug level. Unmatched requests (files, 404s) are
/// `other`, so a scanner's made-up paths add no label values.
pub async fn label_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("other", |path| path.as_str()).to_string();
    tracing::Span::current().record("route", route.as_str());
    let started = Instant::now();
    let id = request.headers().get(&REQUEST_ID).cloned();
    let mut response = next.run(request).await;
    if let Some(id) = id {
        response.headers_mut().insert(REQUEST_ID.clone(), id);
    }
    let (status, seconds) = (response.status().as_u16(), started.elapsed().as_secs_f64());
    tracing::debug!(status, latency_ms = seconds * 1000.0, "request finished");
    metrics::counter!("nv_http_requests_total", "route" => route.clone(), "status" => status_class(status))
        .increment(1);
    metrics::histogram!("nv_http_request_duration_seconds", "route" => route).record(seconds);
    response.extensions_mut().insert(RouteLabel);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_id_is_kept_only_when_short_and_plain() {
        let kept = HeaderValue::from_static("req-7f3a_9.1:2");
        assert_eq!(proxy_id(&kept), Some(kept.clone()));
        for refused in ["", "has space", "new\u{7f}line", "<script>", &"x".repeat(65)] {
            if let Ok(value) = HeaderValue::from_str(refused) {
                assert_eq!(proxy_id(&value), None, "{refused:?}");
            }
        }
        assert_ne!(new_id(), new_id());
    }
}
