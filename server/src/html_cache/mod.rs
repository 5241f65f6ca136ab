//! A cache of rendered HTML pages. Pages only change with a deploy or with the day (the daily
//! tip), so each is rendered once per day and then served from memory, already compressed, with
//! an `ETag` that lets browsers and CDNs revalidate with a 304.
//!
//! Full renders are a resource, and so is memory: only a URL that names a real page in its
//! canonical spelling can make an entry ([`keys`]: other spellings are redirected, per-reader
//! requests rendered and not kept, errors never kept), and the cache counts every byte it holds
//! and lets the least recently used entries go past its budget ([`store`]).
//!
//! Search result pages are the same for every reader too, so they are cached by their query in
//! normal form (trimmed, lower case, one space between words, at most 100 characters). The page
//! repeats the query as typed (search box, title), so a search in any other form is redirected to
//! the normal form rather than served a page showing someone else's spelling. Readers choose
//! queries freely, so search pages have a budget of their own ([`SearchLimits`]).
//!
//! Feeds and the sitemap are built once a day by `feeds.rs`, which hands each document to this
//! cache already compressed, so a feed hit costs what an article hit costs.
//!
//! Two halves: [`CachedPages`] wraps the whole application and answers hits before routing,
//! compression, the body limit or any handler runs; on a miss it passes the request on, and
//! [`store_rendered`], a middleware next to the page handlers, keeps what they render.

#[cfg(test)]
mod accounting_tests;
mod document;
mod keys;
mod service;
mod store;
mod storing;

pub use document::CachedPage;
pub use service::{CachedPages, CachedPagesFuture};
pub use store::{CacheSettings, HtmlCache, SearchLimits};
pub use storing::store_rendered;

/// Header that makes the server render a page afresh (the benchmark's "full render" path);
/// ignored unless the server is started with it allowed ([`CacheSettings::allow_bypass`]).
pub const BYPASS_HEADER: &str = "x-nv-bypass-cache";
/// What browsers and CDNs may do with a page.
const PAGE_CACHE_CONTROL: &str = "public, max-age=300, stale-while-revalidate=86400";

/// Days since 1970-01-01 in UTC: the daily tip changes with it, so it is part of the cache key.
/// An integer from the clock, no date formatting: this runs on every request.
fn utc_day() -> i64 {
    nv_content::dates::unix_now().div_euclid(86_400)
}
