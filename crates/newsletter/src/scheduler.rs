//! Sends each week's issue at the scheduled time: composes it from the content, records it and
//! queues it to every confirmed subscriber, then wakes the delivery worker. The same path as
//! `server newsletter send`, so the two may race without anyone getting the issue twice.

use crate::issues::QueueReport;
use crate::store::{Clock, Store};
use crate::weekly::{prepare, IsoWeek, IssueError, Schedule, WeeklySettings};
use nv_content::live::LiveContent;
use nv_content::store::ContentStore;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Composes, records and queues `week`'s issue with only public articles (idempotent).
pub async fn send_week(
    store: &Store,
    settings: &WeeklySettings,
    content: &ContentStore,
    week: IsoWeek,
) -> Result<QueueReport, IssueError> {
    let rendered = prepare(settings, content, week, false)?;
    Ok(store.send_issue(&rendered, &rendered.sender_name).await?)
}

/// The weekly timer.
pub struct Scheduler {
    /// The database.
    pub store: Store,
    /// The site's content in use (issues are composed from what it holds when they go out).
    pub content: Arc<LiveContent>,
    /// Where the notes are, the site URL and the send time.
    pub settings: WeeklySettings,
    /// When issues go out.
    pub schedule: Schedule,
    /// Wakes the delivery worker once an issue is queued.
    pub signal: Arc<Notify>,
    /// The time (tests move it).
    pub clock: Clock,
}

impl Scheduler {
    /// Runs until [`Store::stop`]: at each due time (or at start, if an issue is due less than a
    /// day ago and was not sent) the week's issue goes out.
    pub async fn run(self) {
        let mut handled: Option<IsoWeek> = None;
        loop {
            let now = (self.clock)();
            let mut wait = (self.schedule.next_due_after(now) - now).clamp(1, 3600);
            if let Some(week) = self.schedule.due_week(now).filter(|week| handled != Some(*week)) {
                match self.tick(week).await {
                    Ok(()) => handled = Some(week),
                    Err(error) => {
                        tracing::error!("newsletter {week}: sending failed, trying again in a minute: {error}");
                        wait = wait.min(60);
                    }
                }
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(wait as u64)) => {}
                () = self.store.stopping() => return,
            }
        }
    }

    /// Sends `week`'s issue unless it went out already.
    pub async fn tick(&self, week: IsoWeek) -> Result<(), IssueError> {
        if self.store.issue_queued(week).await? {
            return Ok(());
        }
        let span = tracing::info_span!("newsletter_issue", week = %week);
        let started = std::time::Instant::now();
        let content = self.content.current();
        let sent = send_week(&self.store, &self.settings, &content, week);
        match tracing::Instrument::instrument(sent, span).await {
            Ok(report) => {
                tracing::info!(
                    queued = report.queued,
                    took_ms = started.elapsed().as_millis() as u64,
                    "newsletter {week}: queued to {} subscriber(s)",
                    report.queued
                );
                self.signal.notify_one();
                Ok(())
            }
            Err(IssueError::Skipped(_)) => {
                tracing::info!("newsletter {week}: the editor's note says skip; nothing sent this week");
                Ok(())
            }
            Err(error) => Err(error),
        }
    }
}
