//! Whole pages other than the article: home, site pages, not found, load failure.

mod card;
mod home;
mod listing;
mod not_found;
mod page_data;
mod search;
mod static_page;

pub use card::{Card, PagedCards};
pub use home::HomePage;
pub use listing::{AuthorRoute, TopicRoute};
pub use not_found::{LoadFailed, NotFound};
#[cfg(feature = "ssr")]
pub use page_data::render_state;
pub use page_data::PageDataError;
pub use search::SearchPage;
pub use static_page::StaticPageRoute;
