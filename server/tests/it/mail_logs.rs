//! What the running server logs about newsletter mail: a loud warning at start when production
//! has no SMTP server (mail would only go to files), and never an address or a token at the
//! default `info` level, even in the files mode whose links developers used to read there.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The server binary running on a free port with its log lines collected; killed on drop.
struct Running {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(data_dir: &Path, env: &[(&str, &str)]) -> Running {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .current_dir(&root)
            .env_remove("NV_SMTP_HOST")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("NV_CONTENT_DIR", root.join("content"))
            .env("NV_DATA_DIR", data_dir)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the server starts");
        let (sender, lines) = mpsc::channel();
        for stream in
            [Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>, Box::new(child.stderr.take().unwrap())]
        {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = sender.send(strip_ansi(&line));
                }
            });
        }
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(60), "the server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Running { child, port, lines, seen: Vec::new() }
    }

    /// Every line logged so far, waiting up to `wait` for one that contains `until`.
    fn log_until(&mut self, until: &str, wait: Duration) -> &[String] {
        let deadline = Instant::now() + wait;
        while !self.seen.iter().any(|line| line.contains(until)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!("no log line with {until:?} in:\n{}", self.seen.join("\n")),
            }
        }
        &self.seen
    }

    /// Sends a signup as a plain HTTP client would, and returns the status line.
    fn sign_up(&self, email: &str) -> String {
        let body = format!("email={}&form=community", email.replace('@', "%40"));
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "POST /api/newsletter/subscribe HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let _ = stream.read_to_string(&mut response);
        response.lines().next().unwrap_or_default().to_string()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `line` without terminal colour codes, in case the logger adds them anyway.
fn strip_ansi(line: &str) -> String {
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

#[test]
fn production_without_smtp_warns_at_start_and_logs_no_address_or_token() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Running::start(data.path(), &[("LEPTOS_ENV", "PROD")]);
    let status = server.sign_up("Secret.Reader@example.com");
    assert!(status.contains(" 200 "), "{status}");
    let log = server.log_until("; mail ", Duration::from_secs(30)).to_vec();

    let warning = log
        .iter()
        .find(|line| line.contains("NO MAIL IS SENT"))
        .unwrap_or_else(|| panic!("no warning in:\n{}", log.join("\n")));
    assert!(warning.contains("WARN"), "{warning}");
    assert!(warning.contains("NV_SMTP_HOST"), "{warning}");
    for line in &log {
        let lower = line.to_ascii_lowercase();
        assert!(!lower.contains("secret.reader") && !lower.contains("token="), "address or token in the log: {line}");
    }
    // The mail itself is there, in the files the warning names.
    let outbox: Vec<_> = std::fs::read_dir(data.path().join("outbox")).unwrap().collect();
    assert_eq!(outbox.len(), 1);
}

#[test]
fn development_without_smtp_only_informs() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Running::start(data.path(), &[("LEPTOS_ENV", "DEV")]);
    let log = server.log_until("no SMTP configured", Duration::from_secs(30)).to_vec();
    assert!(log.iter().all(|line| !line.contains("NO MAIL IS SENT")), "{}", log.join("\n"));
    assert!(log.iter().any(|line| line.contains("INFO") && line.contains("no SMTP configured")), "{}", log.join("\n"));
}
