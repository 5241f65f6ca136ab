//! The one turn at making an image, process-wide, with readers first: a request for an image
//! not made yet goes before the background thread's next step.
//!
//! A plain mutex is not enough: the background thread lets it go and takes it again at once,
//! and an unfair lock hands it straight back, so a waiting request was measured waiting for the
//! whole photo (7 of 8 s in a debug build; 20 s on a slower machine).

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// Who asks for the turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asker {
    /// A reader's request: goes first.
    Request,
    /// The background thread: waits while any request waits.
    Background,
}

/// A turn at making images that requests get before the background thread.
pub struct Turn {
    state: Mutex<State>,
    freed: Condvar,
}

struct State {
    busy: bool,
    requests_waiting: usize,
}

/// Holds the turn; dropping it hands the turn on.
pub struct Held<'a> {
    turn: &'a Turn,
}

impl Turn {
    /// A free turn.
    pub const fn new() -> Turn {
        Turn { state: Mutex::new(State { busy: false, requests_waiting: 0 }), freed: Condvar::new() }
    }

    // A panic while the turn was held left nothing half-done (files are written whole), so a
    // poisoned lock is taken as it is.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for the turn: a request until no one holds it, the background thread until no one
    /// holds it and no request waits.
    pub fn take(&self, asker: Asker) -> Held<'_> {
        let mut state = self.state();
        if asker == Asker::Request {
            state.requests_waiting += 1;
        }
        let blocked = |state: &mut State| state.busy || (asker == Asker::Background && state.requests_waiting > 0);
        let mut state = self.freed.wait_while(state, blocked).unwrap_or_else(PoisonError::into_inner);
        if asker == Asker::Request {
            state.requests_waiting -= 1;
        }
        state.busy = true;
        Held { turn: self }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.turn.state().busy = false;
        self.turn.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn a_request_waits_for_the_step_in_progress_not_for_all_the_background_work() {
        static TURN: Turn = Turn::new();
        let steps_done = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            // The background thread's steps, each taking the turn again at once.
            scope.spawn(|| {
                for _ in 0..30 {
                    let _held = TURN.take(Asker::Background);
                    std::thread::sleep(Duration::from_millis(20));
                    steps_done.fetch_add(1, Ordering::SeqCst);
                }
            });
            while steps_done.load(Ordering::SeqCst) == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
            let asked_after = steps_done.load(Ordering::SeqCst);
            let _held = TURN.take(Asker::Request);
            let got_after = steps_done.load(Ordering::SeqCst);
            // The step in progress (one more, should this thread be held up between the two).
            assert!(got_after - asked_after <= 2, "the request waited {} of 30 steps", got_after - asked_after);
        });
    }

    #[test]
    fn one_holder_at_a_time() {
        static TURN: Turn = Turn::new();
        let holders = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for n in 0..8 {
                let holders = &holders;
                scope.spawn(move || {
                    for _ in 0..50 {
                        let _held = TURN.take(if n % 2 == 0 { Asker::Request } else { Asker::Background });
                        assert_eq!(holders.fetch_add(1, Ordering::SeqCst), 0);
                        holders.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
    }
}
