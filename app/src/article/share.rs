//! The share row. Links are filled in by the reader-interactions work; the slot keeps its place
//! so nothing below it moves when it arrives.

use leptos::prelude::*;

/// "Share:" row for the article at `url`.
#[component]
pub fn ShareRow(url: String, title: String) -> impl IntoView {
    let _ = (url, title);
    view! {
        <div class="share-row" role="group" aria-labelledby="share-label">
            <span id="share-label" class="share-label">"Share:"</span>
        </div>
    }
}
