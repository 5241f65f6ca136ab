//! Router-level tests of what another site can make a reader's browser do: post the newsletter
//! forms (refused with 403, nothing stored) and pick where the no-JavaScript form redirects to
//! (always a page of this site).

use crate::common;

use app::newsletter::api::{NewsletterError, ERROR_HEADER, SIGNUP_ACCEPTED};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::{app_with_limit, count, encode, status_of, tokens_in_mail, SITE_URL};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A response, read whole.
struct Reply {
    status: StatusCode,
    location: Option<String>,
    error: Option<String>,
    content_type: String,
    body: String,
}

/// How the form is posted: by the hydrated island (JSON back) or as a plain HTML form.
#[derive(Clone, Copy)]
enum Via {
    Island,
    PlainForm,
}

/// POSTs `fields` to `path` with the browser headers `headers`.
async fn post(router: &Router, path: &str, fields: &[(&str, &str)], via: Via, headers: &[(&str, &str)]) -> Reply {
    let body = fields.iter().map(|(key, value)| format!("{key}={}", encode(value))).collect::<Vec<_>>().join("&");
    let accept = match via {
        Via::Island => "application/json",
        Via::PlainForm => "text/html,application/xhtml+xml,*/*;q=0.8",
    };
    let mut request = Request::post(path)
        .header(header::HOST, "nourishvibes.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, accept);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router.clone().oneshot(request.body(Body::from(body)).unwrap()).await.expect("router answers");
    let text = |name: header::HeaderName| response.headers().get(name).map(|value| value.to_str().unwrap().to_string());
    let (status, location, error) =
        (response.status(), text(header::LOCATION), text(header::HeaderName::from_static(ERROR_HEADER)));
    let content_type = text(header::CONTENT_TYPE).unwrap_or_default();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    Reply { status, location, error, content_type, body: String::from_utf8_lossy(&bytes).into_owned() }
}

fn signup(email: &str) -> [(&str, &str); 4] {
    [("email", email), ("form", "community"), ("company", ""), ("return_to", "/articles/vitamin-d3-k2")]
}

const EVIL: &str = "https://evil.example";

#[tokio::test]
async fn signups_posted_from_another_site_are_refused_and_nothing_is_stored() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_limit(data.path(), 0).await;
    let pool = newsletter.store.database().sqlite().unwrap();
    let forged: [&[(&str, &str)]; 4] = [
        &[("sec-fetch-site", "cross-site"), ("origin", EVIL)],
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site"), ("origin", "https://blog.nourishvibes.example")],
        // An older browser that sends only Origin.
        &[("origin", EVIL)],
    ];
    for headers in forged {
        // With JavaScript: the island shows the message named by the error header.
        let island =
            post(&router, "/api/newsletter/subscribe", &signup("victim@example.com"), Via::Island, headers).await;
        assert_eq!(island.status, StatusCode::FORBIDDEN, "{headers:?}: {}", island.body);
        assert_eq!(island.error.as_deref(), Some("cross-site"));
        let error: NewsletterError = serde_json::from_str(&island.body).expect("JSON error body");
        assert_eq!(error, NewsletterError::CrossSite);
        assert!(error.to_string().contains("sent from another website"));
        // Without: a page that says so, not a redirect (back to the other site or anywhere).
        let plain =
            post(&router, "/api/newsletter/subscribe", &signup("victim@example.com"), Via::PlainForm, headers).await;
        assert_eq!(plain.status, StatusCode::FORBIDDEN);
        assert_eq!(plain.location, None);
        assert!(plain.content_type.starts_with("text/html"), "{}", plain.content_type);
        assert!(plain.body.contains("<h1>Form not accepted</h1>"), "{}", plain.body);
        assert!(plain.body.contains("This form was sent from another website"), "{}", plain.body);
    }
    assert_eq!(status_of(pool, "victim@example.com").await, None);
    assert_eq!(count(pool, "SELECT COUNT(*) FROM outbox").await, 0);
    assert_eq!(count(pool, "SELECT COUNT(*) FROM consent_events").await, 0);
}

#[tokio::test]
async fn same_origin_posts_with_and_without_javascript_and_non_browser_posts_go_through() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_limit(data.path(), 0).await;
    let pool = newsletter.store.database().sqlite().unwrap();
    let allowed: [&[(&str, &str)]; 6] = [
        // What current browsers send for the site's own forms and fetches.
        &[("sec-fetch-site", "same-origin"), ("origin", SITE_URL)],
        // A form re-sent by the reader (reload, history).
        &[("sec-fetch-site", "none")],
        // Older browsers: Origin only, the configured site or the host asked for.
        &[("origin", SITE_URL)],
        &[("origin", "https://nourishvibes.example")],
        &[("origin", "http://nourishvibes.example")],
        // curl, scripts, very old browsers: no header at all.
        &[],
    ];
    for (n, headers) in allowed.iter().enumerate() {
        let email = format!("island{n}@example.com");
        let island = post(&router, "/api/newsletter/subscribe", &signup(&email), Via::Island, headers).await;
        assert_eq!(island.status, StatusCode::OK, "{headers:?}: {}", island.body);
        assert_eq!(serde_json::from_str::<String>(&island.body).unwrap(), SIGNUP_ACCEPTED);
        assert_eq!(status_of(pool, &email).await.as_deref(), Some("pending"));

        let email = format!("plain{n}@example.com");
        let plain = post(&router, "/api/newsletter/subscribe", &signup(&email), Via::PlainForm, headers).await;
        assert_eq!(plain.status, StatusCode::SEE_OTHER, "{headers:?}: {}", plain.body);
        assert_eq!(plain.location.as_deref(), Some("/articles/vitamin-d3-k2?result=ok&form=community#community"));
        assert_eq!(status_of(pool, &email).await.as_deref(), Some("pending"));
    }
}

#[tokio::test]
async fn confirm_and_unsubscribe_pages_refuse_other_sites_but_one_click_takes_any_post() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_limit(data.path(), 0).await;
    let pool = newsletter.store.database().sqlite().unwrap();
    post(&router, "/api/newsletter/subscribe", &signup("reader@example.com"), Via::Island, &[]).await;
    let (confirm, unsubscribe) = tokens_in_mail(pool, "reader@example.com").await;
    let forged: &[(&str, &str)] = &[("sec-fetch-site", "cross-site"), ("origin", EVIL)];

    let confirmed = post(&router, "/api/newsletter/confirm", &[("token", &confirm)], Via::PlainForm, forged).await;
    assert_eq!(confirmed.status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(pool, "reader@example.com").await.as_deref(), Some("pending"));
    let same_origin: &[(&str, &str)] = &[("sec-fetch-site", "same-origin"), ("origin", SITE_URL)];
    let confirmed = post(&router, "/api/newsletter/confirm", &[("token", &confirm)], Via::PlainForm, same_origin).await;
    assert_eq!(confirmed.location.as_deref(), Some("/newsletter/confirm?result=ok"));
    assert_eq!(status_of(pool, "reader@example.com").await.as_deref(), Some("confirmed"));

    let left = post(&router, "/api/newsletter/unsubscribe", &[("token", &unsubscribe)], Via::Island, forged).await;
    assert_eq!((left.status, left.error.as_deref()), (StatusCode::FORBIDDEN, Some("cross-site")));
    assert_eq!(status_of(pool, "reader@example.com").await.as_deref(), Some("confirmed"));

    // RFC 8058: the mail provider's server posts with neither header, a web mail client may
    // post from its own site; the token is the authority.
    for headers in [&[][..], &[("sec-fetch-site", "cross-site"), ("origin", "https://mail.example")][..]] {
        let mut request = Request::post(format!("/newsletter/unsubscribe/one-click?token={unsubscribe}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response =
            router.clone().oneshot(request.body(Body::from("List-Unsubscribe=One-Click")).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{headers:?}");
    }
    assert_eq!(status_of(pool, "reader@example.com").await.as_deref(), Some("unsubscribed"));
}

#[tokio::test]
async fn the_no_javascript_redirect_always_stays_on_the_site() {
    let data = tempfile::tempdir().unwrap();
    let (router, _) = app_with_limit(data.path(), 0).await;
    let site = url::Url::parse(SITE_URL).unwrap();
    let table = [
        ("/articles/vitamin-d3-k2", "/articles/vitamin-d3-k2"),
        ("https://nourishvibes.example/about", "/about"),
        ("//evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("https:", "/"),
        ("javascript:alert(document.cookie)", "/"),
        ("/%2F%2Fevil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("/%0d%0aSet-Cookie:%20a=b", "/"),
        ("", "/"),
    ];
    for (n, (return_to, expected)) in table.into_iter().enumerate() {
        let fields = [
            ("email", &*format!("r{n}@example.com")),
            ("form", "community"),
            ("company", ""),
            ("return_to", return_to),
        ];
        let reply =
            post(&router, "/api/newsletter/subscribe", &fields, Via::PlainForm, &[("sec-fetch-site", "same-origin")])
                .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{return_to:?}");
        let location = reply.location.unwrap_or_default();
        assert_eq!(location, format!("{expected}?result=ok&form=community#community"), "return_to = {return_to:?}");
        // Read as a browser reads it, the Location lands on this site.
        let landed = site.join(&location).unwrap();
        assert_eq!(landed.origin(), site.origin(), "{return_to:?} -> {location:?}");
    }
}
