//! The server side of content images: reading the editors' files, checking them, and making
//! the derived images. Compiled only with the `ssr` feature.

pub mod catalog;
pub mod colour;
pub mod derive;
pub mod probe;
pub mod testing;
