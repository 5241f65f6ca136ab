//! Router-level tests of the newsletter: signups, double opt-in, unsubscribe, abuse and bad input,
//! through the real router and a real SQLite file.

use crate::common;

use app::newsletter::api::{NewsletterError, ERROR_HEADER, SIGNUP_ACCEPTED};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::{app_with_data, app_with_limit, count, encode, status_of, tokens_in_mail};

/// The message a reader sees for an error response of a server function: the form island reads
/// the error's code from the `x-newsletter-error` header (the body is JSON for other clients).
fn message(reply: &Reply) -> String {
    let code = reply.error.as_deref().unwrap_or_else(|| panic!("no {ERROR_HEADER} header: {}", reply.body));
    let error = NewsletterError::from_code(code);
    assert_eq!(
        serde_json::from_str::<NewsletterError>(&reply.body).ok().as_ref(),
        Some(&error),
        "the JSON body names the same error"
    );
    error.to_string()
}

/// A response, read whole.
struct Reply {
    status: StatusCode,
    location: Option<String>,
    set_cookie: bool,
    error: Option<String>,
    body: String,
}

async fn send(router: &Router, request: Request<Body>) -> Reply {
    let reply = common::client::send(router, request).await;
    Reply {
        status: reply.status,
        location: reply.header(header::LOCATION.as_str()),
        set_cookie: reply.headers.contains_key(header::SET_COOKIE),
        error: reply.header(ERROR_HEADER),
        body: reply.text(),
    }
}

/// POSTs a form body to `path` as the hydrated page does (`json`) or as a plain HTML form.
async fn post_form(router: &Router, path: &str, fields: &[(&str, &str)], json: bool) -> Reply {
    let body = fields.iter().map(|(key, value)| format!("{key}={}", encode(value))).collect::<Vec<_>>().join("&");
    let accept = if json { "application/json" } else { "text/html,application/xhtml+xml,*/*;q=0.8" };
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, body.len())
        .header(header::ACCEPT, accept)
        .header(header::REFERER, "https://nourishvibes.example/articles/vitamin-d3-k2")
        .body(Body::from(body))
        .unwrap();
    send(router, request).await
}

async fn subscribe(router: &Router, email: &str) -> Reply {
    post_form(
        router,
        "/api/newsletter/subscribe",
        &[("email", email), ("form", "newsletter-inline"), ("company", ""), ("return_to", "/articles/vitamin-d3-k2")],
        true,
    )
    .await
}

#[tokio::test]
async fn a_signup_is_pending_with_one_queued_mail_and_a_consent_record() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_data(data.path()).await;
    let pool = newsletter.store.database().sqlite().unwrap();

    let reply = subscribe(&router, "  Reader@Example.COM ").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(serde_json::from_str::<String>(&reply.body).unwrap(), SIGNUP_ACCEPTED);
    assert_eq!(status_of(pool, "reader@example.com").await.as_deref(), Some("pending"));
    assert_eq!(count(pool, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").await, 1);
    let (source, privacy): (String, String) =
        sqlx::query_as("SELECT source, privacy_version FROM consent_events WHERE event = 'signup'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(source, "article (inline)");
    assert_eq!(privacy, "privacy@2026-12-06");
    // Only hashes are stored: no token of the mail appears in the tokens table.
    let (confirm, unsubscribe) = tokens_in_mail(pool, "reader@example.com").await;
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT hash FROM tokens").fetch_all(pool).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored
        .iter()
        .all(|hash| hash.len() == 32 && *hash != confirm.as_bytes() && *hash != unsubscribe.as_bytes()));
}

#[tokio::test]
async fn every_kind_of_address_gets_the_same_answer_and_no_second_mail_within_the_hour() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_data(data.path()).await;
    let pool = newsletter.store.database().sqlite().unwrap();

    let new = subscribe(&router, "pending@example.com").await;
    let pending_again = subscribe(&router, "pending@example.com").await;
    assert_eq!(count(pool, "SELECT COUNT(*) FROM outbox").await, 1, "no second mail within the hour");

    subscribe(&router, "confirmed@example.com").await;
    let (confirm, unsubscribe) = tokens_in_mail(pool, "confirmed@example.com").await;
    newsletter.store.confirm(&confirm).await.unwrap();
    let confirmed = subscribe(&router, "confirmed@example.com").await;
    newsletter.store.unsubscribe(&unsubscribe, "test").await.unwrap();
    let unsubscribed = subscribe(&router, "confirmed@example.com").await;

    for reply in [&pending_again, &confirmed, &unsubscribed] {
        assert_eq!((reply.status, &reply.body), (new.status, &new.body));
    }
    assert_eq!(
        status_of(pool, "confirmed@example.com").await.as_deref(),
        Some("pending"),
        "signing up again re-opts in"
    );
    // The unsubscribe is kept in the history.
    assert_eq!(count(pool, "SELECT COUNT(*) FROM consent_events WHERE event = 'unsubscribe'").await, 1);
}

#[tokio::test]
async fn addresses_that_differ_only_in_letter_case_are_one_subscriber() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_data(data.path()).await;
    let pool = newsletter.store.database().sqlite().unwrap();
    let first = subscribe(&router, "Case.Reader@Example.com").await;
    let second = subscribe(&router, "case.reader@example.COM").await;
    let third = subscribe(&router, "CASE.READER@EXAMPLE.COM").await;
    for reply in [&first, &second, &third] {
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    assert_eq!(count(pool, "SELECT COUNT(*) FROM subscribers").await, 1);
    assert_eq!(status_of(pool, "case.reader@example.com").await.as_deref(), Some("pending"));
    assert_eq!(count(pool, "SELECT COUNT(*) FROM outbox").await, 1, "one confirmation mail, not one per spelling");
    assert_eq!(
        count(pool, "SELECT COUNT(*) FROM consent_events WHERE event = 'signup'").await,
        3,
        "every signup is in the history"
    );

    // Confirmed under one spelling, a signup under another changes nothing and sends nothing.
    let (confirm, _) = tokens_in_mail(pool, "case.reader@example.com").await;
    newsletter.store.confirm(&confirm).await.unwrap();
    subscribe(&router, "Case.READER@example.com").await;
    assert_eq!(status_of(pool, "case.reader@example.com").await.as_deref(), Some("confirmed"));
    assert_eq!(count(pool, "SELECT COUNT(*) FROM subscribers").await, 1);
}

#[tokio::test]
async fn the_honeypot_gets_the_same_answer_and_stores_nothing() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_data(data.path()).await;
    let reply = post_form(
        &router,
        "/api/newsletter/subscribe",
        &[("email", "bot@example.com"), ("form", "community"), ("company", "Acme Pills Ltd"), ("return_to", "/")],
        true,
    )
    .await;
    let person = subscribe(&router, "person@example.com").await;
    assert_eq!((reply.status, &reply.body), (person.status, &person.body));
    assert_eq!(status_of(newsletter.store.database().sqlite().unwrap(), "bot@example.com").await, None);
    assert_eq!(
        count(
            newsletter.store.database().sqlite().unwrap(),
            "SELECT COUNT(*) FROM outbox WHERE recipient = 'bot@example.com'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn invalid_addresses_get_a_specific_message_and_422() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_data(data.path()).await;
    for (input, expected) in [
        ("reader.example.com", "needs an @"),
        ("reader@[192.0.2.1]", "IP address"),
        ("two words@example.com", "before the @"),
        ("reader@localhost", "domain name like example.com"),
    ] {
        let reply = subscribe(&router, input).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{input}");
        assert!(message(&reply).contains(expected), "{input}: {}", reply.body);
    }
    // IDN domains are converted to ASCII and stored that way.
    assert_eq!(subscribe(&router, "leser@Bücher.example").await.status, StatusCode::OK);
    assert_eq!(
        status_of(newsletter.store.database().sqlite().unwrap(), "leser@xn--bcher-kva.example").await.as_deref(),
        Some("pending")
    );
}

#[tokio::test]
async fn the_sixth_signup_from_one_network_in_ten_minutes_gets_429() {
    let data = tempfile::tempdir().unwrap();
    let (router, _) = app_with_data(data.path()).await;
    for n in 0..5 {
        assert_eq!(subscribe(&router, &format!("reader{n}@example.com")).await.status, StatusCode::OK);
    }
    let reply = subscribe(&router, "reader5@example.com").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(message(&reply).contains("Too many signups"), "{}", reply.body);
}

#[tokio::test]
async fn oversized_bodies_get_413_and_malformed_ones_400() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_data(data.path()).await;
    let huge = "a".repeat(20_000);
    let reply = subscribe(&router, &format!("{huge}@example.com")).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);

    for body in ["form=newsletter-inline", "email=%ZZ%&&==", "\u{0}\u{1}garbage"] {
        let request = Request::post("/api/newsletter/subscribe")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(body))
            .unwrap();
        let reply = send(&router, request).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body:?}: {}", reply.body);
        assert!(message(&reply).contains("couldn't read that form"), "{body:?}: {}", reply.body);
    }
    let unknown_form =
        post_form(&router, "/api/newsletter/subscribe", &[("email", "a@example.com"), ("form", "elsewhere")], true)
            .await;
    assert_eq!(unknown_form.status, StatusCode::BAD_REQUEST);
    assert_eq!(count(newsletter.store.database().sqlite().unwrap(), "SELECT COUNT(*) FROM subscribers").await, 0);
}

#[tokio::test]
async fn without_javascript_the_form_redirects_back_with_the_result() {
    let data = tempfile::tempdir().unwrap();
    let (router, _) = app_with_data(data.path()).await;
    let fields =
        |email| [("email", email), ("form", "community"), ("company", ""), ("return_to", "/articles/vitamin-d3-k2")];
    let ok = post_form(&router, "/api/newsletter/subscribe", &fields("plain@example.com"), false).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location.as_deref(), Some("/articles/vitamin-d3-k2?result=ok&form=community#community"));
    let again = post_form(&router, "/api/newsletter/subscribe", &fields("plain@example.com"), false).await;
    assert_eq!(again.location, ok.location, "no enumeration without JavaScript either");

    let bad = post_form(&router, "/api/newsletter/subscribe", &fields("plain.example.com"), false).await;
    assert_eq!(bad.status, StatusCode::SEE_OTHER);
    let location = bad.location.expect("redirect");
    assert_eq!(location, "/articles/vitamin-d3-k2?result=missing-at&form=community#community");

    // The page it lands on shows the message next to that form.
    let page = send(&router, Request::get(location.split('#').next().unwrap()).body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("An email address needs an @ with text on both sides"), "message shown");

    let foreign = post_form(
        &router,
        "/api/newsletter/subscribe",
        &[("email", "x@example.com"), ("form", "community"), ("return_to", "//evil.example/")],
        false,
    )
    .await;
    assert_eq!(foreign.location.as_deref(), Some("/?result=ok&form=community#community"));
}

#[tokio::test]
async fn opening_the_confirmation_link_does_not_confirm_pressing_the_button_does() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_data(data.path()).await;
    let pool = newsletter.store.database().sqlite().unwrap();
    subscribe(&router, "confirm.me@example.com").await;
    let (confirm, _) = tokens_in_mail(pool, "confirm.me@example.com").await;

    let page =
        send(&router, Request::get(format!("/newsletter/confirm?token={confirm}")).body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Confirm my subscription"));
    assert_eq!(status_of(pool, "confirm.me@example.com").await.as_deref(), Some("pending"), "a GET changes nothing");

    let wrong = post_form(&router, "/api/newsletter/confirm", &[("token", &"0".repeat(64))], true).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert!(message(&wrong).contains("invalid or has expired"));

    let reply = post_form(&router, "/api/newsletter/confirm", &[("token", &confirm)], true).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(status_of(pool, "confirm.me@example.com").await.as_deref(), Some("confirmed"));
    assert_eq!(count(pool, "SELECT COUNT(*) FROM consent_events WHERE event = 'confirm'").await, 1);
    let plain = post_form(&router, "/api/newsletter/confirm", &[("token", &confirm)], false).await;
    assert_eq!(plain.location.as_deref(), Some("/newsletter/confirm?result=ok"), "a second press is harmless");
}

#[tokio::test]
async fn one_click_unsubscribe_answers_200_without_redirect_or_cookie_and_twice_is_harmless() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_data(data.path()).await;
    let pool = newsletter.store.database().sqlite().unwrap();
    subscribe(&router, "leaving@example.com").await;
    let (_, unsubscribe) = tokens_in_mail(pool, "leaving@example.com").await;

    for _ in 0..2 {
        let request = Request::post(format!("/newsletter/unsubscribe/one-click?token={unsubscribe}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("List-Unsubscribe=One-Click"))
            .unwrap();
        let reply = send(&router, request).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.location, None);
        assert!(!reply.set_cookie);
    }
    assert_eq!(status_of(pool, "leaving@example.com").await.as_deref(), Some("unsubscribed"));
    assert_eq!(count(pool, "SELECT COUNT(*) FROM consent_events WHERE event = 'unsubscribe'").await, 1);
    assert_eq!(
        count(pool, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL").await,
        0,
        "unsent mail dropped"
    );

    // Opened in a browser, the one-click URL leads to the page with a button instead.
    let opened = send(
        &router,
        Request::get(format!("/newsletter/unsubscribe/one-click?token={unsubscribe}")).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(opened.location, Some(format!("/newsletter/unsubscribe?token={unsubscribe}")));
    let bogus = send(
        &router,
        Request::post("/newsletter/unsubscribe/one-click?token=nope")
            .body(Body::from("List-Unsubscribe=One-Click"))
            .unwrap(),
    )
    .await;
    assert_eq!(bogus.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn concurrent_signups_all_succeed() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_limit(data.path(), 0).await;
    let mut tasks = Vec::new();
    for n in 0..100 {
        let router = router.clone();
        tasks.push(tokio::spawn(async move { subscribe(&router, &format!("many{n}@example.com")).await.status }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(count(newsletter.store.database().sqlite().unwrap(), "SELECT COUNT(*) FROM subscribers").await, 100);
}

#[tokio::test]
async fn confirmation_links_expire_after_48_hours() {
    use nv_newsletter::{open_database, Store};
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;

    let data = tempfile::tempdir().unwrap();
    let now = Arc::new(AtomicI64::new(1_800_000_000));
    let reader = now.clone();
    let store = Store::new(
        open_database(data.path()).await.unwrap(),
        common::SITE_URL,
        Some(Arc::new(move || reader.load(Ordering::SeqCst))),
    );
    store.signup("late@example.com", "footer", "privacy@2026-02-15").await.unwrap();
    store.signup("early@example.com", "footer", "privacy@2026-02-15").await.unwrap();
    let (late, _) = tokens_in_mail(store.database().sqlite().unwrap(), "late@example.com").await;
    let (early, _) = tokens_in_mail(store.database().sqlite().unwrap(), "early@example.com").await;

    now.fetch_add(47 * 3600, Ordering::SeqCst);
    assert_eq!(store.confirm(&early).await, Ok(()));
    now.fetch_add(2 * 3600, Ordering::SeqCst);
    assert_eq!(store.confirm(&late).await, Err(nv_newsletter::StoreError::InvalidLink));
    assert_eq!(status_of(store.database().sqlite().unwrap(), "late@example.com").await.as_deref(), Some("pending"));
    // An hour after the first mail, signing up again sends a fresh link.
    store.signup("late@example.com", "footer", "privacy@2026-02-15").await.unwrap();
    assert_eq!(
        count(store.database().sqlite().unwrap(), "SELECT COUNT(*) FROM outbox WHERE recipient = 'late@example.com'")
            .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_signups_are_all_kept_and_an_address_is_mailed_once() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_limit(data.path(), 0).await;
    // Signups arriving together are committed together: every one must still be recorded,
    // and the same address twice in one batch still gets a single confirmation mail.
    let mut signups = tokio::task::JoinSet::new();
    for n in 0..60 {
        let router = router.clone();
        let email = if n % 10 == 0 { "twice@example.com".to_string() } else { format!("reader{n}@example.com") };
        signups.spawn(async move { subscribe(&router, &email).await.status });
    }
    while let Some(status) = signups.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    let pool = newsletter.store.database().sqlite().unwrap();
    assert_eq!(count(pool, "SELECT COUNT(*) FROM subscribers").await, 55);
    assert_eq!(count(pool, "SELECT COUNT(*) FROM consent_events WHERE event = 'signup'").await, 60);
    assert_eq!(count(pool, "SELECT COUNT(*) FROM outbox").await, 55);
    assert_eq!(count(pool, "SELECT COUNT(*) FROM outbox WHERE recipient = 'twice@example.com'").await, 1);
}
