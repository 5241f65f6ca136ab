//! Searches that found nothing, for the editors: counted in memory by the search page (see
//! `nv_newsletter::search_misses`), written to the database every minute and at shutdown, and
//! listed by `server search misses`.

use clap::Subcommand;
use nv_newsletter::search_misses::Miss;
use nv_newsletter::{Newsletter, Store};
use std::sync::Arc;
use std::time::Duration;

/// How often a server adds what it counted to the database.
const FLUSH_EVERY: Duration = Duration::from_secs(60);

/// `server search …`
#[derive(Subcommand, Debug)]
pub enum SearchCommand {
    /// Lists what readers searched for and found nothing, most frequent first: the articles to
    /// write, or the synonyms to add (content/search/synonyms.toml). Recorded: the query in
    /// lower case with single spaces, how many times, first and last seen. Not recorded: who
    /// searched, their address or any cookie, or a query with an `@` or five digits in a row
    /// (an email address, a phone number). At most 2,000 queries are kept; the least frequent
    /// make room.
    Misses {
        /// Only queries searched for in the last N days.
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// At most N queries.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// Runs `command` against `store`.
pub async fn run(command: SearchCommand, store: &Store, now: i64) -> Result<(), String> {
    match command {
        SearchCommand::Misses { days, limit } => {
            let since = now - i64::from(days) * 86_400;
            let misses =
                store.search_misses(since, i64::from(limit)).await.map_err(|error| format!("database: {error}"))?;
            print!("{}", table(&misses, days, now));
            Ok(())
        }
    }
}

/// The misses as a table for the terminal.
fn table(misses: &[Miss], days: u32, now: i64) -> String {
    if misses.is_empty() {
        return format!("no search found nothing in the last {days} day(s)\n");
    }
    let width = misses.iter().map(|miss| miss.query.chars().count()).max().unwrap_or(5).max(5);
    let mut out = format!("{:>7}  {:<width$}  last seen\n", "count", "query");
    for miss in misses {
        let ago = crate::age::age_text(now - miss.last_seen);
        out.push_str(&format!("{:>7}  {:<width$}  {ago} ago\n", miss.count, miss.query));
    }
    out
}

/// Adds what this server counted to the database every minute, for as long as it runs.
pub async fn flush_every_minute(newsletter: Arc<Newsletter>) {
    let mut ticks = tokio::time::interval(FLUSH_EVERY);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        flush(&newsletter).await;
    }
}

/// Adds what this server counted to the database now (also at shutdown). On failure the counts
/// are dropped and the failure logged: they are a hint for editors, not a record.
pub async fn flush(newsletter: &Newsletter) {
    let misses = newsletter.search_misses.take();
    if let Err(error) = newsletter.store.record_misses(&misses).await {
        tracing::warn!("search misses: {} queries not recorded: {error}", misses.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_counts_queries_and_when() {
        let misses = [
            Miss { query: "magnesum".into(), count: 12, first_seen: 0, last_seen: 1_000_000 - 120 },
            Miss { query: "ashwagandha".into(), count: 3, first_seen: 0, last_seen: 1_000_000 - 3 * 86_400 },
        ];
        let table = table(&misses, 30, 1_000_000);
        assert_eq!(
            table,
            "  count  query        last seen\n     12  magnesum     2 min ago\n      3  ashwagandha  3 days ago\n"
        );
        assert_eq!(super::table(&[], 7, 0), "no search found nothing in the last 7 day(s)\n");
    }
}
