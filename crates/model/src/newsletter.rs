//! What the newsletter archive's pages show of a sent issue.

use serde::{Deserialize, Serialize};

/// One sent issue in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueSummary {
    /// URL segment, e.g. `2026-w48`.
    pub slug: String,
    /// `2026-W48`.
    pub week: String,
    /// Subject line.
    pub subject: String,
    /// Preview line.
    pub preheader: String,
    /// Not sent yet: the coming week's issue, previewed in development.
    pub preview: bool,
}

/// One sent issue as a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuePage {
    /// `2026-W48`.
    pub week: String,
    /// Subject line (the page title).
    pub subject: String,
    /// Preview line (the description).
    pub preheader: String,
    /// Sanitised HTML the server rendered from the content when the issue was sent.
    pub body_html: String,
    /// Not sent yet: the coming week's issue, previewed in development.
    pub preview: bool,
}
