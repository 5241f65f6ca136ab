//! Bounces against a real SMTP server (aiosmtpd with server/tests/smtp_picky.py, which refuses
//! `refused*` addresses for good with 550): an address refused on three issues gets no fourth.

use crate::common;
use crate::smtp_sink;

use nv_newsletter::weekly::{prepare, IsoWeek, Schedule, WeeklySettings};
use nv_newsletter::{open_database, DeliveryWorker, MailIdentity, Mailer, Pace, SmtpSettings, SmtpTls, Store};
use smtp_sink::Sink;
use std::sync::Arc;

#[tokio::test]
async fn an_address_refused_for_good_on_three_issues_is_bounced_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = Sink::start_picky();
    let port = smtp.port;

    let pool = open_database(&dir.path().join("data")).await.unwrap();
    sqlx::query("INSERT INTO subscribers (email, status, created_at) VALUES ('refused@example.com', 'confirmed', 1), ('reader@example.com', 'confirmed', 1)")
        .execute(&pool)
        .await
        .unwrap();
    let store = Store::new(pool.clone(), common::SITE_URL, None);
    let settings = SmtpSettings { host: "127.0.0.1".into(), port, username: None, password: None, tls: SmtpTls::None };
    let worker = DeliveryWorker {
        store: store.clone(),
        mailer: Mailer::smtp(&settings, MailIdentity::new("News <news@nv.test>", common::SITE_URL, None).unwrap())
            .unwrap(),
        signal: Arc::default(),
        pace: Pace { per_second: 0.0, concurrency: 2 },
    };
    let content = nv_content::store::ContentStore::load(&common::content_dir(), common::SITE_URL).unwrap();
    let weekly = WeeklySettings {
        content_dir: common::content_dir(),
        site_url: common::SITE_URL.into(),
        schedule: None,
        send_time: Schedule::default(),
    };
    let bounced = || async {
        sqlx::query_scalar::<_, Option<i64>>("SELECT bounced_at FROM subscribers WHERE email = 'refused@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap()
            .is_some()
    };
    let mut queued = Vec::new();
    for (n, week) in ["2026-W19", "2026-W20", "2026-W21", "2026-W22"].into_iter().enumerate() {
        let issue = prepare(&weekly, &content, IsoWeek::parse(week).unwrap(), false).unwrap();
        queued.push(store.send_issue(&issue, "NourishVibes").await.unwrap().queued);
        worker.deliver_due().await;
        assert_eq!(bounced().await, n >= 2, "after {week}");
    }
    assert_eq!(queued, [2, 2, 2, 1], "the fourth issue skips the bounced address");
    let refused = std::fs::read_to_string(smtp.rcpt_log()).unwrap().matches("RCPT refused@").count();
    assert_eq!(refused, 3, "one attempt per issue: a 5xx is not retried");
    let status = store.status().await.unwrap();
    assert!(status.subscribers.contains(&("bounced".to_string(), 1)), "{:?}", status.subscribers);
}
