//! `/healthz` and `/readyz`: plain answers for load balancers, never stored by the page cache,
//! and `/readyz` says why the server is not ready.

use crate::common;

use axum::http::{header, StatusCode};
use axum::Router;
use common::app_with_data;
use sqlx::{Connection, SqliteConnection};

async fn get(router: &Router, path: &str) -> (StatusCode, String, Option<String>) {
    let reply = common::client::get(router, path).await;
    (reply.status, reply.text(), reply.header(header::CACHE_CONTROL.as_str()))
}

#[tokio::test]
async fn healthz_answers_and_readyz_checks_the_database_each_time() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = app_with_data(data.path()).await;
    let (status, body, cache_control) = get(&router, "/healthz").await;
    assert_eq!((status, body.as_str(), cache_control.as_deref()), (StatusCode::OK, "ok\n", Some("no-store")));
    let (status, body, cache_control) = get(&router, "/readyz").await;
    assert_eq!((status, cache_control.as_deref()), (StatusCode::OK, Some("no-store")), "{body}");
    assert!(body.contains("database writable"), "{body}");

    // Another process holds the write lock (a backup, the sqlite3 shell): not ready, and the
    // answer is fresh, not the ready one from before.
    let url = format!("sqlite://{}", data.path().join("nourishvibes.sqlite3").display());
    let mut other = SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();
    let (status, body, _) = get(&router, "/readyz").await;
    assert_eq!((status, body.as_str()), (StatusCode::SERVICE_UNAVAILABLE, "not ready: the database is busy\n"));
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    assert_eq!(get(&router, "/readyz").await.0, StatusCode::OK);

    newsletter.store.database().close().await;
    let (status, body, _) = get(&router, "/readyz").await;
    assert_eq!((status, body.as_str()), (StatusCode::SERVICE_UNAVAILABLE, "not ready: shutting down\n"));
    assert_eq!(get(&router, "/healthz").await.0, StatusCode::OK);
}
