//! A real SMTP server on loopback (Debian's python3-aiosmtpd) storing every message in a
//! Maildir, for tests that count what arrived; killed on drop.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// aiosmtpd with its Mailbox handler.
pub struct Sink {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Sink {
    /// Starts it on a free port and waits until it accepts connections.
    pub fn start() -> Sink {
        Sink::start_on(free_port())
    }

    /// [`Sink::start`] on `port` (a test that first finds nobody listening there).
    pub fn start_on(port: u16) -> Sink {
        Sink::launch(port, "aiosmtpd.handlers.Mailbox", false)
    }

    /// A server that refuses `refused*` recipients with 550 and `later*` ones with 451, and logs
    /// every RCPT to [`Sink::rcpt_log`] (see smtp_picky.py).
    pub fn start_picky() -> Sink {
        Sink::launch(free_port(), "smtp_picky.Picky", true)
    }

    /// aiosmtpd on `port` with the `handler` class, which takes the Maildir (and with `logs`,
    /// the RCPT log) as its arguments.
    fn launch(port: u16, handler: &str, logs: bool) -> Sink {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let python = if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
        let mut command = Command::new(python);
        command.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", handler]).arg(&maildir);
        if logs {
            command.arg(dir.path().join("rcpt.log"));
        }
        let child = command
            .env("PYTHONPATH", python_path())
            .stdout(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/install-tools.sh --test installs it)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(15), "aiosmtpd did not start on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Sink { child, port, maildir, _dir: dir }
    }

    /// Where the picky server logs every RCPT it answered.
    pub fn rcpt_log(&self) -> PathBuf {
        self._dir.path().join("rcpt.log")
    }

    /// Every message delivered so far.
    pub fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        entries.filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok()).collect()
    }

    /// Waits until at least `count` messages arrived (and two seconds more, for stragglers);
    /// every message then.
    pub fn wait_for(&self, count: usize, limit: Duration) -> Vec<String> {
        let started = Instant::now();
        while self.messages().len() < count {
            assert!(started.elapsed() < limit, "only {} of {count} mails arrived", self.messages().len());
            std::thread::sleep(Duration::from_millis(200));
        }
        std::thread::sleep(Duration::from_secs(2));
        self.messages()
    }

    /// Waits until `count` different recipients got mail (and two seconds more, for
    /// stragglers and duplicates); every message then.
    pub fn wait_for_recipients(&self, count: usize, limit: Duration) -> Vec<String> {
        let started = Instant::now();
        while recipients(&self.messages()).len() < count {
            assert!(
                started.elapsed() < limit,
                "only {} of {count} readers got mail",
                recipients(&self.messages()).len()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        std::thread::sleep(Duration::from_secs(2));
        self.messages()
    }

    /// The settings that send a server's mail here.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("NV_SMTP_HOST".into(), "127.0.0.1".into()),
            ("NV_SMTP_PORT".into(), self.port.to_string()),
            ("NV_SMTP_TLS".into(), "none".into()),
            ("NV_MAIL_FROM".into(), "News <news@nv.test>".into()),
        ]
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `PYTHONPATH` with server/tests (for smtp_picky.py) in front of whatever was set.
fn python_path() -> std::ffi::OsString {
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    let inherited = std::env::var_os("PYTHONPATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default();
    std::env::join_paths(std::iter::once(ours).chain(inherited)).expect("paths without separators")
}

/// Recipient → how many mails, from the `To:` headers.
pub fn recipients(messages: &[String]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for message in messages {
        let to = message.lines().find_map(|line| line.strip_prefix("To: ")).expect("a To header").trim().to_string();
        *counts.entry(to).or_insert(0) += 1;
    }
    counts
}
