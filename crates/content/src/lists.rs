//! The home, topic and author lists, worked out from the content store for a given day.

use crate::dates::Date;
use crate::store::ContentStore;
use nv_model::content::ArticleCard;
use nv_model::lists::{AuthorPage, HomeData, Paged, TopicPage, TopicSection};
use nv_model::urls;

/// The home page lists on `today`.
pub fn home(content: &ContentStore, site_url: &str, today: Date) -> HomeData {
    // Borrowed: only the few cards the page shows are copied, not the whole catalogue.
    let cards: Vec<&ArticleCard> = content.visible_cards(today).collect();
    let sections = content
        .categories()
        .iter()
        .map(|category| TopicSection {
            category: category.clone(),
            cards: cards
                .iter()
                .filter(|card| card.category == category.key)
                .take(3)
                .map(|&card| card.clone())
                .collect(),
        })
        .filter(|section| !section.cards.is_empty())
        .collect();
    HomeData {
        canonical_url: urls::absolute(site_url, "/"),
        featured: cards.first().map(|&card| card.clone()),
        latest: cards.iter().skip(1).take(6).map(|&card| card.clone()).collect(),
        sections,
    }
}

/// Page `page` of a topic on `today`; `None` for an unknown topic or a page past the end.
pub fn topic(content: &ContentStore, site_url: &str, key: &str, page: usize, today: Date) -> Option<TopicPage> {
    let category = content.categories().iter().find(|category| category.key == key)?.clone();
    let cards = content.visible_cards(today).filter(|card| card.category == key).cloned().collect();
    let articles = Paged::of(cards, page)?;
    let canonical_url = urls::absolute(site_url, &urls::paged(&urls::topic_path(key), articles.page));
    Some(TopicPage { canonical_url, category, articles })
}

/// Page `page` of an author's articles on `today`; `None` for an unknown author or a page
/// past the end.
pub fn author(content: &ContentStore, site_url: &str, key: &str, page: usize, today: Date) -> Option<AuthorPage> {
    let author = content.authors().iter().find(|author| author.id == key)?.clone();
    let cards = content.visible_cards(today).filter(|card| card.author_id == key).cloned().collect();
    let reviewed = content
        .visible_cards(today)
        .filter(|card| {
            content
                .article_meta(&card.slug)
                .is_some_and(|page| page.review.as_ref().is_some_and(|review| review.reviewer.id == key))
        })
        .cloned()
        .collect();
    let articles = Paged::of(cards, page)?;
    let canonical_url = urls::absolute(site_url, &urls::paged(&urls::author_path(key), articles.page));
    Some(AuthorPage { canonical_url, author, articles, reviewed })
}
