//! Opening the SQLite database: a file (by default under the data dir), WAL, busy timeout,
//! embedded migrations (crates/newsletter/migrations/sqlite).

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Connection;
use std::path::Path;
use std::time::Duration;

/// The database file's name under the data dir.
pub const SQLITE_FILE: &str = "nourishvibes.sqlite3";

/// Opens (creating if needed) `data_dir/nourishvibes.sqlite3` and applies the migrations.
pub async fn open_database(data_dir: &Path) -> Result<SqlitePool, sqlx::Error> {
    open_sqlite(&data_dir.join(SQLITE_FILE)).await
}

/// Opens (creating it and its folder if needed) the SQLite database `file` and applies the
/// migrations.
///
/// One connection: every write runs on it in turn, so concurrent signups queue in the pool
/// instead of failing with `SQLITE_BUSY`; `busy_timeout` covers other processes (a backup, the
/// sqlite3 shell), and write transactions start with `BEGIN IMMEDIATE` so they never need to
/// upgrade a read lock.
///
/// A connection that comes back to the pool still inside a transaction is closed, not reused
/// (see [`left_in_a_transaction`]).
pub async fn open_sqlite(file: &Path) -> Result<SqlitePool, sqlx::Error> {
    if let Some(folder) = file.parent().filter(|folder| !folder.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)?;
    }
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an acknowledged signup survives a power cut, not only a crash.
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .after_release(|connection, _| {
            Box::pin(async move {
                // The rollback a dropped transaction queued runs before this ping answers.
                connection.ping().await?;
                Ok(!left_in_a_transaction(connection))
            })
        })
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    Ok(pool)
}

/// Whether `connection` still counts an open transaction after its user let it go. A failed
/// COMMIT (disk full, I/O error) can leave SQLite's transaction rolled back while sqlx still
/// counts it open; its rollback then fails too, and every later `BEGIN` on that connection is
/// refused ("begin_with at non-zero transaction depth") until the process restarts. Such a
/// connection is closed instead, and the pool opens a fresh one.
fn left_in_a_transaction(connection: &sqlx::SqliteConnection) -> bool {
    connection.is_in_transaction()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::migrate::Migrator;

    async fn scalar(pool: &SqlitePool, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap_or_else(|error| panic!("{sql}: {error}"))
    }

    /// A database as the first release left it: only the first migration applied.
    async fn database_before_case_merge(data_dir: &Path) -> SqlitePool {
        let first = tempfile::tempdir().unwrap();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite/0001_newsletter.sql");
        std::fs::copy(source, first.path().join("0001_newsletter.sql")).unwrap();
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join("nourishvibes.sqlite3"))
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
        Migrator::new(first.path()).await.unwrap().run(&pool).await.unwrap();
        pool
    }

    #[tokio::test]
    async fn a_connection_left_in_a_broken_transaction_is_replaced_not_reused() {
        let data = tempfile::tempdir().unwrap();
        let pool = open_database(data.path()).await.unwrap();
        // What a failed COMMIT leaves: SQLite has no transaction any more, sqlx counts one, so
        // the rollback on drop fails (the pool's only connection).
        let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        sqlx::raw_sql("ROLLBACK").execute(&mut *transaction).await.unwrap();
        drop(transaction);
        for attempt in 0..3 {
            let transaction = pool.begin_with("BEGIN IMMEDIATE").await;
            let mut transaction = transaction.unwrap_or_else(|error| panic!("attempt {attempt}: {error}"));
            sqlx::query("INSERT INTO subscribers (email, status, created_at) VALUES ($1, 'pending', 1)")
                .bind(format!("after-{attempt}@example.com"))
                .execute(&mut *transaction)
                .await
                .unwrap();
            transaction.commit().await.unwrap();
        }
        assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM subscribers").await, 3);
    }

    #[tokio::test]
    async fn spellings_of_one_address_are_merged_keeping_the_latest_decision_and_all_history() {
        let data = tempfile::tempdir().unwrap();
        let old = database_before_case_merge(data.path()).await;
        let rows = [
            // Ann confirmed, then signed up again under another spelling: that pending signup is newer.
            "(1, 'Ann@Example.com', 'confirmed', 100, 200, NULL, 100)",
            "(2, 'ann@example.com', 'pending', 300, NULL, NULL, 300)",
            // Bob confirmed one spelling, then unsubscribed with the other: he stays unsubscribed.
            "(3, 'BOB@example.com', 'unsubscribed', 100, 150, 500, 100)",
            "(4, 'bob@example.com', 'confirmed', 200, 250, NULL, 200)",
            "(5, 'Carol@example.com', 'pending', 100, NULL, NULL, 100)",
        ];
        let insert = format!(
            "INSERT INTO subscribers (id, email, status, created_at, confirmed_at, unsubscribed_at, last_confirmation_mail_at) VALUES {}",
            rows.join(", ")
        );
        sqlx::query(&insert).execute(&old).await.unwrap();
        for id in 1..=5 {
            sqlx::query(
                "INSERT INTO consent_events (subscriber_id, event, at, source) VALUES (?, 'signup', 100, 'footer')",
            )
            .bind(id)
            .execute(&old)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO tokens (hash, subscriber_id, purpose, created_at) VALUES (?, ?, 'unsubscribe', 100)",
            )
            .bind(vec![id as u8; 32])
            .bind(id)
            .execute(&old)
            .await
            .unwrap();
        }
        sqlx::query(
            "INSERT INTO outbox (subscriber_id, recipient, subject, body, list_unsubscribe, created_at, next_attempt_at)
             VALUES (4, 'bob@example.com', 'Confirm', 'token inside', 'https://x/one-click', 200, 200)",
        )
        .execute(&old)
        .await
        .unwrap();
        old.close().await;

        let pool = open_database(data.path()).await.expect("the migration runs");
        let subscribers: Vec<(i64, String, String, Option<i64>)> =
            sqlx::query_as("SELECT id, email, status, last_confirmation_mail_at FROM subscribers ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        let expected = [
            (2, "ann@example.com".to_string(), "pending".to_string(), Some(300)),
            (3, "bob@example.com".to_string(), "unsubscribed".to_string(), Some(200)),
            (5, "carol@example.com".to_string(), "pending".to_string(), Some(100)),
        ];
        assert_eq!(subscribers, expected);
        // The whole history and every token is kept, now on the surviving rows.
        assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM consent_events").await, 5);
        assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM consent_events WHERE subscriber_id = 2").await, 2);
        assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM tokens WHERE subscriber_id = 3").await, 2);
        // Mail queued for the unsubscribed reader under the other spelling is not sent.
        let (owner, failed, body): (i64, Option<i64>, Option<String>) =
            sqlx::query_as("SELECT subscriber_id, failed_at, body FROM outbox").fetch_one(&pool).await.unwrap();
        assert_eq!((owner, failed.is_some(), body), (3, true, None));
        // And the database refuses a second spelling from now on.
        let again =
            sqlx::query("INSERT INTO subscribers (email, status, created_at) VALUES ('ANN@example.com', 'pending', 1)")
                .execute(&pool)
                .await;
        assert!(again.is_err(), "a second spelling was stored");
    }
}
