//! Group commit for signups. SQLite with `synchronous=FULL` syncs the disk on every commit,
//! which caps one-transaction-per-signup at a few hundred signups a second. Signups that
//! arrive while a commit is in flight wait for the next one and share it: one transaction,
//! one sync, each signup in its own savepoint. Every signup is answered only after the
//! transaction holding it is committed, so nothing acknowledged is lost.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot, watch};

/// Most signups committed together (bounds the time one transaction holds the database).
const MAX_BATCH: usize = 256;
/// Signups waiting for the writer before new ones wait to be queued.
const QUEUE_CAPACITY: usize = 4096;

/// What a signup did (never shown to the reader: every signup gets the same answer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignupOutcome {
    /// A confirmation mail was queued.
    MailQueued,
    /// Nothing to send: already confirmed, or a confirmation mail went out within the hour.
    NothingSent,
}

/// Where batches are committed (the store): one transaction for the batch, a result per signup.
pub(crate) trait BatchWriter: Clone + Send + Sync + 'static {
    /// Commits `signups` together.
    fn write_batch(
        &self,
        signups: &[SignupRequest],
    ) -> impl Future<Output = Result<Vec<Result<SignupOutcome, sqlx::Error>>, sqlx::Error>> + Send;

    /// Whether the database is known to refuse writes (its failures are then logged quietly).
    fn writes_failing(&self) -> bool;
}

/// One signup as the writer records it.
pub(super) struct SignupRequest {
    /// The normalised address.
    pub email: String,
    /// Which form it came from.
    pub source: String,
    /// The privacy notice version the reader saw.
    pub privacy_version: String,
}

/// A queued signup and where its outcome goes.
struct Pending {
    request: SignupRequest,
    reply: oneshot::Sender<Result<SignupOutcome, sqlx::Error>>,
}

/// What the writer is asked to do.
enum Job {
    /// Commit this signup.
    Signup(Pending),
    /// Answer once everything queued before is committed (shutdown).
    Flush(oneshot::Sender<()>),
}

/// Hands signups to a single writer task, started by the first signup.
#[derive(Clone)]
pub(super) struct SignupBatcher {
    queue: Arc<OnceLock<mpsc::Sender<Job>>>,
    /// Set once at shutdown: no new signups, and the delivery worker stops after the mail in hand.
    stopped: Arc<watch::Sender<bool>>,
}

impl Default for SignupBatcher {
    fn default() -> SignupBatcher {
        SignupBatcher { queue: Arc::default(), stopped: Arc::new(watch::Sender::new(false)) }
    }
}

impl SignupBatcher {
    /// Queues a signup and waits until the transaction holding it is committed.
    pub(crate) async fn submit<W: BatchWriter>(
        &self,
        store: &W,
        email: &str,
        source: &str,
        privacy_version: &str,
    ) -> Result<SignupOutcome, sqlx::Error> {
        if self.is_stopped() {
            return Err(writer_gone());
        }
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
            tokio::spawn(write_batches(store.clone(), receiver));
            sender
        });
        let request =
            SignupRequest { email: email.into(), source: source.into(), privacy_version: privacy_version.into() };
        let (reply, outcome) = oneshot::channel();
        queue.send(Job::Signup(Pending { request, reply })).await.map_err(|_| writer_gone())?;
        outcome.await.map_err(|_| writer_gone())?
    }

    /// Signups waiting for the writer (the database's pressure, as readers feel it).
    pub fn waiting(&self) -> usize {
        self.queue.get().map_or(0, |queue| queue.max_capacity() - queue.capacity())
    }

    /// Refuses further signups and returns once every signup queued so far is committed.
    pub async fn stop(&self) {
        self.stopped.send_replace(true);
        if let Some(queue) = self.queue.get() {
            let (done, flushed) = oneshot::channel();
            if queue.send(Job::Flush(done)).await.is_ok() {
                let _ = flushed.await;
            }
        }
    }

    /// Whether [`SignupBatcher::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        *self.stopped.borrow()
    }

    /// Completes once [`SignupBatcher::stop`] is called.
    pub async fn stopping(&self) {
        let mut stopped = self.stopped.subscribe();
        // The sender lives as long as `self`, so this only returns once stopped.
        let _ = stopped.wait_for(|stopped| *stopped).await;
    }
}

/// The writer: takes whatever has queued up (at least one job) and commits its signups together;
/// a flush is answered after the signups queued before it.
async fn write_batches<W: BatchWriter>(store: W, mut queue: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let mut flushes = Vec::new();
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let mut batch = Vec::with_capacity(jobs.len());
        for job in jobs.drain(..) {
            match job {
                Job::Signup(pending) => batch.push(pending),
                Job::Flush(done) => flushes.push(done),
            }
        }
        write_batch(&store, batch).await;
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Commits one batch and answers each of its signups.
async fn write_batch<W: BatchWriter>(store: &W, batch: Vec<Pending>) {
    if batch.is_empty() {
        return;
    }
    let (requests, replies): (Vec<_>, Vec<_>) =
        batch.into_iter().map(|pending| (pending.request, pending.reply)).unzip();
    match store.write_batch(&requests).await {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                // The request may have gone (client disconnected); its signup stands.
                let _ = reply.send(outcome);
            }
        }
        Err(error) => {
            // While the database refuses writes, that was logged once when it started.
            if store.writes_failing() {
                tracing::debug!("newsletter: a batch of {} signups failed: {error}", replies.len());
            } else {
                tracing::error!("newsletter: a batch of {} signups failed: {error}", replies.len());
            }
            for reply in replies {
                let _ = reply.send(Err(sqlx::Error::Protocol(format!("signup batch failed: {error}"))));
            }
        }
    }
}

/// The error when the writer takes no more signups (shutdown).
fn writer_gone() -> sqlx::Error {
    sqlx::Error::Protocol("the signup writer has stopped".into())
}
