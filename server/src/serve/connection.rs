//! One client connection: the hyper service around the app, the record of whether a request is
//! being handled, and the two deadlines hyper does not keep (idle connection, request body).

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::body::Bytes;
use axum::http;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use pin_project_lite::pin_project;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{sleep_until, Instant, Sleep};
use tower::util::Oneshot;
use tower::ServiceExt;

/// Whether the app is handling a request of one connection, shared by its socket and its service.
#[derive(Default)]
pub(super) struct Activity {
    in_progress: AtomicUsize,
}

impl Activity {
    /// True from a request's complete head until its response body has been handed to hyper.
    pub(super) fn is_busy(&self) -> bool {
        self.in_progress.load(Ordering::Acquire) > 0
    }
}

/// Marks its connection busy for as long as it lives (moved from the request into the response).
struct Busy(Arc<Activity>);

impl Busy {
    fn start(activity: &Arc<Activity>) -> Busy {
        activity.in_progress.fetch_add(1, Ordering::AcqRel);
        Busy(activity.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_progress.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The socket with an idle deadline: closed (a `TimedOut` error to hyper) when no byte has
/// moved for `idle` while no request is being handled, or when the client has stopped reading
/// a response for `idle`. While the app works, hyper only reads to notice a hang-up, and a quiet
/// client is expected then.
pub(super) struct Watched<IO> {
    io: IO,
    activity: Arc<Activity>,
    idle: Duration,
    last_progress: Instant,
    // Created on the first wait, re-armed only when it fires: no timer work per read or write.
    timer: Option<Pin<Box<Sleep>>>,
}

impl<IO> Watched<IO> {
    /// Watches `io`, which has just been accepted.
    pub(super) fn new(io: IO, activity: Arc<Activity>, idle: Duration) -> Watched<IO> {
        Watched { io, activity, idle, last_progress: Instant::now(), timer: None }
    }

    /// Ready with the error once the connection has been idle too long; pending otherwise (the
    /// task is woken when that could change).
    fn poll_idle(&mut self, cx: &mut Context<'_>, busy_counts_as_progress: bool) -> Poll<io::Error> {
        let Watched { activity, idle, last_progress, timer, .. } = self;
        let timer = timer.get_or_insert_with(|| Box::pin(sleep_until(*last_progress + *idle)));
        loop {
            ready!(timer.as_mut().poll(cx));
            let now = Instant::now();
            if busy_counts_as_progress && activity.is_busy() {
                *last_progress = now;
            }
            let due = *last_progress + *idle;
            if due <= now {
                return Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, "connection idle for too long"));
            }
            timer.as_mut().reset(due);
        }
    }

    fn progressed(&mut self, bytes: usize) {
        if bytes > 0 {
            self.last_progress = Instant::now();
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
            Poll::Pending => this.poll_idle(cx, true).map(Err),
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
            Poll::Pending => this.poll_idle(cx, false).map(Err),
        }
    }

    fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write_vectored(cx, data) {
            Poll::Ready(Ok(written)) => {
                this.progressed(written);
                Poll::Ready(Ok(written))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => this.poll_idle(cx, false).map(Err),
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
        let deadline = Instant::now() + self.body_timeout;
        let mut request = request.map(|body| {
            if http_body::Body::is_end_stream(&body) {
                Body::new(body)
            } else {
                Body::new(Deadline { body, deadline, timer: None })
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
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const IDLE: Duration = Duration::from_millis(100);

    #[tokio::test]
    async fn a_client_that_stops_reading_is_dropped_even_while_its_request_is_handled() {
        let (_client, server) = tokio::io::duplex(64);
        let activity = Arc::new(Activity::default());
        let _busy = Busy::start(&activity);
        let mut socket = Watched::new(server, activity, IDLE);
        let written = tokio::time::timeout(Duration::from_secs(30), socket.write_all(&[b'x'; 4096])).await;
        let error = written.expect("the write gives up").expect_err("nobody reads");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test]
    async fn a_quiet_client_is_idle_only_while_no_request_is_handled() {
        let (_client, server) = tokio::io::duplex(64);
        let activity = Arc::new(Activity::default());
        let busy = Busy::start(&activity);
        let mut socket = Watched::new(server, activity.clone(), IDLE);
        let mut buffer = [0u8; 16];
        let quiet = tokio::time::timeout(IDLE * 5, socket.read(&mut buffer)).await;
        assert!(quiet.is_err(), "closed as idle while the app was working: {quiet:?}");
        drop(busy);
        assert!(!activity.is_busy());
        let read = tokio::time::timeout(Duration::from_secs(30), socket.read(&mut buffer)).await.expect("the read gives up");
        assert_eq!(read.expect_err("idle").kind(), io::ErrorKind::TimedOut);
    }
}
