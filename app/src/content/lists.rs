//! Lists of articles: the home page, topic pages and author pages, paginated on the server.

use super::api::{ArticleCard, AuthorView, CategoryView};
use crate::pages::PageDataError;
use serde::{Deserialize, Serialize};

/// Cards per page on topic and author pages.
pub const PAGE_SIZE: usize = 12;

/// One page of a longer list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged {
    /// The cards on this page.
    pub cards: Vec<ArticleCard>,
    /// This page, from 1.
    pub page: usize,
    /// How many pages there are (at least 1).
    pub pages: usize,
    /// How many cards in all.
    pub total: usize,
}

impl Paged {
    /// Page `page` (from 1) of `cards`, or `None` past the last page: a URL for a page that
    /// does not exist is a 404, not a copy of another page.
    pub fn of(cards: Vec<ArticleCard>, page: usize) -> Option<Paged> {
        let total = cards.len();
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        if !(1..=pages).contains(&page) {
            return None;
        }
        let cards = cards.into_iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).collect();
        Some(Paged { cards, page, pages, total })
    }
}

/// A topic's section on the home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSection {
    /// The topic.
    pub category: CategoryView,
    /// Its newest articles.
    pub cards: Vec<ArticleCard>,
}

/// Everything the home page lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    /// Absolute canonical URL of the page.
    pub canonical_url: String,
    /// The newest article, shown large.
    pub featured: Option<ArticleCard>,
    /// The next newest articles.
    pub latest: Vec<ArticleCard>,
    /// A section per topic that has articles.
    pub sections: Vec<TopicSection>,
}

/// A topic page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicPage {
    /// Absolute canonical URL of the page.
    pub canonical_url: String,
    /// The topic.
    pub category: CategoryView,
    /// Its articles, newest first.
    pub articles: Paged,
}

/// An author page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorPage {
    /// Absolute canonical URL of the page.
    pub canonical_url: String,
    /// Who.
    pub author: AuthorView,
    /// Articles they wrote, newest first.
    pub articles: Paged,
    /// Articles they reviewed, newest first.
    pub reviewed: Vec<ArticleCard>,
}

/// The home page lists.
pub fn get_home() -> Result<HomeData, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::pages::render_state()?;
        Ok(server::home(&state.content, &state.config.site_url, super::dates::Date::today_utc()))
    }
    #[cfg(not(feature = "ssr"))]
    Err(PageDataError::NotOnServer)
}

/// Page `page` of the topic `category`, or `None` if there is no such topic or page.
pub fn get_topic(category: &str, page: usize) -> Result<Option<TopicPage>, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::pages::render_state()?;
        Ok(server::topic(&state.content, &state.config.site_url, category, page, super::dates::Date::today_utc()))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (category, page);
        Err(PageDataError::NotOnServer)
    }
}

/// Page `page` of the author `author`'s articles, or `None` if there is no such author or page.
pub fn get_author(author: &str, page: usize) -> Result<Option<AuthorPage>, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::pages::render_state()?;
        Ok(server::author(&state.content, &state.config.site_url, author, page, super::dates::Date::today_utc()))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (author, page);
        Err(PageDataError::NotOnServer)
    }
}

/// The lists, worked out from the content store for a given day.
#[cfg(feature = "ssr")]
pub mod server {
    use super::*;
    use crate::content::dates::Date;
    use crate::content::store::ContentStore;

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
            canonical_url: format!("{site_url}/"),
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
        let canonical_url = paged_url(&format!("{site_url}/topics/{key}"), articles.page);
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
        let canonical_url = paged_url(&format!("{site_url}/authors/{key}"), articles.page);
        Some(AuthorPage { canonical_url, author, articles, reviewed })
    }

    /// The URL of page `page` of a list at `base`.
    fn paged_url(base: &str, page: usize) -> String {
        if page > 1 {
            format!("{base}?page={page}")
        } else {
            base.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::api::test_card;

    fn card(n: usize) -> ArticleCard {
        test_card(&format!("a{n}"))
    }

    #[test]
    fn lists_paginate_beyond_twelve() {
        let cards: Vec<ArticleCard> = (0..25).map(card).collect();
        let second = Paged::of(cards.clone(), 2).unwrap();
        assert_eq!((second.page, second.pages, second.total, second.cards.len()), (2, 3, 25, 12));
        assert_eq!(second.cards[0].slug, "a12");
        assert_eq!(Paged::of(cards.clone(), 3).unwrap().cards.len(), 1);
        assert_eq!(Paged::of(cards.clone(), 4), None, "past the end is no page");
        assert_eq!(Paged::of(cards, 0), None);
        assert_eq!(Paged::of(Vec::new(), 1).unwrap().pages, 1, "an empty list still has its first page");
    }
}
