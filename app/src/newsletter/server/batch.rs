//! Group commit for signups. SQLite with `synchronous=FULL` syncs the disk on every commit,
//! which caps one-transaction-per-signup at a few hundred signups a second. Signups that
//! arrive while a commit is in flight wait for the next one and share it: one transaction,
//! one sync, each signup in its own savepoint. Every signup is answered only after the
//! transaction holding it is committed, so nothing acknowledged is lost.

use super::store::{SignupOutcome, Store};
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// Most signups committed together (bounds the time one transaction holds the database).
const MAX_BATCH: usize = 256;
/// Signups waiting for the writer before new ones wait to be queued.
const QUEUE_CAPACITY: usize = 4096;

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

/// Hands signups to a single writer task, started by the first signup.
#[derive(Clone, Default)]
pub(super) struct SignupBatcher {
    queue: Arc<OnceLock<mpsc::Sender<Pending>>>,
}

impl SignupBatcher {
    /// Queues a signup and waits until the transaction holding it is committed.
    pub async fn submit(
        &self,
        store: &Store,
        email: &str,
        source: &str,
        privacy_version: &str,
    ) -> Result<SignupOutcome, sqlx::Error> {
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
            tokio::spawn(write_batches(store.clone(), receiver));
            sender
        });
        let request = SignupRequest { email: email.into(), source: source.into(), privacy_version: privacy_version.into() };
        let (reply, outcome) = oneshot::channel();
        queue.send(Pending { request, reply }).await.map_err(|_| writer_gone())?;
        outcome.await.map_err(|_| writer_gone())?
    }
}

/// The writer: takes whatever has queued up (at least one signup) and commits it together.
async fn write_batches(store: Store, mut queue: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (requests, replies): (Vec<_>, Vec<_>) = batch.drain(..).map(|pending| (pending.request, pending.reply)).unzip();
        match store.signup_batch(&requests).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    // The request may have gone (client disconnected); its signup stands.
                    let _ = reply.send(outcome);
                }
            }
            Err(error) => {
                tracing::error!("newsletter: a batch of {} signups failed: {error}", replies.len());
                for reply in replies {
                    let _ = reply.send(Err(sqlx::Error::Protocol(format!("signup batch failed: {error}"))));
                }
            }
        }
    }
}

/// The error when the writer task is not running (the runtime is shutting down).
fn writer_gone() -> sqlx::Error {
    sqlx::Error::Protocol("the signup writer has stopped".into())
}
