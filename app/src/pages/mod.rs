//! Whole pages other than the article: home, site pages, not found, load failure.

mod home;
mod not_found;
mod static_page;

pub use home::HomePage;
pub use not_found::{LoadFailed, NotFound};
pub use static_page::StaticPageRoute;
