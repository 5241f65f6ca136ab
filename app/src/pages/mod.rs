//! Whole pages other than the article: home, site pages, not found, load failure.

mod card;
mod home;
mod listing;
mod search;
mod not_found;
mod page_data;
mod static_page;

pub use card::{Card, PagedCards};
pub use home::HomePage;
pub use listing::{AuthorRoute, TopicRoute};
pub use search::SearchPage;
pub use not_found::{LoadFailed, NotFound};
pub use page_data::read_now;
pub use static_page::StaticPageRoute;
