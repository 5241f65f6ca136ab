//! Development only, while the server watches `content/`: the script that reloads an open page
//! after an edit, and the banner listing the problems of the last reload (the last good content
//! is shown meanwhile). Production pages carry neither.

use leptos::prelude::*;

/// One problem of the last reload, as the banner shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Problem {
    /// The file, relative to the content folder.
    file: String,
    field: String,
    reason: String,
}

/// The content revision the page is rendered from, when the content is watched.
#[cfg(feature = "ssr")]
fn watched_revision() -> Option<u64> {
    let state = crate::state::app_state().ok()?;
    state.live.is_watched().then(|| state.live.revision())
}

#[cfg(not(feature = "ssr"))]
fn watched_revision() -> Option<u64> {
    None
}

/// The problems of the last reload, when the content is watched and it failed.
#[cfg(feature = "ssr")]
fn problems() -> Vec<Problem> {
    let Some(state) = crate::state::app_state().ok().filter(|state| state.live.is_watched()) else {
        return Vec::new();
    };
    let dir = state.live.source().dir.clone();
    state
        .live
        .last_failure()
        .map(|failure| failure.errors)
        .unwrap_or_default()
        .into_iter()
        .map(|error| Problem {
            file: error.file.strip_prefix(&dir).unwrap_or(&error.file).display().to_string(),
            field: error.field,
            reason: error.reason,
        })
        .collect()
}

#[cfg(not(feature = "ssr"))]
fn problems() -> Vec<Problem> {
    Vec::new()
}

/// In the document head: the revision and the script that polls for a newer one.
#[component]
pub fn LiveContentScript() -> impl IntoView {
    watched_revision().map(|revision| {
        view! {
            <meta name="nv-content-revision" content=revision.to_string()/>
            <script src="/_dev/live-content.js" defer></script>
        }
    })
}

/// At the top of every page: what is wrong in the content folder, file by file.
#[component]
pub fn ContentProblems() -> impl IntoView {
    let problems = problems();
    (!problems.is_empty()).then(|| {
        view! {
            <section class="content-problems" role="alert" aria-labelledby="content-problems-title">
                <h2 id="content-problems-title">
                    {format!("Content problems ({}): the last good content is shown", problems.len())}
                </h2>
                <p>"Fix these and save: this page reloads by itself. The terminal lists them too."</p>
                <ul>
                    {problems
                        .into_iter()
                        .map(|problem| {
                            view! {
                                <li>
                                    <code>{problem.file}</code>
                                    " — "
                                    <code>{problem.field}</code>
                                    ": "
                                    {problem.reason}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}
