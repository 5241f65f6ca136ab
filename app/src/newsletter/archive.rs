//! The web archive of sent issues: `/newsletter/issues` and `/newsletter/issues/{slug}`, each
//! issue as it went out (stored at send time), as a page of the site.

use crate::pages::{LoadFailed, NotFound};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;
pub use nv_model::newsletter::{IssuePage, IssueSummary};

/// Every sent issue, newest first. Read in the server render only (like the content reads,
/// not a server function: the pages are not islands).
pub async fn list_issues() -> Result<Vec<IssueSummary>, ServerFnError> {
    #[cfg(not(feature = "ssr"))]
    return Err(ServerFnError::new("server only"));
    #[cfg(feature = "ssr")]
    super::server::archive::list_issues().await
}

/// The sent issue at `slug` (`2026-w48`), if any (or, in development, the coming one).
pub async fn get_issue(slug: String) -> Result<Option<IssuePage>, ServerFnError> {
    #[cfg(not(feature = "ssr"))]
    return {
        let _ = slug;
        Err(ServerFnError::new("server only"))
    };
    #[cfg(feature = "ssr")]
    super::server::archive::get_issue(slug).await
}

/// `/newsletter/issues`.
#[component]
pub fn IssuesPage() -> impl IntoView {
    let issues = Resource::new_blocking(|| (), |()| list_issues());
    view! {
        <Title text="Newsletter archive"/>
        <Meta name="description" content="Every weekly NourishVibes newsletter issue sent so far."/>
        <article class="article site-page" aria-labelledby="page-title">
            <h1 id="page-title">"Newsletter archive"</h1>
            <Suspense fallback=|| ()>
                {move || issues.get().map(|issues| match issues {
                    Ok(issues) if issues.is_empty() => view! { <p>"No issue has been sent yet."</p> }.into_any(),
                    Ok(issues) => view! {
                        <ul class="issue-list">
                            {issues.into_iter().map(|issue| view! {
                                <li>
                                    {issue.preview.then_some("Preview (not sent yet): ")}
                                    <a href=crate::urls::issue_path(&issue.slug)>{issue.subject}</a>
                                    " (" {issue.week} ") " <span>{issue.preheader}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(_) => view! { <LoadFailed/> }.into_any(),
                })}
            </Suspense>
            <p><a href="/newsletter">"Subscribe to the weekly tips"</a></p>
        </article>
    }
}

/// `/newsletter/issues/{slug}`.
#[component]
pub fn IssueRoute() -> impl IntoView {
    let params = use_params_map();
    let issue = Resource::new_blocking(move || params.read().get("slug").unwrap_or_default(), get_issue);
    view! {
        <Suspense fallback=|| ()>
            {move || issue.get().map(|issue| match issue {
                Ok(Some(issue)) => view! {
                    <Title text=issue.subject.clone()/>
                    <Meta name="description" content=issue.preheader.clone()/>
                    <article class="article site-page" aria-labelledby="page-title">
                        <h1 id="page-title">{issue.subject}</h1>
                        <p class="article-meta">"Weekly issue " {issue.week}</p>
                        {issue.preview.then(|| view! {
                            <p class="notice notice-draft" role="note">"Preview: this issue has not been sent yet. Only development builds show it."</p>
                        })}
                        <div class="prose" inner_html=issue.body_html></div>
                        <p><a href="/newsletter/issues">"All issues"</a></p>
                    </article>
                }.into_any(),
                Ok(None) => view! { <NotFound/> }.into_any(),
                Err(_) => view! { <LoadFailed/> }.into_any(),
            })}
        </Suspense>
    }
}
