//! An article as a card, and the pager under long lists.

use crate::content::api::ArticleCard;
use crate::content::lists::Paged;
use crate::images::{Picture, Place};
use leptos::prelude::*;

/// One article as a card: image, category, title, description, author, date, reading time.
#[component]
pub fn Card(card: ArticleCard, #[prop(optional)] featured: bool) -> impl IntoView {
    let href = crate::urls::article_path(&card.slug);
    view! {
        <article class="card" class:featured=featured>
            <Picture image=card.hero place=if featured { Place::Featured } else { Place::Card } decorative=true/>
            <div class="card-body">
                <p class="category-tag"><a href=crate::urls::topic_path(&card.category)>{card.category_name}</a></p>
                <h3><a href=href>{card.title}</a></h3>
                <p>{card.description}</p>
                <p class="card-meta">
                    <a href=crate::urls::author_path(&card.author_id)>{card.author_name}</a> " · "
                    <time datetime=card.published.iso>{card.published.display}</time>
                    " · " {card.reading_minutes} " min read"
                </p>
            </div>
        </article>
    }
}

/// The cards of one page of a list, with links to the other pages when there are several.
#[component]
pub fn PagedCards(paged: Paged, base: String) -> impl IntoView {
    let Paged { cards, page, pages, total } = paged;
    let link = move |n: usize| crate::urls::paged(&base, n);
    view! {
        <ul class="cards">
            {cards.into_iter().map(|card| view! { <li><Card card/></li> }).collect_view()}
        </ul>
        {(pages > 1).then(|| view! {
            <nav class="pager" aria-label="Pages">
                <p>"Page " {page} " of " {pages} " (" {total} " articles)"</p>
                <ul>
                    {(page > 1).then(|| view! { <li><a href=link(page - 1) rel="prev">"← Newer"</a></li> })}
                    {(1..=pages)
                        .map(|n| view! {
                            <li>
                                <a href=link(n) aria-current=(n == page).then_some("page")>{n}</a>
                            </li>
                        })
                        .collect_view()}
                    {(page < pages).then(|| view! { <li><a href=link(page + 1) rel="next">"Older →"</a></li> })}
                </ul>
            </nav>
        })}
    }
}
