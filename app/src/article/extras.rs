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
                <li><a href=crate::urls::topic_path(&category)>{category_name}</a></li>
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
/// the fragment and `:target` work as on any page. The [`ReadingPosition`] island around the
/// list marks the section being read with `aria-current="location"`.
#[component]
pub fn TableOfContents(entries: Vec<TocEntry>) -> impl IntoView {
    view! {
        <ReadingPosition>
            <nav class="toc" aria-labelledby="toc-title">
                <h2 id="toc-title">"In this article"</h2>
                <ol>
                    {entries
                        .into_iter()
                        .map(|entry| view! { <li><a href=format!("#{}", entry.id) rel="external">{entry.title}</a></li> })
                        .collect_view()}
                </ol>
            </nav>
        </ReadingPosition>
    }
}

/// Follows the reader's scrolling and marks the link to the section being read. It reads the
/// sections from the links it wraps, so it needs no props.
#[island]
fn ReadingPosition(children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let Some(root) = root.get() else { return };
        let update = move || browser::mark_current(&root);
        update();
        // Islands live until the page is left; after a client-side navigation the listener
        // stays, so it does nothing once its list has left the document.
        let _ = window_event_listener(leptos::ev::scroll, move |_| update());
    });
    view! { <div class="reading-position" node_ref=root>{children()}</div> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::web_sys::{Element, HtmlElement};
    use wasm_bindgen::JsCast;

    /// Sets `aria-current` on the link to the last section whose heading has scrolled past the
    /// upper third of the window, and removes it from the others.
    pub fn mark_current(root: &HtmlElement) {
        if !root.is_connected() {
            return;
        }
        let Ok(links) = root.query_selector_all("a[href^='#']") else { return };
        let threshold = window().inner_height().ok().and_then(|height| height.as_f64()).unwrap_or(0.0) / 3.0;
        let document = document();
        let links: Vec<Element> =
            (0..links.length()).filter_map(|i| links.item(i)?.dyn_into::<Element>().ok()).collect();
        let current = links.iter().rposition(|link| {
            let id = link.get_attribute("href").unwrap_or_default();
            document
                .get_element_by_id(id.trim_start_matches('#'))
                .is_some_and(|heading| heading.get_bounding_client_rect().top() <= threshold)
        });
        for (index, link) in links.iter().enumerate() {
            let _ = if Some(index) == current {
                link.set_attribute("aria-current", "location")
            } else {
                link.remove_attribute("aria-current")
            };
        }
    }
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
