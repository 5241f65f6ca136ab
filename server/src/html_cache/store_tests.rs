//! Tests of `store.rs`.

use super::*;
use axum::body::Bytes;
use axum::http::HeaderValue;

fn page_of(len: usize) -> Arc<CachedPage> {
    // Bytes that do not compress to nothing, so each page's cost is mostly its own size.
    let text: Vec<u8> = (0..len).map(|i| b"abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + i / 36) % 36]).collect();
    Arc::new(CachedPage::new(Bytes::from(text), HeaderValue::from_static("text/html")))
}

fn cost(key: &str, page: &CachedPage) -> usize {
    page.held_bytes() + key.len() + ENTRY_BYTES
}

fn cached(cache: &HtmlCache, key: &str) -> bool {
    cache.respond(100, key, &HeaderMap::new()).is_some()
}

#[test]
fn every_byte_of_an_entry_is_counted_and_given_back() {
    let cache = HtmlCache::default();
    let page = page_of(5_000);
    let expected = cost("/articles/a", &page);
    assert!(expected > 5_000 + 1_000, "the compressed copies count too");
    cache.insert(100, "/articles/a", page.clone(), Kind::Page);
    assert_eq!(cache.held_bytes(), expected);
    cache.insert(100, "/articles/a", page, Kind::Page);
    assert_eq!(cache.held_bytes(), expected, "stored twice, counted once");
    cache.insert(101, "/articles/b", page_of(10), Kind::Page);
    assert_eq!(cache.held_bytes(), cost("/articles/b", &page_of(10)), "a new day starts from nothing");
}

/// Whether `key` is cached, without using it (a hit would make it recent).
fn kept(cache: &HtmlCache, key: &str) -> bool {
    cache.inner.read().unwrap().entries.contains_key(key)
}

#[test]
fn past_the_budget_the_least_recently_used_go_not_everything() {
    let one = cost("/articles/0", &page_of(1_000));
    let cache = HtmlCache::new(CacheSettings { max_bytes: 4 * one + one / 2, ..CacheSettings::default() });
    for i in 0..4 {
        cache.insert(100, &format!("/articles/{i}"), page_of(1_000), Kind::Page);
    }
    assert!((0..4).all(|i| kept(&cache, &format!("/articles/{i}"))));
    // Reading 0 makes 1 the least recently used.
    assert!(cached(&cache, "/articles/0"));
    cache.insert(100, "/articles/4", page_of(1_000), Kind::Page);
    assert!(!kept(&cache, "/articles/1"), "the least recently used went");
    for key in ["/articles/0", "/articles/2", "/articles/3", "/articles/4"] {
        assert!(kept(&cache, key), "{key} stays");
    }
    assert!(cache.held_bytes() <= 4 * one + one / 2);
    // A page larger than the whole budget is served but never kept, and pushes nothing out.
    cache.insert(100, "/articles/huge", page_of(10 * one), Kind::Page);
    assert!(!kept(&cache, "/articles/huge"));
    assert_eq!(cache.inner.read().unwrap().entries.len(), 4);
}

#[test]
fn search_pages_have_their_own_budget_and_pages_are_not_pushed_out_by_them() {
    let cache = HtmlCache::with_search_limits(SearchLimits { pages: 3, bytes: 1 << 20 });
    cache.insert(100, "/articles/a", page_of(10), Kind::Page);
    for i in 0..5 {
        cache.insert(100, &format!("/search?q={i}"), page_of(10), Kind::Search);
    }
    assert!(!kept(&cache, "/search?q=0") && !kept(&cache, "/search?q=1"), "the oldest went first");
    assert!(kept(&cache, "/search?q=2") && kept(&cache, "/search?q=3") && kept(&cache, "/search?q=4"));
    assert!(kept(&cache, "/articles/a"), "pages do not count against the search limit");
    // Used again, 2 is kept; 3 is now the least recently used.
    cache.insert(100, "/search?q=4", page_of(10), Kind::Search);
    assert!(cached(&cache, "/search?q=2"));
    cache.insert(100, "/search?q=5", page_of(10), Kind::Search);
    assert!(kept(&cache, "/search?q=2") && !kept(&cache, "/search?q=3"));
    assert!(kept(&cache, "/search?q=4") && kept(&cache, "/search?q=5"));

    // The byte limit counts compressed copies and keys.
    let big = page_of(4_000);
    // Two fit below the low-water mark, a sixteenth under the limit; three do not.
    let bytes = 2 * cost("/search?q=big-0", &big) * 16 / 15 + 100;
    let cache = HtmlCache::with_search_limits(SearchLimits { pages: 100, bytes });
    for i in 0..3 {
        cache.insert(100, &format!("/search?q=big-{i}"), big.clone(), Kind::Search);
    }
    assert!(!kept(&cache, "/search?q=big-0"));
    assert!(kept(&cache, "/search?q=big-1") && kept(&cache, "/search?q=big-2"));
    assert!(cache.held_bytes() <= bytes);
}

#[test]
fn no_search_pages_with_a_zero_limit_and_none_left_from_yesterday() {
    let off = HtmlCache::with_search_limits(SearchLimits { pages: 0, bytes: 1_000_000 });
    off.insert(100, "/search?q=a", page_of(10), Kind::Search);
    assert!(!cached(&off, "/search?q=a"));
    let cache = HtmlCache::default();
    cache.insert(100, "/search?q=a", page_of(10), Kind::Search);
    cache.insert(101, "/search?q=b", page_of(10), Kind::Search);
    let inner = cache.inner.read().unwrap();
    assert_eq!(inner.entries.keys().map(|key| key.to_string()).collect::<Vec<_>>(), ["/search?q=b"]);
    assert_eq!(inner.counts.search_pages, 1);
}

#[test]
fn a_day_starts_afresh_and_yesterday_never_returns() {
    let cache = HtmlCache::default();
    let none = HeaderMap::new();
    cache.insert(100, "/", page_of(10), Kind::Page);
    assert!(cache.respond(100, "/", &none).is_some());
    assert!(cache.respond(101, "/", &none).is_none(), "a new day misses");
    cache.insert(101, "/a", page_of(10), Kind::Page);
    assert!(cache.respond(101, "/", &none).is_none(), "the old day's pages are gone");
    cache.insert(100, "/", page_of(10), Kind::Page);
    assert!(cache.respond(100, "/", &none).is_none(), "a late render of yesterday is not kept");
    assert!(cache.respond(101, "/a", &none).is_some());
}
