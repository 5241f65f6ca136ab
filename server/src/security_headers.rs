//! The security headers every response carries: pages (rendered or from the page cache), assets,
//! feeds, share images, redirects, 404s and server-function answers alike. [`SecurityHeadersLayer`]
//! wraps the whole application, page cache included, and adds headers built once at start-up,
//! so a response costs a few header-map inserts of pre-built values.
//!
//! The Content-Security-Policy allows scripts from the site and the page's inline scripts by
//! their SHA-256 hashes, never `'unsafe-inline'`: hashes survive the day-long page cache, which a
//! per-response nonce cannot. Styles come from the stylesheet only.

use axum::http::{header, HeaderName, HeaderValue, Request, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Powerful browser features the site never uses, all denied. Web Share and the clipboard stay
/// allowed (the share buttons use them). Only names Chromium knows: it logs an error for any other.
const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), \
geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), \
serial=(), usb=(), xr-spatial-tracking=()";

/// Browsers keep to HTTPS for a year once they have seen the site over it. Subdomains are left
/// out: they are the operator's, not the site's.
const HSTS: &str = "max-age=31536000";

/// The inline scripts a page may run, and whether the site is served over HTTPS.
#[derive(Clone, Debug, Default)]
pub struct SecurityPolicy {
    /// The exact text of every inline script the pages carry.
    pub inline_scripts: Vec<String>,
    /// Whether the site URL is `https` (adds `Strict-Transport-Security`).
    pub https: bool,
    /// The live-reload WebSocket port in development (`cargo leptos watch`), if any.
    pub reload_port: Option<u32>,
}

impl SecurityPolicy {
    /// The policy for a site at `site_url` whose pages carry `inline_scripts`.
    pub fn new(site_url: &str, inline_scripts: Vec<String>) -> SecurityPolicy {
        let https = site_url.get(..8).is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
        SecurityPolicy { inline_scripts, https, reload_port: None }
    }

    /// The `Content-Security-Policy` value.
    pub fn content_security_policy(&self) -> String {
        let mut scripts = String::from("'self' 'wasm-unsafe-eval'");
        for script in &self.inline_scripts {
            scripts.push_str(" 'sha256-");
            scripts.push_str(&STANDARD.encode(Sha256::digest(script.as_bytes())));
            scripts.push('\'');
        }
        // Development only: the live-reload script talks to cargo-leptos on its own port.
        let connect = match self.reload_port {
            Some(port) => format!("'self' ws://*:{port} wss://*:{port}"),
            None => "'self'".to_string(),
        };
        format!(
            "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
             connect-src {connect}; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'"
        )
    }

    /// The headers of HTML pages: the page policy, and the rules for documents (referrer,
    /// opener isolation, denied browser features).
    pub fn headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        let policy = self.content_security_policy();
        let csp = match HeaderValue::from_str(&policy) {
            // Leaked once per application built: a static value is copied by reference into every
            // response, without a shared reference count for the server's threads to contend on.
            Ok(_) => HeaderValue::from_static(Box::leak(policy.into_boxed_str())),
            // Unreachable: the policy is ASCII (base64 hashes, a port number).
            Err(_) => HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'",
            ),
        };
        let mut headers = vec![
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin")),
            (HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
            (HeaderName::from_static("permissions-policy"), HeaderValue::from_static(PERMISSIONS_POLICY)),
        ];
        if self.https {
            headers.push((header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS)));
        }
        headers
    }

    /// The headers of everything that is not an HTML page (feeds, scripts, styles, images,
    /// redirects, server-function answers): should one be opened as a document, it may run and
    /// load nothing ([`RESOURCE_POLICY`]); the opener and feature rules only mean something for
    /// HTML pages and are left out, as they would add 250 bytes to every asset and feed.
    pub fn resource_headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        let mut headers = vec![
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(RESOURCE_POLICY)),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin")),
        ];
        if self.https {
            headers.push((header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS)));
        }
        headers
    }
}

/// The policy of responses that are not HTML pages, as GitHub serves user content: a feed or an
/// SVG opened on its own runs no script, loads nothing and cannot be framed. Inline styles stay
/// allowed because Chromium's XML viewer styles the tree it shows for a feed with them (harmless
/// in a sandbox that runs nothing). Browsers ignore the policy where the response is a page's
/// subresource (a script, the stylesheet, an image).
pub const RESOURCE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

/// Headers built once and kept for the life of the process: a response copies the reference,
/// with no reference count for the server's threads to contend on per request.
pub type HeaderSet = &'static [(HeaderName, HeaderValue)];

/// The two sets of headers: for HTML pages, and for every other response.
#[derive(Clone, Copy)]
pub struct HeaderSets {
    /// Added to `text/html` responses.
    pub page: HeaderSet,
    /// Added to every other response.
    pub resource: HeaderSet,
}

impl HeaderSets {
    /// The set for a response of this `Content-Type`.
    pub fn for_content_type(&self, content_type: Option<&HeaderValue>) -> HeaderSet {
        let is_html = content_type.is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
        if is_html {
            self.page
        } else {
            self.resource
        }
    }
}

/// Adds the policy's headers to every response of the service it wraps (the page set to HTML,
/// the resource set to the rest), unless the response already has that header; a response with
/// a `Content-Security-Policy` is taken to carry its whole set (the page cache builds the sets
/// into what it stores, see [`SecurityHeadersLayer::sets`]).
#[derive(Clone)]
pub struct SecurityHeadersLayer {
    sets: HeaderSets,
}

impl SecurityHeadersLayer {
    /// The layer for `policy` (headers built here, once).
    pub fn new(policy: &SecurityPolicy) -> SecurityHeadersLayer {
        // Leaked once per application built (once per process, a few times in tests).
        let page = Box::leak(policy.headers().into_boxed_slice());
        let resource = Box::leak(policy.resource_headers().into_boxed_slice());
        SecurityHeadersLayer { sets: HeaderSets { page, resource } }
    }

    /// The headers the layer adds, for stores that build them into responses kept for reuse.
    pub fn sets(&self) -> HeaderSets {
        self.sets
    }
}

impl<S> tower::Layer<S> for SecurityHeadersLayer {
    type Service = SecurityHeaders<S>;

    fn layer(&self, inner: S) -> SecurityHeaders<S> {
        SecurityHeaders { inner, sets: self.sets }
    }
}

/// The service made by [`SecurityHeadersLayer`].
#[derive(Clone)]
pub struct SecurityHeaders<S> {
    inner: S,
    sets: HeaderSets,
}

impl<S, B, R> tower::Service<Request<B>> for SecurityHeaders<S>
where
    S: tower::Service<Request<B>, Response = Response<R>>,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = SecurityHeadersFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        SecurityHeadersFuture { inner: self.inner.call(request), sets: self.sets }
    }
}

pin_project_lite::pin_project! {
    /// The inner service's answer, with the headers added once it is ready.
    pub struct SecurityHeadersFuture<F> {
        #[pin]
        inner: F,
        sets: HeaderSets,
    }
}

impl<F, R, E> Future for SecurityHeadersFuture<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let mut response = std::task::ready!(this.inner.poll(cx))?;
        let headers = response.headers_mut();
        // Cached pages carry the whole set already (built into their stored copies): one probe.
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            for (name, value) in this.sets.for_content_type(headers.get(header::CONTENT_TYPE)) {
                headers.entry(name).or_insert_with(|| value.clone());
            }
        }
        Poll::Ready(Ok(response))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_those_browsers_compute() {
        // The CSP specification's own example: `alert('Hello, world.');`.
        let policy = SecurityPolicy::new("http://x", vec!["alert('Hello, world.');".into()]);
        assert!(
            policy.content_security_policy().contains("'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"),
            "{}",
            policy.content_security_policy()
        );
    }

    #[test]
    fn hsts_only_over_https() {
        let names =
            |url| SecurityPolicy::new(url, vec![]).headers().into_iter().map(|(name, _)| name).collect::<Vec<_>>();
        assert!(names("https://nourishvibes.example").contains(&header::STRICT_TRANSPORT_SECURITY));
        assert!(names("HTTPS://nourishvibes.example").contains(&header::STRICT_TRANSPORT_SECURITY));
        assert!(!names("http://127.0.0.1:3000").contains(&header::STRICT_TRANSPORT_SECURITY));
    }

    #[test]
    fn no_unsafe_inline_and_the_live_reload_socket_only_in_development() {
        let mut policy = SecurityPolicy::new("http://x", vec!["a".into()]);
        assert!(!policy.content_security_policy().contains("unsafe-inline"));
        assert!(!policy.content_security_policy().contains("ws:"));
        policy.reload_port = Some(3001);
        assert!(policy.content_security_policy().contains("connect-src 'self' ws://*:3001 wss://*:3001;"));
    }
}
