//! What the editors' commands read and change: the newsletter's status, and a reader's data
//! (export as JSON, erase).

use crate::db::{on_pool, on_tx, Dialect};
use crate::store::Store;
use serde_json::{json, Value};

/// A mail of one subscriber as the export lists it: subject, queued, sent, failed, last error, issue week.
type MailRow = (String, i64, Option<i64>, Option<i64>, Option<String>, Option<String>);

/// `server newsletter status`.
#[derive(Clone, Debug, Default)]
pub struct Status {
    /// Subscribers by status (`confirmed`, `pending`, …).
    pub subscribers: Vec<(String, i64)>,
    /// Recent issues, newest first: week, subject, queued, sent, failed.
    pub issues: Vec<(String, String, i64, i64, i64)>,
    /// Mail waiting in the outbox, and how long the oldest has waited (seconds).
    pub backlog: (i64, Option<i64>),
}

/// What erasing a reader did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Erased {
    /// Tokens deleted.
    pub tokens: u64,
    /// Outbox rows whose address and content were removed.
    pub mails: u64,
    /// Consent events kept (dates and forms, no address).
    pub consent_events_kept: i64,
}

impl Store {
    /// The newsletter at a glance.
    pub async fn status(&self) -> Result<Status, sqlx::Error> {
        on_pool!(self.database(), pool => {
            let subscribers = sqlx::query_as("SELECT CASE WHEN bounced_at IS NOT NULL THEN 'bounced' ELSE status END AS shown, COUNT(*)
                 FROM subscribers GROUP BY shown ORDER BY shown")
                .fetch_all(pool)
                .await?;
            let issues = sqlx::query_as(
                "SELECT i.week, i.subject,
                        COALESCE(SUM(CASE WHEN o.sent_at IS NULL AND o.failed_at IS NULL THEN 1 ELSE 0 END), 0),
                        COALESCE(SUM(CASE WHEN o.sent_at IS NOT NULL THEN 1 ELSE 0 END), 0),
                        COALESCE(SUM(CASE WHEN o.failed_at IS NOT NULL THEN 1 ELSE 0 END), 0)
                 FROM newsletter_issues i LEFT JOIN outbox o ON o.issue_id = i.id
                 GROUP BY i.id ORDER BY i.week DESC LIMIT 8",
            )
            .fetch_all(pool)
            .await?;
            let (waiting, oldest): (i64, Option<i64>) =
                sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
                    .fetch_one(pool)
                    .await?;
            Ok(Status { subscribers, issues, backlog: (waiting, oldest.map(|at| self.now() - at)) })
        })
    }

    /// The outbox's levels for the metrics, cheap enough to read every few seconds (partial
    /// index only): mail waiting, the oldest's age in seconds, and how much of it belongs to the
    /// latest weekly issue.
    pub async fn outbox_levels(&self) -> Result<(i64, Option<i64>, i64), sqlx::Error> {
        on_pool!(self.database(), pool => {
            let (waiting, oldest, issue): (i64, Option<i64>, i64) = sqlx::query_as(
                "SELECT COUNT(*), MIN(created_at),
                        COALESCE(SUM(CASE WHEN issue_id = (SELECT MAX(id) FROM newsletter_issues) THEN 1 ELSE 0 END), 0)
                 FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
            )
            .fetch_one(pool)
            .await?;
            Ok((waiting, oldest.map(|at| self.now() - at), issue))
        })
    }

    /// Everything stored about the normalised `email`, as JSON; `None` if nothing is.
    pub async fn export(&self, email: &str) -> Result<Option<Value>, sqlx::Error> {
        type Row = (i64, String, String, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
        on_pool!(self.database(), pool => {
            let row: Option<Row> = sqlx::query_as(
                "SELECT id, email, CASE WHEN bounced_at IS NOT NULL THEN 'bounced' ELSE status END, created_at, confirmed_at, unsubscribed_at, last_confirmation_mail_at, bounced_at
                 FROM subscribers WHERE email = lower($1)",
            )
            .bind(email)
            .fetch_optional(pool)
            .await?;
            let Some((id, email, status, created, confirmed, unsubscribed, last_mail, bounced)) = row else { return Ok(None) };
            let events: Vec<(String, i64, String, Option<String>)> =
                sqlx::query_as("SELECT event, at, source, privacy_version FROM consent_events WHERE subscriber_id = $1 ORDER BY id")
                    .bind(id)
                    .fetch_all(pool)
                    .await?;
            let tokens: Vec<(String, i64, Option<i64>)> =
                sqlx::query_as("SELECT purpose, created_at, expires_at FROM tokens WHERE subscriber_id = $1 ORDER BY created_at, purpose")
                    .bind(id)
                    .fetch_all(pool)
                    .await?;
            let mails: Vec<MailRow> = sqlx::query_as(
                "SELECT o.subject, o.created_at, o.sent_at, o.failed_at, o.last_error, i.week
                 FROM outbox o LEFT JOIN newsletter_issues i ON i.id = o.issue_id WHERE o.subscriber_id = $1 ORDER BY o.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            Ok(Some(json!({
                "email": email,
                "status": status,
                "times_are": "seconds since 1970-01-01 UTC",
                "signed_up_at": created,
                "confirmed_at": confirmed,
                "unsubscribed_at": unsubscribed,
                "bounced_at": bounced,
                "last_confirmation_mail_at": last_mail,
                "consent_events": events.iter().map(|(event, at, source, privacy)| json!({"event": event, "at": at, "source": source, "privacy_notice": privacy})).collect::<Vec<_>>(),
                "tokens": tokens.iter().map(|(purpose, created, expires)| json!({"purpose": purpose, "created_at": created, "expires_at": expires, "note": "only a hash is stored"})).collect::<Vec<_>>(),
                "mails": mails.iter().map(|(subject, created, sent, failed, error, week)| json!({"subject": subject, "issue": week, "queued_at": created, "sent_at": sent, "failed_at": failed, "error": error})).collect::<Vec<_>>(),
            })))
        })
    }

    /// Removes the personal data of the normalised `email`: its tokens, the address in the
    /// subscriber row and in every outbox row, and the content of unsent mail (which is
    /// dropped). Keeps the consent events (what was agreed and withdrawn, when, through which
    /// form) under an address-free placeholder; `None` if the address is not stored.
    pub async fn erase(&self, email: &str) -> Result<Option<Erased>, sqlx::Error> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let erased = on_tx!(&mut tx, conn => {
            let sql = format!("SELECT id FROM subscribers WHERE email = lower($1){}", Db::FOR_UPDATE);
            let id: Option<i64> = sqlx::query_scalar(&sql).bind(email).fetch_optional(&mut **conn).await?;
            let Some(id) = id else { return Ok(None) };
            let placeholder = format!("erased-{id}@erased.invalid");
            let tokens = sqlx::query("DELETE FROM tokens WHERE subscriber_id = $1").bind(id).execute(&mut **conn).await?.rows_affected();
            let mails = sqlx::query(
                "UPDATE outbox SET recipient = $1, body = NULL, last_error = COALESCE(last_error, CASE WHEN sent_at IS NULL THEN 'erased before delivery' END),
                 failed_at = CASE WHEN sent_at IS NULL THEN COALESCE(failed_at, $2) ELSE failed_at END WHERE subscriber_id = $3",
            )
            .bind(&placeholder)
            .bind(now)
            .bind(id)
            .execute(&mut **conn)
            .await?
            .rows_affected();
            sqlx::query(
                "UPDATE subscribers SET email = $1, status = 'unsubscribed', unsubscribed_at = COALESCE(unsubscribed_at, $2) WHERE id = $3",
            )
            .bind(&placeholder)
            .bind(now)
            .bind(id)
            .execute(&mut **conn)
            .await?;
            let consent_events_kept: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM consent_events WHERE subscriber_id = $1").bind(id).fetch_one(&mut **conn).await?;
            Erased { tokens, mails, consent_events_kept }
        });
        tx.commit().await?;
        Ok(Some(erased))
    }
}
