//! What makes an article trustworthy: how it was researched, disclosures, revision history.

use crate::content::api::{RevisionView, TextBlock};
use leptos::prelude::*;

/// "How We Researched This", "Real-World Experience" and any other editorial sections.
#[component]
pub fn EditorialSections(blocks: Vec<TextBlock>) -> impl IntoView {
    blocks
        .into_iter()
        .map(|block| {
            let heading_id = format!("{}-title", block.id);
            let labelled_by = heading_id.clone();
            view! {
                <section class="editorial" aria-labelledby=labelled_by>
                    <h2 id=heading_id>{block.title}</h2>
                    <p>{block.text}</p>
                    {block.link.map(|(href, text)| view! { <p><a href=href>{text}</a></p> })}
                </section>
            }
        })
        .collect_view()
}

/// The affiliate disclosure and medical disclaimer that apply to this article.
#[component]
pub fn Disclosures(blocks: Vec<TextBlock>) -> impl IntoView {
    blocks
        .into_iter()
        .map(|block| {
            let label = block.title.clone();
            view! {
                <aside class=format!("disclosure {}", block.id) aria-label=label>
                    <p><strong>{block.title} ":"</strong> " " {block.text}</p>
                </aside>
            }
        })
        .collect_view()
}

/// The dated list of changes, newest first.
#[component]
pub fn RevisionHistory(revisions: Vec<RevisionView>) -> impl IntoView {
    view! {
        <section class="revisions" aria-labelledby="revisions-title">
            <h2 id="revisions-title">"Revision History"</h2>
            <ol>
                {revisions
                    .into_iter()
                    .map(|revision| view! {
                        <li>
                            <time datetime=revision.date.iso>{revision.date.display}</time>
                            <span>{revision.note}</span>
                        </li>
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}
