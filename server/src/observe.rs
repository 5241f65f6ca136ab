//! What an operator sees of each request: an `x-request-id` (a proxy's, when it is well formed,
//! else one made here) on the response and on every log line of the request, a span naming the
//! route pattern (never the raw path or query) for requests the page cache does not answer, and
//! request counts and latencies by route and status class. A cache hit gets no span: it is
//! counted only, so the hot path stays a hash lookup and a few atomic adds.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use metrics::{Counter, Histogram};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Instant;

/// The request id header, read from proxies and sent back.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a proxy.
const MAX_ID_LEN: usize = 64;

/// A request's id, in its extensions.
#[derive(Clone, Debug)]
pub struct RequestId(pub HeaderValue);

/// The route pattern that answered, in the response's extensions (absent: the page cache did).
#[derive(Clone, Debug)]
pub struct RouteLabel(pub Arc<str>);

/// The id a proxy sent, if it is short and plain (letters, digits, `-`, `_`, `.`, `:`); anything
/// else is replaced, so a client cannot put arbitrary text into the logs.
fn proxy_id(value: &HeaderValue) -> Option<HeaderValue> {
    let bytes = value.as_bytes();
    let plain = |byte: &u8| byte.is_ascii_alphanumeric() || b"-_.:".contains(byte);
    (!bytes.is_empty() && bytes.len() <= MAX_ID_LEN && bytes.iter().all(plain)).then(|| value.clone())
}

/// A new id: a prefix random per process and a counter (unique, cheap, no lock).
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

/// Counters and the latency histogram of cache hits, looked up once (a labelled lookup per
/// request would cost more than the hit itself).
struct HitMetrics {
    by_class: [Counter; 5],
    latency: Histogram,
}

fn hit_metrics() -> &'static HitMetrics {
    static HITS: OnceLock<HitMetrics> = OnceLock::new();
    HITS.get_or_init(|| HitMetrics {
        by_class: ["1xx", "2xx", "3xx", "4xx", "5xx"]
            .map(|class| metrics::counter!("nv_http_requests_total", "route" => "page cache", "status" => class)),
        latency: metrics::histogram!("nv_http_request_duration_seconds", "route" => "page cache"),
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
        let id = request.headers().get(&REQUEST_ID).and_then(proxy_id).unwrap_or_else(new_id);
        request.extensions_mut().insert(RequestId(id.clone()));
        ObserveFuture { inner: self.inner.call(request), id: Some(id), started: Instant::now() }
    }
}

pin_project_lite::pin_project! {
    /// The inner service's answer, with the id added and the request counted.
    pub struct ObserveFuture<F> {
        #[pin]
        inner: F,
        id: Option<HeaderValue>,
        started: Instant,
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
        let seconds = this.started.elapsed().as_secs_f64();
        let status = response.status().as_u16();
        match response.extensions().get::<RouteLabel>() {
            None => {
                let hits = hit_metrics();
                hits.by_class[usize::from(status / 100).clamp(1, 5) - 1].increment(1);
                hits.latency.record(seconds);
            }
            Some(RouteLabel(route)) => {
                let route = route.to_string();
                metrics::counter!("nv_http_requests_total", "route" => route.clone(), "status" => status_class(status))
                    .increment(1);
                metrics::histogram!("nv_http_request_duration_seconds", "route" => route).record(seconds);
            }
        }
        if let Some(id) = this.id.take() {
            response.headers_mut().insert(REQUEST_ID.clone(), id);
        }
        Poll::Ready(Ok(response))
    }
}

/// The span of a request the page cache did not answer: id and method now, the route pattern
/// once the router has matched it.
pub fn request_span(request: &Request) -> tracing::Span {
    let id = request.extensions().get::<RequestId>().map(|id| id.0.clone());
    let id = id.as_ref().and_then(|id| id.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", id = %id, method = %request.method(), route = tracing::field::Empty)
}

/// Router middleware: names the route pattern that matched (on the span and, for the metrics,
/// on the response) and logs the outcome at debug level. Unmatched requests (files, 404s) are
/// `other`, so a scanner's made-up paths add no label values.
pub async fn label_route(request: Request, next: Next) -> Response {
    let route: Arc<str> =
        request.extensions().get::<MatchedPath>().map_or_else(|| Arc::from("other"), |path| Arc::from(path.as_str()));
    tracing::Span::current().record("route", &*route);
    let started = Instant::now();
    let mut response = next.run(request).await;
    tracing::debug!(
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request finished"
    );
    response.extensions_mut().insert(RouteLabel(route));
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
