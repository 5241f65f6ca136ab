//! Lists of articles: the home page, topic pages and author pages, paginated on the server.

use crate::content::{ArticleCard, AuthorView, CategoryView};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::test_card;

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
