//! The "Quick Summary / AI Overview" block.

use leptos::prelude::*;

/// The article's summary, written or checked by an editor.
#[component]
pub fn Overview(summary: String) -> impl IntoView {
    view! {
        <section class="overview" aria-labelledby="overview-title">
            <h2 id="overview-title">
                <span class="overview-icon" aria-hidden="true">"✦"</span>
                "Quick Summary / AI Overview"
            </h2>
            <p id="overview-text">{summary}</p>
        </section>
    }
}
