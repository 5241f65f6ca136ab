//! Tests of `connection.rs`.

use super::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const IDLE: Duration = Duration::from_millis(100);
const LONG: Duration = Duration::from_secs(600);
const IDLE_ONLY: Deadlines = Deadlines { idle: IDLE, header: LONG };

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_even_while_its_request_is_handled() {
    let (_client, server) = tokio::io::duplex(64);
    let activity = Arc::new(Activity::default());
    let _busy = Busy::start(&activity);
    let mut socket = Watched::new(server, activity, IDLE_ONLY);
    let written = tokio::time::timeout(Duration::from_secs(30), socket.write_all(&[b'x'; 4096])).await;
    let error = written.expect("the write gives up").expect_err("nobody reads");
    assert_eq!(error.kind(), io::ErrorKind::TimedOut);
}

#[tokio::test]
async fn a_quiet_client_is_idle_only_while_no_request_is_handled() {
    let (_client, server) = tokio::io::duplex(64);
    let activity = Arc::new(Activity::default());
    let busy = Busy::start(&activity);
    let mut socket = Watched::new(server, activity.clone(), IDLE_ONLY);
    let mut buffer = [0u8; 16];
    let quiet = tokio::time::timeout(IDLE * 5, socket.read(&mut buffer)).await;
    assert!(quiet.is_err(), "closed as idle while the app was working: {quiet:?}");
    drop(busy);
    assert!(!activity.is_busy());
    let read =
        tokio::time::timeout(Duration::from_secs(30), socket.read(&mut buffer)).await.expect("the read gives up");
    assert_eq!(read.expect_err("idle").kind(), io::ErrorKind::TimedOut);
}

/// Reads until the socket fails; the error and when it came.
async fn read_until_closed(socket: &mut Watched<tokio::io::DuplexStream>) -> (io::Error, Instant) {
    let mut buffer = [0u8; 16];
    loop {
        match tokio::time::timeout(Duration::from_secs(30), socket.read(&mut buffer)).await.expect("the read gives up")
        {
            Ok(0) => panic!("the client hung up"),
            Ok(_) => {}
            Err(error) => return (error, Instant::now()),
        }
    }
}

#[tokio::test]
async fn a_client_trickling_a_head_is_closed_by_the_header_deadline_not_earlier() {
    let header = Duration::from_millis(300);
    let (mut client, server) = tokio::io::duplex(64);
    let began = Instant::now();
    let mut socket = Watched::new(server, Arc::new(Activity::default()), Deadlines { idle: LONG, header });
    let trickle = tokio::spawn(async move {
        while client.write_all(b"X").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let (error, at) = read_until_closed(&mut socket).await;
    trickle.abort();
    assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    assert!(at - began >= header, "closed {:?} after accepting", at - began);
}

#[tokio::test]
async fn the_header_deadline_restarts_when_a_response_is_handed_over() {
    let header = Duration::from_millis(200);
    let (_client, server) = tokio::io::duplex(64);
    let activity = Arc::new(Activity::default());
    let mut socket = Watched::new(server, activity.clone(), Deadlines { idle: LONG, header });
    let busy = Busy::start(&activity);
    let answered = tokio::spawn(async move {
        // The app works longer than the header deadline, then answers.
        tokio::time::sleep(header * 2).await;
        drop(busy);
        Instant::now()
    });
    let (error, at) = read_until_closed(&mut socket).await;
    let answered = answered.await.unwrap();
    assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    assert!(at >= answered + header, "closed {:?} after the response", at.saturating_duration_since(answered));
}
