//! Reloading `content/` while the server runs: on SIGHUP (production) and, in development, on
//! every change a file watcher sees. The new content is built beside the old and swapped in
//! whole ([`LiveContent::reload`]); then every page cached from the old content is dropped.
//! Feeds, the sitemap and share images are keyed by the content's generation, and the search
//! index lives inside the content store, so they follow the swap on their own.

use crate::html_cache::HtmlCache;
use app::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use notify::{EventKind, RecursiveMode, Watcher};
use nv_content::error::ContentErrors;
use nv_content::live::{LiveContent, Reloaded};
use std::sync::Arc;
use std::time::Duration;

/// How long the watcher waits after a change for the next one before reloading: an editor's
/// save is often several events (write, rename, attributes), a `git checkout` hundreds.
const SETTLE: Duration = Duration::from_millis(100);

/// The development script that reloads an open page when the content changes.
const LIVE_CONTENT_SCRIPT: &str = include_str!("live_content.js");

/// Reloads the content and drops what was derived from the old.
#[derive(Clone)]
pub struct Reloader {
    live: Arc<LiveContent>,
    cache: Arc<HtmlCache>,
}

impl Reloader {
    /// Reloads `live`, clearing `cache` after each reload.
    pub fn new(live: Arc<LiveContent>, cache: Arc<HtmlCache>) -> Reloader {
        Reloader { live, cache }
    }

    /// The content this reloads.
    pub fn live(&self) -> &Arc<LiveContent> {
        &self.live
    }

    /// Loads the content again and swaps it in, then drops the cached pages (blocking: run it
    /// off the async threads, as [`Reloader::reload`] does). The cache is cleared after a
    /// failed reload too, so that development pages show (or stop showing) the problems.
    pub fn reload_blocking(&self) -> Result<Reloaded, ContentErrors> {
        let outcome = self.live.reload();
        // After the swap: a page rendered from the old content can no longer be stored.
        self.cache.clear();
        // The load's temporaries and, unless a request still reads it, the old store are freed.
        crate::memory::release_freed();
        outcome
    }

    /// [`Reloader::reload_blocking`] on a blocking thread, with the outcome logged: each
    /// problem on its own line, as `server check` prints them.
    pub async fn reload(&self) {
        let reloader = self.clone();
        let span = tracing::info_span!("content_reload");
        let reloading = tokio::task::spawn_blocking(move || reloader.reload_blocking());
        match tracing::Instrument::instrument(reloading, span).await {
            Ok(Ok(reloaded)) => {
                metrics::counter!("nv_content_reloads_total", "outcome" => "ok").increment(1);
                metrics::gauge!("nv_content_last_reload_duration_seconds").set(reloaded.took.as_secs_f64());
                metrics::gauge!("nv_content_last_reload_failed").set(0.0);
                tracing::info!(
                    articles = reloaded.articles,
                    took_ms = reloaded.took.as_millis() as u64,
                    "content reloaded"
                )
            }
            Ok(Err(errors)) => {
                metrics::counter!("nv_content_reloads_total", "outcome" => "failed").increment(1);
                metrics::gauge!("nv_content_last_reload_failed").set(1.0);
                tracing::error!("content reload FAILED; the last good content is still served.\n{errors}")
            }
            Err(error) => tracing::error!("content reload panicked; the last good content is still served: {error}"),
        }
    }
}

/// Reloads on every SIGHUP, for as long as the server runs.
pub async fn reload_on_sighup(reloader: Reloader) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(hangups) => hangups,
        Err(error) => {
            tracing::error!("cannot listen for SIGHUP, content reloads need a restart: {error}");
            return;
        }
    };
    while hangups.recv().await.is_some() {
        tracing::info!("SIGHUP: reloading content");
        reloader.reload().await;
    }
}

/// Watches the content folder and reloads after every change (development). The watcher stops
/// when the returned value is dropped.
pub fn watch(reloader: Reloader) -> notify::Result<notify::RecommendedWatcher> {
    let (changed, mut changes) = tokio::sync::mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reads (the reload's own among them) are not changes.
        if event.is_ok_and(|event| !matches!(event.kind, EventKind::Access(_) | EventKind::Other)) {
            let _ = changed.send(());
        }
    })?;
    let dir = reloader.live.source().dir.clone();
    watcher.watch(&dir, RecursiveMode::Recursive)?;
    reloader.live.set_watched(true);
    tracing::info!("watching {} for changes: pages reload by themselves", dir.display());
    tokio::spawn(async move {
        while changes.recv().await.is_some() {
            // Let a burst of events settle into one reload.
            loop {
                match tokio::time::timeout(SETTLE, changes.recv()).await {
                    Ok(Some(())) => continue,
                    Ok(None) => return,
                    Err(_) => break,
                }
            }
            reloader.reload().await;
        }
    });
    Ok(watcher)
}

/// The development routes the live-content script uses; 404 unless the content is watched.
pub fn routes() -> Router<AppState> {
    Router::new().route("/_dev/live-content.js", get(script)).route("/_dev/content-revision", get(revision))
}

async fn script(State(state): State<AppState>) -> Response {
    if !state.live.is_watched() {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        LIVE_CONTENT_SCRIPT,
    )
        .into_response()
}

/// The content's revision, which every reload advances; the script reloads the page when it
/// differs from the one the page was rendered with.
async fn revision(State(state): State<AppState>) -> Response {
    if !state.live.is_watched() {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        state.live.revision().to_string(),
    )
        .into_response()
}
