//! [`CachedPages`]: the service in front of the router that answers cache hits (and redirects
//! to canonical URLs) before routing, compression, the body limit or any handler runs.

use super::keys::{lookup, Lookup};
use super::{utc_day, HtmlCache, PAGE_CACHE_CONTROL};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The page cache's hit and miss counters, looked up once (after the metrics are installed:
/// the first request comes after that).
fn cache_counters() -> &'static (metrics::Counter, metrics::Counter) {
    static COUNTERS: std::sync::OnceLock<(metrics::Counter, metrics::Counter)> = std::sync::OnceLock::new();
    COUNTERS.get_or_init(|| {
        (metrics::counter!("nv_page_cache_hits_total"), metrics::counter!("nv_page_cache_misses_total"))
    })
}

/// The answer to a request for another spelling of a page.
fn redirect_to(location: &HeaderValue) -> Response {
    let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
    response.headers_mut().insert(header::LOCATION, location.clone());
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(PAGE_CACHE_CONTROL));
    response
}

/// Answers cache hits in front of `inner` (the router with all its layers), so that a hit costs
/// a hash lookup and a copy of pre-built headers; everything else goes to `inner`.
#[derive(Clone)]
pub struct CachedPages<S> {
    cache: Arc<HtmlCache>,
    inner: S,
}

impl<S> CachedPages<S> {
    /// `inner` must store what it renders into the same `cache` (see [`super::store_rendered`]).
    pub fn new(cache: Arc<HtmlCache>, inner: S) -> CachedPages<S> {
        CachedPages { cache, inner }
    }
}

impl<S> tower::Service<Request> for CachedPages<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = CachedPagesFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // A hit leaves the inner service's readiness unused: fine for a router, which reserves
        // nothing when it says it is ready.
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        // A request with a body goes the long way, so the body limit answers it as before.
        let has_body = request.headers().contains_key(header::CONTENT_LENGTH)
            || request.headers().contains_key(header::TRANSFER_ENCODING);
        let hit = if has_body {
            None
        } else {
            match lookup(&request, self.cache.settings.allow_bypass) {
                Lookup::Normalise(location) => Some(redirect_to(&location)),
                lookup => lookup.key().and_then(|(key, _)| {
                    let hit = self.cache.respond(utc_day(), key, request.headers());
                    let (hits, misses) = cache_counters();
                    if hit.is_some() {
                        hits.increment(1)
                    } else {
                        misses.increment(1)
                    }
                    hit
                }),
            }
        };
        match hit {
            Some(response) => CachedPagesFuture::Hit(Some(response)),
            // Boxed: a miss renders a page, next to which one allocation is nothing. Only a miss
            // gets a span: on a hit it would cost more than the answer.
            None => {
                let span = crate::observe::request_span(&mut request);
                CachedPagesFuture::Miss(Box::pin(tracing::Instrument::instrument(self.inner.call(request), span)))
            }
        }
    }
}

/// The answer of [`CachedPages`]: ready at once on a hit, the inner service's future on a miss.
pub enum CachedPagesFuture<F> {
    /// The cached response, taken when polled.
    Hit(Option<Response>),
    /// The inner service at work, in the request's span.
    Miss(Pin<Box<tracing::instrument::Instrumented<F>>>),
}

impl<F> Future for CachedPagesFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            CachedPagesFuture::Hit(response) => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                // Polled again after it answered: a caller bug, answered without panicking.
                None => Poll::Ready(Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response())),
            },
            CachedPagesFuture::Miss(future) => future.as_mut().poll(cx),
        }
    }
}
