//! Articles, authors, tips and site-wide texts: the shared page data and, on the server,
//! the loader that reads and checks `content/`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod citations;
pub mod lists;

#[cfg(feature = "ssr")]
pub mod dates;
#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
mod files;
#[cfg(feature = "ssr")]
pub mod front_matter;
#[cfg(feature = "ssr")]
pub mod grounding;
#[cfg(all(test, feature = "ssr"))]
mod image_tests;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
mod load;
#[cfg(feature = "ssr")]
mod load_article;
#[cfg(feature = "ssr")]
pub mod load_cache;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub(crate) mod parallel;
#[cfg(feature = "ssr")]
pub mod reading;
#[cfg(feature = "ssr")]
mod related;
#[cfg(all(test, feature = "ssr"))]
mod reload_tests;
#[cfg(feature = "ssr")]
mod reuse;
#[cfg(feature = "ssr")]
pub mod search;
#[cfg(feature = "ssr")]
pub mod seo;
#[cfg(feature = "ssr")]
mod site_checks;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(all(test, feature = "ssr"))]
mod store_tests;
#[cfg(feature = "ssr")]
mod stored;
#[cfg(feature = "ssr")]
pub mod tips;
#[cfg(feature = "ssr")]
pub mod trust;
