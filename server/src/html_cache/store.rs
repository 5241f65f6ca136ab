//! The pages of one UTC day, within a byte budget: every byte an entry holds is counted (the
//! page, its compressed copies, its headers, its key), and past the budget the least recently
//! used entries go, never the whole cache.
//!
//! A hit is answered under the read lock, so readers never wait for each other. Recency costs
//! it one relaxed atomic load (and a store when the entry was not yet used since the last
//! insert): the clock is a counter that only inserts advance, under the write lock, and a hit
//! stamps its entry with it, so recency is known to within one insert (entries used between
//! the same two inserts are equally recent). Eviction, on an insert past a budget, sorts the
//! stamps once and drops the oldest entries down to a little under the budget, so that the
//! next inserts do not sort again.

use super::document::CachedPage;
use crate::security_headers::HeaderSets;
use axum::http::HeaderMap;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

/// Bytes the cache holds at most by default: the site's pages with their compressed copies
/// (a 1,000-article catalogue takes about 130 MB).
const MAX_CACHED_BYTES: usize = 256 * 1024 * 1024;
/// Search pages kept per day: a few hundred distinct queries a day is a busy site; beyond that
/// the least recently used go first.
const MAX_SEARCH_PAGES: usize = 1_000;
/// Bytes of the search pages kept per day, compressed copies and keys included: a page without
/// results is about 25 KB in all, one with 20 results about 50 KB, so 160 to 330 pages; the
/// queries read again stay. Readers choose queries freely, so this is what a stream of made-up
/// queries can take (20,000 of them grew a fresh server by 30 MiB with 16 MiB here).
const MAX_SEARCH_BYTES: usize = 8 * 1024 * 1024;
/// Heap bytes of one entry beyond its page and key: its slot in the map (counted twice: a
/// table may be half empty right after it grew) and the reference count of the page.
const ENTRY_BYTES: usize = 2 * (std::mem::size_of::<(Box<str>, Entry)>() + 1) + 16;

/// Bounds on the search result pages cached per day. Past either, the least recently used
/// search pages are dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchLimits {
    /// Search pages kept at most.
    pub pages: usize,
    /// Bytes (pages, compressed copies, keys) of the search pages kept at most.
    pub bytes: usize,
}

impl Default for SearchLimits {
    fn default() -> SearchLimits {
        SearchLimits { pages: MAX_SEARCH_PAGES, bytes: MAX_SEARCH_BYTES }
    }
}

/// How the page cache is bounded and what it lets requests do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheSettings {
    /// Bytes held at most, every entry counted in full.
    pub max_bytes: usize,
    /// The bound of the search pages within them.
    pub search: SearchLimits,
    /// Whether a request with [`super::BYPASS_HEADER`] is rendered afresh (the benchmark's full
    /// render path); off, the header is ignored, so nobody outside can make every request a render.
    pub allow_bypass: bool,
}

impl Default for CacheSettings {
    fn default() -> CacheSettings {
        CacheSettings { max_bytes: MAX_CACHED_BYTES, search: SearchLimits::default(), allow_bypass: false }
    }
}

/// Which bound an entry counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A page or document of the site: as many as the site has.
    Page,
    /// A search result page: as many as readers type queries, so bounded by [`SearchLimits`].
    Search,
}

/// A cached page and what the budget needs to know of it.
struct Entry {
    page: Arc<CachedPage>,
    kind: Kind,
    /// Bytes counted for it: page, copies, headers, key, slot.
    cost: usize,
    /// The clock when it was stored or last served.
    last_used: AtomicU64,
}

impl Entry {
    /// Records a use at `clock`, writing only when it changes: a popular page is served from
    /// many threads, and a store on every hit would bounce its cache line between cores.
    fn touch(&self, clock: u64) {
        if self.last_used.load(Ordering::Relaxed) != clock {
            self.last_used.store(clock, Ordering::Relaxed);
        }
    }
}

/// Rendered pages by day and URL.
#[derive(Default)]
pub struct HtmlCache {
    inner: RwLock<CacheInner>,
    pub(super) settings: CacheSettings,
    /// Headers every response carries (the security headers), built into each stored copy so
    /// that a hit needs no header work (see [`HtmlCache::add_to_every_copy`]).
    every_response: OnceLock<HeaderSets>,
    /// [`CacheInner::generation`], readable without the lock.
    generation: AtomicU64,
}

#[derive(Default)]
struct CacheInner {
    day: i64,
    /// Advanced by [`HtmlCache::clear`]: a page rendered before a clear is not kept after it.
    generation: u64,
    /// Advanced by every insert (see the module documentation).
    clock: u64,
    entries: HashMap<Box<str>, Entry>,
    counts: Counts,
}

/// What the entries add up to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    /// Bytes counted for all entries.
    bytes: usize,
    /// Search entries.
    search_pages: usize,
    /// Bytes counted for the search entries.
    search_bytes: usize,
}

impl Counts {
    fn add(&mut self, cost: usize, kind: Kind) {
        self.bytes += cost;
        if kind == Kind::Search {
            self.search_pages += 1;
            self.search_bytes += cost;
        }
    }

    fn remove(&mut self, cost: usize, kind: Kind) {
        self.bytes = self.bytes.saturating_sub(cost);
        if kind == Kind::Search {
            self.search_pages = self.search_pages.saturating_sub(1);
            self.search_bytes = self.search_bytes.saturating_sub(cost);
        }
    }
}

impl CacheInner {
    /// Drops the least recently used entries (of `kind`, or of any kind) until `fits` the
    /// counts; the entry stamped with the current clock (just stored) stays.
    fn evict(&mut self, kind: Option<Kind>, fits: impl Fn(&Counts) -> bool) {
        let mut stamps: Vec<(u64, &Box<str>, &Entry)> = self
            .entries
            .iter()
            .filter(|(_, entry)| kind.is_none_or(|kind| entry.kind == kind))
            .map(|(key, entry)| (entry.last_used.load(Ordering::Relaxed), key, entry))
            .filter(|&(used, _, _)| used != self.clock)
            .collect();
        stamps.sort_unstable_by_key(|&(used, _, _)| used);
        let mut after = self.counts;
        let mut going = Vec::new();
        for (_, key, entry) in stamps {
            if fits(&after) {
                break;
            }
            after.remove(entry.cost, entry.kind);
            going.push(key.clone());
        }
        metrics::counter!("nv_page_cache_evictions_total").increment(going.len() as u64);
        for key in going {
            if let Some(entry) = self.entries.remove(&key) {
                self.counts.remove(entry.cost, entry.kind);
            }
        }
    }
}

/// `limit` less a sixteenth: eviction goes that far below a budget, so that the inserts after
/// it do not each sort the entries again.
fn low_water(limit: usize) -> usize {
    limit - limit / 16
}

impl HtmlCache {
    /// A cache bounded and configured by `settings`.
    pub fn new(settings: CacheSettings) -> HtmlCache {
        HtmlCache { inner: RwLock::default(), settings, every_response: OnceLock::new(), generation: AtomicU64::new(0) }
    }

    /// Builds the set of `headers` for each stored document's type into it, from now on (set
    /// once; the application does this with its security headers when it is built).
    pub fn add_to_every_copy(&self, headers: HeaderSets) {
        let _ = self.every_response.set(headers);
    }

    /// Drops every page (the content they were rendered from was replaced). A render that
    /// started before the clear is not kept after it: read [`HtmlCache::generation`] before
    /// rendering and store with [`HtmlCache::insert_rendered`].
    pub fn clear(&self) {
        let Ok(mut inner) = self.inner.write() else { return };
        let generation = inner.generation + 1;
        *inner = CacheInner { day: inner.day, generation, ..CacheInner::default() };
        self.generation.store(generation, Ordering::SeqCst);
    }

    /// The number of clears so far (see [`HtmlCache::clear`]).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// A cache with the default budget that keeps search pages within `search_limits`
    /// (`pages: 0` caches none).
    pub fn with_search_limits(search_limits: SearchLimits) -> HtmlCache {
        HtmlCache::new(CacheSettings { search: search_limits, ..CacheSettings::default() })
    }

    /// Today's cache keys, sorted (for tests and diagnostics).
    pub fn keys(&self) -> Vec<String> {
        let Ok(inner) = self.inner.read() else { return Vec::new() };
        if inner.day != super::utc_day() {
            return Vec::new();
        }
        let mut keys: Vec<String> = inner.entries.keys().map(|key| key.to_string()).collect();
        keys.sort();
        keys
    }

    /// Bytes counted for everything held (for tests and diagnostics).
    pub fn held_bytes(&self) -> usize {
        self.inner.read().map_or(0, |inner| inner.counts.bytes)
    }

    /// The cached answer to a request for `key` on `day`, if the page is cached. Built under the
    /// read lock: no reference count of the page is touched, and readers do not block each other.
    pub(super) fn respond(&self, day: i64, key: &str, request_headers: &HeaderMap) -> Option<Response> {
        let inner = self.inner.read().ok()?;
        if inner.day != day {
            return None;
        }
        let entry = inner.entries.get(key)?;
        entry.touch(inner.clock);
        Some(entry.page.respond(request_headers))
    }

    /// Keeps `page` under `key` for `day`, then brings the cache back within its budgets.
    #[cfg(test)]
    pub(super) fn insert(&self, day: i64, key: &str, page: Arc<CachedPage>, kind: Kind) {
        self.insert_rendered(self.generation(), day, key, page, kind);
    }

    /// Keeps `page`, rendered after the cache's `generation` was read, under `key` for `day`
    /// unless the cache was cleared since; then brings the cache back within its budgets.
    pub(super) fn insert_rendered(&self, generation: u64, day: i64, key: &str, page: Arc<CachedPage>, kind: Kind) {
        // Once per page per day: the header maps are copied, the bodies shared.
        let page = match self.every_response.get() {
            Some(sets) => Arc::new(page.with_headers(sets.for_content_type(page.content_type()))),
            None => page,
        };
        let cost = page.held_bytes() + key.len() + ENTRY_BYTES;
        let search = self.settings.search;
        if cost > self.settings.max_bytes || (kind == Kind::Search && (search.pages == 0 || cost > search.bytes)) {
            return;
        }
        let Ok(mut inner) = self.inner.write() else { return };
        if day < inner.day || generation != inner.generation {
            // Rendered before midnight, stored after: yesterday's tip must not come back; nor
            // may a page rendered from content a reload has replaced since.
            return;
        }
        if inner.day != day {
            // A new day's tip: every page changes.
            *inner = CacheInner { day, generation, ..CacheInner::default() };
        }
        inner.clock += 1;
        let entry = Entry { page, kind, cost, last_used: AtomicU64::new(inner.clock) };
        inner.counts.add(cost, kind);
        if let Some(previous) = inner.entries.insert(key.into(), entry) {
            // Rendered twice at once: one entry.
            inner.counts.remove(previous.cost, previous.kind);
        }
        let counts = inner.counts;
        if kind == Kind::Search && (counts.search_pages > search.pages || counts.search_bytes > search.bytes) {
            let (pages, bytes) = (low_water(search.pages), low_water(search.bytes));
            inner.evict(Some(Kind::Search), |counts| counts.search_pages <= pages && counts.search_bytes <= bytes);
        }
        if inner.counts.bytes > self.settings.max_bytes {
            let bytes = low_water(self.settings.max_bytes);
            inner.evict(None, |counts| counts.bytes <= bytes);
        }
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
