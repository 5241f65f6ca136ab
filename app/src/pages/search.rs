//! `/search?q=…`: server-side full-text search. A plain GET form without JavaScript; after
//! hydration, results follow the reader's typing (debounced) without a page load.

use crate::content::api::{search_articles, SearchHit, SearchResults};
use crate::share::links::encode_component;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use std::time::Duration;

/// How long typing must pause before the results update.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// The search page.
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let results = Resource::new(q, search_articles);
    let navigate = use_navigate();
    let pending_timer = StoredValue::new(None::<TimeoutHandle>);
    let on_input = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        if let Some(timer) = pending_timer.get_value() {
            timer.clear();
        }
        let navigate = navigate.clone();
        let timer = set_timeout_with_handle(
            move || {
                let options = NavigateOptions { replace: true, scroll: false, ..Default::default() };
                navigate(&format!("/search?q={}", encode_component(value.trim())), options);
            },
            DEBOUNCE,
        );
        pending_timer.set_value(timer.ok());
    };
    view! {
        <Title text=move || if q().trim().is_empty() { "Search".to_string() } else { format!("Search: {}", q().trim()) }/>
        <Meta name="robots" content="noindex"/>
        <section class="listing search-page" aria-labelledby="page-title">
            <h1 id="page-title">"Search"</h1>
            <form method="get" action="/search" role="search" class="search-form">
                <label for="search-q">"Search articles"</label>
                <div class="signup-row">
                    <input
                        id="search-q"
                        type="search"
                        name="q"
                        prop:value=q
                        value=q
                        autocomplete="off"
                        placeholder="e.g. magnesium sleep"
                        on:input=on_input
                    />
                    <button type="submit" class="button">"Search"</button>
                </div>
            </form>
            <div class="search-results" aria-live="polite">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match results.await {
                            Ok(results) => view! { <Results results/> }.into_any(),
                            Err(_) => view! { <p role="alert">"Search is unavailable right now. Please try again in a moment."</p> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </section>
    }
}

#[component]
fn Results(results: SearchResults) -> impl IntoView {
    let SearchResults { query, hits } = results;
    if query.is_empty() {
        return view! {
            <p class="search-hint">
                "Type a word or two: a nutrient, a food, a condition. Or browse by topic from the "
                <a href="/">"home page"</a> "."
            </p>
        }
        .into_any();
    }
    if hits.is_empty() {
        return view! {
            <p class="search-hint">
                "No articles match “" {query} "”. Try fewer or more general words (\"protein\" rather than \"protein powder dose\"), or browse the topics on the "
                <a href="/">"home page"</a> "."
            </p>
        }
        .into_any();
    }
    let count = hits.len();
    view! {
        <p class="search-count">{count} {if count == 1 { " article matches " } else { " articles match " }} "“" {query} "”"</p>
        <ol class="search-list">
            {hits.into_iter().map(|hit| view! { <Hit hit/> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Hit(hit: SearchHit) -> impl IntoView {
    let SearchHit { card, anchor, snippet } = hit;
    let href = match &anchor {
        Some(anchor) => format!("/articles/{}#{anchor}", card.slug),
        None => format!("/articles/{}", card.slug),
    };
    view! {
        <li class="search-hit">
            <p class="category-tag">{card.category_name}</p>
            <h2><a href=href>{card.title}</a></h2>
            <p class="snippet">
                {snippet
                    .into_iter()
                    .map(|part| if part.marked { view! { <mark>{part.text}</mark> }.into_any() } else { part.text.into_any() })
                    .collect_view()}
            </p>
            <p class="card-meta">{card.author_name} " · " {card.reading_minutes} " min read"</p>
        </li>
    }
}
