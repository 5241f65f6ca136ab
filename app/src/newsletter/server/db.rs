//! Opening the SQLite database: file under the data dir, WAL, busy timeout, embedded migrations.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::time::Duration;

/// Opens (creating if needed) `data_dir/nourishvibes.sqlite3` and applies the migrations.
///
/// One connection: every write runs on it in turn, so concurrent signups queue in the pool
/// instead of failing with `SQLITE_BUSY`; `busy_timeout` covers other processes (a backup, the
/// sqlite3 shell), and write transactions start with `BEGIN IMMEDIATE` so they never need to
/// upgrade a read lock.
pub async fn open_database(data_dir: &Path) -> Result<SqlitePool, sqlx::Error> {
    std::fs::create_dir_all(data_dir)?;
    let options = SqliteConnectOptions::new()
        .filename(data_dir.join("nourishvibes.sqlite3"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an acknowledged signup survives a power cut, not only a crash.
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}
