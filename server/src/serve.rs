//! The accept loop: HTTP/1 connections through hyper with the limits `axum::serve` lacks (a
//! header-read timeout, an idle timeout, a request-body deadline, a cap on open connections)
//! and a graceful stop that closes idle connections at once and lets requests in flight finish.

mod connection;

use axum::body::Body;
use axum::http::{Request, Response};
use connection::{Activity, AppService, Deadlines, Watched};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Connection limits and the shutdown deadline, from `NV_*` variables (see [`ServeSettings::from_lookup`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ServeSettings {
    /// A request head must arrive in full within this, counted from when the server starts
    /// waiting for it: the connection accepted or the previous response sent
    /// (`NV_HEADER_TIMEOUT_SECS`, default 10).
    pub header_timeout: Duration,
    /// A connection on which no byte moves while no request is handled (new or kept alive), or
    /// whose client stops reading a response, is closed after this (`NV_IDLE_TIMEOUT_SECS`,
    /// default 10). Keep-alive lasts at most the shorter of this and the header timeout.
    pub idle_timeout: Duration,
    /// A request body must arrive in full within this after its head (`NV_BODY_TIMEOUT_SECS`, default 10).
    pub body_timeout: Duration,
    /// Connections open at once; more are closed as soon as they are accepted (`NV_MAX_CONNECTIONS`,
    /// default 10,000, less if the open-files limit is lower).
    pub max_connections: usize,
    /// On SIGTERM/SIGINT, requests in flight get this long to finish, and the newsletter's
    /// writer and outbox worker what is left of it (`NV_SHUTDOWN_TIMEOUT_SECS`, default 10).
    pub shutdown_timeout: Duration,
}

/// Default connection cap when the open-files limit allows it (about 10 KiB of buffers each).
const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// File descriptors kept for everything but client connections (database, content, mail, logs).
const RESERVED_FILES: u64 = 256;
/// After an accept error that is not the client's (e.g. EMFILE), wait this long before trying again.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);
/// Connections the kernel holds until they are accepted (capped by `net.core.somaxconn`). The
/// 128 of std and tokio overflows in a burst of new connections while the accept loop waits for
/// a CPU, and each overflow costs a client a one-second SYN retry (seen at 1,200 connects).
const LISTEN_BACKLOG: u32 = 1024;
/// At most one warning about refused connections or accept errors per this long.
const WARNING_INTERVAL: Duration = Duration::from_secs(10);

impl ServeSettings {
    /// Reads the variables through `lookup`; `open_files` is the process's open-files limit,
    /// which bounds the default connection cap. Refuses values it cannot use.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>, open_files: u64) -> Result<ServeSettings, String> {
        let var = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let seconds = |name: &str, default: u64| -> Result<Duration, String> {
            let Some(value) = var(name) else { return Ok(Duration::from_secs(default)) };
            value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|secs| secs.is_finite() && *secs > 0.0 && *secs <= 86_400.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| format!("{name} must be a number of seconds above 0, not {value:?}"))
        };
        let fitting = usize::try_from(open_files.saturating_sub(RESERVED_FILES)).unwrap_or(usize::MAX).max(1);
        let max_connections = match var("NV_MAX_CONNECTIONS") {
            None => DEFAULT_MAX_CONNECTIONS.min(fitting),
            Some(value) => value
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|max| (1..=u32::MAX as usize).contains(max))
                .ok_or_else(|| format!("NV_MAX_CONNECTIONS must be a whole number above 0, not {value:?}"))?,
        };
        if max_connections > fitting {
            tracing::warn!(
                "NV_MAX_CONNECTIONS={max_connections} is more than the open-files limit ({open_files}) leaves room for; \
                 accepting pauses when files run out"
            );
        }
        Ok(ServeSettings {
            header_timeout: seconds("NV_HEADER_TIMEOUT_SECS", 10)?,
            idle_timeout: seconds("NV_IDLE_TIMEOUT_SECS", 10)?,
            body_timeout: seconds("NV_BODY_TIMEOUT_SECS", 10)?,
            max_connections,
            shutdown_timeout: seconds("NV_SHUTDOWN_TIMEOUT_SECS", 10)?,
        })
    }
}

/// How the server stopped.
#[derive(Debug)]
pub struct Stopped {
    /// When the shutdown deadline ends (what remains of it is for the work after HTTP).
    pub deadline: Instant,
    /// Connections still open at the deadline (0: every request in flight finished).
    pub cut_off: usize,
}

/// Listens on `address` with a backlog of [`LISTEN_BACKLOG`] (call inside the runtime).
pub fn listen(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    // As std and tokio do: a restarted server can bind while old connections linger in TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves `app` on `listener` until `signal` completes, then stops accepting, closes idle
/// connections (and those whose request head is incomplete) at once, and waits until the
/// requests in flight are answered or `shutdown_timeout` has passed.
pub async fn serve<S>(
    listener: TcpListener,
    app: S,
    settings: &ServeSettings,
    signal: impl Future<Output = ()>,
) -> Stopped
where
    S: tower::Service<Request<Body>, Response = Response<Body>, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let permits = Arc::new(Semaphore::new(settings.max_connections));
    let (stop, stopping) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    // The header deadline is kept by `Watched` with one timer per connection; hyper's would
    // register a timer per request.
    http.header_read_timeout(None);
    let http = Arc::new(http);
    let mut refused = Throttled::default();
    let mut failed = Throttled::default();
    tokio::pin!(signal);
    loop {
        let accepted = tokio::select! {
            biased;
            () = &mut signal => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            // The client gave up before we took the connection: nothing to do.
            Err(error) if is_client_error(&error) => continue,
            Err(error) => {
                // Out of files or memory: trying again at once would spin; the connections
                // waiting in the backlog are taken when resources free up.
                failed.warn(|suppressed| {
                    tracing::warn!("accepting a connection failed: {error} ({suppressed} more since the last warning)")
                });
                tokio::select! {
                    biased;
                    () = &mut signal => break,
                    () = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => continue,
                }
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // At the cap: closing the newcomer at once tells it to retry, and costs nothing here.
            drop(stream);
            metrics::counter!("nv_connections_refused_total").increment(1);
            refused.warn(|suppressed| {
                tracing::warn!(
                    "{} connections open: refused one ({suppressed} more since the last warning)",
                    settings.max_connections
                )
            });
            continue;
        };
        // Responses go out as soon as they are written, as nginx does with `tcp_nodelay on`.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY not set: {error}");
        }
        let connection =
            Connection { http: http.clone(), settings: settings.clone(), stopping: stopping.clone(), _permit: permit };
        let open = metrics::gauge!("nv_connections_open");
        open.increment(1.0);
        let app = app.clone();
        tokio::spawn(async move {
            connection.run(stream, peer, app).await;
            open.decrement(1.0);
        });
    }
    let deadline = Instant::now() + settings.shutdown_timeout;
    drop(listener);
    stop.send_replace(true);
    let all = u32::try_from(settings.max_connections).unwrap_or(u32::MAX);
    let drained = tokio::time::timeout_at(deadline, permits.acquire_many(all)).await;
    let cut_off = if drained.is_ok() { 0 } else { settings.max_connections - permits.available_permits() };
    Stopped { deadline, cut_off }
}

/// One accepted connection, holding its place under the cap until it ends.
struct Connection {
    http: Arc<hyper::server::conn::http1::Builder>,
    settings: ServeSettings,
    stopping: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
}

impl Connection {
    async fn run<S>(mut self, stream: TcpStream, peer: SocketAddr, app: S)
    where
        S: tower::Service<Request<Body>, Response = Response<Body>, Error = Infallible> + Clone + Send + 'static,
        S::Future: Send + 'static,
    {
        let activity = Arc::new(Activity::default());
        let io = TokioIo::new(Watched::new(
            stream,
            activity.clone(),
            Deadlines { idle: self.settings.idle_timeout, header: self.settings.header_timeout },
        ));
        let service = AppService { app, peer, activity: activity.clone(), body_timeout: self.settings.body_timeout };
        let connection = self.http.serve_connection(io, service);
        tokio::pin!(connection);
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    // Timeouts and clients hanging up land here; none of it is the server's fault.
                    tracing::debug!("connection from {peer} ended: {error}");
                }
                return;
            }
            _ = self.stopping.wait_for(|stopping| *stopping) => {}
        }
        if !activity.is_busy() {
            // Idle, or still sending a request head: nothing in flight, closed now.
            return;
        }
        // The response in flight is finished, then the connection closes.
        connection.as_mut().graceful_shutdown();
        if let Err(error) = connection.await {
            tracing::debug!("connection from {peer} ended during shutdown: {error}");
        }
    }
}

/// Accept errors caused by a client that went away, not by the server.
fn is_client_error(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(error.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset)
}

/// A warning logged at most once per [`WARNING_INTERVAL`], with the count of those left out.
#[derive(Default)]
struct Throttled {
    last: Option<Instant>,
    suppressed: u64,
}

impl Throttled {
    fn warn(&mut self, log: impl FnOnce(u64)) {
        let now = Instant::now();
        if self.last.is_some_and(|last| now.duration_since(last) < WARNING_INTERVAL) {
            self.suppressed += 1;
            return;
        }
        log(self.suppressed);
        self.last = Some(now);
        self.suppressed = 0;
    }
}

/// Raises the soft open-files limit to the hard one (as Go and nginx's `worker_rlimit_nofile`
/// do: the soft default of 1,024 is far below what a server facing the internet holds) and
/// returns the limit now in force.
pub fn raise_open_files_limit() -> u64 {
    // An unlimited hard limit is capped: more than a million descriptors is never needed here.
    rlimit::increase_nofile_limit(1 << 20)
        // Not raised (the call failed): the limit in force is the one it was.
        .or_else(|_| rlimit::Resource::NOFILE.get().map(|(soft, _)| soft))
        .unwrap_or(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)], open_files: u64) -> Result<ServeSettings, String> {
        ServeSettings::from_lookup(
            |name| vars.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string()),
            open_files,
        )
    }

    #[test]
    fn defaults_and_the_cap_fitted_to_the_open_files_limit() {
        let defaults = settings(&[], 65_536).unwrap();
        assert_eq!(defaults.header_timeout, Duration::from_secs(10));
        assert_eq!(defaults.shutdown_timeout, Duration::from_secs(10));
        assert_eq!(defaults.max_connections, 10_000);
        assert_eq!(settings(&[], 1024).unwrap().max_connections, 768);
        assert_eq!(settings(&[("NV_MAX_CONNECTIONS", "50")], 1024).unwrap().max_connections, 50);
    }

    #[test]
    fn the_raised_open_files_limit_is_the_one_in_force() {
        let limit = raise_open_files_limit();
        let (soft, hard) = rlimit::Resource::NOFILE.get().unwrap();
        assert_eq!(limit, soft);
        assert!(soft == hard || soft == 1 << 20, "soft {soft}, hard {hard}");
    }

    #[test]
    fn fractions_of_seconds_and_refused_values() {
        let short = settings(&[("NV_HEADER_TIMEOUT_SECS", "0.5"), ("NV_IDLE_TIMEOUT_SECS", "2")], 65_536).unwrap();
        assert_eq!((short.header_timeout, short.idle_timeout), (Duration::from_millis(500), Duration::from_secs(2)));
        for (name, value) in
            [("NV_BODY_TIMEOUT_SECS", "0"), ("NV_SHUTDOWN_TIMEOUT_SECS", "soon"), ("NV_MAX_CONNECTIONS", "-3")]
        {
            let error = settings(&[(name, value)], 65_536).unwrap_err();
            assert!(error.contains(name), "{error}");
        }
    }
}
