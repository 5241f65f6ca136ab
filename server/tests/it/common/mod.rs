//! Shared set-up for the router-level tests: the real router on the real content folder, with a
//! fresh SQLite database per test.
#![allow(dead_code)]

pub mod client;

use nv_content::live::{ContentSource, LiveContent};

use app::state::AppState;
use axum::extract::connect_info::MockConnectInfo;
use leptos::prelude::LeptosOptions;
use nv_newsletter::weekly::WeeklySettings;
use nv_newsletter::{open_database, Newsletter, RateLimiter, Store};
use server::html_cache::HtmlCache;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The site URL the tests configure.
pub const SITE_URL: &str = "https://nourishvibes.example";

/// The repository's `content/` folder.
pub fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

/// Copies the folder `from` to `to`, recursively (a content folder a test can change).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The app on the real content with a newsletter database in `data_dir` (no delivery worker,
/// so queued mail stays in the outbox for the test to see).
pub async fn app_with_data(data_dir: &Path) -> (axum::Router, Arc<Newsletter>) {
    app_with_limit(data_dir, 5).await
}

/// Like [`app_with_data`] with `signup_limit` signups per 10 minutes per client (0 = off).
pub async fn app_with_limit(data_dir: &Path, signup_limit: usize) -> (axum::Router, Arc<Newsletter>) {
    app_on(&content_dir(), data_dir, signup_limit).await
}

/// The app on the content folder `content` (production visibility: drafts hidden).
pub async fn app_on(content: &Path, data_dir: &Path, signup_limit: usize) -> (axum::Router, Arc<Newsletter>) {
    let options = LeptosOptions::builder().output_name("nourishvibes").build();
    app_with_options(options, content, data_dir, signup_limit).await
}

/// The app with the given Leptos options (e.g. production mode on a built site root).
pub async fn app_with_options(
    leptos_options: LeptosOptions,
    content: &Path,
    data_dir: &Path,
    signup_limit: usize,
) -> (axum::Router, Arc<Newsletter>) {
    let (state, newsletter) = state_with_options(leptos_options, content, data_dir, signup_limit).await;
    let router =
        server::build_router(state, content).layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 7], 50_000))));
    (router, newsletter)
}

/// The app on the real content, storing pages in `cache` so that the test can look into it.
pub async fn app_with_cache(cache: Arc<HtmlCache>) -> axum::Router {
    app_with_cache_on(&content_dir(), cache).await
}

/// [`app_with_cache`] on the content folder `content`.
pub async fn app_with_cache_on(content: &Path, cache: Arc<HtmlCache>) -> axum::Router {
    reloadable_app_on(content, cache).await.0
}

/// [`app_with_cache_on`], with what reloads its content (as SIGHUP does).
pub async fn reloadable_app_on(content: &Path, cache: Arc<HtmlCache>) -> (axum::Router, server::reload::Reloader) {
    let data = tempfile::tempdir().expect("temp dir");
    let options = LeptosOptions::builder().output_name("nourishvibes").build();
    let (state, _) = state_with_options(options, content, data.path(), 5).await;
    // The database file stays open; the folder may go.
    std::mem::forget(data);
    let reloader = server::reload::Reloader::new(state.live.clone(), cache.clone());
    let router = server::build_router_with_cache(state, content, cache)
        .layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 7], 50_000))));
    (router, reloader)
}

/// The app on the real content for a site at `site_url` instead of [`SITE_URL`] (e.g. `http`).
pub async fn app_for_site(site_url: &str) -> axum::Router {
    let data = tempfile::tempdir().expect("temp dir");
    let options = LeptosOptions::builder().output_name("nourishvibes").build();
    let (state, _) = state_for_site(options, &content_dir(), data.path(), 5, site_url).await;
    // The database file stays open; the folder may go.
    std::mem::forget(data);
    server::build_router(state, &content_dir()).layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 7], 50_000))))
}

/// The application state the test apps are built on.
pub async fn state_with_options(
    leptos_options: LeptosOptions,
    content: &Path,
    data_dir: &Path,
    signup_limit: usize,
) -> (AppState, Arc<Newsletter>) {
    state_for_site(leptos_options, content, data_dir, signup_limit, SITE_URL).await
}

/// [`state_with_options`] for a site at `site_url`.
pub async fn state_for_site(
    leptos_options: LeptosOptions,
    content: &Path,
    data_dir: &Path,
    signup_limit: usize,
    site_url: &str,
) -> (AppState, Arc<Newsletter>) {
    state_built(leptos_options, content, data_dir, signup_limit, site_url, None).await
}

/// [`state_with_options`] with the development preview of the coming weekly issue, composed
/// with `preview` (as the server sets it up when drafts are shown).
pub async fn state_with_preview(
    leptos_options: LeptosOptions,
    content: &Path,
    data_dir: &Path,
    preview: WeeklySettings,
) -> (AppState, Arc<Newsletter>) {
    state_built(leptos_options, content, data_dir, 5, SITE_URL, Some(preview)).await
}

/// The state, built through `server::build_state` with the newsletter the test needs.
async fn state_built(
    leptos_options: LeptosOptions,
    content: &Path,
    data_dir: &Path,
    signup_limit: usize,
    site_url: &str,
    preview: Option<WeeklySettings>,
) -> (AppState, Arc<Newsletter>) {
    let source =
        ContentSource { dir: content.to_path_buf(), site_url: site_url.into(), show_unpublished: false, cache: None };
    let live = Arc::new(LiveContent::load(source).unwrap_or_else(|errors| panic!("{errors}")));
    let pool = open_database(data_dir).await.expect("database opens");
    let newsletter = Arc::new(Newsletter {
        store: Store::new(pool, site_url, None),
        limiter: RateLimiter::new(signup_limit, Duration::from_secs(600)),
        outbox_signal: Arc::default(),
        trusted_proxy_hops: 0,
        search_misses: Arc::default(),
        preview,
    });
    let state = server::build_state(leptos_options, live, site_url.into(), newsletter.clone());
    (state, newsletter)
}

pub async fn app() -> axum::Router {
    let data = tempfile::tempdir().expect("temp dir");
    let (router, _) = app_with_data(data.path()).await;
    // The database file stays open; the folder may go.
    std::mem::forget(data);
    router
}

/// The confirmation and unsubscribe tokens in the newest queued mail for `email`.
pub async fn tokens_in_mail(pool: &sqlx::SqlitePool, email: &str) -> (String, String) {
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap();
    let token_after = |marker: &str| {
        let start = body.find(marker).unwrap_or_else(|| panic!("{marker} in {body}")) + marker.len();
        body[start..start + 64].to_string()
    };
    (token_after("/newsletter/confirm?token="), token_after("/newsletter/unsubscribe?token="))
}

/// The single number `sql` selects (a count).
pub async fn count(pool: &sqlx::SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.expect(sql)
}

/// The subscription status stored for `email`, if the address is known.
pub async fn status_of(pool: &sqlx::SqlitePool, email: &str) -> Option<String> {
    sqlx::query_scalar("SELECT status FROM subscribers WHERE email = ?").bind(email).fetch_optional(pool).await.unwrap()
}

/// A production app (versioned asset URLs) whose site root holds `files` (path, bytes), e.g. a
/// small built `/pkg`.
pub async fn production_app_with(files: &[(&str, &[u8])]) -> axum::Router {
    let site = tempfile::tempdir().expect("temp dir");
    for (path, bytes) in files {
        let path = site.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("site folder");
        std::fs::write(path, bytes).expect("site file");
    }
    let options = LeptosOptions::builder()
        .output_name("nourishvibes")
        .site_root(site.path().to_string_lossy().to_string())
        .env(leptos::config::Env::PROD)
        .build();
    let data = tempfile::tempdir().expect("temp dir");
    let (router, _) = app_with_options(options, &content_dir(), data.path(), 5).await;
    // The files must outlive this function; the folders are removed with the process.
    std::mem::forget((site, data));
    router
}

/// `value` percent-encoded for a form body (everything but unreserved characters).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
