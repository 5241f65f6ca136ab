//! The top of an article: hero image, category, headline, byline, dates and reading time.

use crate::content::api::{AuthorView, DateView, HeroImage, ReviewView};
use crate::images::{Picture, Place};
use leptos::prelude::*;

/// The lead image: fetched first and at high priority (it is the largest paint); a photo shows
/// its blurred placeholder until it loads.
#[component]
pub fn HeroFigure(hero: HeroImage) -> impl IntoView {
    view! {
        <figure class="hero">
            <Picture image=hero place=Place::Article eager=true/>
        </figure>
    }
}

/// Category tag, the page's only `h1`, byline and dates.
#[component]
pub fn ArticleHeader(
    category: String,
    category_name: String,
    title: String,
    author: AuthorView,
    review: Option<ReviewView>,
    published: DateView,
    updated: DateView,
    reading_minutes: u32,
) -> impl IntoView {
    let show_updated = updated != published;
    view! {
        <header class="article-header">
            <p class="category-tag"><a href=crate::urls::topic_path(&category)>{category_name}</a></p>
            <h1 id="article-title">{title}</h1>
            <div class="byline">
                <span class="avatar" aria-hidden="true">{author.initial}</span>
                <div class="byline-text">
                    <p class="author">
                        "By " <a class="author-name" href=crate::urls::author_path(&author.id)>{author.name}</a>
                        <span class="credentials">{author.credentials}</span>
                    </p>
                    <p class="article-meta">
                        <span>"Published " <time datetime=published.iso>{published.display}</time></span>
                        {show_updated.then(|| view! {
                            <span>"Updated " <time datetime=updated.iso>{updated.display}</time></span>
                        })}
                        <span>{format!("{reading_minutes} min read")}</span>
                    </p>
                    {review.map(|review| view! {
                        <p class="reviewed-by">
                            "Medically reviewed by "
                            <a href=crate::urls::author_path(&review.reviewer.id)>{review.reviewer.name}</a>
                            ", " {review.reviewer.credentials} " · Last reviewed "
                            <time datetime=review.last_reviewed.iso>{review.last_reviewed.display}</time>
                        </p>
                    })}
                </div>
            </div>
        </header>
    }
}
