//! The site chrome around every page: header, daily tip banner and footer.

mod assets;
mod footer;
mod header;
mod live_content;
mod navigation;
mod theme;
mod tip_banner;

pub use assets::{asset_scripts, AssetUrls, PageAssets};
pub use footer::SiteFooter;
pub use header::SiteHeader;
pub use live_content::{ContentProblems, LiveContentScript};
pub use theme::{ThemeToggle, THEME_SCRIPT};
pub use tip_banner::TipBanner;
