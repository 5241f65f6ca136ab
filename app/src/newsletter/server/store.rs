//! The newsletter's transactions: signup, confirmation, unsubscribe and the outbox.

use super::mail::OutboxMail;
use super::retry::{next_step, Failure, NextStep};
use super::signup_rows::write_signups;
use super::tokens::{hash_token, tokens_match};
use crate::newsletter::api::NewsletterError;
use super::batch::{SignupBatcher, SignupRequest};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::sync::Arc;

/// Seconds since the Unix epoch; a function so tests can move time.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs() as i64)
    })
}

/// How long a confirmation link works.
pub const CONFIRMATION_TTL_SECS: i64 = 48 * 3600;
/// At most one confirmation mail per address in this time.
pub const MAIL_INTERVAL_SECS: i64 = 3600;

/// What a signup did (never shown to the reader: every signup gets the same answer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignupOutcome {
    /// A confirmation mail was queued.
    MailQueued,
    /// Nothing to send: already confirmed, or a confirmation mail went out within the hour.
    NothingSent,
}

/// Subscribers, tokens, consent events and the outbox in SQLite.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    site_url: String,
    clock: Clock,
    batcher: SignupBatcher,
}

impl Store {
    /// A store on `pool`; links in mail start with `site_url`.
    pub fn new(pool: SqlitePool, site_url: &str, clock: Option<Clock>) -> Store {
        Store { pool, site_url: site_url.trim_end_matches('/').to_string(), clock: clock.unwrap_or_else(system_clock), batcher: SignupBatcher::default() }
    }

    /// The connection pool (for tests and the benchmark).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The site URL links in mail start with.
    pub(super) fn site_url(&self) -> &str {
        &self.site_url
    }

    pub(super) fn now(&self) -> i64 {
        (self.clock)()
    }

    async fn begin(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// Records a signup of the normalised `email` from `source` and, unless it is confirmed or
    /// was mailed within the hour, queues a confirmation mail in the same transaction. Signups
    /// arriving together share one transaction and one disk sync (see [`super::batch`]); this
    /// returns only once that transaction is committed.
    pub async fn signup(&self, email: &str, source: &str, privacy_version: &str) -> Result<SignupOutcome, sqlx::Error> {
        self.batcher.submit(self, email, source, privacy_version).await
    }

    /// Commits one batch of signups in a single `BEGIN IMMEDIATE` transaction. The outcome of
    /// each, in order. If the batch fails, each signup is retried in a transaction of its own,
    /// so that one failing signup does not fail the others.
    pub(super) async fn signup_batch(
        &self,
        signups: &[SignupRequest],
    ) -> Result<Vec<Result<SignupOutcome, sqlx::Error>>, sqlx::Error> {
        let now = self.now();
        match self.commit_signups(signups, now).await {
            Ok(outcomes) => Ok(outcomes.into_iter().map(Ok).collect()),
            Err(error) if signups.len() > 1 => {
                tracing::warn!("newsletter: a batch of {} signups failed ({error}); retrying one by one", signups.len());
                let mut outcomes = Vec::with_capacity(signups.len());
                for signup in signups {
                    let alone = self.commit_signups(std::slice::from_ref(signup), now).await;
                    outcomes.push(alone.and_then(|outcome| {
                        outcome.into_iter().next().ok_or_else(|| sqlx::Error::Protocol("a signup had no outcome".into()))
                    }));
                }
                Ok(outcomes)
            }
            Err(error) => Err(error),
        }
    }

    /// `signups` written and committed in one transaction.
    async fn commit_signups(&self, signups: &[SignupRequest], now: i64) -> Result<Vec<SignupOutcome>, sqlx::Error> {
        let mut tx = self.begin().await?;
        let outcomes = write_signups(&mut tx, &self.site_url, signups, now).await?;
        tx.commit().await?;
        Ok(outcomes)
    }

    /// The subscriber a live token of `purpose` belongs to.
    async fn token_owner(
        &self,
        tx: &mut Transaction<'static, Sqlite>,
        token: &str,
        purpose: &str,
        now: i64,
    ) -> Result<Option<(i64, String)>, sqlx::Error> {
        let token = token.trim();
        if token.len() != 64 || !token.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let found: Option<(Vec<u8>, i64, String, Option<i64>, String)> = sqlx::query_as(
            "SELECT t.hash, t.subscriber_id, t.purpose, t.expires_at, s.status
             FROM tokens t JOIN subscribers s ON s.id = t.subscriber_id WHERE t.hash = ?",
        )
        .bind(hash_token(token))
        .fetch_optional(&mut **tx)
        .await?;
        Ok(found.and_then(|(stored, subscriber, found_purpose, expires, status)| {
            (tokens_match(token, &stored) && found_purpose == purpose && expires.is_none_or(|at| now < at))
                .then_some((subscriber, status))
        }))
    }

    /// Confirms the subscription `token` was mailed for. Repeating it is harmless.
    pub async fn confirm(&self, token: &str) -> Result<(), NewsletterError> {
        self.confirm_inner(token).await.map_err(unavailable)?
    }

    async fn confirm_inner(&self, token: &str) -> Result<Result<(), NewsletterError>, sqlx::Error> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let Some((subscriber, status)) = self.token_owner(&mut tx, token, "confirm", now).await? else {
            return Ok(Err(NewsletterError::InvalidLink));
        };
        if status == "pending" {
            sqlx::query("UPDATE subscribers SET status = 'confirmed', confirmed_at = ? WHERE id = ?")
                .bind(now)
                .bind(subscriber)
                .execute(&mut *tx)
                .await?;
            record_event(&mut *tx, subscriber, "confirm", now, "confirmation link", None).await?;
        }
        tx.commit().await?;
        Ok(if status == "unsubscribed" { Err(NewsletterError::InvalidLink) } else { Ok(()) })
    }

    /// Unsubscribes the address `token` was mailed to, `via` the page or one-click; keeps the
    /// consent history, drops pending confirmations and unsent mail. Repeating it is harmless.
    pub async fn unsubscribe(&self, token: &str, via: &str) -> Result<(), NewsletterError> {
        self.unsubscribe_inner(token, via).await.map_err(unavailable)?
    }

    async fn unsubscribe_inner(&self, token: &str, via: &str) -> Result<Result<(), NewsletterError>, sqlx::Error> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let Some((subscriber, status)) = self.token_owner(&mut tx, token, "unsubscribe", now).await? else {
            return Ok(Err(NewsletterError::InvalidLink));
        };
        if status != "unsubscribed" {
            sqlx::query("UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = ? WHERE id = ?")
                .bind(now)
                .bind(subscriber)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM tokens WHERE subscriber_id = ? AND purpose = 'confirm'")
                .bind(subscriber)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE outbox SET body = NULL, failed_at = ?, last_error = 'unsubscribed before delivery'
                 WHERE subscriber_id = ? AND sent_at IS NULL AND failed_at IS NULL",
            )
            .bind(now)
            .bind(subscriber)
            .execute(&mut *tx)
            .await?;
            record_event(&mut *tx, subscriber, "unsubscribe", now, via, None).await?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Mail whose next attempt is due, oldest first.
    pub async fn due_mail(&self, limit: i64) -> Result<Vec<OutboxMail>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, subscriber_id, recipient, subject, body, list_unsubscribe, attempts, created_at, issue_id FROM outbox
             WHERE sent_at IS NULL AND failed_at IS NULL AND body IS NOT NULL AND next_attempt_at <= ?
             ORDER BY id LIMIT ?",
        )
        .bind(self.now())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// When the next queued mail is due, if any.
    pub async fn next_due_at(&self) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
            .fetch_one(&self.pool)
            .await
    }

    /// Marks a mail delivered and forgets its body (it holds raw tokens).
    pub async fn mark_sent(&self, id: i64) -> Result<(), sqlx::Error> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE outbox SET sent_at = ?, body = NULL, attempts = attempts + 1 WHERE id = ?")
            .bind(self.now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    /// Records that attempt `mail.attempts + 1` of `mail` failed, and what happens next (see
    /// [`next_step`]): it is tried again later, or given up, and then its body, which holds raw
    /// tokens, is forgotten.
    pub async fn mark_attempt_failed(&self, mail: &OutboxMail, failure: Failure, error: &str) -> Result<NextStep, sqlx::Error> {
        let now = self.now();
        let attempts = mail.attempts + 1;
        let step = next_step(failure, attempts, mail.created_at, now);
        let mut tx = self.begin().await?;
        let query = match step {
            NextStep::RetryAt(at) => {
                sqlx::query("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?").bind(attempts).bind(at)
            }
            NextStep::GiveUp => sqlx::query("UPDATE outbox SET attempts = ?, failed_at = ?, body = NULL, last_error = ? WHERE id = ?")
                .bind(attempts)
                .bind(now),
        };
        query.bind(error).bind(mail.id).execute(&mut *tx).await?;
        if step == NextStep::GiveUp && failure == Failure::Permanent && mail.issue_id.is_some() {
            super::bounces::record_permanent_failure(&mut tx, mail, now).await?;
        }
        tx.commit().await?;
        Ok(step)
    }
}

async fn record_event(
    tx: &mut SqliteConnection,
    subscriber: i64,
    event: &str,
    at: i64,
    source: &str,
    privacy_version: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO consent_events (subscriber_id, event, at, source, privacy_version) VALUES (?, ?, ?, ?, ?)")
        .bind(subscriber)
        .bind(event)
        .bind(at)
        .bind(source)
        .bind(privacy_version)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

fn unavailable(error: sqlx::Error) -> NewsletterError {
    tracing::error!("newsletter: database error: {error}");
    NewsletterError::Unavailable
}

/// Shutdown: the signup writer and the delivery worker share one switch, kept by the batcher.
impl Store {
    /// Refuses further signups, returns once those already queued are committed, and tells the
    /// delivery worker to stop after the mail in hand. Close the pool after the worker returns.
    pub async fn stop(&self) {
        self.batcher.stop().await;
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
