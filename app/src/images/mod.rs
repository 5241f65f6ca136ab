//! Content images as pages show them (the types and URLs are in `nv_model::images`), and the
//! `Picture` component that puts one in a page.

mod view;

pub use nv_model::images::*;
pub use view::Picture;
