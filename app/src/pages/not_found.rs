//! The 404 page and the "could not load" page, each with the right HTTP status.

use crate::http_status::set_response_status;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// "Page not found", HTTP 404, with ways back into the site: the home page and the newest
/// article (read from the content, so the suggestion never goes stale).
#[component]
pub fn NotFound() -> impl IntoView {
    set_response_status(404);
    let newest = crate::content::lists::get_newest().ok().flatten().map(|card| {
        view! { <li><a href=crate::urls::article_path(&card.slug)>{format!("Read: {}", card.title)}</a></li> }
    });
    view! {
        <Title text="Page not found"/>
        <Meta name="robots" content="noindex"/>
        <section class="error-page" aria-labelledby="error-title">
            <p class="error-code" aria-hidden="true">"404"</p>
            <h1 id="error-title">"Page not found"</h1>
            <p>
                "We couldn't find that page. It may have moved, or the link may be mistyped."
            </p>
            <ul class="error-actions">
                <li><a class="button" href="/">"Browse all articles"</a></li>
                {newest}
            </ul>
        </section>
    }
}

/// Shown when the server could not load a page's data (the real error is in the server log).
#[component]
pub fn LoadFailed() -> impl IntoView {
    set_response_status(500);
    view! {
        <Title text="Something went wrong"/>
        <section class="error-page" aria-labelledby="error-title">
            <h1 id="error-title">"Something went wrong"</h1>
            <p>"This page could not be loaded. Please try again in a moment."</p>
            <p><a class="button" href="/">"Go to the home page"</a></p>
        </section>
    }
}
