//! Opening the PostgreSQL database (`NV_DATABASE_URL=postgres://…`): a pool per server and the
//! embedded migrations (crates/newsletter/migrations/postgres), applied by whichever server starts first.

use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

/// Connections per server: signups are written in batches by one writer, the delivery worker
/// claims and records mail, the scheduler queues issues and pages read the archive; a few
/// connections cover that and leave the database's `max_connections` for more servers.
const MAX_CONNECTIONS: u32 = 8;

/// Connects to `url` and applies the migrations. Several servers starting at once are safe:
/// sqlx takes an advisory lock around the migrations, so one applies them and the others wait.
pub async fn open_postgres(url: &str) -> Result<PgPool, sqlx::Error> {
    let pool = PgPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await?;
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    Ok(pool)
}
