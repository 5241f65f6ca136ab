//! Several server processes on one PostgreSQL database (the real binary, a real SMTP server):
//! both schedules fire and the week's issue goes once to each reader, each mail through one
//! server; a server killed with mail claimed leaves it to the other; the signup limit counts
//! across servers. Needs the cluster scripts/test.sh starts (`NV_TEST_POSTGRES_URL`).

use crate::engines;
use crate::running;
use crate::smtp_sink;

use nv_newsletter::open_postgres;
use running::{request, signup_request, Server};
use smtp_sink::{recipients, Sink};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A new database with the schema and `confirmed` confirmed readers (`reader{n}@example.com`);
/// its URL.
fn database_with_readers(confirmed: usize) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let url = engines::new_postgres_database().await;
        let pool = open_postgres(&url).await.expect("the schema is created");
        if confirmed > 0 {
            let rows: Vec<String> =
                (0..confirmed).map(|n| format!("('reader{n}@example.com', 'confirmed', 1, 1)")).collect();
            let insert =
                format!("INSERT INTO subscribers (email, status, created_at, confirmed_at) VALUES {}", rows.join(", "));
            sqlx::query(&insert).execute(&pool).await.unwrap();
        }
        pool.close().await;
        url
    })
}

fn scalar(url: &str, sql: &str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let pool = open_postgres(url).await.unwrap();
        let value = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        value
    })
}

/// Starts a server on database `url` with the sink's SMTP settings and `extra`.
fn start(url: &str, sink: &Sink, extra: &[(&str, &str)]) -> Server {
    let mut env = sink.env();
    env.push(("NV_DATABASE_URL".into(), url.into()));
    // Each server logs the mail it delivered, so the test sees that both took part.
    env.push(("RUST_LOG".into(), "info,nv_newsletter::worker=debug".into()));
    env.extend(extra.iter().map(|(key, value)| (key.to_string(), value.to_string())));
    let env: Vec<(&str, &str)> = env.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
    Server::start(&env)
}

/// How many mails `server` logged as delivered.
fn delivered_by(server: &Server) -> usize {
    server.log().lines().filter(|line| line.contains("newsletter: mail") && line.ends_with("delivered")).count()
}

/// A schedule that was due a minute ago (UTC): a server started now catches the issue up at once.
fn due_a_minute_ago() -> String {
    let due = nv_content::dates::unix_now() - 60;
    let weekday =
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][((due.div_euclid(86_400) + 3).rem_euclid(7)) as usize];
    format!("{weekday} {:02}:{:02}", due.rem_euclid(86_400) / 3600, due.rem_euclid(3600) / 60)
}

#[test]
#[ignore = "needs NV_TEST_POSTGRES_URL (scripts/test.sh starts a PostgreSQL cluster)"]
fn two_servers_whose_schedules_both_fire_send_the_issue_once_each_mail_through_one_of_them() {
    let url = database_with_readers(1000);
    let sink = Sink::start();
    let schedule = due_a_minute_ago();
    // Paced, so that neither server sends everything before the other one starts.
    let settings = [("NV_NEWSLETTER_SCHEDULE", schedule.as_str()), ("NV_MAIL_RATE", "100")];
    let first = start(&url, &sink, &settings);
    let second = start(&url, &sink, &settings);

    let messages = sink.wait_for_recipients(1000, Duration::from_secs(240));
    let counts = recipients(&messages);
    assert_eq!(counts.len(), 1000, "schedule {schedule}");
    let twice: Vec<_> = counts.iter().filter(|(_, count)| **count > 1).collect();
    assert!(twice.is_empty(), "{} readers got the issue more than once, e.g. {:?}", twice.len(), twice.first());
    assert_eq!(messages.len(), 1000);
    assert_eq!(scalar(&url, "SELECT COUNT(*) FROM newsletter_issues"), 1);
    let (by_first, by_second) = (delivered_by(&first), delivered_by(&second));
    assert_eq!(by_first + by_second, 1000, "first {by_first}, second {by_second}");
    assert!(by_first > 0 && by_second > 0, "both servers deliver: first {by_first}, second {by_second}");
}

#[test]
#[ignore = "needs NV_TEST_POSTGRES_URL (scripts/test.sh starts a PostgreSQL cluster)"]
fn mail_claimed_by_a_killed_server_goes_out_through_the_other_once_the_claim_runs_out() {
    let url = database_with_readers(600);
    let sink = Sink::start();
    let lease = [("NV_MAIL_CLAIM_SECS", "5"), ("NV_NEWSLETTER_SCHEDULE", "off")];
    let mut doomed = start(&url, &sink, &[lease[0], lease[1], ("NV_MAIL_RATE", "40")]);
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["newsletter", "send", "--week", "2026-W48"])
        .env("NV_DATABASE_URL", &url)
        .env("NV_CONTENT_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"))
        .env("NV_SITE_URL", format!("http://{}", doomed.addr))
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let started = Instant::now();
    while sink.messages().len() < 60 {
        assert!(started.elapsed() < Duration::from_secs(60), "delivery did not start:\n{}", doomed.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    // Killed while it holds claimed mail: between two batches it holds none, so wait for a moment
    // it does (the check and the kill are a few milliseconds apart; a batch takes much longer).
    let claims = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND claimed_until IS NOT NULL";
    while scalar(&url, claims) == 0 {
        assert!(started.elapsed() < Duration::from_secs(60), "no claimed mail seen:\n{}", doomed.log());
        std::thread::sleep(Duration::from_millis(5));
    }
    doomed.kill_hard();
    let claimed = scalar(&url, claims);
    assert!(claimed > 0, "the killed server held no claims: nothing to test");

    let survivor = start(&url, &sink, &[lease[0], lease[1], ("NV_MAIL_RATE", "0")]);
    let messages = sink.wait_for_recipients(600, Duration::from_secs(120));
    // A mail the SMTP server took in the moment before the kill, not yet recorded as sent, goes
    // again: at most the sends in flight (NV_MAIL_CONCURRENCY, 4).
    let duplicates = messages.len() - 600;
    assert!(duplicates <= 4, "{duplicates} duplicates");
    assert_eq!(scalar(&url, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"), 0);
    assert!(delivered_by(&survivor) as i64 >= claimed, "the survivor sent the {claimed} mails the killed server held");
}

#[test]
#[ignore = "needs NV_TEST_POSTGRES_URL (scripts/test.sh starts a PostgreSQL cluster)"]
fn signups_confirmations_and_the_signup_limit_work_across_servers() {
    let url = database_with_readers(0);
    let sink = Sink::start();
    let settings = [("NV_SIGNUP_LIMIT", "3"), ("NV_NEWSLETTER_SCHEDULE", "off")];
    let servers = [start(&url, &sink, &settings), start(&url, &sink, &settings)];
    let mut statuses = Vec::new();
    for n in 0..6 {
        let server = &servers[n % 2];
        let reply =
            request(server.addr, &signup_request(server.addr, &format!("reader{n}@example.com"))).expect("an answer");
        statuses.push(reply.split(' ').nth(1).unwrap_or("").to_string());
    }
    assert_eq!(statuses, ["200", "200", "200", "429", "429", "429"], "3 signups per network in all, on any server");
    assert_eq!(scalar(&url, "SELECT COUNT(*) FROM subscribers"), 3);

    // The confirmation mail's link works on the other server.
    let messages = sink.wait_for_recipients(3, Duration::from_secs(60));
    let mail = messages.iter().find(|message| message.contains("To: reader0@example.com")).expect("reader0's mail");
    let text = mail.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
    let start = text.find("confirm?token=").expect("a confirmation link") + "confirm?token=".len();
    let token = &text[start..start + 64];
    let other = &servers[1];
    let body = format!("token={token}");
    let confirm = format!(
        "POST /api/newsletter/confirm HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nSec-Fetch-Site: same-origin\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\nConnection: close\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len(),
        addr = other.addr
    );
    let reply = request(other.addr, &confirm).expect("an answer");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert_eq!(scalar(&url, "SELECT COUNT(*) FROM subscribers WHERE status = 'confirmed'"), 1);
}
