//! The real server against slow, silent and greedy clients: each kind is closed by its own
//! timeout while normal requests keep being answered, and the connection cap refuses the excess
//! without stopping the server. Short settings; margins are generous, as CI machines are slow.

use crate::running;

use running::{open_sockets, request, signup_request, subscribers_named, time_to_close, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(30);
const TRICKLE_EVERY: Duration = Duration::from_millis(200);

fn answers_home(server: &Server) -> bool {
    request(server.addr, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .is_some_and(|reply| reply.starts_with("HTTP/1.1 200"))
}

#[test]
fn clients_trickling_a_request_head_are_closed_by_the_header_timeout() {
    let server = Server::start(&[("NV_HEADER_TIMEOUT_SECS", "1"), ("NV_IDLE_TIMEOUT_SECS", "600")]);
    let trickling = open_sockets(server.addr, 10, "GET / HTTP/1.1\r\nHost: t\r\n");
    let silent = open_sockets(server.addr, 10, "");
    assert!(answers_home(&server), "a normal request is answered while slow clients are connected");

    let trickled = time_to_close(trickling, Some("X-Slow: 1\r\n"), TRICKLE_EVERY, PATIENCE);
    assert!(trickled.iter().all(Option::is_some), "still open after {PATIENCE:?}: {trickled:?}");
    // Taken and held until the timeout, not refused at once.
    assert!(trickled.iter().flatten().all(|after| *after >= Duration::from_millis(500)), "{trickled:?}");
    let silenced = time_to_close(silent, None, TRICKLE_EVERY, PATIENCE);
    assert!(silenced.iter().all(Option::is_some), "silent sockets still open: {silenced:?}");
    assert!(answers_home(&server));
}

#[test]
fn silent_and_kept_alive_connections_are_closed_by_the_idle_timeout_but_a_sending_client_is_not() {
    let server = Server::start(&[("NV_HEADER_TIMEOUT_SECS", "600"), ("NV_IDLE_TIMEOUT_SECS", "2")]);
    let silent = open_sockets(server.addr, 10, "");
    let mut kept_alive = TcpStream::connect(server.addr).unwrap();
    kept_alive.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    let mut reply = Vec::new();
    let mut buffer = [0u8; 1024];
    while !reply.ends_with(b"ok\n") {
        let read = kept_alive.read(&mut buffer).expect("the answer on a kept-alive connection");
        assert!(read > 0, "closed before answering");
        reply.extend_from_slice(&buffer[..read]);
    }

    // A client that keeps sending is not idle (the header timeout, long here, is what ends it),
    // while the others pass their idle timeout meanwhile.
    let sending = open_sockets(server.addr, 1, "GET / HTTP/1.1\r\nHost: t\r\n");
    let still = time_to_close(sending, Some("X-Slow: 1\r\n"), TRICKLE_EVERY, Duration::from_secs(5));
    assert_eq!(still, vec![None], "a sending client was closed as idle");
    let closed = time_to_close(silent.into_iter().chain([kept_alive]).collect(), None, TRICKLE_EVERY, PATIENCE);
    assert!(closed.iter().all(Option::is_some), "idle connections still open: {closed:?}");
}

#[test]
fn a_request_body_that_does_not_arrive_in_time_ends_the_request() {
    let server = Server::start(&[("NV_BODY_TIMEOUT_SECS", "1"), ("NV_IDLE_TIMEOUT_SECS", "600")]);
    let full = signup_request(server.addr, "slow-body@example.com");
    let head_end = full.find("\r\n\r\n").unwrap() + 4;
    // Announces the whole body, sends half of it, then a byte at a time.
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream.write_all(&full.as_bytes()[..head_end + 10]).unwrap();
    let closed = time_to_close(vec![stream], Some("a"), TRICKLE_EVERY, PATIENCE);
    assert!(closed[0].is_some(), "a slow body kept its connection for {PATIENCE:?}");
    assert_eq!(subscribers_named(&server.database(), "slow-body@example.com"), 0);
    assert!(answers_home(&server));
}

#[test]
fn at_the_connection_cap_newcomers_are_refused_and_the_server_recovers() {
    let server = Server::start(&[
        ("NV_MAX_CONNECTIONS", "4"),
        ("NV_HEADER_TIMEOUT_SECS", "600"),
        ("NV_IDLE_TIMEOUT_SECS", "600"),
    ]);
    let mut sockets = open_sockets(server.addr, 4, "GET / HTTP/1.1\r\n");
    sockets.extend(open_sockets(server.addr, 3, ""));
    // Which ones are refused depends on when the start-up check's connection ended (3 or 4 are
    // kept); that no more than the cap are kept does not. Our ends close when this returns.
    let closed = time_to_close(sockets, None, TRICKLE_EVERY, Duration::from_secs(8));
    let kept = closed.iter().filter(|after| after.is_none()).count();
    assert!((3..=4).contains(&kept), "{kept} of 7 connections kept with a cap of 4: {closed:?}");
    assert!(server.log().contains("refused"), "{}", server.log());

    let recovered = (0..300).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        answers_home(&server)
    });
    assert!(recovered, "no answer after the held connections went:\n{}", server.log());
    let signup = request(server.addr, &signup_request(server.addr, "after-cap@example.com")).unwrap_or_default();
    assert!(signup.starts_with("HTTP/1.1 200"), "{signup}");
}

#[test]
fn out_of_files_the_server_pauses_accepting_instead_of_spinning_and_recovers() {
    // More connections allowed than files: accepting fails with EMFILE while the sockets are held.
    let server = Server::start_limited(
        Some(128),
        &[("NV_MAX_CONNECTIONS", "1000"), ("NV_HEADER_TIMEOUT_SECS", "600"), ("NV_IDLE_TIMEOUT_SECS", "600")],
    );
    let held = open_sockets(server.addr, 200, "");
    std::thread::sleep(Duration::from_secs(1));
    let (cpu, wall) = (server.cpu_seconds(), std::time::Instant::now());
    std::thread::sleep(Duration::from_secs(3));
    let busy = (server.cpu_seconds() - cpu) / wall.elapsed().as_secs_f64();
    // Spinning on accept keeps a core busy (1.0); pausing between attempts costs next to nothing.
    assert!(busy < 0.5, "the server used {busy:.2} of a core while out of files");
    assert!(server.log().contains("Too many open files"), "{}", server.log());

    drop(held);
    let recovered = (0..300).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        answers_home(&server)
    });
    assert!(recovered, "no answer after the files were freed:\n{}", server.log());
}
