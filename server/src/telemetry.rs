//! Logs and metrics for the operator: the log format (text or JSON, colours only on a terminal),
//! and the Prometheus exposition on a listener of its own (`NV_METRICS_ADDR`), off by default.
//! Events are counted where they happen (`metrics::counter!`); levels that live elsewhere (the
//! outbox, the database pool, the page cache's size) are read every [`POLL`] by one task.

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
use nv_content::live::LiveContent;
use nv_newsletter::{Database, Store};
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How often the levels are read.
pub const POLL: Duration = Duration::from_secs(10);

/// Latency buckets (seconds): a cache hit is tens of microseconds, a render milliseconds.
const LATENCY_BUCKETS: [f64; 12] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5];

/// Starts the log output: `filter` as `RUST_LOG` spells it, `format` `text` or `json`. An
/// unusable value is reported (the logs then start at `info`, as text).
pub fn init_logs(filter: Option<String>, format: Option<String>) -> Result<(), String> {
    let filter_text = filter.unwrap_or_else(|| "info".into());
    let (filter, filter_problem) = match tracing_subscriber::EnvFilter::try_new(&filter_text) {
        Ok(filter) => (filter, None),
        Err(error) => (
            tracing_subscriber::EnvFilter::new("info"),
            Some(format!("RUST_LOG {filter_text:?} is not a log filter such as info or warn,app=debug: {error}")),
        ),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let format_problem = match format.as_deref().map(str::trim) {
        None | Some("text") => {
            builder.with_ansi(std::io::stdout().is_terminal()).init();
            None
        }
        Some("json") => {
            builder.json().with_current_span(true).with_span_list(false).init();
            None
        }
        Some(other) => {
            builder.with_ansi(false).init();
            Some(format!("NV_LOG_FORMAT must be text or json, not {other:?}"))
        }
    };
    match filter_problem.into_iter().chain(format_problem).collect::<Vec<_>>().as_slice() {
        [] => Ok(()),
        problems => Err(problems.join("; ")),
    }
}

/// Serves the metrics on `addr` (its own listener: never exposed with the site) and records the
/// build's version and commit.
pub fn install_metrics(addr: SocketAddr) -> Result<(), String> {
    PrometheusBuilder::new()
        .with_http_listener(addr)
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
        .map_err(|error| format!("NV_METRICS_ADDR: {error}"))?
        .install()
        .map_err(|error| format!("NV_METRICS_ADDR {addr}: cannot serve metrics: {error}"))?;
    describe();
    metrics::gauge!("nv_build_info", "version" => env!("CARGO_PKG_VERSION"), "commit" => env!("NV_BUILD_COMMIT"))
        .set(1.0);
    Ok(())
}

/// The help line of each metric in the exposition.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!("nv_http_requests_total", "HTTP requests by route pattern and status class");
    describe_histogram!(
        "nv_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer a request, by route pattern"
    );
    describe_counter!("nv_page_cache_hits_total", "Requests answered from the page cache");
    describe_counter!("nv_page_cache_misses_total", "Cacheable requests the page cache did not hold");
    describe_counter!("nv_page_cache_evictions_total", "Pages dropped from the cache to stay within its budget");
    describe_gauge!("nv_page_cache_bytes", Unit::Bytes, "Memory the page cache holds");
    describe_gauge!("nv_content_revision", "Content revision in use (one more per reload)");
    describe_gauge!("nv_content_articles", "Articles in the content in use");
    describe_counter!("nv_content_reloads_total", "Content reloads by outcome");
    describe_gauge!("nv_content_last_reload_duration_seconds", Unit::Seconds, "How long the last content reload took");
    describe_gauge!("nv_content_last_reload_failed", "1 while the last content reload failed");
    describe_counter!("nv_signups_total", "Newsletter signups by outcome and reason");
    describe_gauge!("nv_outbox_mails", "Mail waiting in the outbox");
    describe_gauge!("nv_outbox_oldest_age_seconds", Unit::Seconds, "How long the oldest waiting mail has waited");
    describe_counter!("nv_mails_sent_total", "Mails the mail server accepted");
    describe_counter!("nv_mails_failed_total", "Failed delivery attempts, by kind (transient, permanent)");
    describe_counter!("nv_mails_given_up_total", "Mails given up (refused for good, or too old)");
    describe_gauge!(
        "nv_newsletter_issue_mails_waiting",
        "Mails of the latest weekly issue still waiting (0: it is out)"
    );
    describe_gauge!("nv_database_connections", "Database pool connections by state (in_use, idle)");
    describe_gauge!(
        "nv_database_writes_refused",
        "1 while the database refuses writes (a full disk, a lost connection)"
    );
    describe_gauge!("nv_signups_waiting", "Signups waiting for the database writer");
    describe_gauge!(
        "nv_derived_images_pending_photos",
        "Photos whose derived images the background pass has still to make"
    );
    describe_gauge!("nv_connections_open", "Client connections open");
    describe_counter!("nv_connections_refused_total", "Connections closed at once because the cap was reached");
    describe_gauge!("nv_build_info", "Version and commit of the running server");
}

/// Reads the levels every [`POLL`], for as long as the server runs.
pub async fn poll_levels(store: Store, live: Arc<LiveContent>, cache: Arc<crate::html_cache::HtmlCache>) {
    let mut ticks = tokio::time::interval(POLL);
    loop {
        ticks.tick().await;
        let content = live.current();
        metrics::gauge!("nv_content_revision").set(live.revision() as f64);
        metrics::gauge!("nv_content_articles").set(content.article_count() as f64);
        drop(content);
        metrics::gauge!("nv_page_cache_bytes").set(cache.held_bytes() as f64);
        metrics::gauge!("nv_database_writes_refused").set(if store.writes().is_failing() { 1.0 } else { 0.0 });
        let (size, idle) = match store.database() {
            Database::Sqlite(pool) => (pool.size(), pool.num_idle()),
            Database::Postgres(pool) => (pool.size(), pool.num_idle()),
        };
        metrics::gauge!("nv_database_connections", "state" => "in_use").set(size.saturating_sub(idle as u32) as f64);
        metrics::gauge!("nv_database_connections", "state" => "idle").set(idle as f64);
        // sqlx counts no callers waiting for a connection; signups waiting for the one writer are
        // what readers feel.
        metrics::gauge!("nv_signups_waiting").set(store.signups_waiting() as f64);
        match store.outbox_levels().await {
            Ok((waiting, oldest, issue)) => {
                metrics::gauge!("nv_outbox_mails").set(waiting as f64);
                metrics::gauge!("nv_outbox_oldest_age_seconds").set(oldest.unwrap_or(0) as f64);
                metrics::gauge!("nv_newsletter_issue_mails_waiting").set(issue as f64);
            }
            Err(error) => tracing::debug!("metrics: reading the outbox failed: {error}"),
        }
    }
}
