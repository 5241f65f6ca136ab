//! `/search?q=…`: server-side full-text search. A plain GET form without JavaScript; once its
//! island is hydrated, results follow the reader's typing (debounced) without a page load.

use crate::content::api::{search_articles, CategoryView, SearchHit, SearchResults, MAX_QUERY_CHARS};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
#[cfg(feature = "hydrate")]
use std::time::Duration;

/// How long typing must pause before the results update.
#[cfg(feature = "hydrate")]
const DEBOUNCE: Duration = Duration::from_millis(250);

/// Shown when the search fails, on the server or on the way.
const UNAVAILABLE: &str = "Search is unavailable right now. Please try again in a moment.";

/// The search page.
#[component]
pub fn SearchPage() -> impl IntoView {
    // Echoed in the title, the field and the heading: bounded, so a URL cannot make the page
    // carry (or the cache keep) a query of any length.
    let query = use_query_map().read_untracked().clone();
    let q: String = query.get("q").unwrap_or_default().chars().take(MAX_QUERY_CHARS).collect();
    // "Search instead for …": exactly what was typed, no typo corrected.
    let exact = query.get("exact").is_some_and(|value| value == "1");
    let title = if q.trim().is_empty() { "Search".to_string() } else { format!("Search: {}", q.trim()) };
    let results = search_articles(&q, exact);
    view! {
        <Title text=title/>
        <Meta name="robots" content="noindex"/>
        <section class="listing search-page" aria-labelledby="page-title">
            <h1 id="page-title">"Search"</h1>
            <LiveSearch>
                <form method="get" action="/search" role="search" class="search-form">
                    <label for="search-q">"Search articles"</label>
                    <div class="signup-row">
                        <input
                            id="search-q"
                            type="search"
                            name="q"
                            value=q
                            maxlength=MAX_QUERY_CHARS
                            autocomplete="off"
                            placeholder="e.g. magnesium sleep"
                        />
                        <button type="submit" class="button">"Search"</button>
                    </div>
                </form>
                <div class="search-results" aria-live="polite">
                    {match results {
                        Ok(results) => view! { <Results results/> }.into_any(),
                        Err(_) => view! { <p role="alert">{UNAVAILABLE}</p> }.into_any(),
                    }}
                </div>
            </LiveSearch>
        </section>
    }
}

/// Makes the search form it wraps live: once hydrated, typing (debounced) or submitting
/// fetches the results page for the query and puts its results in place of the current ones.
/// The results are HTML the server renders (and caches), so neither search code nor a data
/// format reaches the WASM; the address bar and the title follow the query.
#[island]
fn LiveSearch(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let run = {
        let latest = StoredValue::new(0_u32);
        move |value: String| {
            let value = value.trim().to_string();
            latest.update_value(|latest| *latest += 1);
            let request = latest.get_value();
            leptos::task::spawn_local(async move {
                let html = browser::results_html(&value).await;
                // A slower answer to an earlier query must not replace a newer one.
                if latest.get_value() == request {
                    browser::show(&value, &html.unwrap_or_else(|| format!("<p role=\"alert\">{UNAVAILABLE}</p>")));
                }
            });
        }
    };
    #[cfg(feature = "hydrate")]
    let pending_timer = StoredValue::new(None::<TimeoutHandle>);
    let on_input = move |_event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(value) = browser::query_value(&_event) {
            if let Some(timer) = pending_timer.get_value() {
                timer.clear();
            }
            pending_timer.set_value(set_timeout_with_handle(move || run(value), DEBOUNCE).ok());
        }
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            if let Some(timer) = pending_timer.get_value() {
                timer.clear();
            }
            run(browser::typed_query());
        }
    };
    view! { <div class="live-search" on:input=on_input on:submit=on_submit>{children()}</div> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::web_sys::{DomParser, Event, HtmlInputElement, SupportedType};
    use wasm_bindgen::JsCast;

    /// The page for `query`.
    fn url(query: &str) -> String {
        if query.is_empty() {
            "/search".to_string()
        } else {
            crate::urls::search_url(query)
        }
    }

    /// The query field's value, when the event came from it.
    pub fn query_value(event: &Event) -> Option<String> {
        let input = event.target()?.dyn_into::<HtmlInputElement>().ok()?;
        (input.id() == "search-q").then(|| input.value())
    }

    /// What is in the query field now.
    pub fn typed_query() -> String {
        document()
            .get_element_by_id("search-q")
            .and_then(|input| input.dyn_into::<HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default()
    }

    /// The server-rendered results of the search page for `query`, or `None` if it failed.
    pub async fn results_html(query: &str) -> Option<String> {
        let response = crate::island_http::send(&url(query), "text/html", None).await.ok()?;
        if !response.ok() {
            return None;
        }
        let html = response.text().await.ok()?;
        let page = DomParser::new().ok()?.parse_from_string(&html, SupportedType::TextHtml).ok()?;
        Some(page.query_selector(".search-results").ok()??.inner_html())
    }

    /// Puts `results` in place, and keeps the address bar and the title in step with `query`.
    pub fn show(query: &str, results: &str) {
        if let Ok(Some(region)) = document().query_selector(".search-results") {
            region.set_inner_html(results);
        }
        if let Ok(history) = window().history() {
            // Keep the state the navigation script stores (the entry's scroll position).
            let state = history.state().unwrap_or(wasm_bindgen::JsValue::NULL);
            let _ = history.replace_state_with_url(&state, "", Some(&url(query)));
        }
        let title = if query.is_empty() { "Search".to_string() } else { format!("Search: {query}") };
        document().set_title(&format!("{title} | NourishVibes"));
    }
}

#[component]
fn Results(results: SearchResults) -> impl IntoView {
    let SearchResults { query, hits, corrected, suggestion, topics, .. } = results;
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
        return view! { <NothingFound query suggestion topics/> }.into_any();
    }
    let count = hits.len();
    let shown = corrected.clone().unwrap_or_else(|| query.clone());
    view! {
        {corrected.map(|corrected| view! { <Corrected typed=query.clone() corrected/> })}
        <p class="search-count">{count} {if count == 1 { " article matches " } else { " articles match " }} "“" {shown} "”"</p>
        <ol class="search-list">
            {hits.into_iter().map(|hit| view! { <Hit hit/> }).collect_view()}
        </ol>
    }
    .into_any()
}

/// "Showing results for **magnesium**", and the way back to exactly what was typed, as the big
/// search engines say it.
#[component]
fn Corrected(typed: String, corrected: String) -> impl IntoView {
    view! {
        <p class="search-correction">
            "Showing results for " <strong>{corrected}</strong> ". "
            <a href=crate::urls::exact_search_url(&typed)>"Search instead for “" {typed.clone()} "”"</a>
        </p>
    }
}

/// A query that found nothing: said plainly, with a corrected query to try when there is one,
/// and the topics to browse.
#[component]
fn NothingFound(query: String, suggestion: Option<String>, topics: Vec<CategoryView>) -> impl IntoView {
    view! {
        <p class="search-hint">"No articles match “" {query} "”."</p>
        {suggestion.map(|suggestion| {
            view! {
                <p class="search-suggestion">
                    "Did you mean " <a href=crate::urls::search_url(&suggestion)>{suggestion.clone()}</a> "?"
                </p>
            }
        })}
        <p class="search-hint">
            "Try fewer or more general words (\"protein\" rather than \"protein powder dose\"), or browse a topic:"
        </p>
        <ul class="search-topics">
            {topics
                .into_iter()
                .map(|topic| view! { <li><a href=crate::urls::topic_path(&topic.key)>{topic.name}</a></li> })
                .collect_view()}
        </ul>
    }
}

#[component]
fn Hit(hit: SearchHit) -> impl IntoView {
    let SearchHit { card, anchor, snippet } = hit;
    let href = match &anchor {
        Some(anchor) => format!("{}#{anchor}", crate::urls::article_path(&card.slug)),
        None => crate::urls::article_path(&card.slug),
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
