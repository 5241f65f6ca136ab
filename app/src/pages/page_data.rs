//! Reading a page's data while it renders.

use leptos::prelude::ServerFnError;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// The result of a page's data read, taken during the render itself.
///
/// Pages render on the server only (islands: the browser runs the islands, never a route
/// component), and their reads are server functions over the in-memory content store whose
/// bodies never wait. So the read is finished on its first poll, and the page needs no
/// resource or suspense boundary around it: less work per render, and nothing to serialise.
pub fn read_now<T>(read: impl Future<Output = Result<T, ServerFnError>>) -> Result<T, ServerFnError> {
    match pin!(read).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => {
            leptos::logging::error!("a page read its data somewhere it has to wait: pages render on the server");
            Err(ServerFnError::new("page data is read during the server render"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_never_waits_is_taken_at_once() {
        assert_eq!(read_now(async { Ok::<_, ServerFnError>(7) }), Ok(7));
    }

    #[test]
    fn a_read_that_waits_is_an_error_not_a_hang() {
        let waits = std::future::pending::<Result<u8, ServerFnError>>();
        assert!(read_now(waits).is_err());
    }
}
