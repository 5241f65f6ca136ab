//! The weekly newsletter issue: which week, what it holds, how it reads as mail and as a page,
//! and when it goes out. Server-only; storage and delivery are in `newsletter::server`.

pub mod compose;
pub mod render;
pub mod schedule;
#[cfg(test)]
mod tests;

pub use compose::{compose, Issue};
pub use nv_content::notes::{self, EditorNote, MailIdentity};
pub use nv_content::week::{self, IsoWeek};
pub use schedule::Schedule;

use nv_content::error::ContentError;
use nv_content::store::ContentStore;
use std::path::PathBuf;

/// What went wrong preparing an issue.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The editors' files are wrong (a note, or `[mail]` in site.toml).
    #[error("the newsletter content has problems:\n{}", .0.iter().map(|error| format!("  {error}")).collect::<Vec<_>>().join("\n"))]
    Content(Vec<ContentError>),
    /// The note for the week says `skip = true`.
    #[error("the editor's note for {0} says skip = true: no issue that week")]
    Skipped(IsoWeek),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The mail's HTML template could not be written.
    #[error("the mail could not be rendered: {0}")]
    Render(#[from] askama::Error),
}

impl IssueError {
    /// The HTTP status for a page that hit this error.
    pub fn status(&self) -> u16 {
        match self {
            IssueError::Skipped(_) => 404,
            IssueError::Content(_) | IssueError::Database(_) | IssueError::Render(_) => 500,
        }
    }
}

/// The newsletter's settings (`NV_NEWSLETTER_*`, see docs/operations.md) and where its content is.
#[derive(Clone, Debug)]
pub struct WeeklySettings {
    /// The content folder (notes under `newsletter/`, `[mail]` in site.toml).
    pub content_dir: PathBuf,
    /// The site's absolute URL.
    pub site_url: String,
    /// When issues go out; `None`: only by hand (`server newsletter send`).
    pub schedule: Option<Schedule>,
    /// The schedule's weekday and time even when automatic sending is off (send days of
    /// issues sent by hand, the archive's preview).
    pub send_time: Schedule,
}

/// An issue with its three renderings.
#[derive(Clone, Debug)]
pub struct RenderedIssue {
    /// The composed issue.
    pub issue: Issue,
    /// The mail's HTML part, with [`render::TOKEN`] for the recipient's token.
    pub mail_html: String,
    /// The mail's text part, likewise.
    pub mail_text: String,
    /// The archive page's body.
    pub web_html: String,
    /// The sender's display name from site.toml.
    pub sender_name: String,
}

/// Composes and renders `week`'s issue from `content` and the editors' files on disk. Drafts
/// and scheduled articles count only with `include_unpublished` (the development preview).
pub fn prepare(
    settings: &WeeklySettings,
    content: &ContentStore,
    week: IsoWeek,
    include_unpublished: bool,
) -> Result<RenderedIssue, IssueError> {
    let notes = notes::load_notes(&settings.content_dir, content).map_err(IssueError::Content)?;
    let identity = notes::mail_identity(&settings.content_dir).map_err(|error| IssueError::Content(vec![error]))?;
    let send_date = settings.send_time.send_date(week);
    let issue = compose(content, notes.get(&week), week, send_date, &settings.site_url, include_unpublished)
        .ok_or(IssueError::Skipped(week))?;
    Ok(RenderedIssue {
        mail_html: render::mail_html(&issue, &identity)?,
        mail_text: render::mail_text(&issue, &identity),
        web_html: render::web_html(&issue),
        sender_name: identity.sender_name,
        issue,
    })
}

/// Reads `NV_NEWSLETTER_SCHEDULE` through `lookup` (unset: Monday 07:00 UTC; `off`: never).
pub fn schedule_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<(Option<Schedule>, Schedule), String> {
    match lookup("NV_NEWSLETTER_SCHEDULE").filter(|value| !value.trim().is_empty()) {
        None => Ok((Some(Schedule::default()), Schedule::default())),
        Some(value) => match Schedule::parse(&value).map_err(|error| format!("NV_NEWSLETTER_SCHEDULE: {error}"))? {
            Some(schedule) => Ok((Some(schedule), schedule)),
            None => Ok((None, Schedule::default())),
        },
    }
}
