//! The data both builds share: what pages show of the content (articles, cards, lists, search
//! results, the newsletter archive), content images and their URLs, the site's paths, and HTML/XML escaping. Plain data
//! and pure functions with no Leptos, compiled for the server and the browser alike.

pub mod content;
pub mod escape;
pub mod images;
pub mod lists;
pub mod newsletter;
pub mod urls;
