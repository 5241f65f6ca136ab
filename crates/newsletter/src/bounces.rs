//! Bounces: an address whose issue mail the mail server refused for good (5xx) on
//! [`BOUNCE_AFTER_ISSUES`] different issues becomes `bounced` (`bounced_at` set) and gets no
//! further issues.
//! One refusal can be a passing fault at the receiver; several in different weeks mean the
//! mailbox is gone, and mailing it anyway hurts the sender's reputation with every provider.

use crate::db::{on_tx, Tx};
use crate::message::OutboxMail;

/// Issues with a permanent failure before an address counts as bounced.
pub const BOUNCE_AFTER_ISSUES: i64 = 3;

/// Inside the transaction that gives `mail` up: marks the failure permanent and, if the address
/// now has permanent failures on enough issues, sets it `bounced`.
pub(super) async fn record_permanent_failure(tx: &mut Tx, mail: &OutboxMail, now: i64) -> Result<(), sqlx::Error> {
    let bounced = on_tx!(tx, conn => {
        sqlx::query("UPDATE outbox SET permanent = 1 WHERE id = $1").bind(mail.id).execute(&mut **conn).await?;
        sqlx::query(
            "UPDATE subscribers SET bounced_at = $1
             WHERE id = $2 AND bounced_at IS NULL
               AND (SELECT COUNT(DISTINCT issue_id) FROM outbox WHERE subscriber_id = $2 AND permanent = 1 AND issue_id IS NOT NULL) >= $3",
        )
        .bind(now)
        .bind(mail.subscriber_id)
        .bind(BOUNCE_AFTER_ISSUES)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    if bounced > 0 {
        tracing::warn!(
            "newsletter: subscriber {} refused for good on {BOUNCE_AFTER_ISSUES} issues: now bounced, no more issues",
            mail.subscriber_id
        );
    }
    Ok(())
}
