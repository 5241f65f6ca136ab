//! Bounces: an address whose issue mail the mail server refused for good (5xx) on
//! [`BOUNCE_AFTER_ISSUES`] different issues becomes `bounced` (`bounced_at` set) and gets no
//! further issues.
//! One refusal can be a passing fault at the receiver; several in different weeks mean the
//! mailbox is gone, and mailing it anyway hurts the sender's reputation with every provider.

use super::mail::OutboxMail;
use super::store::Store;
use sqlx::SqliteConnection;

/// Issues with a permanent failure before an address counts as bounced.
pub const BOUNCE_AFTER_ISSUES: i64 = 3;

/// Inside the transaction that gives `mail` up: marks the failure permanent and, if the address
/// now has permanent failures on enough issues, sets it `bounced`.
pub(super) async fn record_permanent_failure(conn: &mut SqliteConnection, mail: &OutboxMail, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outbox SET permanent = 1 WHERE id = ?").bind(mail.id).execute(&mut *conn).await?;
    let bounced = sqlx::query(
        "UPDATE subscribers SET bounced_at = ?
         WHERE id = ? AND bounced_at IS NULL
           AND (SELECT COUNT(DISTINCT issue_id) FROM outbox WHERE subscriber_id = ? AND permanent = 1 AND issue_id IS NOT NULL) >= ?",
    )
    .bind(now)
    .bind(mail.subscriber_id)
    .bind(mail.subscriber_id)
    .bind(BOUNCE_AFTER_ISSUES)
    .execute(&mut *conn)
    .await?;
    if bounced.rows_affected() > 0 {
        tracing::warn!(
            "newsletter: subscriber {} refused for good on {BOUNCE_AFTER_ISSUES} issues: now bounced, no more issues",
            mail.subscriber_id
        );
    }
    Ok(())
}

impl Store {
    /// Whether mail `id` is still waiting to be sent (not sent, not dropped by an unsubscribe).
    pub async fn still_queued(&self, id: i64) -> Result<bool, sqlx::Error> {
        let waiting: Option<i64> = sqlx::query_scalar("SELECT id FROM outbox WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(waiting.is_some())
    }
}
