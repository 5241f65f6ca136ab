//! The newsletter store on both engines: every test here runs once on SQLite (`sqlite::…`) and
//! once on PostgreSQL (`postgres::…`, with the cluster scripts/test.sh starts): signup,
//! confirmation, unsubscribe, the consent history, the outbox and its claims, the weekly send,
//! export and erase. The same calls must give the same results on both.

use crate::engines;
use crate::on_both_engines;

use engines::{fresh, Engine, Fresh};
use nv_content::store::ContentStore;
use nv_newsletter::scheduler::send_week;
use nv_newsletter::weekly::{IsoWeek, Schedule, WeeklySettings};
use nv_newsletter::{open_postgres, Clock, Database, Failure, NextStep, OutboxMail, RateLimiter, SignupOutcome, Store};
use serde_json::Value;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const SITE: &str = "https://nv.test";
const START: i64 = 1_800_000_000;

on_both_engines!(
    signup_confirm_and_unsubscribe_keep_the_whole_consent_history,
    repeated_signups_mail_at_most_once_an_hour_and_never_a_confirmed_reader,
    concurrent_signups_of_one_address_on_two_servers_make_one_subscriber_and_one_mail,
    claimed_mail_goes_to_one_worker_until_it_is_recorded_or_the_lease_runs_out,
    the_weekly_issue_goes_once_to_each_confirmed_reader,
    two_servers_queueing_the_same_week_at_once_queue_each_reader_once,
    export_and_erase_remove_the_address_and_keep_the_consent_record,
    the_signup_limit_is_shared_on_postgres_and_counted_by_each_server_on_sqlite,
);

/// A clock the test moves by hand.
fn manual_clock() -> (Clock, Arc<AtomicI64>) {
    let now = Arc::new(AtomicI64::new(START));
    let reader = now.clone();
    (Arc::new(move || reader.load(Ordering::SeqCst)), now)
}

/// A second server's store on the same database: its own pool on PostgreSQL, the same file's
/// pool on SQLite (one server owns a SQLite file; this checks the store's own rules only).
async fn second_server(fresh: &Fresh, clock: Clock) -> Store {
    let database = match &fresh.url {
        Some(url) => Database::from(open_postgres(url).await.unwrap()),
        None => fresh.database.clone(),
    };
    Store::new(database, SITE, Some(clock))
}

fn token_after(text: &str, marker: &str) -> String {
    let start = text.find(marker).unwrap_or_else(|| panic!("{marker} in {text}")) + marker.len();
    text[start..start + 64].to_string()
}

/// All mail due now (claimed, then recorded as sent so that the next call sees only new mail).
async fn drain(store: &Store) -> Vec<OutboxMail> {
    let mails = store.claim_due_mail(100_000).await.unwrap();
    for mail in &mails {
        store.mark_sent(mail.id).await.unwrap();
    }
    mails
}

/// Signs `email` up and confirms it through the link of its mail; its unsubscribe token.
async fn confirmed_reader(store: &Store, email: &str) -> String {
    assert_eq!(store.signup(email, "footer", "privacy@1").await.unwrap(), SignupOutcome::MailQueued);
    let mails = drain(store).await;
    let body = mails
        .iter()
        .find(|mail| mail.recipient == email)
        .and_then(|mail| mail.body.clone())
        .expect("a confirmation mail");
    store.confirm(&token_after(&body, "/newsletter/confirm?token=")).await.unwrap();
    token_after(&body, "/newsletter/unsubscribe?token=")
}

async fn export(store: &Store, email: &str) -> Value {
    store.export(email).await.unwrap().unwrap_or_else(|| panic!("{email} is stored"))
}

fn events(exported: &Value) -> Vec<(String, String)> {
    exported["consent_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| (event["event"].as_str().unwrap().to_string(), event["source"].as_str().unwrap().to_string()))
        .collect()
}

/// A number from SQL the same on both engines.
async fn scalar(database: &Database, sql: &str) -> i64 {
    match database {
        Database::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Database::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

async fn signup_confirm_and_unsubscribe_keep_the_whole_consent_history(engine: Engine) {
    let db = fresh(engine).await;
    let (clock, now) = manual_clock();
    let store = Store::new(db.database.clone(), SITE, Some(clock));

    assert_eq!(store.signup("ann@example.com", "footer", "privacy@1").await.unwrap(), SignupOutcome::MailQueued);
    let mails = drain(&store).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipient, "ann@example.com");
    let body = mails[0].body.clone().unwrap();
    assert!(body.contains("https://nv.test/newsletter/confirm?token="), "{body}");
    let confirm = token_after(&body, "/newsletter/confirm?token=");
    let unsubscribe = token_after(&body, "/newsletter/unsubscribe?token=");
    assert_eq!(export(&store, "ann@example.com").await["status"], "pending");

    assert!(matches!(store.confirm(&"0".repeat(64)).await, Err(nv_newsletter::StoreError::InvalidLink)));
    assert!(
        matches!(store.confirm(&unsubscribe).await, Err(nv_newsletter::StoreError::InvalidLink)),
        "an unsubscribe token confirms nothing"
    );
    store.confirm(&confirm).await.unwrap();
    store.confirm(&confirm).await.unwrap();
    let exported = export(&store, "ann@example.com").await;
    assert_eq!(exported["status"], "confirmed");
    assert_eq!(exported["confirmed_at"], START);
    assert_eq!(events(&exported), [("signup".into(), "footer".into()), ("confirm".into(), "confirmation link".into())]);

    now.fetch_add(60, Ordering::SeqCst);
    store.unsubscribe(&unsubscribe, "one-click").await.unwrap();
    store.unsubscribe(&unsubscribe, "one-click").await.unwrap();
    let exported = export(&store, "ANN@example.com").await;
    assert_eq!(exported["status"], "unsubscribed");
    assert_eq!(exported["unsubscribed_at"], START + 60);
    let kinds: Vec<String> = events(&exported).into_iter().map(|(event, _)| event).collect();
    assert_eq!(kinds, ["signup", "confirm", "unsubscribe"]);
    assert_eq!(exported["consent_events"][0]["privacy_notice"], "privacy@1");
    // The confirmation token is gone; the unsubscribe one still answers (harmlessly).
    let purposes: Vec<&str> =
        exported["tokens"].as_array().unwrap().iter().map(|token| token["purpose"].as_str().unwrap()).collect();
    assert_eq!(purposes, ["unsubscribe"]);
    assert!(matches!(store.confirm(&confirm).await, Err(nv_newsletter::StoreError::InvalidLink)));
}

async fn repeated_signups_mail_at_most_once_an_hour_and_never_a_confirmed_reader(engine: Engine) {
    let db = fresh(engine).await;
    let (clock, now) = manual_clock();
    let store = Store::new(db.database.clone(), SITE, Some(clock));

    assert_eq!(store.signup("bob@example.com", "footer", "privacy@1").await.unwrap(), SignupOutcome::MailQueued);
    assert_eq!(store.signup("bob@example.com", "article", "privacy@1").await.unwrap(), SignupOutcome::NothingSent);
    now.fetch_add(3600, Ordering::SeqCst);
    assert_eq!(store.signup("bob@example.com", "footer", "privacy@1").await.unwrap(), SignupOutcome::MailQueued);
    let mails = drain(&store).await;
    assert_eq!(mails.len(), 2);
    // Either mail's link works: both confirmation tokens are live.
    store.confirm(&token_after(mails[0].body.as_deref().unwrap(), "confirm?token=")).await.unwrap();
    assert_eq!(store.signup("bob@example.com", "footer", "privacy@1").await.unwrap(), SignupOutcome::NothingSent);
    assert!(drain(&store).await.is_empty());
    let kinds: Vec<String> =
        events(&export(&store, "bob@example.com").await).into_iter().map(|(event, _)| event).collect();
    assert_eq!(kinds, ["signup", "signup", "signup", "confirm"]);

    // Unsubscribed, then back: pending again, with a new mail.
    let unsubscribe = token_after(mails[1].body.as_deref().unwrap(), "unsubscribe?token=");
    store.unsubscribe(&unsubscribe, "page").await.unwrap();
    now.fetch_add(3600, Ordering::SeqCst);
    assert_eq!(store.signup("bob@example.com", "footer", "privacy@2").await.unwrap(), SignupOutcome::MailQueued);
    assert_eq!(export(&store, "bob@example.com").await["status"], "pending");
    assert_eq!(scalar(&db.database, "SELECT COUNT(*) FROM subscribers").await, 1);
}

async fn concurrent_signups_of_one_address_on_two_servers_make_one_subscriber_and_one_mail(engine: Engine) {
    let db = fresh(engine).await;
    let (clock, _) = manual_clock();
    let first = Store::new(db.database.clone(), SITE, Some(clock.clone()));
    let second = second_server(&db, clock).await;
    let mut tasks = Vec::new();
    for n in 0..40 {
        let store = if n % 2 == 0 { first.clone() } else { second.clone() };
        tasks.push(tokio::spawn(async move {
            let email = if n % 4 < 2 { "carol@example.com".to_string() } else { format!("reader{n}@example.com") };
            store.signup(&email, "footer", "privacy@1").await
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("every signup is accepted");
    }
    assert_eq!(scalar(&db.database, "SELECT COUNT(*) FROM subscribers WHERE email = 'carol@example.com'").await, 1);
    assert_eq!(scalar(&db.database, "SELECT COUNT(*) FROM subscribers").await, 21);
    let mails = drain(&first).await;
    assert_eq!(
        mails.iter().filter(|mail| mail.recipient == "carol@example.com").count(),
        1,
        "one confirmation mail an hour"
    );
    assert_eq!(mails.len(), 21);
    let signups = scalar(&db.database, "SELECT COUNT(*) FROM consent_events WHERE event = 'signup'").await;
    assert_eq!(signups, 40, "every signup is in the consent history");
}

async fn claimed_mail_goes_to_one_worker_until_it_is_recorded_or_the_lease_runs_out(engine: Engine) {
    let db = fresh(engine).await;
    let (clock, now) = manual_clock();
    let store = Store::new(db.database.clone(), SITE, Some(clock.clone())).with_claim_lease(60);
    let other = second_server(&db, clock).await.with_claim_lease(60);
    for n in 0..5 {
        store.signup(&format!("reader{n}@example.com"), "footer", "privacy@1").await.unwrap();
    }
    let mine = store.claim_due_mail(3).await.unwrap();
    let ids: Vec<i64> = mine.iter().map(|mail| mail.id).collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "oldest first: {ids:?}");
    let theirs = other.claim_due_mail(10).await.unwrap();
    assert_eq!(theirs.len(), 2, "the other worker gets only what is not claimed");
    assert!(theirs.iter().all(|mail| !ids.contains(&mail.id)));
    assert!(other.claim_due_mail(10).await.unwrap().is_empty());

    // Recorded outcomes end a claim; a retry waits for its time, not for the lease.
    store.mark_sent(mine[0].id).await.unwrap();
    assert!(!store.still_queued(mine[0].id).await.unwrap());
    let step = store.mark_attempt_failed(&mine[1], Failure::Transient, "451 later").await.unwrap();
    assert_eq!(step, NextStep::RetryAt(START + 60));
    // Given back (a worker stopping): claimable at once.
    store.release_claims(&[mine[2].id]).await.unwrap();
    let again = other.claim_due_mail(10).await.unwrap();
    assert_eq!(again.iter().map(|mail| mail.id).collect::<Vec<_>>(), [mine[2].id]);

    // The other worker "dies" holding three claims: after the lease they are due again (with
    // the retry, due by then too).
    assert!(store.claim_due_mail(10).await.unwrap().is_empty());
    assert_eq!(store.next_due_at().await.unwrap(), Some(START + 60));
    now.fetch_add(61, Ordering::SeqCst);
    let taken_over: Vec<i64> = store.claim_due_mail(10).await.unwrap().iter().map(|mail| mail.id).collect();
    let mut expected: Vec<i64> = theirs.iter().map(|mail| mail.id).chain([mine[1].id, mine[2].id]).collect();
    expected.sort_unstable();
    assert_eq!(taken_over, expected);
}

fn content_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

fn weekly_settings() -> WeeklySettings {
    WeeklySettings { content_dir: content_dir(), site_url: SITE.into(), schedule: None, send_time: Schedule::default() }
}

async fn the_weekly_issue_goes_once_to_each_confirmed_reader(engine: Engine) {
    let db = fresh(engine).await;
    let (clock, _) = manual_clock();
    let store = Store::new(db.database.clone(), SITE, Some(clock.clone()));
    for email in ["a@example.com", "b@example.com", "c@example.com"] {
        confirmed_reader(&store, email).await;
    }
    let left = confirmed_reader(&store, "left@example.com").await;
    store.unsubscribe(&left, "page").await.unwrap();
    store.signup("pending@example.com", "footer", "privacy@1").await.unwrap();
    drain(&store).await;

    let content = ContentStore::load(&content_dir(), SITE).expect("the repository's content loads");
    let week = IsoWeek::parse("2026-W48").unwrap();
    assert!(!store.issue_queued(week).await.unwrap());
    let report = send_week(&store, &weekly_settings(), &content, week).await.unwrap();
    assert_eq!((report.queued, report.already_sent), (3, false));
    let again = send_week(&store, &weekly_settings(), &content, week).await.unwrap();
    assert_eq!((again.queued, again.already_sent, again.issue_id), (0, true, report.issue_id));
    let elsewhere = send_week(&second_server(&db, clock).await, &weekly_settings(), &content, week).await.unwrap();
    assert!(elsewhere.already_sent, "another server finds the week sent");

    let mails = drain(&store).await;
    let mut recipients: Vec<&str> = mails.iter().map(|mail| mail.recipient.as_str()).collect();
    recipients.sort_unstable();
    assert_eq!(recipients, ["a@example.com", "b@example.com", "c@example.com"]);
    assert!(mails.iter().all(|mail| mail.issue_id == Some(report.issue_id)));
    // The mail carries the reader's own unsubscribe token, and it works.
    store.unsubscribe(mails[0].body.as_deref().unwrap(), "one-click").await.unwrap();

    assert!(store.issue_queued(week).await.unwrap());
    let parts = store.issue_parts(report.issue_id).await.unwrap().expect("the issue's parts are stored");
    assert!(!parts.subject.is_empty());
    let sent = store.sent_issues().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].week, "2026-W48");
    assert!(store.sent_issue(week).await.unwrap().is_some_and(|issue| !issue.web_html.is_empty()));
    let status = store.status().await.unwrap();
    assert_eq!(status.issues.len(), 1);
    assert_eq!(status.issues[0].3, 3, "three sent: {:?}", status.issues);
    assert!(status.subscribers.contains(&("confirmed".to_string(), 2)), "{:?}", status.subscribers);
}

async fn two_servers_queueing_the_same_week_at_once_queue_each_reader_once(engine: Engine) {
    let db = fresh(engine).await;
    let (clock, _) = manual_clock();
    let rows: Vec<String> = (0..2500).map(|n| format!("('reader{n}@example.com', 'confirmed', 1, 1)")).collect();
    let insert =
        format!("INSERT INTO subscribers (email, status, created_at, confirmed_at) VALUES {}", rows.join(", "));
    match &db.database {
        Database::Sqlite(pool) => sqlx::query(&insert).execute(pool).await.map(|_| ()),
        Database::Postgres(pool) => sqlx::query(&insert).execute(pool).await.map(|_| ()),
    }
    .unwrap();
    let content = Arc::new(ContentStore::load(&content_dir(), SITE).unwrap());
    let week = IsoWeek::parse("2026-W49").unwrap();
    let servers = [Store::new(db.database.clone(), SITE, Some(clock.clone())), second_server(&db, clock).await];
    let sends: Vec<_> = servers
        .into_iter()
        .map(|store| {
            let content = content.clone();
            tokio::spawn(async move { send_week(&store, &weekly_settings(), &content, week).await.unwrap() })
        })
        .collect();
    let mut queued = 0;
    let mut issue_ids = Vec::new();
    for send in sends {
        let report = send.await.unwrap();
        queued += report.queued;
        issue_ids.push(report.issue_id);
    }
    assert_eq!(queued, 2500, "the two servers together queued each reader once");
    assert_eq!(issue_ids[0], issue_ids[1], "one issue");
    assert_eq!(scalar(&db.database, "SELECT COUNT(*) FROM newsletter_issues").await, 1);
    assert_eq!(scalar(&db.database, "SELECT COUNT(*) FROM outbox WHERE issue_id IS NOT NULL").await, 2500);
    assert_eq!(
        scalar(&db.database, "SELECT COUNT(DISTINCT recipient) FROM outbox WHERE issue_id IS NOT NULL").await,
        2500
    );
    assert_eq!(scalar(&db.database, "SELECT recipients FROM newsletter_issues").await, 2500);
}

async fn export_and_erase_remove_the_address_and_keep_the_consent_record(engine: Engine) {
    let db = fresh(engine).await;
    let (clock, _) = manual_clock();
    let store = Store::new(db.database.clone(), SITE, Some(clock));
    confirmed_reader(&store, "dave@example.com").await;
    let exported = export(&store, "dave@example.com").await;
    assert_eq!(exported["email"], "dave@example.com");
    assert_eq!(exported["tokens"].as_array().unwrap().len(), 2);
    assert_eq!(exported["mails"].as_array().unwrap().len(), 1);
    assert!(exported["mails"][0]["sent_at"].is_i64());
    assert!(store.export("nobody@example.com").await.unwrap().is_none());

    let erased = store.erase("dave@example.com").await.unwrap().expect("the address was stored");
    assert_eq!((erased.tokens, erased.mails, erased.consent_events_kept), (2, 1, 2));
    assert!(store.export("dave@example.com").await.unwrap().is_none());
    assert!(store.erase("dave@example.com").await.unwrap().is_none());
    assert_eq!(scalar(&db.database, "SELECT COUNT(*) FROM outbox WHERE recipient LIKE '%dave%'").await, 0);
    assert_eq!(scalar(&db.database, "SELECT COUNT(*) FROM subscribers WHERE email LIKE '%dave%'").await, 0);
    assert_eq!(scalar(&db.database, "SELECT COUNT(*) FROM consent_events").await, 2);
    let status = store.status().await.unwrap();
    assert_eq!(status.subscribers, [("unsubscribed".to_string(), 1)]);
}

async fn the_signup_limit_is_shared_on_postgres_and_counted_by_each_server_on_sqlite(engine: Engine) {
    let db = fresh(engine).await;
    let (clock, now) = manual_clock();
    let first = Store::new(db.database.clone(), SITE, Some(clock.clone()));
    let second = second_server(&db, clock).await;
    let limiter = RateLimiter::new(2, Duration::from_secs(600));
    let client = Some("2001:db8:1:2::1".parse().unwrap());
    let same_network = Some("2001:db8:1:2::ff".parse().unwrap());
    let other = Some("192.0.2.7".parse().unwrap());
    if engine == Engine::Sqlite {
        // One server: its limiter in memory decides (rate_limit.rs has its tests).
        assert_eq!(first.allow_signup_shared(&limiter, client).await.unwrap(), None);
        return;
    }
    let mut seen = Vec::new();
    for (store, address) in [(&first, client), (&second, same_network), (&first, client), (&second, client)] {
        seen.push(store.allow_signup_shared(&limiter, address).await.unwrap().unwrap());
    }
    assert_eq!(seen, [true, true, false, false], "two signups per network in all, on either server");
    assert_eq!(second.allow_signup_shared(&limiter, other).await.unwrap(), Some(true));
    // A sliding window: the two allowed attempts leave it 600 s later (refused ones never count).
    now.fetch_add(300, Ordering::SeqCst);
    assert_eq!(first.allow_signup_shared(&limiter, client).await.unwrap(), Some(false));
    now.fetch_add(300, Ordering::SeqCst);
    assert_eq!(second.allow_signup_shared(&limiter, client).await.unwrap(), Some(true));
    now.fetch_add(10, Ordering::SeqCst);
    assert_eq!(first.allow_signup_shared(&limiter, client).await.unwrap(), Some(true));
    assert_eq!(second.allow_signup_shared(&limiter, client).await.unwrap(), Some(false));
}
