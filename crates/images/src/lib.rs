//! Content images on the server: reading the editors' files, checking them, and making the
//! derived images (several widths, AVIF, WebP and a fallback, a placeholder). No Leptos.

pub mod catalog;
pub mod colour;
pub mod derive;
pub mod probe;
pub mod testing;
