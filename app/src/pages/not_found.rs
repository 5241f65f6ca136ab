//! The 404 page and the "could not load" page, each with the right HTTP status.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Sets the HTTP status of the response being rendered (no-op in the browser).
fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code))
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// "Page not found", HTTP 404, with ways back into the site.
#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
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
                <li><a href="/articles/vitamin-d3-k2">"Read: Vitamin D3 + K2: The Perfect Pair"</a></li>
            </ul>
        </section>
    }
}

/// Shown when the server could not load a page's data (the real error is in the server log).
#[component]
pub fn LoadFailed() -> impl IntoView {
    set_status(500);
    view! {
        <Title text="Something went wrong"/>
        <section class="error-page" aria-labelledby="error-title">
            <h1 id="error-title">"Something went wrong"</h1>
            <p>"This page could not be loaded. Please try again in a moment."</p>
            <p><a class="button" href="/">"Go to the home page"</a></p>
        </section>
    }
}
