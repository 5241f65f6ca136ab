//! Reading a page's data while it renders.
//!
//! Pages render on the server only (islands: the browser runs the islands, never a route
//! component), and their data is in the in-memory content store. So a page reads it with a
//! plain function call during the render: no resource, no suspense, nothing to serialise, and
//! no server function, which would also be a public endpoint rendering on demand.

use std::fmt;

/// Why a page could not read its data; the page then shows [`super::LoadFailed`] (HTTP 500).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageDataError {
    /// The render was given no server state: the server is misconfigured.
    NoState,
    /// Asked for outside a server render (pages are never rendered in the browser).
    NotOnServer,
}

impl fmt::Display for PageDataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PageDataError::NoState => "the server state is missing from the render",
            PageDataError::NotOnServer => "page data is read during the server render",
        })
    }
}

impl std::error::Error for PageDataError {}

/// The server state of the render in progress.
#[cfg(feature = "ssr")]
pub fn render_state() -> Result<crate::state::RequestState, PageDataError> {
    leptos::prelude::use_context::<crate::state::RequestState>().ok_or_else(|| {
        tracing::error!("RequestState missing from the Leptos context");
        PageDataError::NoState
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn without_server_state_a_page_reads_an_error_not_a_panic() {
        let owner = leptos::prelude::Owner::new();
        owner.with(|| {
            assert_eq!(render_state().err(), Some(PageDataError::NoState));
            assert_eq!(crate::content::api::get_site_chrome().err(), Some(PageDataError::NoState));
        });
    }
}
