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
// Pages set headers the way the newsletter's server functions do.
#[cfg(feature = "ssr")]
pub use crate::http_status::set_response_header;
pub use page_data::PageDataError;
pub use search::SearchPage;
pub use static_page::StaticPageRoute;
