//! A reviewer's preview of an unpublished article (`/preview/{token}`): the article exactly as
//! it will look when published, under a banner saying it is a preview and until when the link
//! works, without the share buttons, and marked for no search engine to index. The server checks
//! the link before the render and gives it a [`PreviewGrant`]; without one (a wrong, tampered,
//! expired or revoked link) the page is the site's 404, as for any page that does not exist.

use super::ArticleView;
use crate::content::api::get_preview_article;
use crate::pages::{LoadFailed, NotFound};
use leptos::prelude::*;
use leptos_meta::Meta;

/// What a checked preview link grants the render in progress (given by the server as context).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewGrant {
    /// The article's slug.
    pub slug: String,
    /// When the link stops working, as readers read it ("Dec 9, 2026 at 14:00 UTC").
    pub expires: String,
}

/// What the banner of a preview says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewBanner {
    /// When the link stops working.
    pub expires: String,
    /// The publication date, when the article is scheduled rather than a draft.
    pub scheduled: Option<crate::content::api::DateView>,
}

/// `/preview/:token`: the previewed article, or the 404 page.
#[component]
pub fn PreviewRoute() -> impl IntoView {
    let Some(grant) = use_context::<PreviewGrant>() else {
        return view! { <NotFound/> }.into_any();
    };
    match get_preview_article(&grant.slug) {
        Ok(Some((page, scheduled))) => {
            let banner = PreviewBanner { expires: grant.expires, scheduled };
            view! { <ArticleView page preview=banner/> }.into_any()
        }
        Ok(None) => view! { <NotFound/> }.into_any(),
        Err(_) => view! { <LoadFailed/> }.into_any(),
    }
}

/// The banner at the top of a preview, and the robots rule of its page.
#[component]
pub fn PreviewNotice(banner: PreviewBanner) -> impl IntoView {
    let PreviewBanner { expires, scheduled } = banner;
    view! {
        <Meta name="robots" content="noindex"/>
        <p class="notice notice-preview" role="note">
            <strong>"Preview — not published."</strong>
            " Link expires " {expires} "."
            {scheduled.map(|date| view! { " Scheduled for " <time datetime=date.iso>{date.display}</time> "." })}
        </p>
    }
}
