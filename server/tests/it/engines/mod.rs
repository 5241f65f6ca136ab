//! A fresh, empty newsletter database on each engine: SQLite in a temporary folder, or a new
//! database in the PostgreSQL cluster `NV_TEST_POSTGRES_URL` points at (scripts/test.sh starts
//! a throwaway cluster on loopback and sets it). Tests that need PostgreSQL are `#[ignore]`d
//! without it; `scripts/test.sh` runs them with `--run-ignored all`.
#![allow(dead_code)]

use nv_newsletter::{open_database, open_postgres, Database};
use sqlx::Connection;

/// The note on tests that need the PostgreSQL cluster.
pub const NEEDS_POSTGRES: &str = "needs NV_TEST_POSTGRES_URL (scripts/test.sh starts a PostgreSQL cluster)";

/// Which engine a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

/// A database of its own for one test; SQLite's folder goes when this is dropped.
pub struct Fresh {
    /// The open database (migrations applied).
    pub database: Database,
    /// For PostgreSQL: its URL, so a second "server" can open its own pool on it.
    pub url: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

/// An empty database on `engine`.
pub async fn fresh(engine: Engine) -> Fresh {
    match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let database = Database::from(open_database(dir.path()).await.expect("SQLite opens"));
            Fresh { database, url: None, _dir: Some(dir) }
        }
        Engine::Postgres => {
            let url = new_postgres_database().await;
            let database = Database::from(open_postgres(&url).await.expect("PostgreSQL opens and migrates"));
            Fresh { database, url: Some(url), _dir: None }
        }
    }
}

/// The cluster's URL from `NV_TEST_POSTGRES_URL`.
pub fn cluster_url() -> String {
    std::env::var("NV_TEST_POSTGRES_URL").ok().filter(|url| !url.trim().is_empty()).unwrap_or_else(|| {
        panic!(
            "NV_TEST_POSTGRES_URL is not set: run scripts/test.sh, or start a cluster (scripts/postgres.sh) and set it"
        )
    })
}

/// Creates a database with a name of its own in the cluster and returns its URL.
pub async fn new_postgres_database() -> String {
    let cluster = cluster_url();
    let name = format!(
        "nv_test_{}_{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    );
    let mut admin = sqlx::PgConnection::connect(&cluster).await.expect("the test cluster answers");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    let base = cluster.split('?').next().unwrap_or(&cluster);
    let base = base.rsplit_once('/').map_or(base, |(base, _)| base);
    format!("{base}/{name}")
}

/// Generates one `#[tokio::test]` per engine for each listed `async fn NAME(engine: Engine)`:
/// `sqlite::NAME` and `postgres::NAME` (the latter ignored without the cluster).
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::engines::Engine::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[ignore = "needs NV_TEST_POSTGRES_URL (scripts/test.sh starts a PostgreSQL cluster)"]
                async fn $name() {
                    super::$name(super::engines::Engine::Postgres).await
                }
            )*
        }
    };
}
