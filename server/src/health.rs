//! `/healthz` and `/readyz` for load balancers and orchestrators: plain text, never cached
//! (`no-store` here; the page cache keeps HTML only).

use app::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::time::Duration;

/// How long `/readyz` waits for the database's write lock before calling it busy.
const WRITE_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The two health routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

/// The process answers.
async fn healthz() -> Response {
    plain(StatusCode::OK, "ok\n".into())
}

/// The content is loaded (the server does not start without it) and the database takes a
/// write transaction, or, while writes have been failing, a real write; 503 with the reason
/// otherwise. A failed content reload is reported but
/// stays 200: the instance serves the last good content, and taking every instance out of the
/// load balancer because the same broken file reached them all would take the site down.
async fn readyz(State(state): State<AppState>) -> Response {
    let state = state.current();
    let reload = match state.live.last_failure() {
        None => String::new(),
        Some(failure) => {
            let at = failure.at.duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_secs());
            format!(
                "last content reload FAILED (at unix time {at}, {} problem(s); the content before it is served):\n{}",
                failure.errors.len(),
                failure.errors.iter().map(|error| format!("  {error}\n")).collect::<String>()
            )
        }
    };
    let store = &state.newsletter.store;
    // While writes are refused (a full disk), a real write finds out whether they work again:
    // nothing else may be writing, and taking a lock would not tell.
    if store.writes().is_failing() {
        let probe = tokio::time::timeout(WRITE_CHECK_TIMEOUT, store.probe_write()).await;
        if let Some(refusal) = store.writes().refusal() {
            let seconds = refusal.since.elapsed().as_secs();
            let detail = match probe {
                Ok(Err(error)) => error.to_string(),
                _ => refusal.reason,
            };
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: the database refuses writes (for {seconds} s): {detail}\n{reload}"),
            );
        }
    }
    let database = store.database();
    // A write transaction as a signup starts it (on SQLite, BEGIN IMMEDIATE takes the write
    // lock a signup needs; on PostgreSQL a connection from the pool); the rollback writes nothing.
    let check = tokio::time::timeout(WRITE_CHECK_TIMEOUT, async {
        let transaction = database.begin().await?;
        transaction.rollback().await
    })
    .await;
    match check {
        Ok(Ok(())) => plain(
            StatusCode::OK,
            format!("ready: {} articles, database writable\n{reload}", state.content.article_count()),
        ),
        Ok(Err(sqlx::Error::PoolClosed)) => plain(StatusCode::SERVICE_UNAVAILABLE, "not ready: shutting down\n".into()),
        Ok(Err(error)) => {
            tracing::warn!("readyz: the database refused a write transaction: {error}");
            plain(StatusCode::SERVICE_UNAVAILABLE, "not ready: the database is not writable\n".into())
        }
        Err(_) => {
            tracing::warn!("readyz: no write lock on the database within {WRITE_CHECK_TIMEOUT:?}");
            plain(StatusCode::SERVICE_UNAVAILABLE, "not ready: the database is busy\n".into())
        }
    }
}

fn plain(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
