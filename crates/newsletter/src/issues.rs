//! Weekly issues in the database: recorded once per week, queued to every confirmed subscriber
//! in chunks (bounded memory, short transactions beside a running server), each recipient at
//! most once per issue: the `(issue, subscriber)` delivery row is written in the transaction
//! that queues the mail, and its primary key refuses a second one.
//!
//! With several servers on one PostgreSQL, the week's `UNIQUE` row makes the issue one issue
//! whichever server's schedule fires first, and the delivery key makes each recipient's mail
//! one mail: a second server queueing at the same moment waits on the first one's uncommitted
//! delivery rows and then finds them taken.

use crate::db::{on_pool, on_tx, Tx};
use crate::message::IssueParts;
use crate::store::Store;
use crate::tokens::{hash_token, new_token};
use crate::weekly::render::{one_click_url, TOKEN};
use crate::weekly::{IsoWeek, RenderedIssue};
use sqlx::QueryBuilder;

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
        let mut tx = self.begin().await?;
        let (issue_id, queued_at): (i64, Option<i64>) = on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO newsletter_issues (week, subject, preheader, mail_html, mail_text, web_html, sender_name, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (week) DO NOTHING",
            )
            .bind(&week)
            .bind(&issue.issue.subject)
            .bind(&issue.issue.preheader)
            .bind(&issue.mail_html)
            .bind(&issue.mail_text)
            .bind(&issue.web_html)
            .bind(sender_name)
            .bind(now)
            .execute(&mut **conn)
            .await?;
            sqlx::query_as("SELECT id, queued_at FROM newsletter_issues WHERE week = $1").bind(&week).fetch_one(&mut **conn).await?
        });
        tx.commit().await?;
        if queued_at.is_some() {
            return Ok(QueueReport { issue_id, queued: 0, already_sent: true });
        }
        let one_click = one_click_url(self.site_url());
        let mut queued = 0;
        let mut after = 0;
        loop {
            let mut tx = self.begin().await?;
            let chunk: Vec<(i64, String)> = on_tx!(&mut tx, conn => {
                sqlx::query_as(
                    "SELECT id, email FROM subscribers WHERE status = 'confirmed' AND bounced_at IS NULL AND id > $1 ORDER BY id LIMIT $2",
                )
                .bind(after)
                .bind(QUEUE_CHUNK)
                .fetch_all(&mut **conn)
                .await?
            });
            let Some(last) = chunk.last().map(|(id, _)| *id) else {
                tx.rollback().await?;
                break;
            };
            queued += queue_chunk(&mut tx, issue_id, &issue.issue.subject, &one_click, &chunk, self.now()).await?;
            tx.commit().await?;
            after = last;
        }
        let finished = self.now();
        on_pool!(self.database(), pool => {
            sqlx::query(
                "UPDATE newsletter_issues SET queued_at = $1,
                 recipients = (SELECT COUNT(*) FROM newsletter_deliveries WHERE issue_id = $2) WHERE id = $2 AND queued_at IS NULL",
            )
            .bind(finished)
            .bind(issue_id)
            .execute(pool)
            .await?;
        });
        Ok(QueueReport { issue_id, queued, already_sent: false })
    }

    /// The mail parts of issue `id`.
    pub async fn issue_parts(&self, id: i64) -> Result<Option<IssueParts>, sqlx::Error> {
        on_pool!(self.database(), pool => {
            sqlx::query_as("SELECT subject, mail_html, mail_text, sender_name FROM newsletter_issues WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await
        })
    }

    /// Every issue sent, newest first (the archive).
    pub async fn sent_issues(&self) -> Result<Vec<StoredIssue>, sqlx::Error> {
        on_pool!(self.database(), pool => {
            sqlx::query_as(
                "SELECT week, subject, preheader, '' AS web_html, created_at FROM newsletter_issues
                 WHERE queued_at IS NOT NULL ORDER BY week DESC",
            )
            .fetch_all(pool)
            .await
        })
    }

    /// The sent issue of `week`, if any.
    pub async fn sent_issue(&self, week: IsoWeek) -> Result<Option<StoredIssue>, sqlx::Error> {
        on_pool!(self.database(), pool => {
            sqlx::query_as(
                "SELECT week, subject, preheader, web_html, created_at FROM newsletter_issues WHERE week = $1 AND queued_at IS NOT NULL",
            )
            .bind(week.to_string())
            .fetch_optional(pool)
            .await
        })
    }

    /// Whether `week`'s issue has been queued completely.
    pub async fn issue_queued(&self, week: IsoWeek) -> Result<bool, sqlx::Error> {
        let queued: Option<Option<i64>> = on_pool!(self.database(), pool => {
            sqlx::query_scalar("SELECT queued_at FROM newsletter_issues WHERE week = $1")
                .bind(week.to_string())
                .fetch_optional(pool)
                .await?
        });
        Ok(queued.flatten().is_some())
    }
}

/// Inside the open transaction: delivery rows for `chunk` (those not queued before), and for
/// each new one a fresh unsubscribe token and an outbox row. How many were queued.
async fn queue_chunk(
    tx: &mut Tx,
    issue_id: i64,
    subject: &str,
    one_click: &str,
    chunk: &[(i64, String)],
    now: i64,
) -> Result<u64, sqlx::Error> {
    let new: std::collections::HashSet<i64> = on_tx!(&mut *tx, conn => {
        let mut deliveries =
            QueryBuilder::<Db>::new("INSERT INTO newsletter_deliveries (issue_id, subscriber_id, queued_at) ");
        deliveries.push_values(chunk, |mut row, (subscriber, _)| {
            row.push_bind(issue_id).push_bind(*subscriber).push_bind(now);
        });
        deliveries.push(" ON CONFLICT (issue_id, subscriber_id) DO NOTHING RETURNING subscriber_id");
        deliveries.build_query_scalar().persistent(false).fetch_all(&mut **conn).await?.into_iter().collect()
    });
    if new.is_empty() {
        return Ok(0);
    }
    let mut mails = Vec::with_capacity(new.len());
    for (subscriber, email) in chunk.iter().filter(|(id, _)| new.contains(id)) {
        let token = new_token()
            .ok_or_else(|| sqlx::Error::Protocol("the operating system gave no randomness for a token".into()))?;
        mails.push((*subscriber, email.as_str(), token));
    }
    on_tx!(tx, conn => {
        let mut tokens = QueryBuilder::<Db>::new("INSERT INTO tokens (hash, subscriber_id, purpose, created_at) ");
        tokens.push_values(&mails, |mut row, (subscriber, _, token)| {
            row.push_bind(hash_token(token)).push_bind(*subscriber).push("'unsubscribe'").push_bind(now);
        });
        tokens.build().persistent(false).execute(&mut **conn).await?;
        let mut outbox = QueryBuilder::<Db>::new(
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
        outbox.build().persistent(false).execute(&mut **conn).await?;
    });
    Ok(mails.len() as u64)
}
