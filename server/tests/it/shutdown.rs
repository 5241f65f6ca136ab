//! SIGTERM on the real server: idle and half-sent connections are closed at once, a request in
//! flight is answered, acknowledged signups are in the database after the exit, and the exit
//! comes by the deadline even when a client never finishes its request.

use crate::running;

use running::{open_sockets, request, signup_request, subscribers_named, time_to_close, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Far longer than a clean stop takes, far shorter than the timeouts the tests set.
const EXIT_WITHIN: Duration = Duration::from_secs(20);

#[test]
fn idle_and_half_sent_connections_do_not_hold_up_the_exit_and_acknowledged_signups_stay() {
    let mut server = Server::start(&[
        ("NV_HEADER_TIMEOUT_SECS", "600"),
        ("NV_IDLE_TIMEOUT_SECS", "600"),
        ("NV_SHUTDOWN_TIMEOUT_SECS", "120"),
    ]);
    let acknowledged =
        request(server.addr, &signup_request(server.addr, "before-term@example.com")).unwrap_or_default();
    assert!(acknowledged.starts_with("HTTP/1.1 200"), "{acknowledged}");
    let mut kept_alive = TcpStream::connect(server.addr).unwrap();
    kept_alive.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    let mut reply = Vec::new();
    let mut buffer = [0u8; 1024];
    while !reply.ends_with(b"ok\n") {
        let read = kept_alive.read(&mut buffer).unwrap();
        assert!(read > 0);
        reply.extend_from_slice(&buffer[..read]);
    }
    let mut held = open_sockets(server.addr, 10, "");
    held.extend(open_sockets(server.addr, 10, "GET / HTTP/1.1\r\nHost: t\r\nX-Half: "));
    held.push(kept_alive);

    server.terminate();
    let status = server.wait_exit(EXIT_WITHIN).unwrap_or_else(|| panic!("still running:\n{}", server.log()));
    assert!(status.success(), "{status}:\n{}", server.log());
    let closed = time_to_close(held, None, Duration::from_millis(50), Duration::from_secs(5));
    assert!(closed.iter().all(Option::is_some), "{closed:?}");
    assert!(server.log().contains("shutdown complete"), "{}", server.log());
    assert_eq!(subscribers_named(&server.database(), "before-term@example.com"), 1);
}

#[test]
fn a_request_in_flight_is_answered_while_new_connections_are_refused() {
    let mut server = Server::start(&[("NV_BODY_TIMEOUT_SECS", "600"), ("NV_SHUTDOWN_TIMEOUT_SECS", "120")]);
    let full = signup_request(server.addr, "in-flight@example.com");
    let split = full.find("\r\n\r\n").unwrap() + 10;
    let mut in_flight = TcpStream::connect(server.addr).unwrap();
    in_flight.write_all(&full.as_bytes()[..split]).unwrap();
    // The head is read and the request handed to the app before the signal.
    std::thread::sleep(Duration::from_millis(500));

    server.terminate();
    std::thread::sleep(Duration::from_millis(500));
    let refused = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        TcpStream::connect(server.addr).is_err()
    });
    assert!(refused, "still accepting after SIGTERM");
    assert!(server.is_running(), "exited with a request in flight:\n{}", server.log());

    in_flight.write_all(&full.as_bytes()[split..]).unwrap();
    let mut reply = String::new();
    in_flight.set_read_timeout(Some(EXIT_WITHIN)).unwrap();
    let _ = in_flight.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}\n{}", server.log());
    let status = server.wait_exit(EXIT_WITHIN).unwrap_or_else(|| panic!("still running:\n{}", server.log()));
    assert!(status.success(), "{status}");
    assert_eq!(subscribers_named(&server.database(), "in-flight@example.com"), 1);
}

#[test]
fn the_deadline_ends_a_request_that_never_completes() {
    let mut server = Server::start(&[("NV_BODY_TIMEOUT_SECS", "600"), ("NV_SHUTDOWN_TIMEOUT_SECS", "1")]);
    let full = signup_request(server.addr, "never@example.com");
    let split = full.find("\r\n\r\n").unwrap() + 10;
    let mut stuck = TcpStream::connect(server.addr).unwrap();
    stuck.write_all(&full.as_bytes()[..split]).unwrap();
    std::thread::sleep(Duration::from_millis(500));

    server.terminate();
    let status =
        server.wait_exit(EXIT_WITHIN).unwrap_or_else(|| panic!("still running past the deadline:\n{}", server.log()));
    assert!(status.success(), "{status}");
    assert!(server.log().contains("cut off"), "{}", server.log());
    drop(stuck);
}

#[tokio::test]
async fn stopping_the_store_commits_queued_signups_refuses_new_ones_and_ends_the_worker_between_mails() {
    use nv_newsletter::{open_database, DeliveryWorker, MailIdentity, Mailer, Store};
    use std::sync::Arc;

    let data = tempfile::tempdir().unwrap();
    let store = Store::new(open_database(data.path()).await.unwrap(), "https://nourishvibes.example", None);
    let outbox = data.path().join("outbox");
    let signal = Arc::new(tokio::sync::Notify::new());
    let worker = DeliveryWorker {
        store: store.clone(),
        mailer: Mailer::files(
            outbox.clone(),
            MailIdentity::new("News <news@nourishvibes.example>", "https://nourishvibes.example", None).unwrap(),
        ),
        signal: signal.clone(),
        pace: Default::default(),
    };
    let worker = tokio::spawn(worker.run());
    let signups: Vec<_> = (0..60)
        .map(|n| {
            let (store, signal) = (store.clone(), signal.clone());
            tokio::spawn(async move {
                let email = format!("reader-{n}@example.com");
                let outcome = store.signup(&email, "newsletter page", "privacy@2026-02-15").await;
                signal.notify_one();
                outcome.map(|_| email)
            })
        })
        .collect();
    // Every signup task runs up to its wait for the commit (one thread: they run in turn).
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }

    // As main does after the HTTP side has drained.
    store.stop().await;
    tokio::time::timeout(Duration::from_secs(30), worker).await.expect("the worker stops").unwrap();
    store.database().close().await;

    let mut acknowledged = Vec::new();
    for signup in signups {
        if let Ok(email) = signup.await.unwrap() {
            acknowledged.push(email);
        }
    }
    assert_eq!(acknowledged.len(), 60, "the signups queued before the stop are committed");
    assert!(
        store.signup("late@example.com", "newsletter page", "privacy@2026-02-15").await.is_err(),
        "a signup after the stop"
    );
    let pool = open_database(data.path()).await.unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT email FROM subscribers").fetch_all(&pool).await.unwrap();
    assert!(
        acknowledged.iter().all(|email| stored.contains(email)),
        "acknowledged {acknowledged:?}, stored {stored:?}"
    );
    // Every mail written out is marked sent: the worker never stopped halfway through one.
    let written = std::fs::read_dir(&outbox).map(|files| files.count()).unwrap_or(0) as i64;
    let sent: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL").fetch_one(&pool).await.unwrap();
    assert_eq!(written, sent);
}
