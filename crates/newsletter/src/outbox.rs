//! The outbox as the delivery workers see it: mail is claimed before it is sent, so that with
//! several servers on one database each mail goes out through exactly one of them.
//!
//! A claim is a lease: `claimed_until` is set `claim_lease_secs` ahead, and nobody else takes
//! the mail before then. A worker that dies (kill -9, a lost machine) never records the mail as
//! sent; once its claims run out, another worker takes them. On PostgreSQL the claiming
//! statement skips rows another server is claiming at that moment (`FOR UPDATE SKIP LOCKED`),
//! so two servers never wait for each other or take the same mail.

use crate::db::{on_pool, on_tx, Dialect};
use crate::message::OutboxMail;
use crate::retry::{next_step, Failure, NextStep};
use crate::store::Store;
use sqlx::QueryBuilder;

impl Store {
    /// Claims up to `limit` mails that are due and not claimed by a live worker, oldest first,
    /// for [`Store::claim_lease_secs`]. What this returns, no other worker gets until the lease
    /// runs out or the mail is recorded as sent or failed.
    pub async fn claim_due_mail(&self, limit: i64) -> Result<Vec<OutboxMail>, sqlx::Error> {
        let now = self.now();
        let mut claimed: Vec<OutboxMail> = on_pool!(self.database(), pool => {
            let sql = format!(
                "UPDATE outbox SET claimed_until = $1 WHERE id IN (
                     SELECT id FROM outbox
                     WHERE sent_at IS NULL AND failed_at IS NULL AND body IS NOT NULL AND next_attempt_at <= $2
                       AND (claimed_until IS NULL OR claimed_until <= $2)
                     ORDER BY id LIMIT $3{})
                 RETURNING id, subscriber_id, recipient, subject, body, list_unsubscribe, attempts, created_at, issue_id",
                Db::SKIP_LOCKED
            );
            sqlx::query_as(&sql).bind(now + self.claim_lease_secs()).bind(now).bind(limit).fetch_all(pool).await?
        });
        // RETURNING gives no order.
        claimed.sort_by_key(|mail| mail.id);
        Ok(claimed)
    }

    /// Gives back claimed mail that was not sent (the worker is stopping): the next worker
    /// takes it at once instead of after the lease.
    pub async fn release_claims(&self, ids: &[i64]) -> Result<(), sqlx::Error> {
        if ids.is_empty() {
            return Ok(());
        }
        on_pool!(self.database(), pool => {
            let mut query = QueryBuilder::<Db>::new("UPDATE outbox SET claimed_until = NULL WHERE sent_at IS NULL AND id IN (");
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            query.push(")");
            query.build().persistent(false).execute(pool).await?;
        });
        Ok(())
    }

    /// On SQLite, which only this server delivers from, claims left by a previous run of the
    /// server (killed while sending) are its own: they are given back at start rather than
    /// waiting for the lease. On PostgreSQL another server may hold them, so they run out.
    pub async fn release_stale_claims(&self) -> Result<u64, sqlx::Error> {
        let Some(pool) = self.database().sqlite() else { return Ok(0) };
        let released =
            sqlx::query("UPDATE outbox SET claimed_until = NULL WHERE claimed_until IS NOT NULL AND sent_at IS NULL")
                .execute(pool)
                .await?;
        Ok(released.rows_affected())
    }

    /// When the next queued mail is due (or its claim runs out), if any.
    pub async fn next_due_at(&self) -> Result<Option<i64>, sqlx::Error> {
        on_pool!(self.database(), pool => {
            sqlx::query_scalar(
                "SELECT MIN(CASE WHEN claimed_until > next_attempt_at THEN claimed_until ELSE next_attempt_at END)
                 FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
            )
            .fetch_one(pool)
            .await
        })
    }

    /// Whether mail `id` is still waiting to be sent (not sent, not dropped by an unsubscribe).
    pub async fn still_queued(&self, id: i64) -> Result<bool, sqlx::Error> {
        let waiting: Option<i64> = on_pool!(self.database(), pool => {
            sqlx::query_scalar("SELECT id FROM outbox WHERE id = $1 AND sent_at IS NULL AND failed_at IS NULL")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        Ok(waiting.is_some())
    }

    /// Marks a mail delivered and forgets its body (it holds raw tokens).
    pub async fn mark_sent(&self, id: i64) -> Result<(), sqlx::Error> {
        let now = self.now();
        on_pool!(self.database(), pool => {
            sqlx::query("UPDATE outbox SET sent_at = $1, body = NULL, attempts = attempts + 1, claimed_until = NULL WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Records that attempt `mail.attempts + 1` of `mail` failed, and what happens next (see
    /// [`next_step`]): it is tried again later, or given up, and then its body, which holds raw
    /// tokens, is forgotten. Either way the claim ends.
    pub async fn mark_attempt_failed(
        &self,
        mail: &OutboxMail,
        failure: Failure,
        error: &str,
    ) -> Result<NextStep, sqlx::Error> {
        let now = self.now();
        let attempts = mail.attempts + 1;
        let step = next_step(failure, attempts, mail.created_at, now);
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            let query = match step {
                NextStep::RetryAt(at) => sqlx::query(
                    "UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3, claimed_until = NULL WHERE id = $4",
                )
                .bind(attempts)
                .bind(at),
                NextStep::GiveUp => sqlx::query(
                    "UPDATE outbox SET attempts = $1, failed_at = $2, body = NULL, last_error = $3, claimed_until = NULL WHERE id = $4",
                )
                .bind(attempts)
                .bind(now),
            };
            query.bind(error).bind(mail.id).execute(&mut **conn).await?;
        });
        if step == NextStep::GiveUp && failure == Failure::Permanent && mail.issue_id.is_some() {
            crate::bounces::record_permanent_failure(&mut tx, mail, now).await?;
        }
        tx.commit().await?;
        Ok(step)
    }
}
