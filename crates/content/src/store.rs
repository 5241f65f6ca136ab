//! The in-memory content store and the queries pages make of it; loading it (`load`,
//! `reload`, `load_cached`) is in `load.rs`.

use super::dates::Date;
use super::error::ContentError;
use super::reuse::Origins;
use super::search::SearchIndex;
use super::stored::{SiteBlocks, StoredPage};
use super::tips;
use nv_images::catalog::ImageCatalog;
use nv_model::content::{
    ArticleCard, ArticlePage, AuthorView, CategoryView, CommunityBlock, DailyTip, SiteChrome, StaticPage,
};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Whether an article is out yet (see [`ContentStore::preview_article`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unpublished {
    /// Published: readers can see it.
    No,
    /// A draft: published only when its front matter says so.
    Draft,
    /// Scheduled: published on this date.
    Scheduled(nv_model::content::DateView),
}

/// All published content, ready to serve.
#[derive(Clone, Debug)]
pub struct ContentStore {
    pub(super) pages: HashMap<String, StoredPage>,
    /// The texts every article shows the same (see [`StoredPage`]).
    pub(super) blocks: SiteBlocks,
    /// Every article, newest first (drafts and scheduled ones too; filtered when served).
    pub(super) cards: Vec<ArticleCard>,
    pub(super) drafts: HashSet<String>,
    pub(super) show_unpublished: bool,
    pub(super) categories: Vec<CategoryView>,
    pub(super) authors: Vec<AuthorView>,
    pub(super) search: Arc<SearchIndex>,
    pub(super) tips: Vec<DailyTip>,
    pub(super) community: CommunityBlock,
    pub(super) static_pages: HashMap<String, StaticPage>,
    pub(super) warnings: Vec<ContentError>,
    /// Which load of the folder this is (see [`ContentStore::generation`]).
    pub(super) generation: u64,
    /// What each article was loaded from, so that a reload can keep the unchanged ones.
    pub(super) origins: Origins,
    /// The files of `images/` and what pages show of them.
    pub(super) images: Arc<ImageCatalog>,
}

impl ContentStore {
    /// A store with nothing in it: what the application's base state holds, so that it keeps no
    /// loaded store alive after a reload (every request reads `LiveContent::current`).
    pub fn empty() -> ContentStore {
        ContentStore {
            pages: HashMap::new(),
            blocks: SiteBlocks::default(),
            cards: Vec::new(),
            drafts: HashSet::new(),
            show_unpublished: false,
            categories: Vec::new(),
            authors: Vec::new(),
            search: Arc::new(SearchIndex::new(Vec::new(), &nv_search::Synonyms::default())),
            tips: Vec::new(),
            community: CommunityBlock::default(),
            static_pages: HashMap::new(),
            warnings: Vec::new(),
            generation: 0,
            origins: Origins::default(),
            images: Arc::new(ImageCatalog::empty()),
        }
    }

    /// Shows drafts and scheduled articles (development) or hides them (production, the default).
    pub fn showing_unpublished(mut self, show: bool) -> ContentStore {
        self.show_unpublished = show;
        self
    }

    /// The content folder's images (the derived-image routes look photos up here).
    pub fn images(&self) -> &Arc<ImageCatalog> {
        &self.images
    }

    /// The derived images of every photo an article shows, each once, sorted by file: a hero's
    /// in its banner shape, an image in a body whole. What the background work and `server
    /// images make` make; a shape nothing shows gets none.
    pub fn photos_in_use(&self) -> Vec<(std::path::PathBuf, nv_model::images::Derived)> {
        use nv_model::images::Shape;
        let mut seen = HashSet::new();
        let mut photos = Vec::new();
        for page in self.pages.values() {
            let hero = &page.meta.hero;
            let hero_photo =
                hero.derived.as_ref().and_then(|derived| Some((self.images.get(&hero.src)?, derived.clone())));
            // The first of an article's images is its hero; the others are in its body.
            let body_photos =
                page.meta.images.iter().skip(1).filter_map(|(src, _)| self.images.photo(src, Shape::Whole));
            for (entry, derived) in hero_photo.into_iter().chain(body_photos) {
                if seen.insert(derived.key.clone()) {
                    photos.push((entry.file.clone(), derived));
                }
            }
        }
        photos.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.key.cmp(&b.1.key)));
        photos
    }

    /// Which load of the content folder this store is: a reload makes a store with a higher
    /// number, so whatever was derived from a store (feeds, share images) can tell it is stale.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Numbers this store as load `generation` (see [`super::live::LiveContent`]).
    pub(super) fn numbered(mut self, generation: u64) -> ContentStore {
        self.generation = generation;
        self
    }

    /// Why an article is not public on `today`: a draft, or scheduled for later.
    fn unpublished_note(&self, slug: &str, published_iso: &str, today: Date) -> Option<String> {
        if self.drafts.contains(slug) {
            Some("Draft: not published. Only development builds show it.".into())
        } else if published_iso > today.iso().as_str() {
            Some(format!("Scheduled for {published_iso}. Only development builds show it before then."))
        } else {
            None
        }
    }

    /// Whether `card` may be shown, listed, fed and mapped on `today`.
    pub fn is_visible(&self, card: &ArticleCard, today: Date) -> bool {
        self.is_visible_on(card, &today.iso())
    }

    /// [`ContentStore::is_visible`] with today as `YYYY-MM-DD`, so that a list of a thousand
    /// cards formats the date once, not once per card.
    fn is_visible_on(&self, card: &ArticleCard, today_iso: &str) -> bool {
        self.show_unpublished || (!self.drafts.contains(&card.slug) && card.published.iso.as_str() <= today_iso)
    }

    /// Whether the article `slug` exists and may be shown on `today` (public, or development
    /// showing unpublished articles), without copying its page.
    pub fn is_public(&self, slug: &str, today: Date) -> bool {
        self.pages.get(slug).is_some_and(|page| {
            self.show_unpublished || self.unpublished_note(slug, &page.meta.published.iso, today).is_none()
        })
    }

    /// The rendered page for `slug`, whatever its status, complete (tests, tools). Assembled
    /// from the compact form the store keeps: for what a list needs, use [`ContentStore::article_meta`].
    pub fn article_page(&self, slug: &str) -> Option<ArticlePage> {
        Some(self.pages.get(slug)?.assemble(&self.blocks, &self.cards, |_| true))
    }

    /// The page for `slug` without its body, related articles and site-wide texts (left
    /// empty), whatever its status: titles, heroes, authors and reviews, at no cost.
    pub fn article_meta(&self, slug: &str) -> Option<&ArticlePage> {
        self.pages.get(slug).map(|page| &*page.meta)
    }

    /// The page for `slug` as readers get it on `today`: `None` if it is not public (unless
    /// development shows unpublished articles), with the review notice and related articles
    /// worked out for that day.
    pub fn visible_article(&self, slug: &str, today: Date) -> Option<ArticlePage> {
        let stored = self.pages.get(slug)?;
        let note = self.unpublished_note(slug, &stored.meta.published.iso, today);
        if note.is_some() && !self.show_unpublished {
            return None;
        }
        let today_iso = today.iso();
        let mut page = stored.assemble(&self.blocks, &self.cards, |card| self.is_visible_on(card, &today_iso));
        page.unpublished_note = note;
        page.due_for_review = page.review_by.as_ref().is_some_and(|due| due.iso < today_iso);
        Some(page)
    }

    /// The article `slug` as a reviewer's preview link shows it, published or not: the page as
    /// it will look when published (no development notice), and whether it is unpublished on
    /// `today` (a draft, or scheduled for later), which is what a preview link may be made for.
    pub fn preview_article(&self, slug: &str, today: Date) -> Option<(ArticlePage, Unpublished)> {
        let stored = self.pages.get(slug)?;
        let today_iso = today.iso();
        let unpublished = if self.drafts.contains(slug) {
            Unpublished::Draft
        } else if stored.meta.published.iso > today_iso {
            Unpublished::Scheduled(stored.meta.published.clone())
        } else {
            Unpublished::No
        };
        let mut page = stored.assemble(&self.blocks, &self.cards, |card| self.is_visible_on(card, &today_iso));
        page.due_for_review = page.review_by.as_ref().is_some_and(|due| due.iso < today_iso);
        Some((page, unpublished))
    }

    /// Cards of the articles visible on `today`, newest first.
    pub fn visible_cards(&self, today: Date) -> impl Iterator<Item = &ArticleCard> {
        let today_iso = today.iso();
        self.cards.iter().filter(move |card| self.is_visible_on(card, &today_iso))
    }

    /// Articles visible on `today` that match `query`, best first.
    /// `correct` lets typos be corrected (not when the reader asked for exactly what they typed).
    pub fn search(&self, query: &str, today: Date, limit: usize, correct: bool) -> super::search::Found {
        let today_iso = today.iso();
        // A card for each result shown only: the catalogue's cards are not gone through.
        let card = |slug: &str| {
            let card = super::load_article::card_of(&self.pages.get(slug)?.meta);
            self.is_visible_on(&card, &today_iso).then_some(card)
        };
        self.search.search(query, card, limit, correct)
    }

    /// The topics, in `categories.toml` order.
    pub fn categories(&self) -> &[CategoryView] {
        &self.categories
    }

    /// Every author and reviewer.
    pub fn authors(&self) -> &[AuthorView] {
        &self.authors
    }

    /// Every article page without its body, related articles and site-wide texts (see
    /// [`ContentStore::article_meta`]), in no particular order.
    pub fn pages(&self) -> impl Iterator<Item = &ArticlePage> {
        self.pages.values().map(|page| &*page.meta)
    }

    /// The site page served at `/{slug}`.
    pub fn static_page(&self, slug: &str) -> Option<&StaticPage> {
        self.static_pages.get(slug)
    }

    /// Cards for every article visible today, newest first.
    pub fn article_cards(&self) -> Vec<ArticleCard> {
        self.visible_cards(Date::today_utc()).cloned().collect()
    }

    /// The daily tip for `date` and the footer block.
    pub fn site_chrome(&self, date: Date) -> SiteChrome {
        // A loaded store always has tips (the load checks it); the empty store has none.
        let tip = self.tips.get(tips::tip_index(date, self.tips.len())).cloned().unwrap_or_default();
        SiteChrome { tip, community: self.community.clone() }
    }

    /// How many articles were loaded.
    pub fn article_count(&self) -> usize {
        self.pages.len()
    }

    /// Problems that do not stop the site, e.g. an overview sentence no paragraph supports.
    pub fn warnings(&self) -> &[ContentError] {
        &self.warnings
    }

    /// The store taken apart, for measuring what each part holds (`app/examples/content_memory.rs`).
    #[doc(hidden)]
    pub fn into_parts(self) -> Vec<(&'static str, Box<dyn std::any::Any>)> {
        let mut parts: Vec<(&'static str, Box<dyn std::any::Any>)> = Vec::new();
        if let Ok(search) = Arc::try_unwrap(self.search) {
            parts.extend(search.into_parts());
        }
        let (bodies, metas): (Vec<_>, Vec<_>) = self.pages.into_values().map(StoredPage::into_parts).unzip();
        parts.push(("pages: compressed bodies", Box::new(bodies)));
        parts.push(("pages: the rest", Box::new(metas)));
        parts.push(("cards", Box::new(self.cards)));
        parts.push(("other", Box::new((self.drafts, self.static_pages, self.warnings, self.tips, self.blocks))));
        parts
    }

    /// How many daily tips rotate.
    pub fn tip_count(&self) -> usize {
        self.tips.len()
    }
}
