//! The archive pages' reads: sent issues from the store, and in development the coming one.

use crate::state::RequestState;
use leptos::prelude::ServerFnError;
use nv_model::newsletter::{IssuePage, IssueSummary};
use nv_newsletter::weekly::{prepare, IsoWeek, IssueError};

/// Every sent issue, newest first, after the previewed coming one.
pub async fn list_issues() -> Result<Vec<IssueSummary>, ServerFnError> {
    let state = crate::state::app_state()?;
    let issues = state.newsletter.store.sent_issues().await.map_err(|error| {
        tracing::error!("newsletter archive: {error}");
        ServerFnError::new("The archive is unavailable.")
    })?;
    let mut list: Vec<IssueSummary> = Vec::with_capacity(issues.len() + 1);
    if let Some(coming) = preview(&state) {
        if !issues.iter().any(|issue| issue.week == coming.week) {
            list.push(IssueSummary {
                slug: coming.week.to_ascii_lowercase(),
                week: coming.week,
                subject: coming.subject,
                preheader: coming.preheader,
                preview: true,
            });
        }
    }
    list.extend(issues.into_iter().map(|issue| IssueSummary {
        slug: issue.week.to_ascii_lowercase(),
        week: issue.week,
        subject: issue.subject,
        preheader: issue.preheader,
        preview: false,
    }));
    Ok(list)
}

/// The coming week's issue, if this server previews it (development) and it is not skipped.
pub fn preview(state: &RequestState) -> Option<IssuePage> {
    let settings = state.newsletter.preview.as_ref()?;
    let now = nv_content::dates::unix_now();
    let week = settings.send_time.coming_week(now);
    match prepare(settings, &state.content, week, true) {
        Ok(rendered) => Some(IssuePage {
            week: week.to_string(),
            subject: rendered.issue.subject,
            preheader: rendered.issue.preheader,
            body_html: rendered.web_html,
            preview: true,
        }),
        Err(IssueError::Skipped(_)) => None,
        Err(error) => {
            tracing::warn!("newsletter preview: {error}");
            None
        }
    }
}

/// The sent issue at `slug`, or the previewed coming one.
pub async fn get_issue(slug: String) -> Result<Option<IssuePage>, ServerFnError> {
    let Some(week) = IsoWeek::parse(&slug).filter(|week| week.slug() == slug) else { return Ok(None) };
    let state = crate::state::app_state()?;
    let issue = state.newsletter.store.sent_issue(week).await.map_err(|error| {
        tracing::error!("newsletter archive: {error}");
        ServerFnError::new("The archive is unavailable.")
    })?;
    if let Some(issue) = issue {
        return Ok(Some(IssuePage {
            week: issue.week,
            subject: issue.subject,
            preheader: issue.preheader,
            body_html: issue.web_html,
            preview: false,
        }));
    }
    Ok(preview(&state).filter(|coming| coming.week == week.to_string()))
}
