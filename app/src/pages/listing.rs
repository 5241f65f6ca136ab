//! Topic pages (`/topics/{category}`) and author pages (`/authors/{author}`).

use super::card::{Card, PagedCards};
use super::{LoadFailed, NotFound};
use crate::content::lists::{get_author, get_topic};
use crate::urls;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// `?page=N`, 1 when absent; 0 (no such page: the list answers 404) when not a number.
fn page_number() -> usize {
    use_query_map().read_untracked().get("page").map_or(1, |page| page.parse().unwrap_or(0))
}

/// `/topics/:category`: the topic's articles, newest first, 12 a page; 404 past the last page.
#[component]
pub fn TopicRoute() -> impl IntoView {
    let category = use_params_map().read_untracked().get("category").unwrap_or_default();
    match get_topic(&category, page_number()) {
        Ok(Some(topic)) => {
            let base = urls::topic_path(&topic.category.key);
            view! {
                <Title text=topic.category.name.clone()/>
                <Link rel="canonical" href=topic.canonical_url.clone()/>
                <Link
                    rel="alternate"
                    type_="application/atom+xml"
                    title=format!("{} | NourishVibes", topic.category.name)
                    href=urls::topic_feed_path(&topic.category.key)
                />
                <Meta name="description" content=topic.category.description.clone()/>
                <nav class="breadcrumbs" aria-label="Breadcrumb">
                    <ol>
                        <li><a href="/">"Home"</a></li>
                        <li><span aria-current="page">{topic.category.name.clone()}</span></li>
                    </ol>
                </nav>
                <section class="card-list listing" aria-labelledby="page-title">
                    <h1 id="page-title">{topic.category.name}</h1>
                    <p class="lede">{topic.category.description}</p>
                    // The cards' titles are h3: the outline (and the HTML checker) wants an h2 above them.
                    <h2 class="visually-hidden">"Articles"</h2>
                    <PagedCards paged=topic.articles base/>
                </section>
            }
            .into_any()
        }
        Ok(None) => view! { <NotFound/> }.into_any(),
        Err(_) => view! { <LoadFailed/> }.into_any(),
    }
}

/// `/authors/:author`: bio, credentials, the articles they wrote and reviewed.
#[component]
pub fn AuthorRoute() -> impl IntoView {
    let author = use_params_map().read_untracked().get("author").unwrap_or_default();
    match get_author(&author, page_number()) {
        Ok(Some(page)) => {
            let person = page.author;
            let base = urls::author_path(&person.id);
            let has_articles = page.articles.total > 0;
            view! {
                <Title text=person.name.clone()/>
                <Link rel="canonical" href=page.canonical_url.clone()/>
                <Meta name="description" content=format!("{}, {}: {}", person.name, person.credentials, person.bio)/>
                <section class="card-list listing author-page" aria-labelledby="page-title">
                    <div class="author-card">
                        <span class="avatar" aria-hidden="true">{person.initial}</span>
                        <div>
                            <h1 id="page-title">{person.name}</h1>
                            <p class="credentials">{person.credentials}</p>
                            <p>{person.bio}</p>
                        </div>
                    </div>
                    {has_articles.then(|| view! {
                        <h2>"Articles"</h2>
                        <PagedCards paged=page.articles base/>
                    })}
                    {(!page.reviewed.is_empty()).then(|| view! {
                        <h2>"Medically reviewed"</h2>
                        <ul class="cards">
                            {page.reviewed.into_iter().map(|card| view! { <li><Card card/></li> }).collect_view()}
                        </ul>
                    })}
                </section>
            }
            .into_any()
        }
        Ok(None) => view! { <NotFound/> }.into_any(),
        Err(_) => view! { <LoadFailed/> }.into_any(),
    }
}
