//! Hands memory a content load has freed back to the system.
//!
//! Loading a 10,000-article catalogue peaks far above what the loaded store keeps (parsing,
//! rendering and counting words make short-lived data), and mimalloc, the server's allocator,
//! keeps freed pages for reuse: without a collection the server stays at its load peak.

// The allocator the binary installs (main.rs); linked into tests too, where it is not the
// global allocator and a collection only tidies its own (empty) heaps.
extern crate mimalloc as _;

unsafe extern "C" {
    /// mimalloc's `mi_collect`: frees what the allocator holds for reuse; `force` also
    /// collects memory other threads freed and returns whole free segments to the system.
    fn mi_collect(force: bool);
}

/// Turns transparent huge pages off for this process (Linux; elsewhere nothing). With them on,
/// the allocator's memory is faulted in, and can only be handed back, 2 MiB at a time: after
/// a 10,000-article load, every 2 MiB region still holding a few live objects stayed resident
/// (283 MiB after warm-up with them, 250 MiB without). Call before the content loads.
pub fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only how memory is paged;
    // on a kernel without it the call fails and nothing changes.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Returns the memory freed since the last collection to the system (after a content load).
pub fn release_freed() {
    // SAFETY: `mi_collect` takes no pointers and may be called from any thread at any time.
    unsafe { mi_collect(true) }
}
