//! The real server binary on a free port with its own data folder, and plain sockets to talk to
//! it the way slow and hostile clients do.
#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A server process, killed if the test ends without stopping it.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its data folder (the SQLite database).
    pub data: tempfile::TempDir,
    log: PathBuf,
}

impl Server {
    /// Starts the binary with `env` added to the defaults (real content, signup limit off) and
    /// waits until `/healthz` answers.
    pub fn start(env: &[(&str, &str)]) -> Server {
        Server::start_limited(None, env)
    }

    /// [`Server::start`] with the open-files limit (soft and hard) set to `open_files`.
    pub fn start_limited(open_files: Option<u32>, env: &[(&str, &str)]) -> Server {
        let data = tempfile::tempdir().expect("temp dir");
        let port =
            TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()).expect("free port").port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let log = data.path().join("server.log");
        let log_file = std::fs::File::create(&log).expect("log file");
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let mut command = match open_files {
            None => Command::new(env!("CARGO_BIN_EXE_server")),
            Some(limit) => {
                let mut shell = Command::new("sh");
                shell.arg("-c").arg(format!("ulimit -n {limit} && exec \"$0\"")).arg(env!("CARGO_BIN_EXE_server"));
                shell
            }
        };
        let child = command
            .env("LEPTOS_SITE_ADDR", addr.to_string())
            .env("LEPTOS_SITE_ROOT", data.path().join("site"))
            .env("NV_SITE_URL", format!("http://{addr}"))
            .env("NV_CONTENT_DIR", content)
            .env("NV_DATA_DIR", data.path())
            .env("NV_SIGNUP_LIMIT", "0")
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::from(log_file.try_clone().expect("log file")))
            .stderr(Stdio::from(log_file))
            .spawn()
            .expect("start the server binary");
        let mut server = Server { child, addr, data, log };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the server exited at start ({status}):\n{}", server.log());
            }
            if request(addr, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                .is_some_and(|reply| reply.starts_with("HTTP/1.1 200"))
            {
                return server;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "the server did not answer:\n{}", server.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// CPU time the process has used so far, in seconds (Linux).
    pub fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).expect("/proc/PID/stat");
        // The fields after the command name, which is in parentheses and may contain spaces.
        let fields: Vec<&str> = stat.rsplit_once(')').expect("stat format").1.split_whitespace().collect();
        let ticks: f64 = fields[11].parse::<f64>().expect("utime") + fields[12].parse::<f64>().expect("stime");
        ticks / 100.0
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().expect("kill");
        assert!(status.success());
    }

    /// Sends SIGKILL (`kill -9`): no shutdown at all.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits up to `limit` for the process to exit; its status, or `None` if it still runs.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// The database file.
    pub fn database(&self) -> PathBuf {
        self.data.path().join("nourishvibes.sqlite3")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `raw` on a new connection and reads the answer until the server closes it (`None` if
/// the connection fails or nothing comes within 30 s).
pub fn request(addr: SocketAddr, raw: &str) -> Option<String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    stream.write_all(raw.as_bytes()).ok()?;
    let mut reply = Vec::new();
    match stream.read_to_end(&mut reply) {
        Ok(_) => {}
        Err(_) if !reply.is_empty() => {}
        Err(_) => return None,
    }
    Some(String::from_utf8_lossy(&reply).into_owned())
}

/// A signup request as the no-JavaScript form sends it, from the site's own pages.
pub fn signup_request(addr: SocketAddr, email: &str) -> String {
    let body = format!("email={}&form=newsletter-page&company=&return_to=%2F", email.replace('@', "%40"));
    format!(
        "POST /api/newsletter/subscribe HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nSec-Fetch-Site: same-origin\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\nConnection: close\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Whether the server has closed `stream` (end of file or reset), reading and discarding what
/// it sends; waits at most `wait`.
pub fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    while started.elapsed() < wait {
        let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return true,
        }
    }
    false
}

/// Connects `count` sockets and sends `first` (maybe nothing) on each.
pub fn open_sockets(addr: SocketAddr, count: usize, first: &str) -> Vec<TcpStream> {
    (0..count)
        .map(|_| {
            let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
            if !first.is_empty() {
                stream.write_all(first.as_bytes()).expect("send");
            }
            stream
        })
        .collect()
}

/// Counts signups of `email` in the database at `path`.
pub fn subscribers_named(path: &Path, email: &str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
        let pool = sqlx::SqlitePool::connect_with(options).await.expect("open the database");
        sqlx::query_scalar("SELECT COUNT(*) FROM subscribers WHERE email = ?")
            .bind(email)
            .fetch_one(&pool)
            .await
            .expect("count")
    })
}

/// Watches `sockets` for up to `limit`, sending `trickle` (if any) on each every `every` as a
/// slow client would: for each socket, how long until the server closed it (`None`: still open).
pub fn time_to_close(
    sockets: Vec<TcpStream>,
    trickle: Option<&str>,
    every: Duration,
    limit: Duration,
) -> Vec<Option<Duration>> {
    let started = Instant::now();
    let mut open: Vec<(usize, TcpStream)> = sockets.into_iter().enumerate().collect();
    let mut closed = vec![None; open.len()];
    for (_, stream) in &open {
        stream.set_nonblocking(true).expect("non-blocking");
    }
    let mut buffer = [0u8; 4096];
    while !open.is_empty() && started.elapsed() < limit {
        open.retain_mut(|(index, stream)| {
            let gone = match stream.read(&mut buffer) {
                Ok(0) => true,
                Ok(_) => false,
                Err(error) => error.kind() != ErrorKind::WouldBlock,
            } || trickle.is_some_and(|line| stream.write_all(line.as_bytes()).is_err());
            if gone {
                closed[*index] = Some(started.elapsed());
            }
            !gone
        });
        std::thread::sleep(every);
    }
    closed
}
