//! Articles, authors, tips and site-wide texts as pages read them during a server render (the
//! types are in `nv_model`, the loading and checking in `nv-content`).

pub mod api;
pub mod lists;
