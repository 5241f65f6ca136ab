//! Articles, authors, tips and site-wide texts: the page data both builds share (`api`, `lists`)
//! and, on the server only, the loader that reads and checks `content/` (`server`).

pub mod api;
pub mod lists;
#[cfg(feature = "ssr")]
pub mod server;
