//! Work spread over the machine's cores at content load, results kept in order.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `work` applied to every item, spread over the machine's cores; results in the items' order.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len());
    if threads <= 1 {
        return items.iter().map(work).collect();
    }
    // Each thread takes the next item when it is done with one: articles differ in length, so
    // fixed chunks could leave a core idle while another works through the long ones.
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break out };
                        out.push((index, work(item)));
                    }
                })
            })
            .collect();
        // A panic in a worker is a bug; pass it on as if the work had run on this thread.
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

/// `work` applied to every item, in chunks of `chunk` items that each start from a fresh
/// `scratch()` (one per chunk, reused for every item in it); results in the items' order.
pub(crate) fn parallel_map_with<T: Sync, S, R: Send>(
    items: &[T],
    chunk: usize,
    scratch: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let chunks: Vec<&[T]> = items.chunks(chunk.max(1)).collect();
    parallel_map(&chunks, |chunk| {
        let mut scratch = scratch();
        chunk.iter().map(|item| work(&mut scratch, item)).collect::<Vec<R>>()
    })
    .into_iter()
    .flatten()
    .collect()
}
