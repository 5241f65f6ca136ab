//! The site chrome around every page: header, daily tip banner and footer.

mod footer;
mod header;
mod tip_banner;

pub use footer::SiteFooter;
pub use header::SiteHeader;
pub use tip_banner::TipBanner;
