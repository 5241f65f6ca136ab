//! The one turn at making an image, process-wide, with readers first: a request for an image
//! not made yet goes before the background thread's next step.
//!
//! A plain mutex is not enough: the background thread lets it go and takes it again at once,
//! and an unfair lock hands it straight back, so a waiting request was measured waiting for the
//! whole photo (7 of 8 s in a debug build; 20 s on a slower machine).
//!
//! A request still waits for the step in progress, which the background thread runs at nice 10:
//! on a processor busy with other work that step runs slower (priority inversion, bounded by
//! one step; a thread cannot raise its own priority back without privileges).

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

    fn requests_waiting(turn: &Turn) -> usize {
        turn.state().requests_waiting
    }

    #[test]
    fn a_waiting_request_goes_before_the_background_thread_takes_the_turn_again() {
        static TURN: Turn = Turn::new();
        // Several times: with a plain lock the background thread, already running, would
        // mostly get the turn straight back.
        for _ in 0..20 {
            let (order, got) = std::sync::mpsc::channel();
            let step = TURN.take(Asker::Background);
            std::thread::scope(|scope| {
                let request_order = order.clone();
                scope.spawn(move || {
                    let _held = TURN.take(Asker::Request);
                    request_order.send(Asker::Request).unwrap();
                });
                while requests_waiting(&TURN) == 0 {
                    std::thread::sleep(Duration::from_millis(1));
                }
                // The background thread ends its step and asks for the next one at once.
                drop(step);
                let _next = TURN.take(Asker::Background);
                order.send(Asker::Background).unwrap();
            });
            assert_eq!(got.try_iter().collect::<Vec<_>>(), [Asker::Request, Asker::Background]);
        }
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
