//! The weekly issue end to end: the real server binary and its commands, a real SMTP server
//! (aiosmtpd) on loopback, and a database of 1,000 confirmed, 50 pending and 50 unsubscribed
//! subscribers.

use crate::running;
use crate::smtp_sink;

use running::{request, Server};
use smtp_sink::{recipients, Sink};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// 1,000 confirmed (`reader{n}@example.com`), 50 pending and 50 unsubscribed subscribers.
fn add_subscribers(database: &Path) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(database);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        let mut rows = Vec::new();
        for n in 0..1000 {
            rows.push(format!("('reader{n}@example.com', 'confirmed', 1, 1)"));
        }
        for n in 0..50 {
            rows.push(format!("('pending{n}@example.com', 'pending', 1, NULL)"));
            rows.push(format!("('left{n}@example.com', 'unsubscribed', 1, 1)"));
        }
        sqlx::query(&format!(
            "INSERT INTO subscribers (email, status, created_at, confirmed_at) VALUES {}",
            rows.join(", ")
        ))
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    });
}

/// Runs `server ARGS` beside `server` on its database; its output, failing on a failure.
fn command(server: &Server, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("NV_DATA_DIR", server.data.path())
        .env("NV_CONTENT_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"))
        .env("NV_SITE_URL", format!("http://{}", server.addr))
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "server {args:?} failed: {text}");
    text
}

fn start(sink: &Sink, extra: &[(&str, &str)], data: Option<&Path>) -> Server {
    let mut env: Vec<(String, String)> = sink.env();
    env.push(("NV_NEWSLETTER_SCHEDULE".into(), "off".into()));
    if let Some(data) = data {
        env.push(("NV_DATA_DIR".into(), data.display().to_string()));
    }
    env.extend(extra.iter().map(|(key, value)| (key.to_string(), value.to_string())));
    let env: Vec<(&str, &str)> = env.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
    Server::start(&env)
}

fn one_click(addr: SocketAddr, message: &str) -> String {
    let header = message.lines().find_map(|line| line.strip_prefix("List-Unsubscribe: ")).expect("List-Unsubscribe");
    let url = header.trim().trim_start_matches('<').trim_end_matches('>');
    let path = url.strip_prefix(&format!("http://{addr}")).expect("the site's own URL");
    let body = "List-Unsubscribe=One-Click";
    let raw = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    request(addr, &raw).expect("an answer")
}

#[test]
fn one_send_reaches_each_confirmed_reader_once_and_one_click_unsubscribe_takes_them_off() {
    let sink = Sink::start();
    let server = start(&sink, &[("NV_MAIL_RATE", "0")], None);
    add_subscribers(&server.database());

    let sent = command(&server, &["newsletter", "send", "--week", "2026-W48"]);
    assert!(sent.contains("queued the 2026-W48 issue to 1000 subscriber(s)"), "{sent}");
    let messages = sink.wait_for(1000, Duration::from_secs(240));
    let counts = recipients(&messages);
    assert_eq!(counts.len(), 1000, "every confirmed reader");
    assert!(counts.values().all(|count| *count == 1), "nobody twice");
    assert!(counts.keys().all(|to| to.starts_with("reader")), "no pending or unsubscribed address");

    // The mail as a client sees it.
    let message = &messages[0];
    assert!(message.contains("multipart/alternative"), "{message}");
    assert!(message.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(
        message.lines().any(|line| line.starts_with("From: NourishVibes <news@nv.test>")),
        "site.toml's sender name"
    );
    // Each reader has a token of their own.
    let header =
        |message: &String| message.lines().find(|line| line.starts_with("List-Unsubscribe: ")).unwrap().to_string();
    assert_ne!(header(&messages[0]), header(&messages[1]));

    // A second send of the week queues nothing.
    let again = command(&server, &["newsletter", "send", "--week", "2026-W48"]);
    assert!(again.contains("sent before: nothing queued"), "{again}");

    // One click unsubscribes; the next issue skips that reader.
    let gone = recipients(std::slice::from_ref(message)).into_keys().next().unwrap();
    let answer = one_click(server.addr, message);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let next = command(&server, &["newsletter", "send", "--week", "2026-W49"]);
    assert!(next.contains("to 999 subscriber(s)"), "{next}");
    let all = sink.wait_for(1999, Duration::from_secs(240));
    assert_eq!(all.len(), 1999);
    assert_eq!(recipients(&all)[&gone], 1, "the unsubscribed reader got only the first issue");

    let status = command(&server, &["newsletter", "status"]);
    assert!(status.contains("2026-W49  0 / 999 / 0"), "{status}");
    assert!(status.contains("unsubscribed  51"), "{status}");

    // Data rights: export shows the history, erase removes the address.
    let export = command(&server, &["subscriber", "export", &gone]);
    let json: serde_json::Value = serde_json::from_str(&export).expect("JSON");
    assert_eq!(json["status"], "unsubscribed");
    assert_eq!(json["mails"].as_array().unwrap().len(), 1);
    let erased = command(&server, &["subscriber", "erase", &gone]);
    assert!(erased.contains("kept:"), "{erased}");
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["subscriber", "export", &gone])
        .env("NV_DATA_DIR", server.data.path())
        .output()
        .unwrap();
    assert!(!output.status.success(), "the address is gone");
}

#[test]
fn kill_9_mid_delivery_and_a_restart_miss_no_one() {
    let sink = Sink::start();
    let concurrency = 4;
    let mut server = start(&sink, &[("NV_MAIL_RATE", "150"), ("NV_MAIL_CONCURRENCY", "4")], None);
    add_subscribers(&server.database());
    command(&server, &["newsletter", "send", "--week", "2026-W48"]);
    let started = Instant::now();
    while sink.messages().len() < 300 {
        assert!(started.elapsed() < Duration::from_secs(120), "delivery did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    server.kill_hard();
    let delivered_before = sink.messages().len();
    assert!(delivered_before < 1000, "the kill came too late to test anything");

    let data = server.data.path().to_path_buf();
    let _restarted = start(&sink, &[("NV_MAIL_RATE", "0")], Some(&data));
    let started = Instant::now();
    while recipients(&sink.messages()).len() < 1000 {
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "after the restart only {} readers got the issue",
            recipients(&sink.messages()).len()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(2));
    let messages = sink.messages();
    let duplicates = messages.len() - 1000;
    assert!(duplicates <= concurrency, "{duplicates} duplicates, more than the {concurrency} sends in flight");
}

#[test]
fn an_issue_due_a_minute_ago_goes_out_when_the_server_starts_and_reads_in_the_browser() {
    // The schedule: a minute before now (UTC), so the issue is late and caught up at start.
    let due = nv_content::dates::unix_now() - 60;
    let weekday =
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][((due.div_euclid(86_400) + 3).rem_euclid(7)) as usize];
    let schedule = format!("{weekday} {:02}:{:02}", due.rem_euclid(86_400) / 3600, due.rem_euclid(3600) / 60);
    let data = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async { nv_newsletter::open_database(data.path()).await.unwrap().close().await });
    add_subscribers(&data.path().join("nourishvibes.sqlite3"));

    let sink = Sink::start();
    let mut env: Vec<(String, String)> = sink.env();
    env.extend([
        ("NV_DATA_DIR".to_string(), data.path().display().to_string()),
        ("NV_NEWSLETTER_SCHEDULE".to_string(), schedule.clone()),
        ("NV_MAIL_RATE".to_string(), "0".to_string()),
    ]);
    let env: Vec<(&str, &str)> = env.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
    let server = Server::start(&env);
    let messages = sink.wait_for(1000, Duration::from_secs(240));
    assert_eq!(recipients(&messages).len(), 1000, "schedule {schedule}");

    // "View in browser" leads to the issue on the site.
    let text = messages[0].replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
    let marker = format!("http://{}/newsletter/issues/", server.addr);
    let start = text.find(&marker).expect("a View in browser link");
    let path: String = text[start + format!("http://{}", server.addr).len()..]
        .chars()
        .take_while(|character| !character.is_whitespace() && *character != '"')
        .collect();
    let page = request(server.addr, &format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")).unwrap();
    assert!(page.starts_with("HTTP/1.1 200"), "{path}: {}", &page[..page.len().min(300)]);
    assert!(page.contains("Daily tips for the week ahead"));
}
