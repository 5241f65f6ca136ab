//! The home page: the latest articles as cards.

use crate::content::api::{list_articles, ArticleCard};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// `/`: a short introduction and every article, newest first.
#[component]
pub fn HomePage() -> impl IntoView {
    let articles = Resource::new(|| (), |_| list_articles());
    view! {
        <Title text=""/>
        <Meta
            name="description"
            content="NourishVibes: evidence-based nutrition and health articles, written and reviewed by professionals."
        />
        <section class="home-intro" aria-labelledby="home-title">
            <h1 id="home-title">"Evidence-based nutrition, explained simply"</h1>
            <p>"Articles written by health professionals, with the research behind every claim."</p>
        </section>
        <section class="card-list" aria-labelledby="latest-title">
            <h2 id="latest-title">"Latest articles"</h2>
            <Suspense fallback=|| view! { <p role="status">"Loading articles…"</p> }>
                {move || Suspend::new(async move {
                    match articles.await {
                        Ok(cards) => view! {
                            <ul class="cards">
                                {cards.into_iter().map(|card| view! { <li><Card card/></li> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(_) => view! {
                            <p role="alert">"Articles could not be loaded. Please try again in a moment."</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One article as a card: image, category, title, description, author, date, reading time.
#[component]
fn Card(card: ArticleCard) -> impl IntoView {
    let href = format!("/articles/{}", card.slug);
    view! {
        <article class="card">
            <img src=card.hero.src alt="" width=card.hero.width height=card.hero.height loading="lazy"/>
            <div class="card-body">
                <p class="category-tag">{card.category}</p>
                <h3><a href=href>{card.title}</a></h3>
                <p>{card.description}</p>
                <p class="card-meta">
                    {card.author_name} " · "
                    <time datetime=card.published.iso>{card.published.display}</time>
                    " · " {card.reading_minutes} " min read"
                </p>
            </div>
        </article>
    }
}
