//! What readers search for and do not find, for the editors (`server search misses`): each
//! query in normal form with a count, first and last seen. Nothing else is kept: no address, no
//! cookie, no time of day beyond the second it was last seen, and queries that look like an
//! email address or a phone number are not recorded at all.
//!
//! Both sizes are bounded, so a flood of random queries cannot grow memory or the table: the
//! server counts in memory ([`MissCounter`], at most [`MAX_QUERIES`] distinct queries, the
//! least frequent dropped) and adds its counts to the database every minute and at shutdown
//! ([`Store::record_misses`]), which then keeps its [`MAX_QUERIES`] most frequent rows. Several
//! servers add to the same rows.

use crate::db::{on_pool, on_tx};
use crate::store::Store;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Most distinct queries kept, in memory and in the table.
pub const MAX_QUERIES: usize = 2_000;
/// Longest query kept, in characters (the search page searches at most 100).
const MAX_CHARS: usize = 100;

/// One query readers did not find anything for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    /// The query in normal form.
    pub query: String,
    /// How many searches for it found nothing.
    pub count: i64,
    /// The first and the last of those (seconds since the epoch).
    pub first_seen: i64,
    /// See `first_seen`.
    pub last_seen: i64,
}

/// The misses this server saw since it last wrote them to the database.
#[derive(Debug, Default)]
pub struct MissCounter {
    pending: Mutex<HashMap<String, Miss>>,
}

impl MissCounter {
    /// Counts one search for `query` that found nothing, at `now`. A query that could identify
    /// a reader, or is empty, is not counted.
    pub fn record(&self, query: &str, now: i64) {
        let Some(query) = normal_form(query) else { return };
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(miss) = pending.get_mut(&query) {
            miss.count += 1;
            miss.last_seen = now;
            return;
        }
        if pending.len() >= MAX_QUERIES {
            // The least frequent (the oldest among equals) makes room: a flood of distinct
            // queries replaces itself, while the queries many readers make stay.
            let rarest =
                pending.values().min_by_key(|miss| (miss.count, miss.last_seen)).map(|miss| miss.query.clone());
            if let Some(rarest) = rarest {
                pending.remove(&rarest);
            }
        }
        pending.insert(query.clone(), Miss { query, count: 1, first_seen: now, last_seen: now });
    }

    /// Everything counted so far, emptying the counter.
    pub fn take(&self) -> Vec<Miss> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending.drain().map(|(_, miss)| miss).collect()
    }

    /// How many distinct queries are waiting to be written.
    pub fn len(&self) -> usize {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Whether nothing is waiting to be written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `query` as it is counted: lower case, words separated by one space, at most [`MAX_CHARS`];
/// `None` for an empty query or one that may name a reader (an `@`, or five digits in a row).
pub fn normal_form(query: &str) -> Option<String> {
    let mut normal = String::with_capacity(query.len().min(MAX_CHARS * 4));
    for word in query.split_whitespace() {
        if !normal.is_empty() {
            normal.push(' ');
        }
        normal.extend(word.chars().flat_map(char::to_lowercase));
    }
    if let Some((end, _)) = normal.char_indices().nth(MAX_CHARS) {
        normal.truncate(end);
        normal.truncate(normal.trim_end().len());
    }
    let mut digits_in_a_row = 0;
    let identifying = normal.contains('@')
        || normal.chars().any(|c| {
            digits_in_a_row = if c.is_ascii_digit() { digits_in_a_row + 1 } else { 0 };
            digits_in_a_row >= 5
        });
    (!normal.is_empty() && !identifying).then_some(normal)
}

impl Store {
    /// Adds `misses` to the counts in the database, then drops the least frequent rows beyond
    /// [`MAX_QUERIES`].
    pub async fn record_misses(&self, misses: &[Miss]) -> Result<(), sqlx::Error> {
        if misses.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            for miss in misses {
                sqlx::query(
                    "INSERT INTO search_misses (query, count, first_seen, last_seen) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (query) DO UPDATE SET count = search_misses.count + excluded.count, \
                     last_seen = CASE WHEN excluded.last_seen > search_misses.last_seen \
                     THEN excluded.last_seen ELSE search_misses.last_seen END",
                )
                .bind(&miss.query)
                .bind(miss.count)
                .bind(miss.first_seen)
                .bind(miss.last_seen)
                .execute(&mut **conn)
                .await?;
            }
            let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM search_misses").fetch_one(&mut **conn).await?;
            let excess = rows - MAX_QUERIES as i64;
            if excess > 0 {
                sqlx::query(
                    "DELETE FROM search_misses WHERE query IN \
                     (SELECT query FROM search_misses ORDER BY count ASC, last_seen ASC LIMIT $1)",
                )
                .bind(excess)
                .execute(&mut **conn)
                .await?;
            }
        });
        tx.commit().await
    }

    /// The queries that found nothing and were last searched for at or after `since`, most
    /// frequent first, at most `limit`.
    pub async fn search_misses(&self, since: i64, limit: i64) -> Result<Vec<Miss>, sqlx::Error> {
        let rows: Vec<(String, i64, i64, i64)> = on_pool!(self.database(), pool => {
            sqlx::query_as(
                "SELECT query, count, first_seen, last_seen FROM search_misses WHERE last_seen >= $1 \
                 ORDER BY count DESC, last_seen DESC, query ASC LIMIT $2",
            )
            .bind(since)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(query, count, first_seen, last_seen)| Miss { query, count, first_seen, last_seen })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_counted_in_normal_form_and_identifying_ones_not_at_all() {
        assert_eq!(normal_form("  Vitamin   D "), Some("vitamin d".into()));
        assert_eq!(normal_form("jane@example.com"), None);
        assert_eq!(normal_form("call 0612345678"), None);
        assert_eq!(normal_form("b12 1000 mcg"), Some("b12 1000 mcg".into()));
        assert_eq!(normal_form("   "), None);
        assert_eq!(normal_form(&"a".repeat(300)).map(|query| query.len()), Some(MAX_CHARS));
    }

    #[test]
    fn a_flood_of_distinct_queries_keeps_the_frequent_ones_and_a_bounded_count() {
        let counter = MissCounter::default();
        for _ in 0..3 {
            counter.record("magnesum", 1);
        }
        for i in 0..20_000 {
            counter.record(&format!("random query {i}"), 2 + i);
        }
        assert_eq!(counter.len(), MAX_QUERIES);
        let misses = counter.take();
        let kept = misses.iter().find(|miss| miss.query == "magnesum").expect("the frequent query stays");
        assert_eq!((kept.count, kept.first_seen, kept.last_seen), (3, 1, 1));
        assert!(counter.is_empty(), "taking empties the counter");
    }
}
