//! The "Quick Summary / AI Overview": collapsed to two lines with a disclosure button, every
//! sentence linked to the paragraph of the article that supports it.

use crate::content::api::SourcedText;
use leptos::prelude::*;

/// The overview, sentence by sentence with numbered source markers.
#[component]
pub fn Overview(sentences: Vec<SourcedText>, generated: bool) -> impl IntoView {
    view! {
        <section class="overview" aria-labelledby="overview-title">
            <h2 id="overview-title">
                <span class="overview-icon" aria-hidden="true">"✦"</span>
                "Quick Summary / AI Overview"
            </h2>
            {generated.then(|| view! {
                <p class="overview-note">"Overview made of sentences quoted from this article"</p>
            })}
            <OverviewDisclosure>
                <p>
                    {sentences
                        .into_iter()
                        .enumerate()
                        .map(|(i, sentence)| view! { <Sentence number=i + 1 sentence/> " " })
                        .collect_view()}
                </p>
            </OverviewDisclosure>
        </section>
    }
}

/// The text, clamped to two lines, and the "Show more" / "Show less" button: the only part of
/// the overview that runs in the browser (the sentences stay server-rendered HTML).
#[island]
fn OverviewDisclosure(children: Children) -> impl IntoView {
    let expanded = RwSignal::new(false);
    let toggle = move |_| expanded.update(|open| *open = !*open);
    view! {
        <div
            id="overview-text"
            class="overview-text"
            class:expanded=move || expanded.get()
            // A keyboard user tabbing onto a hidden source marker opens the overview.
            on:focusin=move |_| expanded.set(true)
        >
            {children()}
        </div>
        <button
            type="button"
            class="overview-toggle"
            aria-expanded=move || if expanded.get() { "true" } else { "false" }
            aria-controls="overview-text"
            on:click=toggle
        >
            {move || if expanded.get() { "Show less" } else { "Show more" }}
        </button>
    }
}

/// One sentence and, when the body supports it, a marker linking to that paragraph.
#[component]
fn Sentence(number: usize, sentence: SourcedText) -> impl IntoView {
    view! {
        <span class="overview-sentence">
            {sentence.text}
            {sentence.source_id.map(|id| view! {
                // rel=external: the browser follows the fragment itself, so `:target` highlights it.
                <a
                    class="source-marker"
                    href=format!("#{id}")
                    rel="external"
                    aria-label=format!("Source {number}: the supporting paragraph")
                >
                    <sup>{number}</sup>
                </a>
            })}
        </span>
    }
}
