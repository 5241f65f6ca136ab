//! Writes a batch of signups with a handful of multi-row statements. sqlx runs every SQLite
//! statement on the connection's worker thread, so each one costs two thread handoffs; a batch
//! written one signup at a time (nine statements each) spent most of the server's CPU switching
//! threads, not in SQLite. Here a batch of any size is at most six statements (one round trip
//! each on PostgreSQL, too).
//!
//! Several servers on one PostgreSQL may sign up the same address at the same moment: new
//! addresses are inserted first (`ON CONFLICT DO NOTHING`: the second server waits for the
//! first's commit and inserts nothing), then every address of the batch is read with a row
//! lock, so what decides a mail (status, last confirmation mail) cannot change underneath.

use crate::batch::SignupOutcome;
use crate::batch::SignupRequest;
use crate::db::{on_tx, Dialect, Tx};
use crate::mail::compose_confirmation;
use crate::tokens::{hash_token, new_token};
use sqlx::QueryBuilder;
use std::collections::HashMap;

/// How long a confirmation link works.
pub const CONFIRMATION_TTL_SECS: i64 = 48 * 3600;
/// At most one confirmation mail per address in this time.
pub const MAIL_INTERVAL_SECS: i64 = 3600;

/// An address as the batch sees it: as stored, then as the batch's earlier signups changed it.
struct Known {
    id: i64,
    status: String,
    last_mail: Option<i64>,
}

/// A confirmation mail to queue: who, and the two raw tokens its links carry.
struct QueuedMail<'a> {
    subscriber: i64,
    email: &'a str,
    confirm: String,
    unsubscribe: String,
}

/// Records `signups` (in order, with the same outcome each would have alone) inside the open
/// transaction `tx`: new addresses, reactivated ones, consent events, tokens and mail.
pub(super) async fn write_signups(
    tx: &mut Tx,
    site_url: &str,
    signups: &[SignupRequest],
    now: i64,
) -> Result<Vec<SignupOutcome>, sqlx::Error> {
    insert_new_subscribers(tx, signups, now).await?;
    let mut known = stored_subscribers(tx, signups).await?;

    let mut reactivated = Vec::new();
    let mut events = Vec::new();
    let mut mails = Vec::new();
    let mut outcomes = Vec::with_capacity(signups.len());
    for signup in signups {
        let subscriber = known.get_mut(&signup.email).ok_or_else(missing)?;
        if subscriber.status == "confirmed" {
            outcomes.push(SignupOutcome::NothingSent);
            continue;
        }
        if subscriber.status == "unsubscribed" {
            subscriber.status = "pending".into();
            reactivated.push(subscriber.id);
        }
        events.push((subscriber.id, signup));
        if subscriber.last_mail.is_none_or(|at| now - at >= MAIL_INTERVAL_SECS) {
            subscriber.last_mail = Some(now);
            mails.push(queued_mail(subscriber.id, &signup.email)?);
            outcomes.push(SignupOutcome::MailQueued);
        } else {
            outcomes.push(SignupOutcome::NothingSent);
        }
    }

    update_ids(tx, "status = 'pending'", None, &reactivated).await?;
    insert_events(tx, &events, now).await?;
    insert_mail(tx, site_url, &mails, now).await?;
    let mailed: Vec<i64> = mails.iter().map(|mail| mail.subscriber).collect();
    update_ids(tx, "last_confirmation_mail_at = ", Some(now), &mailed).await?;
    Ok(outcomes)
}

/// The batch's addresses as stored, by address, locked until the transaction ends.
async fn stored_subscribers(tx: &mut Tx, signups: &[SignupRequest]) -> Result<HashMap<String, Known>, sqlx::Error> {
    let rows: Vec<(i64, String, String, Option<i64>)> = on_tx!(tx, conn => {
        let mut query = QueryBuilder::<Db>::new(
            "SELECT id, email, status, last_confirmation_mail_at FROM subscribers WHERE email IN (",
        );
        let mut list = query.separated(", ");
        for signup in signups {
            list.push_bind(signup.email.as_str());
        }
        // Locked in id order: two batches sharing addresses wait for each other, not deadlock.
        query.push(") ORDER BY id");
        query.push(Db::FOR_UPDATE);
        query.build_query_as().persistent(false).fetch_all(&mut **conn).await?
    });
    Ok(rows.into_iter().map(|(id, email, status, last_mail)| (email, Known { id, status, last_mail })).collect())
}

/// Inserts the batch's addresses that are not stored yet (each once, in address order; one
/// stored meanwhile by another server is left as it is).
async fn insert_new_subscribers(tx: &mut Tx, signups: &[SignupRequest], now: i64) -> Result<(), sqlx::Error> {
    let mut new: Vec<&str> = signups.iter().map(|signup| signup.email.as_str()).collect();
    new.sort_unstable();
    new.dedup();
    on_tx!(tx, conn => {
        let mut query = QueryBuilder::<Db>::new("INSERT INTO subscribers (email, status, created_at) ");
        query.push_values(&new, |mut row, email| {
            row.push_bind(*email).push("'pending'").push_bind(now);
        });
        query.push(" ON CONFLICT DO NOTHING");
        query.build().persistent(false).execute(&mut **conn).await?;
    });
    Ok(())
}

/// `UPDATE subscribers SET {set}{value} WHERE id IN (ids)`; nothing if there are no ids.
async fn update_ids(tx: &mut Tx, set: &str, value: Option<i64>, ids: &[i64]) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    on_tx!(tx, conn => {
        let mut query = QueryBuilder::<Db>::new("UPDATE subscribers SET ");
        query.push(set);
        if let Some(value) = value {
            query.push_bind(value);
        }
        query.push(" WHERE id IN (");
        let mut list = query.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        query.push(")");
        query.build().persistent(false).execute(&mut **conn).await?;
    });
    Ok(())
}

/// One `signup` consent event per recorded signup.
async fn insert_events(tx: &mut Tx, events: &[(i64, &SignupRequest)], now: i64) -> Result<(), sqlx::Error> {
    if events.is_empty() {
        return Ok(());
    }
    on_tx!(tx, conn => {
        let mut query =
            QueryBuilder::<Db>::new("INSERT INTO consent_events (subscriber_id, event, at, source, privacy_version) ");
        query.push_values(events, |mut row, (subscriber, signup)| {
            row.push_bind(*subscriber)
                .push("'signup'")
                .push_bind(now)
                .push_bind(signup.source.as_str())
                .push_bind(signup.privacy_version.as_str());
        });
        query.build().persistent(false).execute(&mut **conn).await?;
    });
    Ok(())
}

/// The token hashes and the outbox rows for `mails`.
async fn insert_mail(tx: &mut Tx, site_url: &str, mails: &[QueuedMail<'_>], now: i64) -> Result<(), sqlx::Error> {
    if mails.is_empty() {
        return Ok(());
    }
    on_tx!(tx, conn => {
        let mut tokens =
            QueryBuilder::<Db>::new("INSERT INTO tokens (hash, subscriber_id, purpose, created_at, expires_at) ");
        let rows = mails.iter().flat_map(|mail| {
            [
                (&mail.confirm, mail.subscriber, "confirm", Some(now + CONFIRMATION_TTL_SECS)),
                (&mail.unsubscribe, mail.subscriber, "unsubscribe", None),
            ]
        });
        tokens.push_values(rows, |mut row, (token, subscriber, purpose, expires)| {
            row.push_bind(hash_token(token)).push_bind(subscriber).push_bind(purpose).push_bind(now).push_bind(expires);
        });
        tokens.build().persistent(false).execute(&mut **conn).await?;

        let mut outbox = QueryBuilder::<Db>::new(
            "INSERT INTO outbox (subscriber_id, recipient, subject, body, list_unsubscribe, created_at, next_attempt_at) ",
        );
        outbox.push_values(mails, |mut row, mail| {
            let composed = compose_confirmation(site_url, &mail.confirm, &mail.unsubscribe);
            row.push_bind(mail.subscriber)
                .push_bind(mail.email.to_string())
                .push_bind(composed.subject)
                .push_bind(composed.body)
                .push_bind(composed.list_unsubscribe)
                .push_bind(now)
                .push_bind(now);
        });
        outbox.build().persistent(false).execute(&mut **conn).await?;
    });
    Ok(())
}

/// A confirmation mail for `subscriber` with two fresh tokens.
fn queued_mail(subscriber: i64, email: &str) -> Result<QueuedMail<'_>, sqlx::Error> {
    let (Some(confirm), Some(unsubscribe)) = (new_token(), new_token()) else {
        return Err(sqlx::Error::Protocol("the operating system gave no randomness for a token".into()));
    };
    Ok(QueuedMail { subscriber, email, confirm, unsubscribe })
}

/// The error if an address of the batch is neither stored nor inserted (cannot happen). It
/// does not name the address: errors end up in the log.
fn missing() -> sqlx::Error {
    sqlx::Error::Protocol("signup batch: an address has no subscriber row".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;
    use crate::open_database;
    use sqlx::SqlitePool;

    fn signup(email: &str) -> SignupRequest {
        SignupRequest { email: email.into(), source: "footer".into(), privacy_version: "privacy@test".into() }
    }

    async fn scalar(pool: &SqlitePool, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
    }

    async fn write(db: &Database, signups: &[SignupRequest], now: i64) -> Vec<SignupOutcome> {
        let mut tx = db.begin().await.unwrap();
        let outcomes = write_signups(&mut tx, "https://nv.test", signups, now).await.unwrap();
        tx.commit().await.unwrap();
        outcomes
    }

    #[tokio::test]
    async fn one_batch_gives_each_signup_the_outcome_it_would_have_alone() {
        let data = tempfile::tempdir().unwrap();
        let pool = open_database(data.path()).await.unwrap();
        let db = Database::from(pool.clone());
        let now = 1_800_000_000;
        let first = [signup("confirmed@example.com"), signup("left@example.com"), signup("recent@example.com")];
        write(&db, &first, now - 7200).await;
        sqlx::query("UPDATE subscribers SET status = 'confirmed' WHERE email = 'confirmed@example.com'")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE subscribers SET status = 'unsubscribed', last_confirmation_mail_at = NULL WHERE email = 'left@example.com'")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE subscribers SET last_confirmation_mail_at = $1 WHERE email = 'recent@example.com'")
            .bind(now - 60)
            .execute(&pool)
            .await
            .unwrap();

        let batch = [
            signup("new@example.com"),
            signup("confirmed@example.com"),
            signup("new@example.com"),
            signup("left@example.com"),
            signup("recent@example.com"),
        ];
        let outcomes = write(&db, &batch, now).await;

        use SignupOutcome::{MailQueued, NothingSent};
        assert_eq!(outcomes, [MailQueued, NothingSent, NothingSent, MailQueued, NothingSent]);
        assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM subscribers WHERE email = 'new@example.com'").await, 1);
        assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM subscribers WHERE status = 'pending'").await, 3);
        // Every signup but the confirmed address's is in the consent history (3 + 4).
        assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM consent_events WHERE event = 'signup'").await, 7);
        // Mail: the three of the first batch, then one each for the new and the returning address.
        assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM outbox").await, 5);
        assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM tokens").await, 10);
        let mailed_now = "SELECT COUNT(*) FROM subscribers WHERE last_confirmation_mail_at = 1800000000";
        assert_eq!(scalar(&pool, mailed_now).await, 2);
        let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = 'new@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(body.contains("https://nv.test/newsletter/confirm?token="), "{body}");
    }
}
