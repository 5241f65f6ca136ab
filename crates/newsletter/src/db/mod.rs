//! The newsletter's database: SQLite (a file under the data dir, one server) or PostgreSQL
//! (`NV_DATABASE_URL=postgres://…`, several servers), chosen at start.
//!
//! Every query is written once. [`on_pool!`] and [`on_tx!`] expand the code that runs it once
//! per engine, with `Db` naming the engine, so the same SQL and the same Rust are compiled
//! (and, by `server/tests/newsletter_store.rs`, tested) against both. Placeholders are `$1`,
//! `$2`, … which both drivers read. Where the engines need different words (row locks) the
//! SQL takes them from [`Dialect`]. This avoids `sqlx::Any` (its query builder writes `?`,
//! which PostgreSQL refuses, and it decodes every row through an owned copy) and a second,
//! hand-kept copy of each query that would drift.

mod postgres;
mod sqlite;
pub mod sqlite_backup;

pub use postgres::open_postgres;
pub use sqlite::{open_database, open_sqlite, SQLITE_FILE};

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::path::{Path, PathBuf};

/// The pool of the engine in use.
#[derive(Clone, Debug)]
pub enum Database {
    /// One server, a file under the data dir.
    Sqlite(SqlitePool),
    /// Several servers sharing one PostgreSQL database.
    Postgres(PgPool),
}

impl From<SqlitePool> for Database {
    fn from(pool: SqlitePool) -> Database {
        Database::Sqlite(pool)
    }
}

impl From<PgPool> for Database {
    fn from(pool: PgPool) -> Database {
        Database::Postgres(pool)
    }
}

/// What `NV_DATABASE_URL` asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file: `data_dir/nourishvibes.sqlite3` when unset or `sqlite://` alone,
    /// otherwise the path after `sqlite://`.
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL.
    Postgres(String),
}

impl DatabaseUrl {
    /// Reads the setting: unset or empty means the SQLite file under `data_dir`. Refuses other
    /// schemes.
    pub fn parse(value: Option<&str>, data_dir: &Path) -> Result<DatabaseUrl, String> {
        let in_data_dir = || DatabaseUrl::Sqlite(data_dir.join(SQLITE_FILE));
        match value.map(str::trim).filter(|value| !value.is_empty()) {
            None => Ok(in_data_dir()),
            Some(url) if url.starts_with("sqlite:") => {
                let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
                let path = path.split_once('?').map_or(path, |(path, _)| path);
                Ok(if path.is_empty() { in_data_dir() } else { DatabaseUrl::Sqlite(PathBuf::from(path)) })
            }
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(DatabaseUrl::Postgres(url.to_string()))
            }
            Some(_) => Err("NV_DATABASE_URL must be unset, sqlite://… or postgres://…".into()),
        }
    }

    /// Where the database is, for messages (no password).
    pub fn describe(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(file) => format!("SQLite file {}", file.display()),
            DatabaseUrl::Postgres(url) => {
                let host =
                    url.rsplit_once('@').map_or(url.split_once("://").map_or("", |(_, rest)| rest), |(_, host)| host);
                format!("PostgreSQL at {host}")
            }
        }
    }
}

impl Database {
    /// Opens the database `url` names and applies its engine's migrations.
    pub async fn open(url: &DatabaseUrl) -> Result<Database, sqlx::Error> {
        Ok(match url {
            DatabaseUrl::Sqlite(file) => Database::Sqlite(open_sqlite(file).await?),
            DatabaseUrl::Postgres(url) => Database::Postgres(open_postgres(url).await?),
        })
    }

    /// The SQLite pool, if that is the engine (tests look into the file with it).
    pub fn sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Database::Sqlite(pool) => Some(pool),
            Database::Postgres(_) => None,
        }
    }

    /// Starts a write transaction. SQLite: `BEGIN IMMEDIATE`, which takes the write lock at
    /// once, so a transaction never fails upgrading a read lock. PostgreSQL: read committed,
    /// with row locks where a read decides a write ([`Dialect::FOR_UPDATE`]).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Database::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Database::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Closes every connection (shutdown).
    pub async fn close(&self) {
        match self {
            Database::Sqlite(pool) => pool.close().await,
            Database::Postgres(pool) => pool.close().await,
        }
    }
}

/// An open write transaction on either engine.
pub enum Tx {
    /// On SQLite.
    Sqlite(Transaction<'static, Sqlite>),
    /// On PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// Commits.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    /// Rolls back.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
        }
    }
}

/// The few words of SQL that differ between the engines.
pub trait Dialect {
    /// Appended to a `SELECT` whose rows the transaction then changes depending on what it
    /// read: PostgreSQL locks them until commit, so two servers cannot both act on the old
    /// values. Empty on SQLite, whose write transaction holds the whole database.
    const FOR_UPDATE: &'static str;
    /// Like [`Dialect::FOR_UPDATE`], but rows another transaction holds are passed over instead
    /// of waited for (claiming outbox mail: each server takes different rows).
    const SKIP_LOCKED: &'static str;
}

impl Dialect for Sqlite {
    const FOR_UPDATE: &'static str = "";
    const SKIP_LOCKED: &'static str = "";
}

impl Dialect for Postgres {
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
}

/// `on_pool!(database, pool => body)`: runs `body` with `pool` the engine's pool (`&SqlitePool`
/// or `&PgPool`) and the type `Db` naming the engine. The body is compiled once per engine.
macro_rules! on_pool {
    ($database:expr, $pool:ident => $body:expr) => {
        match $database {
            $crate::db::Database::Sqlite($pool) => {
                #[allow(dead_code)]
                type Db = sqlx::Sqlite;
                $body
            }
            $crate::db::Database::Postgres($pool) => {
                #[allow(dead_code)]
                type Db = sqlx::Postgres;
                $body
            }
        }
    };
}

/// `on_tx!(tx, conn => body)`: like [`on_pool!`] inside an open [`Tx`]; `conn` is the engine's
/// `&mut Transaction`, so queries run on `&mut **conn`.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite($conn) => {
                #[allow(dead_code)]
                type Db = sqlx::Sqlite;
                $body
            }
            $crate::db::Tx::Postgres($conn) => {
                #[allow(dead_code)]
                type Db = sqlx::Postgres;
                $body
            }
        }
    };
}

pub(crate) use {on_pool, on_tx};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_chooses_the_engine_and_refuses_others() {
        let data = Path::new("data");
        let default = DatabaseUrl::Sqlite(data.join("nourishvibes.sqlite3"));
        assert_eq!(DatabaseUrl::parse(None, data), Ok(default.clone()));
        assert_eq!(DatabaseUrl::parse(Some(" "), data), Ok(default.clone()));
        assert_eq!(DatabaseUrl::parse(Some("sqlite://"), data), Ok(default));
        let file = DatabaseUrl::Sqlite(PathBuf::from("/var/lib/nv/news.db"));
        assert_eq!(DatabaseUrl::parse(Some("sqlite:///var/lib/nv/news.db"), data), Ok(file));
        let url = "postgres://nv:secret@db.internal:5432/nv";
        assert_eq!(DatabaseUrl::parse(Some(url), data), Ok(DatabaseUrl::Postgres(url.into())));
        assert!(DatabaseUrl::parse(Some("mysql://x"), data).is_err());
        let shown = DatabaseUrl::Postgres(url.into()).describe();
        assert_eq!(shown, "PostgreSQL at db.internal:5432/nv");
    }
}
