//! The delivery worker: sends the outbox in the background, woken when mail is queued,
//! paced by a configured rate and concurrency, retrying failures with back-off. Each server
//! runs one; mail is claimed before it is sent (see [`crate::outbox`]), so with several servers
//! on one database each mail goes out once.

use crate::mail::{DeliveryError, Mailer};
use crate::message::IssueParts;
use crate::message::OutboxMail;
use crate::retry::{Failure, NextStep};
use crate::store::Store;
use futures::StreamExt;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Delivers the outbox in the background: woken when mail is queued, retrying failures with
/// backoff. Everything it sends was committed first, so a crash only delays mail.
pub struct DeliveryWorker {
    /// Where the outbox lives.
    pub store: Store,
    /// Where mail goes.
    pub mailer: Mailer,
    /// Woken by signups and sends.
    pub signal: Arc<Notify>,
    /// How fast mail goes out.
    pub pace: Pace,
}

/// How fast the outbox is delivered: providers cap both the rate and the connections.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pace {
    /// Mails per second at most (`NV_MAIL_RATE`; 0 = no limit).
    pub per_second: f64,
    /// Mails being sent at once, each on its own pooled SMTP connection (`NV_MAIL_CONCURRENCY`).
    pub concurrency: usize,
}

impl Default for Pace {
    fn default() -> Pace {
        Pace { per_second: DEFAULT_RATE, concurrency: DEFAULT_CONCURRENCY }
    }
}

/// How often an idle worker looks into the outbox: mail queued by a command (another
/// process, which cannot wake this one) goes out within this time.
const IDLE_POLL_SECS: i64 = 5;

/// The longest wait between two tries to store a delivery's outcome.
const MAX_RECORD_WAIT: Duration = Duration::from_secs(5);

/// Default mails per second: below the caps of the common providers (Amazon SES starts at 14).
pub const DEFAULT_RATE: f64 = 10.0;
/// Default mails sent at once.
pub const DEFAULT_CONCURRENCY: usize = 4;

impl Pace {
    /// The time between two sends, if the rate is limited.
    fn gap(self) -> Option<Duration> {
        (self.per_second > 0.0).then(|| Duration::from_secs_f64(1.0 / self.per_second))
    }

    /// Reads `NV_MAIL_RATE` and `NV_MAIL_CONCURRENCY` through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Pace, String> {
        let mut pace = Pace::default();
        if let Some(rate) = lookup("NV_MAIL_RATE").filter(|value| !value.trim().is_empty()) {
            pace.per_second = rate
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|rate| rate.is_finite() && *rate >= 0.0)
                .ok_or_else(|| format!("NV_MAIL_RATE must be mails per second (0 = no limit), not {rate:?}"))?;
        }
        if let Some(concurrency) = lookup("NV_MAIL_CONCURRENCY").filter(|value| !value.trim().is_empty()) {
            pace.concurrency = concurrency
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|count| (1..=64).contains(count))
                .ok_or_else(|| format!("NV_MAIL_CONCURRENCY must be 1 to 64, not {concurrency:?}"))?;
        }
        Ok(pace)
    }
}

impl DeliveryWorker {
    /// Runs until [`Store::stop`], then returns after the mail in hand.
    pub async fn run(self) {
        match self.store.release_stale_claims().await {
            Ok(0) => {}
            Ok(released) => {
                tracing::info!("newsletter: {released} mail(s) claimed by this server's previous run are queued again")
            }
            Err(error) => tracing::error!("newsletter: giving back the previous run's claims failed: {error}"),
        }
        loop {
            self.deliver_due().await;
            if self.store.is_stopping() {
                return;
            }
            let now = nv_content::dates::unix_now();
            let wait = match self.store.next_due_at().await {
                Ok(Some(due)) => Duration::from_secs(due.saturating_sub(now).clamp(1, IDLE_POLL_SECS) as u64),
                Ok(None) => Duration::from_secs(IDLE_POLL_SECS as u64),
                Err(error) => {
                    self.log_store_error("reading the outbox", &error);
                    Duration::from_secs(IDLE_POLL_SECS as u64)
                }
            };
            tokio::select! {
                _ = tokio::time::timeout(wait, self.signal.notified()) => {}
                () = self.store.stopping() => return,
            }
        }
    }

    /// Mails claimed at once: enough to keep every connection busy, few enough that at the
    /// configured rate the batch is sent within half the claim's lease (a slow rate must not
    /// let the claims run out while the mail is still waiting its turn here).
    fn batch_size(&self) -> i64 {
        let wanted = (self.pace.concurrency.max(1) * 4).max(20) as i64;
        match self.pace.gap() {
            None => wanted,
            Some(_) => {
                let fits = (self.pace.per_second * self.store.claim_lease_secs() as f64 / 2.0).floor() as i64;
                wanted.min(fits.max(1))
            }
        }
    }

    /// Sends every mail that is due now, `pace.concurrency` at a time and at most
    /// `pace.per_second` a second. A mail the server accepted is never sent again: if
    /// recording that fails (the database is locked or full), the worker keeps retrying the
    /// record, not the send. A mail dropped since it was read (the reader unsubscribed) is skipped.
    pub async fn deliver_due(&self) {
        let next_slot = Mutex::new(Instant::now());
        let batch_size = self.batch_size();
        loop {
            let claimed = self.store.claim_due_mail(batch_size).await;
            self.store.writes().record(&claimed);
            let batch = match claimed {
                Ok(batch) => batch,
                Err(error) => {
                    self.log_store_error("claiming due mail", &error);
                    return;
                }
            };
            if batch.is_empty() {
                return;
            }
            let parts = self.issue_parts(&batch).await;
            let claimed: Vec<i64> = batch.iter().map(|mail| mail.id).collect();
            let span = tracing::info_span!("outbox_batch", mails = batch.len());
            let started = std::time::Instant::now();
            let sending = futures::stream::iter(batch).for_each_concurrent(self.pace.concurrency.max(1), |mail| {
                let parts = mail.issue_id.and_then(|id| parts.get(&id).cloned());
                let next_slot = &next_slot;
                async move {
                    // At shutdown the mail in hand is finished (sent and marked), the rest waits.
                    if self.store.is_stopping() {
                        return;
                    }
                    self.wait_turn(next_slot).await;
                    if !self.store.still_queued(mail.id).await.unwrap_or(true) {
                        return;
                    }
                    self.deliver_one(mail, parts.as_deref()).await;
                }
            });
            tracing::Instrument::instrument(sending, span.clone()).await;
            span.in_scope(|| tracing::debug!(took_ms = started.elapsed().as_millis() as u64, "outbox batch done"));
            if self.store.is_stopping() {
                // What was claimed but not sent goes back to the queue for the next worker.
                if let Err(error) = self.store.release_claims(&claimed).await {
                    tracing::warn!(
                        "newsletter: giving back claimed mail failed (it is sent once the claim runs out): {error}"
                    );
                }
                return;
            }
        }
    }

    /// Sends `mail` and records the outcome.
    async fn deliver_one(&self, mail: OutboxMail, parts: Option<&IssueParts>) {
        if mail.issue_id.is_some() && parts.is_none() {
            tracing::error!("newsletter: mail {} belongs to an issue that is not stored; left queued", mail.id);
            return;
        }
        match self.mailer.deliver(&mail, parts).await {
            Ok(()) => {
                metrics::counter!("nv_mails_sent_total").increment(1);
                if self.until_recorded(mail.id, || self.store.mark_sent(mail.id)).await.is_some() {
                    tracing::debug!("newsletter: mail {} delivered", mail.id);
                }
            }
            Err(error) => {
                let kind = match error.failure {
                    Failure::Transient => "transient",
                    Failure::Permanent => "permanent",
                };
                metrics::counter!("nv_mails_failed_total", "kind" => kind).increment(1);
                let recorded = self
                    .until_recorded(mail.id, || self.store.mark_attempt_failed(&mail, error.failure, &error.message))
                    .await;
                if let Some(step) = recorded {
                    if step == NextStep::GiveUp {
                        metrics::counter!("nv_mails_given_up_total").increment(1);
                    }
                    log_failure(&mail, &error, step);
                }
            }
        }
    }

    /// Runs `record` (the outcome of a delivery) until it succeeds, waiting 100 ms after the
    /// first failure and doubling the wait up to [`MAX_RECORD_WAIT`]: once the database takes
    /// writes again (space freed, connection back) the outcome is stored within seconds, and
    /// the mail is never sent twice. At shutdown it stops trying, so the server exits by its
    /// deadline; then `None`, logged with what follows for that mail.
    async fn until_recorded<T, F, Fut>(&self, mail_id: i64, mut record: F) -> Option<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        let mut wait = Duration::from_millis(100);
        loop {
            let outcome = record().await;
            self.store.writes().record(&outcome);
            let error = match outcome {
                Ok(value) => return Some(value),
                Err(error) => error,
            };
            if self.store.is_stopping() {
                tracing::error!(
                    "newsletter: shutting down before the outcome of mail {mail_id} could be stored ({error}); \
                     if it was delivered, the next start may send it again"
                );
                return None;
            }
            self.log_store_error(&format!("recording the outcome of mail {mail_id} (retrying in {wait:?})"), &error);
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.store.stopping() => {}
            }
            wait = (wait * 2).min(MAX_RECORD_WAIT);
        }
    }

    /// Logs a database error of the worker: quietly while the database is known to refuse
    /// writes (that was logged once when it started).
    fn log_store_error(&self, doing: &str, error: &sqlx::Error) {
        if self.store.writes().is_failing() {
            tracing::debug!("newsletter: {doing} failed: {error}");
        } else {
            tracing::error!("newsletter: {doing} failed: {error}");
        }
    }

    /// Waits for the next send slot under the configured rate.
    async fn wait_turn(&self, next_slot: &Mutex<Instant>) {
        let Some(gap) = self.pace.gap() else { return };
        let at = {
            let mut next = next_slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let at = (*next).max(Instant::now());
            *next = at + gap;
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// The stored parts of the issues `batch` carries.
    async fn issue_parts(&self, batch: &[OutboxMail]) -> HashMap<i64, Arc<IssueParts>> {
        let mut parts = HashMap::new();
        for id in batch.iter().filter_map(|mail| mail.issue_id) {
            if parts.contains_key(&id) {
                continue;
            }
            match self.store.issue_parts(id).await {
                Ok(Some(found)) => {
                    parts.insert(id, Arc::new(found));
                }
                Ok(None) => {}
                Err(error) => tracing::error!("newsletter: reading issue {id} failed: {error}"),
            }
        }
        parts
    }
}

fn log_failure(mail: &OutboxMail, error: &DeliveryError, step: NextStep) {
    let attempt = mail.attempts + 1;
    match (step, error.failure) {
        (NextStep::RetryAt(at), _) => tracing::warn!(
            "newsletter: delivery of mail {} failed (attempt {attempt}), next try at {at}: {}",
            mail.id,
            error.message
        ),
        (NextStep::GiveUp, Failure::Permanent) => {
            tracing::error!(
                "newsletter: mail {} refused for good by the mail server, given up: {}",
                mail.id,
                error.message
            )
        }
        (NextStep::GiveUp, Failure::Transient) => tracing::error!(
            "newsletter: mail {} given up after {attempt} attempts over {} days: {}",
            mail.id,
            crate::retry::GIVE_UP_AFTER_SECS / 86_400,
            error.message
        ),
    }
}
