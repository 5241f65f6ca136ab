//! Refuses state-changing requests that a browser sends on behalf of another site (cross-site
//! request forgery): a signup, confirmation or unsubscribe form posted by a page elsewhere.
//!
//! Browsers say where a request comes from. `Sec-Fetch-Site` (every current browser) is
//! trusted when present: only `same-origin` and `none` (the reader's own action, e.g. a
//! bookmark) pass; `same-site` is refused too, since a sibling subdomain is another origin.
//! Without it (older browsers) `Origin` decides: it must be the configured site's origin
//! (`NV_SITE_URL`), or name the host the request was sent to (`Host`), which covers the same
//! server reached under another name or port, as in development; the scheme is not compared
//! there because behind a TLS-terminating proxy the server cannot see it. A request with
//! neither header does not come from a browser page (curl, a mail provider's server) and
//! passes: forgery needs a victim's browser, and browsers send at least one of them on a POST.
//!
//! RFC 8058 one-click unsubscribe is exempt: mail providers post it from their servers, mail
//! clients may post it from anywhere, and its token is all the authority it needs.

use app::newsletter::api::{NewsletterError, ERROR_HEADER};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::FromServerFnError;
use std::sync::Arc;

/// The one path that accepts posts from anywhere (RFC 8058 one-click unsubscribe).
pub const ONE_CLICK_PATH: &str = "/newsletter/unsubscribe/one-click";

/// The site's origin as browsers write it in `Origin`: `https://host` or `http://host:port`.
#[derive(Clone, Debug)]
pub struct SiteOrigin(Arc<str>);

impl SiteOrigin {
    /// The origin of `site_url` (`NV_SITE_URL`); an unusable URL matches no `Origin`.
    pub fn new(site_url: &str) -> SiteOrigin {
        let origin = url::Url::parse(site_url).map(|url| url.origin().ascii_serialization()).unwrap_or_default();
        SiteOrigin(origin.into())
    }
}

/// Whether a browser sent this request from another site and it would change something.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, host: Option<&str>, site: &SiteOrigin) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(fetch_site) = headers.get("sec-fetch-site") {
        return !matches!(fetch_site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let same_as_site = !site.0.is_empty() && origin.eq_ignore_ascii_case(&site.0);
    let same_as_host =
        host.is_some_and(|host| authority(origin).is_some_and(|authority| authority.eq_ignore_ascii_case(host)));
    !(same_as_site || same_as_host)
}

/// `host[:port]` of a serialised origin (`null` and other schemes have none).
fn authority(origin: &str) -> Option<&str> {
    let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"))?;
    (!rest.is_empty() && !rest.contains('/')).then_some(rest)
}

/// Middleware: answers a cross-site request with 403 before any handler runs, so nothing is
/// read, stored or sent.
pub async fn refuse_cross_site(State(site): State<SiteOrigin>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|value| value.to_str().ok());
    let host = host.or_else(|| request.uri().authority().map(|authority| authority.as_str()));
    let refused =
        request.uri().path() != ONE_CLICK_PATH && is_cross_site(request.method(), request.headers(), host, &site);
    if !refused {
        return next.run(request).await;
    }
    tracing::debug!(path = request.uri().path(), "refused a cross-site {} request", request.method());
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    refusal(wants_html)
}

/// The 403 answer: a short page for a form posted without JavaScript, otherwise the error as
/// the server functions send theirs (JSON body, code in [`ERROR_HEADER`]) for the form island.
fn refusal(wants_html: bool) -> Response {
    let error = NewsletterError::CrossSite;
    let (content_type, body) = if wants_html {
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>Form not accepted · NourishVibes</title>\n</head>\n<body>\n<main>\n\
             <h1>Form not accepted</h1>\n<p>{error}</p>\n<p><a href=\"/\">Go to NourishVibes</a></p>\n\
             </main>\n</body>\n</html>\n"
        );
        ("text/html; charset=utf-8", axum::body::Body::from(page))
    } else {
        ("application/json", axum::body::Body::from(error.ser()))
    };
    let code = HeaderValue::from_str(&error.code()).unwrap_or(HeaderValue::from_static("cross-site"));
    (
        StatusCode::FORBIDDEN,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (HeaderName::from_static(ERROR_HEADER), code),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(method: Method, headers: &[(&str, &str)], host: Option<&str>) -> bool {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        is_cross_site(&method, &map, host, &SiteOrigin::new("https://nourishvibes.example/"))
    }

    #[test]
    fn sec_fetch_site_decides_when_present() {
        let host = Some("nourishvibes.example");
        for (value, refused) in
            [("same-origin", false), ("none", false), ("same-site", true), ("cross-site", true), ("bogus", true)]
        {
            assert_eq!(judge(Method::POST, &[("sec-fetch-site", value)], host), refused, "{value}");
            // Origin cannot overrule it either way.
            let with_origin = [("sec-fetch-site", value), ("origin", "https://nourishvibes.example")];
            assert_eq!(judge(Method::POST, &with_origin, host), refused, "{value} with our Origin");
        }
    }

    #[test]
    fn without_sec_fetch_site_origin_must_be_the_site_or_the_host_asked() {
        let host = Some("127.0.0.1:3107");
        let cases = [
            ("https://nourishvibes.example", false),
            ("HTTPS://NOURISHVIBES.EXAMPLE", false),
            ("http://127.0.0.1:3107", false),
            ("https://127.0.0.1:3107", false),
            ("http://nourishvibes.example", true),
            ("https://nourishvibes.example:8443", true),
            ("https://evil.example", true),
            ("https://nourishvibes.example.evil.example", true),
            ("http://127.0.0.1:3108", true),
            ("null", true),
        ];
        for (origin, refused) in cases {
            assert_eq!(judge(Method::POST, &[("origin", origin)], host), refused, "{origin}");
        }
        assert!(!judge(Method::POST, &[], host), "no header at all: not a browser page");
        assert!(judge(Method::POST, &[("origin", "https://evil.example")], None));
    }

    #[test]
    fn reading_is_never_refused() {
        for method in [Method::GET, Method::HEAD, Method::OPTIONS] {
            assert!(!judge(method, &[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")], None));
        }
        assert!(judge(Method::PUT, &[("sec-fetch-site", "cross-site")], None));
    }
}
