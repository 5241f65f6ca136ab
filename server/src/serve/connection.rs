//! One client connection: the hyper service around the app, the record of whether a request is
//! being handled, and the two deadlines hyper does not keep (idle connection, request body).

use axum::body::Body;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::http;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use pin_project_lite::pin_project;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{sleep_until, Instant, Sleep};
use tower::util::Oneshot;
use tower::ServiceExt;

/// Whether the app is handling a request of one connection, shared by its socket and its service.
/// One word: requests in progress in the low half, requests ever started in the high half, so
/// marking a request costs the single atomic add it did before the header deadline needed a count.
#[derive(Default)]
pub(super) struct Activity {
    state: AtomicU64,
}

/// One request started, in [`Activity::state`]: one more in progress, one more ever started.
const STARTED: u64 = (1 << 32) | 1;

impl Activity {
    /// True from a request's complete head until its response body has been handed to hyper.
    pub(super) fn is_busy(&self) -> bool {
        self.state.load(Ordering::Acquire) & u64::from(u32::MAX) > 0
    }

    /// Whether a request is in progress, and how many were ever started.
    fn snapshot(&self) -> (bool, u64) {
        let state = self.state.load(Ordering::Acquire);
        (state & u64::from(u32::MAX) > 0, state >> 32)
    }
}

/// Marks its connection busy for as long as it lives (moved from the request into the response).
struct Busy(Arc<Activity>);

impl Busy {
    fn start(activity: &Arc<Activity>) -> Busy {
        activity.state.fetch_add(STARTED, Ordering::AcqRel);
        Busy(activity.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.state.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The two connection deadlines, in the order they are checked.
#[derive(Clone, Copy, Debug)]
pub(super) struct Deadlines {
    /// No byte moved for this long while no request is handled, or a client not reading a
    /// response for this long, closes the connection.
    pub idle: Duration,
    /// A request head must arrive within this of the connection being accepted or the previous
    /// response being handed over, however slowly its bytes trickle in.
    pub header: Duration,
}

/// The socket with the idle and header-read deadlines: closed (a `TimedOut` error to hyper) when
/// no byte has moved for `idle` while no request is being handled, when the client has stopped
/// reading a response for `idle`, or when a request head has not arrived `header` after the
/// server began waiting for it. While the app works, hyper only reads to notice a hang-up, and a
/// quiet client is expected then.
///
/// Nothing here runs per read or write but a flag store: one timer per connection, created on
/// the first wait, ticks at a quarter of the shorter deadline and reads the clock when it fires.
/// A connection is therefore closed between one deadline and a quarter more after its cause
/// (never early), which is what a limit against slow clients needs. (hyper's own header timer
/// boxes and registers a timer per request, and reading the clock per read cost as much again:
/// 17% of the cached pages' throughput together.)
pub(super) struct Watched<IO> {
    io: IO,
    activity: Arc<Activity>,
    deadlines: Deadlines,
    /// A byte moved since the timer last fired.
    moved: bool,
    /// When the timer last saw a byte move (or the app at work, for reads), as the timer tells it.
    quiet_since: Instant,
    /// Since when a request head is awaited (`None`: a request was in progress at the last tick).
    waiting_since: Option<Instant>,
    /// Requests started as of `waiting_since`: more means a response was handed over since.
    started: u64,
    timer: Option<Pin<Box<Sleep>>>,
    /// The timer holds this task's waker since it was last set: until it fires, polling it
    /// again (per read that finds no data, i.e. per request) would only register it again.
    timer_armed: bool,
}

impl<IO> Watched<IO> {
    /// Watches `io`, which has just been accepted.
    pub(super) fn new(io: IO, activity: Arc<Activity>, deadlines: Deadlines) -> Watched<IO> {
        let now = Instant::now();
        Watched {
            io,
            activity,
            deadlines,
            moved: false,
            quiet_since: now,
            waiting_since: Some(now),
            started: 0,
            timer: None,
            timer_armed: false,
        }
    }

    /// How often the timer checks: a quarter of the shorter deadline (at least a millisecond).
    fn tick(&self) -> Duration {
        (self.deadlines.idle.min(self.deadlines.header) / 4).max(Duration::from_millis(1))
    }

    /// Ready with the error once a deadline has passed; pending otherwise (the task is woken
    /// when the timer fires next). `reading`: the socket waits for the client to send, rather
    /// than for it to take what was written.
    fn poll_deadlines(&mut self, cx: &mut Context<'_>, reading: bool) -> Poll<io::Error> {
        let tick = self.tick();
        let Watched { activity, deadlines, moved, quiet_since, waiting_since, started, timer, timer_armed, .. } = self;
        let timer = timer.get_or_insert_with(|| Box::pin(sleep_until(*quiet_since + tick)));
        // The connection is one task, so the waker the timer holds is still the one to wake.
        if *timer_armed && !timer.is_elapsed() {
            return Poll::Pending;
        }
        loop {
            if timer.as_mut().poll(cx).is_pending() {
                *timer_armed = true;
                return Poll::Pending;
            }
            let now = Instant::now();
            let (busy, started_now) = activity.snapshot();
            if std::mem::take(moved) || (reading && busy) {
                *quiet_since = now;
            }
            if now.duration_since(*quiet_since) >= deadlines.idle {
                return Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, "connection idle for too long"));
            }
            // Each reading is no earlier than the event it stands for, so no deadline runs early.
            if busy {
                *waiting_since = None;
            } else if waiting_since.is_none() || started_now != *started {
                *waiting_since = Some(now);
                *started = started_now;
            }
            if reading && waiting_since.is_some_and(|since| now.duration_since(since) >= deadlines.header) {
                return Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, "request head not received in time"));
            }
            timer.as_mut().reset(now + tick);
            *timer_armed = false;
        }
    }

    fn progressed(&mut self, bytes: usize) {
        if bytes > 0 {
            self.moved = true;
        }
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Watched<IO> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                this.progressed(buf.filled().len() - before);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => this.poll_deadlines(cx, true).map(Err),
        }
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Watched<IO> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write(cx, data) {
            Poll::Ready(Ok(written)) => {
                this.progressed(written);
                Poll::Ready(Ok(written))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            // A full send buffer: the client is not reading, whatever the app is doing.
            Poll::Pending => this.poll_deadlines(cx, false).map(Err),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write_vectored(cx, data) {
            Poll::Ready(Ok(written)) => {
                this.progressed(written);
                Poll::Ready(Ok(written))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => this.poll_deadlines(cx, false).map(Err),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// The app as hyper calls it for one connection: requests carry the peer address (as
/// `ConnectInfo`, for the rate limiter) and a body deadline; the connection counts as busy
/// until the response body is sent.
pub(super) struct AppService<S> {
    /// The application.
    pub app: S,
    /// The client's address.
    pub peer: SocketAddr,
    /// Shared with the connection's [`Watched`] socket.
    pub activity: Arc<Activity>,
    /// Time allowed for a whole request body, from its head.
    pub body_timeout: Duration,
}

impl<S> hyper::service::Service<http::Request<Incoming>> for AppService<S>
where
    S: tower::Service<http::Request<Body>, Response = http::Response<Body>, Error = Infallible> + Clone,
{
    type Response = http::Response<Tracked>;
    type Error = Infallible;
    type Future = Call<Oneshot<S, http::Request<Body>>>;

    fn call(&self, request: http::Request<Incoming>) -> Self::Future {
        let busy = Busy::start(&self.activity);
        let mut request = request.map(|body| {
            if http_body::Body::is_end_stream(&body) {
                // Most requests (every GET): no body, no deadline, no clock reading.
                Body::new(body)
            } else {
                Body::new(Deadline { body, deadline: Instant::now() + self.body_timeout, timer: None })
            }
        });
        request.extensions_mut().insert(ConnectInfo(self.peer));
        Call { inner: self.app.clone().oneshot(request), busy: Some(busy) }
    }
}

pin_project! {
    /// The app's answer, its body tied to the busy mark of the request.
    pub(super) struct Call<F> {
        #[pin]
        inner: F,
        busy: Option<Busy>,
    }
}

impl<F> Future for Call<F>
where
    F: Future<Output = Result<http::Response<Body>, Infallible>>,
{
    type Output = Result<http::Response<Tracked>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = match ready!(this.inner.poll(cx)) {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let busy = this.busy.take();
        Poll::Ready(Ok(response.map(|body| Tracked { body, _busy: busy })))
    }
}

/// A response body that keeps its connection marked busy until hyper has sent (and dropped) it.
pub(super) struct Tracked {
    body: Body,
    _busy: Option<Busy>,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A request body that must have arrived in full by `deadline` (a total, not a per-read, limit:
/// our largest body is a few kilobytes, so a client sending one byte a second is not a reader).
struct Deadline {
    body: Incoming,
    deadline: Instant,
    timer: Option<Pin<Box<Sleep>>>,
}

impl http_body::Body for Deadline {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::BoxError>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let timer = this.timer.get_or_insert_with(|| Box::pin(sleep_until(deadline)));
        ready!(timer.as_mut().poll(cx));
        Poll::Ready(Some(Err("request body not received in time".into())))
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
#[path = "connection_tests.rs"]
mod tests;
