//! The newsletter on the server: storage over SQLite or PostgreSQL, tokens, rate limiting, mail
//! delivery, the weekly issue and its schedule. No Leptos: the signup, confirm and unsubscribe
//! server functions in `app` call into it.

mod admin;
mod batch;
mod bounces;
mod db;
mod issues;
mod mail;
mod message;
mod outbox;
pub mod previews;
mod rate_limit;
mod retry;
pub mod return_to;
pub mod scheduler;
pub mod search_misses;
mod shared_limit;
mod signup_rows;
mod store;
mod tokens;
pub mod weekly;
mod worker;
pub mod write_health;

pub use admin::{Erased, Status};
pub use db::{open_database, open_postgres, open_sqlite, sqlite_backup, Database, DatabaseUrl};
pub use issues::{QueueReport, StoredIssue, QUEUE_CHUNK};
pub use mail::{Mailer, SmtpSettings, SmtpTls};
pub use message::{site_domain, DkimSettings, IssueParts, MailIdentity, OutboxMail};
pub use rate_limit::{client_key, forwarded_client, RateLimiter};
pub use retry::{Failure, NextStep};
pub use store::{system_clock, Clock, SignupOutcome, Store, StoreError, DEFAULT_CLAIM_LEASE_SECS};
pub use tokens::{hash_token, new_token, tokens_match};
pub use worker::{DeliveryWorker, Pace};

use std::net::IpAddr;
use std::sync::Arc;
use tokio::sync::Notify;

/// The newsletter service, built once at start-up and shared by every request.
pub struct Newsletter {
    /// Subscribers, tokens, consent records and the mail outbox.
    pub store: Store,
    /// Signups per client network: counted here with SQLite, its limit and window applied in
    /// the shared database with PostgreSQL (see [`Newsletter::allow_signup`]).
    pub limiter: RateLimiter,
    /// Woken whenever mail is queued, so delivery starts at once.
    pub outbox_signal: Arc<Notify>,
    /// How many reverse proxies of our own stand in front of the server: the client address is
    /// read that many entries from the right of `X-Forwarded-For` (0: the peer address).
    pub trusted_proxy_hops: usize,
    /// Searches that found nothing, counted here and written to the database every minute
    /// (see [`search_misses`]).
    pub search_misses: Arc<search_misses::MissCounter>,
    /// Development only (drafts shown): the archive previews the coming week's issue, composed
    /// with these settings. `None` in production.
    pub preview: Option<weekly::WeeklySettings>,
}

impl Newsletter {
    /// Counts a signup attempt from `client` and says whether it is allowed: in the shared
    /// database with PostgreSQL (the limit holds across servers), in memory with SQLite. If
    /// the shared count fails, this server's own count decides (and the error is logged).
    pub async fn allow_signup(&self, client: Option<IpAddr>) -> bool {
        if self.limiter.limit() == 0 {
            return true;
        }
        match self.store.allow_signup_shared(&self.limiter, client).await {
            Ok(Some(allowed)) => allowed,
            Ok(None) => self.limiter.allow(client),
            Err(error) => {
                tracing::error!(
                    "newsletter: the shared signup limit could not be counted, this server's count decides: {error}"
                );
                self.limiter.allow(client)
            }
        }
    }
}
