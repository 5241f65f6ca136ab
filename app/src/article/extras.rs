//! Around the article body: breadcrumbs, notices, table of contents, sources and related articles.

use crate::content::api::{ArticleCard, DateView, SourceView, TocEntry};
use crate::pages::Card;
use leptos::prelude::*;

/// Home › Topic › Article.
#[component]
pub fn Breadcrumbs(category: String, category_name: String, title: String) -> impl IntoView {
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"Home"</a></li>
                <li><a href=format!("/topics/{category}")>{category_name}</a></li>
                <li><span aria-current="page">{title}</span></li>
            </ol>
        </nav>
    }
}

/// Notices about the page's status: unpublished (development only) or due for review.
#[component]
pub fn StatusNotices(unpublished: Option<String>, due_for_review: bool, review_by: Option<DateView>) -> impl IntoView {
    view! {
        {unpublished.map(|note| view! { <p class="notice notice-draft" role="note">{note}</p> })}
        {due_for_review.then(|| view! {
            <p class="notice notice-review" role="note">
                "This article is due for review"
                {review_by.map(|date| view! { " (scheduled for " <time datetime=date.iso>{date.display}</time> ")" })}
                ". Our editors are checking it against the latest research; until then, some details may be out of date."
            </p>
        })}
    }
}

/// The h2 sections as anchor links. The links are left to the browser (`rel="external"`) so
/// the fragment and `:target` work as on any page. An island: once hydrated, the section being
/// read is marked with `aria-current="location"`.
#[island]
pub fn TableOfContents(entries: Vec<TocEntry>) -> impl IntoView {
    let current = RwSignal::new(None::<String>);
    let nav = NodeRef::<leptos::html::Nav>::new();
    #[cfg(feature = "hydrate")]
    {
        let ids: Vec<String> = entries.iter().map(|entry| entry.id.clone()).collect();
        let update = move || current.set(reading_section(&ids));
        Effect::new({
            let update = update.clone();
            move |_| update()
        });
        // Islands live until the page is left; after a client-side navigation the listener
        // stays, so it does nothing once its list has left the document.
        let _ = window_event_listener(leptos::ev::scroll, move |_| {
            if nav.get_untracked().is_some_and(|nav| nav.is_connected()) {
                update();
            }
        });
    }
    view! {
        <nav class="toc" aria-labelledby="toc-title" node_ref=nav>
            <h2 id="toc-title">"In this article"</h2>
            <ol>
                {entries
                    .into_iter()
                    .map(|entry| {
                        let id = entry.id.clone();
                        let is_current = move || current.get().as_deref() == Some(id.as_str());
                        view! {
                            <li>
                                <a
                                    href=format!("#{}", entry.id)
                                    rel="external"
                                    aria-current=move || is_current().then_some("location")
                                >
                                    {entry.title}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// The last section whose heading has scrolled past the upper third of the window.
#[cfg(feature = "hydrate")]
fn reading_section(ids: &[String]) -> Option<String> {
    let threshold = window().inner_height().ok()?.as_f64()? / 3.0;
    let document = document();
    ids.iter()
        .filter(|id| {
            document.get_element_by_id(id).is_some_and(|heading| heading.get_bounding_client_rect().top() <= threshold)
        })
        .last()
        .cloned()
}

/// The numbered "Sources" list, each with back-links to where the body cites it.
#[component]
pub fn SourcesList(sources: Vec<SourceView>) -> impl IntoView {
    (!sources.is_empty()).then(|| {
        view! {
            <section class="sources" aria-labelledby="sources-title">
                <h2 id="sources-title">"Sources"</h2>
                <ol>
                    {sources
                        .into_iter()
                        .map(|source| {
                            let number = source.number;
                            let backlinks = source.cited_at.len();
                            view! {
                                <li id=format!("source-{number}")>
                                    <a href=source.url rel="external noopener" target="_blank">{source.title}</a>
                                    ". " {source.publisher} ", " {source.year} ". "
                                    <span class="evidence-kind">{source.kind}</span>
                                    {source
                                        .cited_at
                                        .into_iter()
                                        .enumerate()
                                        .map(|(i, id)| {
                                            let label = if backlinks == 1 {
                                                format!("Back to citation of source {number}")
                                            } else {
                                                format!("Back to citation {} of source {number}", i + 1)
                                            };
                                            view! { " " <a class="backlink" href=format!("#{id}") rel="external" aria-label=label>"↩"</a> }
                                        })
                                        .collect_view()}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
        }
    })
}

/// Up to three related articles.
#[component]
pub fn RelatedArticles(cards: Vec<ArticleCard>) -> impl IntoView {
    (!cards.is_empty()).then(|| {
        view! {
            <section class="related card-list" aria-labelledby="related-title">
                <h2 id="related-title">"Related articles"</h2>
                <ul class="cards">
                    {cards.into_iter().map(|card| view! { <li><Card card/></li> }).collect_view()}
                </ul>
            </section>
        }
    })
}
