//! Whether the database takes writes, as the last write found out. A full disk, an I/O error or
//! a lost database connection fails every write until it is mended; signups then answer 503
//! and mail waits. This remembers that state so that `/readyz` can report it and the log says
//! it once when it starts and once when it ends, not once per request.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The database's write state, shared by everything that writes through one store.
#[derive(Clone)]
pub struct WriteHealth {
    /// Fast path for the common case: no lock taken while writes succeed.
    failing: Arc<AtomicBool>,
    since: Arc<Mutex<Option<Refusal>>>,
    quiet: Duration,
}

impl Default for WriteHealth {
    fn default() -> WriteHealth {
        WriteHealth::with_quiet(QUIET)
    }
}

/// Writes are being refused: since when and why.
#[derive(Clone, Debug)]
pub struct Refusal {
    /// When the first refused write of this spell failed.
    pub since: Instant,
    /// When the latest one failed.
    pub last: Instant,
    /// The database's words for the first failure (no address or token: sqlx errors name
    /// neither).
    pub reason: String,
}

/// How long writes must go without a fault before the spell counts as over. On a full disk
/// some small writes still succeed (SQLite reuses the space its write-ahead log already has)
/// between refused ones; without this the state, `/readyz` and the log would flap.
pub const QUIET: Duration = Duration::from_secs(5);

impl WriteHealth {
    /// A state whose spells end after `quiet` without a fault (tests use a short one).
    pub fn with_quiet(quiet: Duration) -> WriteHealth {
        WriteHealth { failing: Arc::default(), since: Arc::default(), quiet }
    }

    /// Records the outcome of a write: a storage fault starts (or continues) a refusal, a success
    /// [`QUIET`] after the last fault ends one. Errors that are about the data, not the database (a constraint, a missing row),
    /// change nothing.
    pub fn record<T>(&self, outcome: &Result<T, sqlx::Error>) {
        match outcome {
            Ok(_) => self.succeeded(),
            Err(error) if is_storage_fault(error) => self.failed(error),
            Err(_) => {}
        }
    }

    /// Whether writes are being refused now, and since when and why.
    pub fn refusal(&self) -> Option<Refusal> {
        if !self.failing.load(Ordering::Acquire) {
            return None;
        }
        self.since.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Whether writes are being refused now (errors meanwhile are expected: log them quietly).
    pub fn is_failing(&self) -> bool {
        self.failing.load(Ordering::Acquire)
    }

    fn failed(&self, error: &sqlx::Error) {
        let mut since = self.since.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        match since.as_mut() {
            Some(refusal) => refusal.last = now,
            None => {
                let reason = error.to_string();
                tracing::error!(
                    reason = %reason,
                    "newsletter: the database refuses writes; signups answer 503 and mail waits until it takes them again"
                );
                *since = Some(Refusal { since: now, last: now, reason });
                self.failing.store(true, Ordering::Release);
            }
        }
    }

    fn succeeded(&self) {
        if !self.failing.load(Ordering::Acquire) {
            return;
        }
        let mut since = self.since.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if since.as_ref().is_some_and(|refusal| refusal.last.elapsed() < self.quiet) {
            return;
        }
        if let Some(refusal) = since.take() {
            let lasted = refusal.since.elapsed().as_secs_f64();
            tracing::info!(
                refused_for_seconds = lasted,
                "newsletter: the database takes writes again after {lasted:.1} s"
            );
        }
        self.failing.store(false, Ordering::Release);
    }
}

/// Whether `error` says the database cannot store anything now (full, I/O, read-only,
/// corrupt, locked beyond the timeout, connection lost), rather than something about this write.
pub fn is_storage_fault(error: &sqlx::Error) -> bool {
    use sqlx::error::ErrorKind;
    match error {
        sqlx::Error::Database(error) => matches!(error.kind(), ErrorKind::Other),
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::BeginFailed
        | sqlx::Error::InvalidSavePointStatement => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io_error() -> sqlx::Error {
        sqlx::Error::Io(std::io::Error::other("No space left on device"))
    }

    #[test]
    fn a_success_right_after_a_fault_does_not_end_the_refusal() {
        let health = WriteHealth::default();
        health.record::<()>(&Err(io_error()));
        health.record(&Ok(()));
        assert!(health.refusal().is_some(), "a write that squeezed through ended the refusal");
    }

    #[test]
    fn a_fault_starts_a_refusal_that_the_next_success_ends() {
        let health = WriteHealth::with_quiet(Duration::ZERO);
        assert!(health.refusal().is_none());
        health.record::<()>(&Err(io_error()));
        let refusal = health.refusal().expect("refusing");
        assert!(refusal.reason.contains("No space left"), "{}", refusal.reason);
        // A later fault keeps the first reason and time.
        health.record::<()>(&Err(sqlx::Error::PoolTimedOut));
        assert!(health.refusal().is_some_and(|later| later.reason == refusal.reason));
        health.record(&Ok(()));
        assert!(health.refusal().is_none());
        assert!(!health.is_failing());
    }

    #[test]
    fn errors_about_the_data_do_not_count() {
        let health = WriteHealth::default();
        health.record::<()>(&Err(sqlx::Error::RowNotFound));
        health.record::<()>(&Err(sqlx::Error::Protocol("the signup writer has stopped".into())));
        assert!(health.refusal().is_none());
    }
}
