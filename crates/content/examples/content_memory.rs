//! Measures where a content folder's memory and load time go (bench tool, not a test):
//! `cargo run --release -p nv-content --example content_memory -- DIR [CACHE]`. With `CACHE`
//! (a content cache file, written first if missing) it measures a restart's load instead.
use nv_content::store::ContentStore;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new) }
    }
}
#[global_allocator]
static A: Counting = Counting;

fn mib(bytes: isize) -> f64 {
    bytes as f64 / 1048576.0
}

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("DIR"));
    let cache = std::env::args().nth(2).map(std::path::PathBuf::from);
    let load = || match &cache {
        Some(cache) => {
            let (store, new_cache) =
                ContentStore::load_cached(&dir, "http://127.0.0.1:3000", cache).unwrap_or_else(|e| panic!("{e}"));
            (store, new_cache)
        }
        None => (ContentStore::load(&dir, "http://127.0.0.1:3000").unwrap_or_else(|e| panic!("{e}")), None),
    };
    if let Some(path) = cache.as_ref().filter(|path| !path.exists()) {
        let (_, new_cache) = load();
        new_cache.expect("a new cache").write(path).expect("cache written");
    }
    let before = LIVE.load(Ordering::Relaxed);
    let t = std::time::Instant::now();
    let (store, _) = load();
    let took = t.elapsed();
    let total = LIVE.load(Ordering::Relaxed) - before;
    println!("load: {:?}, {} articles, live heap {:.1} MiB", took, store.article_count(), mib(total));
    let articles = store.article_count() as f64;
    for (name, part) in store.into_parts() {
        let before = LIVE.load(Ordering::Relaxed);
        drop(part);
        let freed = before - LIVE.load(Ordering::Relaxed);
        println!("  {name:<30} {:>8.1} MiB  {:>8.0} B/article", mib(freed), freed as f64 / articles);
    }
    println!("  still live: {:.1} MiB", mib(LIVE.load(Ordering::Relaxed) - before));
}
