//! The content on the server: reading and checking `content/`, the store the pages are read
//! from, search, SEO data, the weekly notes and the live reload. No Leptos: pages reach it
//! through `app`'s reads.

pub mod citations;
pub mod dates;
pub mod error;
mod files;
pub mod front_matter;
pub mod grounding;
#[cfg(test)]
mod image_tests;
pub mod lists;
pub mod live;
mod load;
mod load_article;
pub mod load_cache;
mod load_file;
pub mod markdown;
pub mod notes;
pub mod reading;
mod related;
#[cfg(test)]
mod reload_tests;
mod reuse;
pub mod search;
#[cfg(test)]
mod search_tests;
pub mod seo;
mod site_checks;
pub mod store;
#[cfg(test)]
mod store_tests;
mod stored;
pub mod tips;
pub mod trust;
pub mod week;
