//! Whole pages other than the article: home, not found, load failure.

mod home;
mod not_found;

pub use home::HomePage;
pub use not_found::{LoadFailed, NotFound};
