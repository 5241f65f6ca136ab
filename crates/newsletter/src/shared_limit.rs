//! The signup rate limit across several servers (PostgreSQL): the same sliding window per
//! client network as [`RateLimiter`], kept in the shared database, so a client cannot get
//! `servers × limit` signups by landing on each server in turn. With SQLite there is one
//! server and its limiter in memory is exact and costs nothing.

use crate::db::Database;
use crate::rate_limit::{client_key, RateLimiter};
use crate::store::Store;
use std::net::IpAddr;
use std::sync::atomic::Ordering;

impl Store {
    /// Counts a signup attempt from `client` against `limiter`'s limit and window in the shared
    /// database and says whether it is allowed; `None` on SQLite (the caller's limiter in
    /// memory decides). One statement: the client's row is locked while it is changed, so
    /// two servers counting the same client at once see each other's attempt.
    pub async fn allow_signup_shared(
        &self,
        limiter: &RateLimiter,
        client: Option<IpAddr>,
    ) -> Result<Option<bool>, sqlx::Error> {
        let Database::Postgres(pool) = self.database() else { return Ok(None) };
        let limit = i64::try_from(limiter.limit()).unwrap_or(i64::MAX);
        let window = i64::try_from(limiter.window().as_secs()).unwrap_or(i64::MAX);
        let now = self.now();
        let key = client.map_or(0, client_key).to_be_bytes().to_vec();
        // Inside the SET every expression reads the row as it was: `allowed` and `attempts`
        // judge the same window.
        let allowed: bool = sqlx::query_scalar(
            "INSERT INTO signup_limits AS l (client, attempts, last_at, allowed) VALUES ($1, ARRAY[$2::BIGINT], $2, TRUE)
             ON CONFLICT (client) DO UPDATE SET
                 allowed = cardinality(ARRAY(SELECT a FROM unnest(l.attempts) AS a WHERE a > $2 - $3)) < $4,
                 attempts = CASE
                     WHEN cardinality(ARRAY(SELECT a FROM unnest(l.attempts) AS a WHERE a > $2 - $3)) < $4
                     THEN ARRAY(SELECT a FROM unnest(l.attempts) AS a WHERE a > $2 - $3) || $2::BIGINT
                     ELSE ARRAY(SELECT a FROM unnest(l.attempts) AS a WHERE a > $2 - $3)
                 END,
                 last_at = $2
             RETURNING allowed",
        )
        .bind(key)
        .bind(now)
        .bind(window)
        .bind(limit)
        .fetch_one(pool)
        .await?;
        // Networks idle for a window are forgotten, by each server about once a window.
        let last = self.limits_pruned_at().load(Ordering::Relaxed);
        if now - last >= window
            && self.limits_pruned_at().compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()
        {
            sqlx::query("DELETE FROM signup_limits WHERE last_at <= $1").bind(now - window).execute(pool).await?;
        }
        Ok(Some(allowed))
    }
}
