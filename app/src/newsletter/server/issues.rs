//! Weekly issues in the database: recorded once per week, queued to every confirmed subscriber
//! in chunks (bounded memory, short transactions beside a running server), each recipient at
//! most once per issue: the `(issue, subscriber)` delivery row is written in the transaction
//! that queues the mail, and its primary key refuses a second one.

use super::store::Store;
use super::tokens::{hash_token, new_token};
use crate::newsletter::weekly::render::{one_click_url, TOKEN};
use crate::newsletter::weekly::{IsoWeek, RenderedIssue};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// Subscribers queued per transaction: a few milliseconds of writing, a few hundred KB of memory.
pub const QUEUE_CHUNK: i64 = 1000;

/// What a send did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueReport {
    /// The issue's row id.
    pub issue_id: i64,
    /// Mails queued by this call.
    pub queued: u64,
    /// Whether the issue had been queued completely before (this call queued nothing).
    pub already_sent: bool,
}

/// The mail parts of a stored issue, as the outbox delivers them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IssueParts {
    /// Subject line.
    pub subject: String,
    /// HTML part with [`TOKEN`] placeholders.
    pub mail_html: String,
    /// Text part with [`TOKEN`] placeholders.
    pub mail_text: String,
    /// The sender's display name.
    pub sender_name: String,
}

/// A sent issue as the archive lists it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredIssue {
    /// `2026-W48`.
    pub week: String,
    /// Subject line.
    pub subject: String,
    /// Preview line.
    pub preheader: String,
    /// The archive page's body.
    pub web_html: String,
    /// When it was recorded (seconds since the epoch).
    pub created_at: i64,
}

impl Store {
    /// Records `issue` (unless its week already has one: then the stored issue is what goes out)
    /// and queues it to every confirmed subscriber without a delivery row for it. Safe to call
    /// twice, from two processes, or after a crash half-way: nobody is queued twice.
    pub async fn send_issue(&self, issue: &RenderedIssue, sender_name: &str) -> Result<QueueReport, sqlx::Error> {
        let now = self.now();
        let week = issue.issue.week.to_string();
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO newsletter_issues (week, subject, preheader, mail_html, mail_text, web_html, sender_name, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (week) DO NOTHING",
        )
        .bind(&week)
        .bind(&issue.issue.subject)
        .bind(&issue.issue.preheader)
        .bind(&issue.mail_html)
        .bind(&issue.mail_text)
        .bind(&issue.web_html)
        .bind(sender_name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let (issue_id, queued_at): (i64, Option<i64>) =
            sqlx::query_as("SELECT id, queued_at FROM newsletter_issues WHERE week = ?").bind(&week).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        if queued_at.is_some() {
            return Ok(QueueReport { issue_id, queued: 0, already_sent: true });
        }
        let one_click = one_click_url(self.site_url());
        let mut queued = 0;
        let mut after = 0;
        loop {
            let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
            let chunk: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, email FROM subscribers WHERE status = 'confirmed' AND bounced_at IS NULL AND id > ? ORDER BY id LIMIT ?")
                    .bind(after)
                    .bind(QUEUE_CHUNK)
                    .fetch_all(&mut *tx)
                    .await?;
            let Some(last) = chunk.last().map(|(id, _)| *id) else {
                tx.rollback().await?;
                break;
            };
            queued += queue_chunk(&mut tx, issue_id, &issue.issue.subject, &one_click, &chunk, self.now()).await?;
            tx.commit().await?;
            after = last;
        }
        sqlx::query(
            "UPDATE newsletter_issues SET queued_at = ?,
             recipients = (SELECT COUNT(*) FROM newsletter_deliveries WHERE issue_id = ?) WHERE id = ? AND queued_at IS NULL",
        )
        .bind(self.now())
        .bind(issue_id)
        .bind(issue_id)
        .execute(self.pool())
        .await?;
        Ok(QueueReport { issue_id, queued, already_sent: false })
    }

    /// The mail parts of issue `id`.
    pub async fn issue_parts(&self, id: i64) -> Result<Option<IssueParts>, sqlx::Error> {
        sqlx::query_as("SELECT subject, mail_html, mail_text, sender_name FROM newsletter_issues WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// Every issue sent, newest first (the archive).
    pub async fn sent_issues(&self) -> Result<Vec<StoredIssue>, sqlx::Error> {
        sqlx::query_as(
            "SELECT week, subject, preheader, '' AS web_html, created_at FROM newsletter_issues
             WHERE queued_at IS NOT NULL ORDER BY week DESC",
        )
        .fetch_all(self.pool())
        .await
    }

    /// The sent issue of `week`, if any.
    pub async fn sent_issue(&self, week: IsoWeek) -> Result<Option<StoredIssue>, sqlx::Error> {
        sqlx::query_as(
            "SELECT week, subject, preheader, web_html, created_at FROM newsletter_issues WHERE week = ? AND queued_at IS NOT NULL",
        )
        .bind(week.to_string())
        .fetch_optional(self.pool())
        .await
    }

    /// Whether `week`'s issue has been queued completely.
    pub async fn issue_queued(&self, week: IsoWeek) -> Result<bool, sqlx::Error> {
        let queued: Option<Option<i64>> = sqlx::query_scalar("SELECT queued_at FROM newsletter_issues WHERE week = ?")
            .bind(week.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(queued.flatten().is_some())
    }
}

/// Inside the open transaction: delivery rows for `chunk` (those not queued before), and for
/// each new one a fresh unsubscribe token and an outbox row. How many were queued.
async fn queue_chunk(
    conn: &mut SqliteConnection,
    issue_id: i64,
    subject: &str,
    one_click: &str,
    chunk: &[(i64, String)],
    now: i64,
) -> Result<u64, sqlx::Error> {
    let mut deliveries = QueryBuilder::<Sqlite>::new("INSERT INTO newsletter_deliveries (issue_id, subscriber_id, queued_at) ");
    deliveries.push_values(chunk, |mut row, (subscriber, _)| {
        row.push_bind(issue_id).push_bind(*subscriber).push_bind(now);
    });
    deliveries.push(" ON CONFLICT (issue_id, subscriber_id) DO NOTHING RETURNING subscriber_id");
    let new: std::collections::HashSet<i64> =
        deliveries.build_query_scalar().persistent(false).fetch_all(&mut *conn).await?.into_iter().collect();
    if new.is_empty() {
        return Ok(0);
    }
    let mut mails = Vec::with_capacity(new.len());
    for (subscriber, email) in chunk.iter().filter(|(id, _)| new.contains(id)) {
        let token = new_token().ok_or_else(|| sqlx::Error::Protocol("the operating system gave no randomness for a token".into()))?;
        mails.push((*subscriber, email.as_str(), token));
    }
    let mut tokens = QueryBuilder::<Sqlite>::new("INSERT INTO tokens (hash, subscriber_id, purpose, created_at) ");
    tokens.push_values(&mails, |mut row, (subscriber, _, token)| {
        row.push_bind(hash_token(token)).push_bind(*subscriber).push("'unsubscribe'").push_bind(now);
    });
    tokens.build().persistent(false).execute(&mut *conn).await?;
    let mut outbox = QueryBuilder::<Sqlite>::new(
        "INSERT INTO outbox (subscriber_id, recipient, subject, body, list_unsubscribe, created_at, next_attempt_at, issue_id) ",
    );
    outbox.push_values(&mails, |mut row, (subscriber, email, token)| {
        row.push_bind(*subscriber)
            .push_bind(email.to_string())
            .push_bind(subject.to_string())
            .push_bind(token.clone())
            .push_bind(one_click.replace(TOKEN, token))
            .push_bind(now)
            .push_bind(now)
            .push_bind(issue_id);
    });
    outbox.build().persistent(false).execute(&mut *conn).await?;
    Ok(mails.len() as u64)
}
