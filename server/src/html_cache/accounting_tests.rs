//! The cache's byte count against what it really holds: a counting allocator measures the heap
//! bytes that stay allocated after pages are stored, on this test's thread only (tests run in
//! parallel), and the count must cover them without inflating them much.

use super::store::Kind;
use super::{CachedPage, HtmlCache};
use axum::body::Bytes;
use axum::http::HeaderValue;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

/// The system allocator, counting the net bytes of the threads that ask it to.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static NET_BYTES: Cell<isize> = const { Cell::new(0) };
}

fn record(bytes: isize) {
    // `try_with`: a thread being torn down has no counters left, and needs none.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = NET_BYTES.try_with(|net| net.set(net.get() + bytes));
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        record(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Net heap bytes allocated by this thread while `work` runs.
fn net_bytes<T>(work: impl FnOnce() -> T) -> (T, isize) {
    NET_BYTES.with(|net| net.set(0));
    COUNTING.with(|counting| counting.set(true));
    let value = work();
    COUNTING.with(|counting| counting.set(false));
    (value, NET_BYTES.with(Cell::get))
}

/// A page like the site's: repetitive markup around varied text, `words` words long.
fn page(seed: usize, words: usize) -> Bytes {
    let mut html = String::from("<!DOCTYPE html><html lang=\"en\"><head><title>Page</title></head><body><main>");
    for i in 0..words {
        if i % 40 == 0 {
            html.push_str("</p>\n<p class=\"prose\">");
        }
        let word = (seed * 7919 + i * 104_729) % 5_003;
        html.push_str(&format!("w{word} "));
    }
    html.push_str("</p></main></body></html>");
    Bytes::from(html)
}

#[test]
fn the_count_covers_every_byte_the_cache_holds() {
    let content_type = HeaderValue::from_static("text/html; charset=utf-8");
    let inputs: Vec<Bytes> = (0..150).map(|seed| page(seed, 500 + seed * 37)).collect();
    // As the server runs it: every stored copy carries the security headers too.
    let scripts = vec!["theme();".to_string(), "navigation();".to_string(), "hydrate();".to_string()];
    let security = crate::security_headers::SecurityHeadersLayer::new(&crate::security_headers::SecurityPolicy::new(
        "https://x",
        scripts,
    ));
    let (cache, held) = net_bytes(|| {
        let cache = HtmlCache::default();
        cache.add_to_every_copy(security.sets());
        for (i, html) in inputs.iter().enumerate() {
            let key = format!("/search?q=query-{i}-{}", "x".repeat(i % 50));
            // As a render hands it over: a buffer with spare capacity.
            let mut buffer = Vec::with_capacity(html.len() * 2);
            buffer.extend_from_slice(html);
            let page = Arc::new(CachedPage::new(Bytes::from(buffer), content_type.clone()));
            cache.insert(super::utc_day(), &key, page, if i % 2 == 0 { Kind::Search } else { Kind::Page });
        }
        cache
    });
    let counted = cache.held_bytes() as isize;
    assert_eq!(cache.keys().len(), inputs.len());
    assert!(counted >= held, "counted {counted} bytes, holds {held}");
    assert!(counted <= held + held / 4, "counted {counted} bytes, holds only {held}");
    // What is counted is given back when the cache goes.
    let ((), freed) = net_bytes(|| drop(cache));
    assert!(-freed >= held * 95 / 100, "freed {} of {held}", -freed);
}
