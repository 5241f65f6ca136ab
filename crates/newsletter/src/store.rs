//! The newsletter's transactions: signup, confirmation and unsubscribe (the outbox is in
//! [`crate::outbox`]), on SQLite or PostgreSQL (see [`crate::db`]).

pub use crate::batch::SignupOutcome;
use crate::batch::{BatchWriter, SignupBatcher, SignupRequest};
use crate::db::{on_tx, Database, Dialect, Tx};
use crate::signup_rows::write_signups;
use crate::tokens::{hash_token, tokens_match};
use crate::write_health::WriteHealth;
use std::sync::atomic::AtomicI64;
use std::sync::Arc;

/// Why a confirm or unsubscribe link did nothing; the server functions turn it into the
/// reader's message (`NewsletterError` in `app`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The link's token is unknown, or the address has unsubscribed since.
    #[error("the link is invalid or has expired")]
    InvalidLink,
    /// The database failed (logged where it happened); nothing was changed.
    #[error("the database is unavailable")]
    Unavailable,
}

/// A token as stored, with its subscriber: hash, subscriber id, purpose, expiry, subscriber status.
type TokenRow = (Vec<u8>, i64, String, Option<i64>, String);

/// Seconds since the Unix epoch; a function so tests can move time.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(nv_content::dates::unix_now)
}

/// How long a delivery worker holds the mail it claimed by default: far longer than sending a
/// claimed batch takes, short enough that a dead server's mail goes out within minutes.
pub const DEFAULT_CLAIM_LEASE_SECS: i64 = 300;

/// Subscribers, tokens, consent events and the outbox, in SQLite or PostgreSQL.
#[derive(Clone)]
pub struct Store {
    db: Database,
    site_url: String,
    clock: Clock,
    batcher: SignupBatcher,
    claim_lease_secs: i64,
    /// When this server last removed idle rows of the shared signup limit.
    limits_pruned_at: Arc<AtomicI64>,
    /// Whether the database takes writes, as the last one found.
    writes: WriteHealth,
}

impl Store {
    /// A store on `db` (a [`Database`], or a SQLite or PostgreSQL pool); links in mail start
    /// with `site_url`.
    pub fn new(db: impl Into<Database>, site_url: &str, clock: Option<Clock>) -> Store {
        Store {
            db: db.into(),
            site_url: site_url.trim_end_matches('/').to_string(),
            clock: clock.unwrap_or_else(system_clock),
            batcher: SignupBatcher::default(),
            claim_lease_secs: DEFAULT_CLAIM_LEASE_SECS,
            limits_pruned_at: Arc::default(),
            writes: WriteHealth::default(),
        }
    }

    /// The same store with mail claims held for `seconds` (`NV_MAIL_CLAIM_SECS`; tests make a
    /// dead worker's claims run out quickly).
    pub fn with_claim_lease(mut self, seconds: i64) -> Store {
        self.claim_lease_secs = seconds.max(1);
        self
    }

    /// The database (tests look into it; health checks and shutdown use it).
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Whether the database takes writes (`/readyz`, and quieter logs while it does not).
    pub fn writes(&self) -> &WriteHealth {
        &self.writes
    }

    /// Writes one row and commits, to find out whether the database takes writes again while it
    /// refuses them (`/readyz` asks; nothing else may be writing meanwhile).
    pub async fn probe_write(&self) -> Result<(), sqlx::Error> {
        let now = self.now();
        let outcome = async {
            let mut tx = self.begin().await?;
            on_tx!(&mut tx, conn => {
                sqlx::query(
                    "INSERT INTO write_probe (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                )
                .bind(now)
                .execute(&mut **conn)
                .await?;
            });
            tx.commit().await
        }
        .await;
        self.writes.record(&outcome);
        outcome
    }

    /// When this server last removed idle rows of the shared signup limit.
    pub(super) fn limits_pruned_at(&self) -> &AtomicI64 {
        &self.limits_pruned_at
    }

    /// How long claimed mail is held.
    pub(super) fn claim_lease_secs(&self) -> i64 {
        self.claim_lease_secs
    }

    /// The site URL links in mail start with.
    pub(super) fn site_url(&self) -> &str {
        &self.site_url
    }

    pub(super) fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Starts a write transaction (see [`Database::begin`]).
    pub(super) async fn begin(&self) -> Result<Tx, sqlx::Error> {
        self.db.begin().await
    }

    /// Records a signup of the normalised `email` from `source` and, unless it is confirmed or
    /// was mailed within the hour, queues a confirmation mail in the same transaction. Signups
    /// arriving together share one transaction and one disk sync (see [`crate::batch`]); this
    /// returns only once that transaction is committed.
    pub async fn signup(&self, email: &str, source: &str, privacy_version: &str) -> Result<SignupOutcome, sqlx::Error> {
        self.batcher.submit(self, email, source, privacy_version).await
    }

    /// Commits one batch of signups in a single transaction. The outcome of
    /// each, in order. If the batch fails, each signup is retried in a transaction of its own,
    /// so that one failing signup does not fail the others.
    async fn signup_batch(
        &self,
        signups: &[SignupRequest],
    ) -> Result<Vec<Result<SignupOutcome, sqlx::Error>>, sqlx::Error> {
        let now = self.now();
        match self.commit_signups(signups, now).await {
            Ok(outcomes) => Ok(outcomes.into_iter().map(Ok).collect()),
            Err(error) if signups.len() > 1 => {
                tracing::debug!(
                    "newsletter: a batch of {} signups failed ({error}); retrying one by one",
                    signups.len()
                );
                let mut outcomes = Vec::with_capacity(signups.len());
                for signup in signups {
                    let alone = self.commit_signups(std::slice::from_ref(signup), now).await;
                    outcomes.push(alone.and_then(|outcome| {
                        outcome
                            .into_iter()
                            .next()
                            .ok_or_else(|| sqlx::Error::Protocol("a signup had no outcome".into()))
                    }));
                }
                Ok(outcomes)
            }
            Err(error) => Err(error),
        }
    }

    /// `signups` written and committed in one transaction.
    async fn commit_signups(&self, signups: &[SignupRequest], now: i64) -> Result<Vec<SignupOutcome>, sqlx::Error> {
        let outcome = async {
            let mut tx = self.begin().await?;
            let outcomes = write_signups(&mut tx, &self.site_url, signups, now).await?;
            tx.commit().await?;
            Ok(outcomes)
        }
        .await;
        self.writes.record(&outcome);
        outcome
    }

    /// The subscriber a live token of `purpose` belongs to, locked until the transaction ends
    /// (two servers handling the same link one after the other see each other's change).
    async fn token_owner(
        &self,
        tx: &mut Tx,
        token: &str,
        purpose: &str,
        now: i64,
    ) -> Result<Option<(i64, String)>, sqlx::Error> {
        let token = token.trim();
        if token.len() != 64 || !token.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let found: Option<TokenRow> = on_tx!(tx, conn => {
            let sql = format!(
                "SELECT t.hash, t.subscriber_id, t.purpose, t.expires_at, s.status
                 FROM tokens t JOIN subscribers s ON s.id = t.subscriber_id WHERE t.hash = $1{}",
                Db::FOR_UPDATE
            );
            sqlx::query_as(&sql).bind(hash_token(token)).fetch_optional(&mut **conn).await?
        });
        Ok(found.and_then(|(stored, subscriber, found_purpose, expires, status)| {
            (tokens_match(token, &stored) && found_purpose == purpose && expires.is_none_or(|at| now < at))
                .then_some((subscriber, status))
        }))
    }

    /// Confirms the subscription `token` was mailed for. Repeating it is harmless.
    pub async fn confirm(&self, token: &str) -> Result<(), StoreError> {
        let outcome = self.confirm_inner(token).await;
        self.writes.record(&outcome);
        outcome.map_err(|error| self.unavailable(error))?
    }

    async fn confirm_inner(&self, token: &str) -> Result<Result<(), StoreError>, sqlx::Error> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let Some((subscriber, status)) = self.token_owner(&mut tx, token, "confirm", now).await? else {
            return Ok(Err(StoreError::InvalidLink));
        };
        if status == "pending" {
            on_tx!(&mut tx, conn => {
                sqlx::query("UPDATE subscribers SET status = 'confirmed', confirmed_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(subscriber)
                    .execute(&mut **conn)
                    .await?;
            });
            record_event(&mut tx, subscriber, "confirm", now, "confirmation link", None).await?;
        }
        tx.commit().await?;
        Ok(if status == "unsubscribed" { Err(StoreError::InvalidLink) } else { Ok(()) })
    }

    /// Unsubscribes the address `token` was mailed to, `via` the page or one-click; keeps the
    /// consent history, drops pending confirmations and unsent mail. Repeating it is harmless.
    pub async fn unsubscribe(&self, token: &str, via: &str) -> Result<(), StoreError> {
        let outcome = self.unsubscribe_inner(token, via).await;
        self.writes.record(&outcome);
        outcome.map_err(|error| self.unavailable(error))?
    }

    async fn unsubscribe_inner(&self, token: &str, via: &str) -> Result<Result<(), StoreError>, sqlx::Error> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let Some((subscriber, status)) = self.token_owner(&mut tx, token, "unsubscribe", now).await? else {
            return Ok(Err(StoreError::InvalidLink));
        };
        if status != "unsubscribed" {
            on_tx!(&mut tx, conn => {
                sqlx::query("UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(subscriber)
                    .execute(&mut **conn)
                    .await?;
                sqlx::query("DELETE FROM tokens WHERE subscriber_id = $1 AND purpose = 'confirm'")
                    .bind(subscriber)
                    .execute(&mut **conn)
                    .await?;
                sqlx::query(
                    "UPDATE outbox SET body = NULL, failed_at = $1, last_error = 'unsubscribed before delivery'
                     WHERE subscriber_id = $2 AND sent_at IS NULL AND failed_at IS NULL",
                )
                .bind(now)
                .bind(subscriber)
                .execute(&mut **conn)
                .await?;
            });
            record_event(&mut tx, subscriber, "unsubscribe", now, via, None).await?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }
}

async fn record_event(
    tx: &mut Tx,
    subscriber: i64,
    event: &str,
    at: i64,
    source: &str,
    privacy_version: Option<&str>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO consent_events (subscriber_id, event, at, source, privacy_version) VALUES ($1, $2, $3, $4, $5)")
            .bind(subscriber)
            .bind(event)
            .bind(at)
            .bind(source)
            .bind(privacy_version)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}

impl Store {
    /// The reader's answer to a database error, logged; quietly while the database is known to
    /// refuse writes (that was logged once when it started).
    pub fn unavailable(&self, error: sqlx::Error) -> StoreError {
        if self.writes.is_failing() {
            tracing::debug!("newsletter: database error: {error}");
        } else {
            tracing::error!("newsletter: database error: {error}");
        }
        StoreError::Unavailable
    }
}

impl BatchWriter for Store {
    async fn write_batch(
        &self,
        signups: &[SignupRequest],
    ) -> Result<Vec<Result<SignupOutcome, sqlx::Error>>, sqlx::Error> {
        self.signup_batch(signups).await
    }

    fn writes_failing(&self) -> bool {
        self.writes.is_failing()
    }
}

/// Shutdown: the signup writer and the delivery worker share one switch, kept by the batcher.
impl Store {
    /// Refuses further signups, returns once those already queued are committed, and tells the
    /// delivery worker to stop after the mail in hand. Close the database after the worker returns.
    pub async fn stop(&self) {
        self.batcher.stop().await;
    }

    /// Signups waiting for the database writer (the metrics read it).
    pub fn signups_waiting(&self) -> usize {
        self.batcher.waiting()
    }

    /// Whether [`Store::stop`] was called.
    pub fn is_stopping(&self) -> bool {
        self.batcher.is_stopped()
    }

    /// Completes once [`Store::stop`] is called.
    pub async fn stopping(&self) {
        self.batcher.stopping().await;
    }
}
