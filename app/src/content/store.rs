//! The in-memory content store: every file read, checked and rendered once, at start-up.

use super::api::{
    ArticleCard, ArticlePage, AuthorView, CategoryView, CommunityBlock, DailyTip, DateView, HeroImage,
    NewsletterCta, ReviewView, RevisionView, SiteChrome, SourcedText, StaticPage, TextBlock, TocEntry,
    STATIC_PAGES,
};
use super::citations::{link_citations, link_hosts};
use super::grounding::{extract_overview, split_sentences, term_counts, Grounded, PassageIndex};
use super::dates::Date;
use super::error::{toml_error, ContentError, ContentErrors};
use super::front_matter::{
    split_front_matter, AuthorMatter, AuthorsFile, BlockMatter, CategoriesFile, DateInput, FrontMatter,
    PageMatter, SiteFile, TipsFile,
};
use super::parallel::parallel_map;
use super::related::related_cards;
use super::load_cache::{Blob, CachedArticle, LoadCache, NewCache};
use super::reuse::{fingerprint, shared_fingerprint, Origins};
use super::search::{IndexedDoc, SearchDoc, SearchIndex};
use super::stored::{SiteBlocks, StoredPage};
use super::{markdown, reading, seo, tips, trust};
use std::sync::Arc;
use rust_stemmers::{Algorithm, Stemmer};
use serde::de::DeserializeOwned;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// All published content, ready to serve.
#[derive(Clone, Debug)]
pub struct ContentStore {
    pages: HashMap<String, StoredPage>,
    /// The texts every article shows the same (see [`StoredPage`]).
    blocks: SiteBlocks,
    /// Every article, newest first (drafts and scheduled ones too; filtered when served).
    cards: Vec<ArticleCard>,
    drafts: HashSet<String>,
    show_unpublished: bool,
    categories: Vec<CategoryView>,
    authors: Vec<AuthorView>,
    search: Arc<SearchIndex>,
    tips: Vec<DailyTip>,
    community: CommunityBlock,
    static_pages: HashMap<String, StaticPage>,
    warnings: Vec<ContentError>,
    /// Which load of the folder this is (see [`ContentStore::generation`]).
    generation: u64,
    /// What each article was loaded from, so that a reload can keep the unchanged ones.
    origins: Origins,
}

impl ContentStore {
    /// Loads and checks everything under `dir`; on any problem returns all of them.
    /// `site_url` (no trailing slash) makes the canonical URLs and JSON-LD, once, here.
    pub fn load(dir: &Path, site_url: &str) -> Result<ContentStore, ContentErrors> {
        ContentStore::load_reusing(dir, site_url, Reuse::Nothing).map(|(store, _)| store)
    }

    /// [`ContentStore::load`] again, after `previous` was loaded from the same folder: an
    /// article whose file and shared files are unchanged is taken from `previous` instead of
    /// being parsed, rendered and grounded again (see [`super::reuse`]). The result is the
    /// store a fresh load would make, with the same checks.
    pub fn reload(dir: &Path, site_url: &str, previous: &ContentStore) -> Result<ContentStore, ContentErrors> {
        ContentStore::load_reusing(dir, site_url, Reuse::Earlier(Earlier::new(previous))).map(|(store, _)| store)
    }

    /// [`ContentStore::load`] taking the articles whose files did not change from the content
    /// cache at `cache` (see [`super::load_cache`]); also returns the cache to write for this
    /// load, unless the one there already holds exactly it.
    pub fn load_cached(dir: &Path, site_url: &str, cache: &Path) -> Result<(ContentStore, Option<NewCache>), ContentErrors> {
        let shared = shared_fingerprint(dir, site_url);
        match LoadCache::open(cache, shared) {
            Some(cache) => ContentStore::load_reusing(dir, site_url, Reuse::Disk(Some(&cache))),
            None => ContentStore::load_reusing(dir, site_url, Reuse::Disk(None)),
        }
    }

    fn load_reusing(dir: &Path, site_url: &str, reuse: Reuse) -> Result<(ContentStore, Option<NewCache>), ContentErrors> {
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let shared = shared_fingerprint(dir, site_url);
        let authors: Option<AuthorsFile> = read_toml(&dir.join("authors.toml"), &mut errors);
        let site: Option<SiteFile> = read_toml(&dir.join("site.toml"), &mut errors);
        let tips_file: Option<TipsFile> = read_toml(&dir.join("tips.toml"), &mut errors);
        let categories: CategoriesFile = read_toml(&dir.join("categories.toml"), &mut errors).unwrap_or_default();
        let authors = authors.unwrap_or_default();
        if let Some(site) = &site {
            check_site(&dir.join("site.toml"), site, &mut errors);
        }
        for (key, author) in &authors {
            if author.avatar_initial.chars().count() != 1 {
                errors.push(ContentError::new(
                    &dir.join("authors.toml"),
                    format!("{key}.avatar_initial"),
                    "must be exactly one character",
                ));
            }
        }

        let mut pages: HashMap<String, StoredPage> = HashMap::new();
        let mut sources: HashMap<String, PathBuf> = HashMap::new();
        // Slugs of every article whose front matter parsed, valid or not, so that a broken
        // article does not also make every tip linking to it look broken.
        let mut named_slugs = HashSet::new();
        let mut drafts = HashSet::new();
        let mut search_docs = Vec::new();
        let mut origins = Origins::new(shared);
        let files = markdown_files(&dir.join("articles"), &mut errors);
        let blocks = site.as_ref().map(site_blocks).unwrap_or_default();
        let known = Known { authors: &authors, categories: &categories, site: site.as_ref(), blocks: &blocks };
        let mut cache_entries = Vec::new();
        // Parsing, rendering and grounding an article is independent of every other article and
        // is most of the start-up time, so it runs on every core; the results are then taken in
        // file order, so errors, warnings and duplicate-slug reports come out as a serial load's.
        let loaded = parallel_map(&files, |path| load_article_file(dir, path, &known, site_url, shared, &reuse));
        let fresh = loaded.iter().filter(|loaded| matches!(loaded.article, Article::Loaded(..))).count();
        for (path, loaded) in files.into_iter().zip(loaded) {
            named_slugs.extend(loaded.named_slugs);
            errors.extend(loaded.errors);
            warnings.extend(loaded.warnings);
            // Whether the article comes from an earlier load rather than from its file now.
            let (page, draft, search_doc, blob, reused) = match loaded.article {
                Article::Failed => continue,
                Article::Loaded(page, draft, search_doc, blob) => (page, draft, IndexedDoc::New(search_doc), blob, false),
                Article::Cached(cached, blob) => {
                    warnings.extend(cached.warnings);
                    (cached.page, cached.draft, IndexedDoc::New(cached.search_doc), Some(blob), true)
                }
                Article::Unchanged(kept) => {
                    let Reuse::Earlier(earlier) = &reuse else { continue };
                    let Some((page, draft, search_doc)) = earlier.take(&kept) else { continue };
                    warnings.extend(earlier.warnings_of(&path));
                    (page, draft, search_doc, None, true)
                }
            };
            let slug = page.meta.slug.clone();
            if reused {
                named_slugs.insert(slug.clone());
                // The one check that looks past the file: its hero image may have gone.
                if let Err(reason) = check_hero_path(dir, page.meta.hero.src.trim_start_matches('/')) {
                    errors.push(ContentError::new(&path, "hero.src", reason));
                    continue;
                }
            }
            search_docs.push(search_doc);
            if draft {
                drafts.insert(slug.clone());
            }
            if let Some(first) = sources.get(&slug) {
                errors.push(ContentError::new(&path, "slug", format!("`{slug}` is already used by {}", first.display())));
                continue;
            }
            if let Some(blob) = blob {
                cache_entries.push((path.clone(), loaded.fingerprint, blob));
            }
            origins.insert(path.clone(), loaded.fingerprint, slug.clone());
            sources.insert(slug.clone(), path);
            pages.insert(slug, page);
        }

        let static_pages = load_static_pages(&dir.join("pages"), site_url, &mut errors);
        let tips = tips_file
            .map(|file| check_tips(&dir.join("tips.toml"), file, &named_slugs, &mut errors))
            .unwrap_or_default();

        if !errors.is_empty() {
            return Err(ContentErrors(errors));
        }
        let Some(site) = site else {
            return Err(ContentErrors(errors));
        };
        let mut cards: Vec<ArticleCard> = pages.values().map(|page| card_of(&page.meta)).collect();
        cards.sort_by(|a, b| b.published.iso.cmp(&a.published.iso).then(a.slug.cmp(&b.slug)));
        for (card, related) in cards.iter().zip(related_cards(&cards, &drafts)) {
            if let Some(page) = pages.get_mut(&card.slug) {
                page.related = related;
            }
        }
        let search = match &reuse {
            Reuse::Earlier(earlier) => SearchIndex::rebuild(&earlier.store.search, search_docs),
            _ => SearchIndex::new(
                search_docs.into_iter().filter_map(|doc| if let IndexedDoc::New(doc) = doc { Some(doc) } else { None }).collect(),
            ),
        };
        // Rewritten only when it would change: an article loaded anew, or one gone.
        let new_cache = match &reuse {
            Reuse::Disk(cache) if fresh > 0 || cache.is_none_or(|cache| cache.len() != cache_entries.len()) => {
                Some(NewCache::new(shared, cache_entries))
            }
            _ => None,
        };
        let categories = categories
            .into_iter()
            .map(|(key, category)| CategoryView { key, name: category.name, description: category.description })
            .collect();
        let authors = authors.iter().map(|(key, author)| author_view(key, author)).collect();
        let community = CommunityBlock {
            heading: site.community.heading,
            text: site.community.text,
            privacy: site.community.privacy,
            benefits: site.community.benefits,
        };
        let store = ContentStore {
            pages,
            blocks,
            cards,
            drafts,
            show_unpublished: false,
            categories,
            authors,
            search: Arc::new(search),
            tips,
            community,
            static_pages,
            warnings,
            generation: 0,
            origins,
        };
        Ok((store, new_cache))
    }

    /// Shows drafts and scheduled articles (development) or hides them (production, the default).
    pub fn showing_unpublished(mut self, show: bool) -> ContentStore {
        self.show_unpublished = show;
        self
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

    /// Cards of the articles visible on `today`, newest first.
    pub fn visible_cards(&self, today: Date) -> impl Iterator<Item = &ArticleCard> {
        let today_iso = today.iso();
        self.cards.iter().filter(move |card| self.is_visible_on(card, &today_iso))
    }

    /// Articles visible on `today` that match `query`, best first.
    pub fn search(&self, query: &str, today: Date, limit: usize) -> Vec<super::api::SearchHit> {
        let cards: Vec<&ArticleCard> = self.visible_cards(today).collect();
        self.search.search(query, &cards, limit)
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
        let tip = self.tips[tips::tip_index(date, self.tips.len())].clone();
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

fn read_toml<T: DeserializeOwned>(path: &Path, errors: &mut Vec<ContentError>) -> Option<T> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            errors.push(ContentError::new(path, "(file)", format!("cannot be read: {error}")));
            return None;
        }
    };
    toml::from_str(&text).map_err(|error| errors.push(toml_error(path, "file", &error))).ok()
}

/// Reads `content/pages/*.md`; every page in [`STATIC_PAGES`] must be there.
fn load_static_pages(dir: &Path, site_url: &str, errors: &mut Vec<ContentError>) -> HashMap<String, StaticPage> {
    let mut pages = HashMap::new();
    for path in markdown_files(dir, errors) {
        let Some((matter, body)) = read_markdown_file::<PageMatter>(&path, errors) else {
            continue;
        };
        let updated = Date::parse(&matter.updated.as_text())
            .map_err(|error| errors.push(ContentError::new(&path, "updated", error.to_string())));
        let rendered = markdown::render(&body).map_err(|problems| {
            for problem in problems {
                errors.push(ContentError::new(&path, "body", problem));
            }
        });
        if let (Ok(updated), Ok(rendered)) = (updated, rendered) {
            let page = StaticPage {
                canonical_url: format!("{site_url}/{}", matter.slug),
                slug: matter.slug.clone(),
                title: matter.title,
                description: matter.description,
                updated: date_view(updated),
                body_html: rendered.html,
            };
            if pages.insert(matter.slug.clone(), page).is_some() {
                errors.push(ContentError::new(&path, "slug", format!("`{}` is used by another page", matter.slug)));
            }
        }
    }
    for required in STATIC_PAGES {
        if !pages.contains_key(required) && errors.iter().all(|error| !error.file.starts_with(dir)) {
            errors.push(ContentError::new(dir, "(folder)", format!("has no page with slug `{required}`")));
        }
    }
    pages
}

/// Reads a Markdown file and parses its `+++` front matter as `T`; returns it with the body.
fn read_markdown_file<T: DeserializeOwned>(path: &Path, errors: &mut Vec<ContentError>) -> Option<(T, String)> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| errors.push(ContentError::new(path, "(file)", format!("cannot be read: {error}"))))
        .ok()?;
    let (matter, body) = parse_markdown(path, &text, errors)?;
    Some((matter, body.to_string()))
}

/// The front matter and body of `text`, the Markdown file at `path`.
fn parse_markdown<'t, T: DeserializeOwned>(path: &Path, text: &'t str, errors: &mut Vec<ContentError>) -> Option<(T, &'t str)> {
    let (front, body) = split_front_matter(text)
        .map_err(|reason| errors.push(ContentError::new(path, "front matter", reason)))
        .ok()?;
    let matter = toml::from_str(front).map_err(|error| errors.push(toml_error(path, "front matter", &error))).ok()?;
    Some((matter, body))
}

fn markdown_files(dir: &Path, errors: &mut Vec<ContentError>) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            errors.push(ContentError::new(dir, "(folder)", format!("cannot be read: {error}")));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    files.sort();
    if files.is_empty() {
        errors.push(ContentError::new(dir, "(folder)", "holds no `.md` files"));
    }
    files
}

/// The files an article refers to.
struct Known<'a> {
    authors: &'a AuthorsFile,
    categories: &'a CategoriesFile,
    site: Option<&'a SiteFile>,
    blocks: &'a SiteBlocks,
}

/// What loading one article file gave.
struct LoadedArticle {
    /// The slug its front matter names, if it parsed (valid or not).
    named_slugs: HashSet<String>,
    errors: Vec<ContentError>,
    warnings: Vec<ContentError>,
    /// Fingerprint of the file's bytes (see [`super::reuse`]).
    fingerprint: u64,
    article: Article,
}

/// The article a file gave.
enum Article {
    /// None: the file has errors (in [`LoadedArticle::errors`]).
    Failed,
    /// The page (with its site URLs), draft flag and search entry, loaded from the file, and
    /// its entry for the content cache when one is written.
    Loaded(StoredPage, bool, SearchDoc, Option<Blob>),
    /// The file is unchanged since the content cache was written, which holds this article.
    Cached(CachedArticle, Blob),
    /// The file is unchanged since the previous load, which gave the article with this slug.
    Unchanged(String),
}

/// What a load takes from earlier loads.
enum Reuse<'a> {
    /// Nothing: every article is loaded from its file.
    Nothing,
    /// The articles of the store before a reload.
    Earlier(Earlier<'a>),
    /// The content cache, if there is a usable one; the load gives the cache to write.
    Disk(Option<&'a LoadCache>),
}

/// Loads one article file on its own, so that files can load in parallel, unless `reuse` has
/// it from before (`shared`: the fingerprint of the shared files, see [`super::reuse`]).
fn load_article_file(dir: &Path, path: &Path, known: &Known, site_url: &str, shared: u64, reuse: &Reuse) -> LoadedArticle {
    let (mut named_slugs, mut errors, mut warnings) = (HashSet::new(), Vec::new(), Vec::new());
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            errors.push(ContentError::new(path, "(file)", format!("cannot be read: {error}")));
            return LoadedArticle { named_slugs, errors, warnings, fingerprint: 0, article: Article::Failed };
        }
    };
    let fingerprint = fingerprint(&bytes);
    let reused = match reuse {
        Reuse::Earlier(earlier) => earlier.unchanged(shared, path, fingerprint).map(|slug| Article::Unchanged(slug.to_string())),
        Reuse::Disk(Some(cache)) => cache
            .blob(path, fingerprint)
            .and_then(|blob| Some(Article::Cached(blob.decode(path)?, blob))),
        Reuse::Disk(None) | Reuse::Nothing => None,
    };
    if let Some(article) = reused {
        return LoadedArticle { named_slugs, errors, warnings, fingerprint, article };
    }
    let article = match String::from_utf8(bytes) {
        Ok(text) => match load_article(dir, path, &text, known, &mut named_slugs, &mut errors, &mut warnings) {
            Some((page, draft, search_doc)) => {
                let page = StoredPage::new(seo::with_site_url(page, site_url));
                let blob = match reuse {
                    Reuse::Disk(_) => Blob::encode(&page, draft, &warnings, &search_doc),
                    _ => None,
                };
                Article::Loaded(page, draft, search_doc, blob)
            }
            None => Article::Failed,
        },
        Err(_) => {
            errors.push(ContentError::new(path, "(file)", "cannot be read: it is not UTF-8 text"));
            Article::Failed
        }
    };
    LoadedArticle { named_slugs, errors, warnings, fingerprint, article }
}

/// The store before a reload, as the reload takes unchanged articles from it.
struct Earlier<'a> {
    store: &'a ContentStore,
    /// Each article's position in the earlier search index, by slug.
    indexed: HashMap<&'a str, usize>,
}

impl<'a> Earlier<'a> {
    fn new(store: &'a ContentStore) -> Earlier<'a> {
        Earlier { store, indexed: store.search.slugs().enumerate().map(|(i, slug)| (slug, i)).collect() }
    }

    /// Whether `path` loaded unchanged before (see [`Origins::unchanged`]), and as which slug.
    fn unchanged(&self, shared: u64, path: &Path, bytes: u64) -> Option<&'a str> {
        self.store.origins.unchanged(shared, path, bytes)
    }

    /// The earlier article `slug`: its page, draft flag and place in the earlier index.
    fn take(&self, slug: &str) -> Option<(StoredPage, bool, IndexedDoc)> {
        let page = self.store.pages.get(slug)?.clone();
        let indexed = *self.indexed.get(slug)?;
        Some((page, self.store.drafts.contains(slug), IndexedDoc::Kept(indexed)))
    }

    /// The warnings the earlier load gave for `path`.
    fn warnings_of<'b>(&'b self, path: &'b Path) -> impl Iterator<Item = ContentError> + 'b {
        self.store.warnings.iter().filter(move |warning| warning.file == path).cloned()
    }
}

/// Loads one article; returns it with its draft flag.
fn load_article(
    dir: &Path,
    path: &Path,
    text: &str,
    known: &Known,
    named_slugs: &mut HashSet<String>,
    errors: &mut Vec<ContentError>,
    warnings: &mut Vec<ContentError>,
) -> Option<(ArticlePage, bool, SearchDoc)> {
    let (authors, site) = (known.authors, known.site);
    let (matter, body): (FrontMatter, &str) = parse_markdown(path, text, errors)?;
    named_slugs.insert(matter.slug.clone());
    let before = errors.len();
    let mut fail = |field: &str, reason: String| errors.push(ContentError::new(path, field, reason));

    if matter.slug.is_empty()
        || !matter.slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        fail("slug", format!("`{}` must be lowercase letters, digits and hyphens", matter.slug));
    }
    for (field, value) in [
        ("title", &matter.title),
        ("description", &matter.description),
        ("category", &matter.category),
        ("hero.alt", &matter.hero.alt),
    ] {
        if value.trim().is_empty() {
            fail(field, "must not be empty".to_string());
        }
    }
    if matter.summary.as_ref().is_some_and(|summary| summary.trim().is_empty()) {
        fail("summary", "is empty: write one, or remove the field to quote one from the body".to_string());
    }
    if matter.description.chars().count() > 200 {
        fail("description", "is over 200 characters; search results cut it off".to_string());
    }
    let author = authors.get(&matter.author);
    if author.is_none() {
        fail("author", format!("`{}` is not a key in authors.toml", matter.author));
    }
    let category = known.categories.get(&matter.category);
    if category.is_none() {
        let keys: Vec<&str> = known.categories.keys().map(String::as_str).collect();
        fail("category", format!("`{}` is not a key in categories.toml ({})", matter.category, keys.join(", ")));
    }
    for (field, reason) in trust::reviewer_problems(&matter, authors) {
        fail(&field, reason);
    }
    let mut date = |field: &str, input: &DateInput| match Date::parse(&input.as_text()) {
        Ok(date) => Some(date),
        Err(error) => {
            fail(field, error.to_string());
            None
        }
    };
    let published = date("published", &matter.published);
    let updated = date("updated", &matter.updated);
    let last_reviewed = matter.last_reviewed.as_ref().and_then(|input| date("last_reviewed", input));
    let review_by = matter.review_by.as_ref().and_then(|input| date("review_by", input));
    let revision_dates: Vec<Option<Date>> = matter
        .revisions
        .iter()
        .enumerate()
        .map(|(i, revision)| date(&format!("revisions[{i}].date"), &revision.date))
        .collect();
    if let (Some(published), Some(updated)) = (published, updated) {
        if updated < published {
            fail("updated", format!("{updated} is before published ({published})"));
        }
    }
    if matter.revisions.is_empty() {
        fail("revisions", "needs at least one entry (the initial publication)".to_string());
    }
    let dated: Vec<Date> = revision_dates.iter().flatten().copied().collect();
    if dated.windows(2).any(|pair| pair[0] < pair[1]) {
        fail("revisions", "must be listed newest first".to_string());
    }
    if let (Some(newest), Some(updated)) = (dated.first(), updated) {
        if *newest > updated {
            fail("revisions[0].date", format!("{newest} is after `updated` ({updated})"));
        }
    }
    if matter.key_takeaways.is_empty() || matter.key_takeaways.iter().any(|t| t.trim().is_empty()) {
        fail("key_takeaways", "needs at least one takeaway, none empty".to_string());
    }
    if let Err(reason) = check_hero_path(dir, &matter.hero.src) {
        fail("hero.src", reason);
    }
    if matter.hero.width == 0 || matter.hero.height == 0 {
        fail("hero.width", "width and height must be above zero".to_string());
    }
    if let (Some(reviewed), Some(due)) = (last_reviewed, review_by) {
        if due <= reviewed {
            fail("review_by", format!("{due} must be after last_reviewed ({reviewed})"));
        }
    }
    let rendered = match markdown::render(body) {
        Ok(rendered) => Some(rendered),
        Err(problems) => {
            for problem in problems {
                fail("body", problem);
            }
            None
        }
    };
    let mut sources = Vec::new();
    let mut body_html = String::new();
    let mut has_affiliate_links = false;
    if let Some(rendered) = &rendered {
        match link_citations(&rendered.html, matter.sources.len()) {
            Ok(linked) => {
                body_html = linked.html;
                match trust::source_views(&matter.sources, linked.citations) {
                    Ok(views) => sources = views,
                    Err(problems) => problems.into_iter().for_each(|(field, reason)| fail(&field, reason)),
                }
            }
            Err(problems) => problems.into_iter().for_each(|problem| fail("body", problem)),
        }
        let affiliate_hosts = site.map(|site| site.affiliate_hosts.as_slice()).unwrap_or_default();
        has_affiliate_links =
            link_hosts(&rendered.html).iter().any(|host| trust::is_affiliate_host(host, affiliate_hosts));
        if let Some(category) = category {
            for (field, reason) in trust::rule_violations(&matter, category, author, has_affiliate_links) {
                fail(&field, reason);
            }
        }
    }

    // Grounding the overview and indexing for search both need each paragraph's stemmed words:
    // counted once, here.
    let stemmer = Stemmer::create(Algorithm::English);
    let paragraph_terms: Vec<super::grounding::FastMap<String, f64>> = rendered
        .as_ref()
        .map(|rendered| rendered.paragraphs.iter().map(|p| term_counts(&stemmer, &p.text)).collect())
        .unwrap_or_default();
    let search_doc = rendered.as_ref().map(|rendered| {
        let mut summary_texts: Vec<&str> = vec![matter.description.as_str()];
        summary_texts.extend(matter.summary.as_deref());
        summary_texts.extend(matter.key_takeaways.iter().map(String::as_str));
        SearchDoc::with_paragraph_terms(&matter.slug, &matter.title, &summary_texts, &rendered.paragraphs, &paragraph_terms)
    });
    let (overview, takeaways) = match &rendered {
        Some(rendered) => ground(path, &matter, rendered, paragraph_terms, errors, warnings),
        None => (Vec::new(), Vec::new()),
    };
    if errors.len() > before {
        return None;
    }
    let (author, _site, published, updated, rendered, category, search_doc) =
        (author?, site?, published?, updated?, rendered?, category?, search_doc?);
    let review = matter.reviewed_by.as_ref().and_then(|key| {
        Some(ReviewView { reviewer: author_view(key, authors.get(key)?), last_reviewed: date_view(last_reviewed?) })
    });
    let toc = rendered
        .headings
        .iter()
        .filter(|heading| heading.level == 2)
        .map(|heading| TocEntry { id: heading.id.clone(), title: heading.text.clone() })
        .collect();
    let draft = matter.draft;
    let disclosures = known.blocks.disclosures(matter.disclosures.affiliate, matter.disclosures.medical);
    let page = ArticlePage {
        canonical_url: String::new(),
        share_image_url: String::new(),
        json_ld: String::new(),
        slug: matter.slug,
        title: matter.title,
        description: matter.description,
        category: matter.category,
        category_name: category.name.clone(),
        tags: matter.tags,
        review,
        review_by: review_by.map(date_view),
        due_for_review: false,
        unpublished_note: None,
        has_affiliate_links,
        sources,
        toc,
        related: Vec::new(),
        hero: HeroImage {
            src: format!("/{}", matter.hero.src),
            alt: matter.hero.alt,
            width: matter.hero.width,
            height: matter.hero.height,
        },
        author: author_view(&matter.author, author),
        published: date_view(published),
        updated: date_view(updated),
        reading_minutes: reading::reading_minutes(rendered.word_count),
        overview_generated: matter.summary.is_none(),
        overview,
        key_takeaways: takeaways,
        body_html,
        editorial: known.blocks.editorial.clone(),
        disclosures,
        revisions: matter
            .revisions
            .into_iter()
            .zip(revision_dates)
            .filter_map(|(revision, date)| Some(RevisionView { date: date_view(date?), note: revision.note }))
            .collect(),
        newsletter: known.blocks.newsletter.clone(),
    };
    Some((page, draft, search_doc))
}

fn author_view(key: &str, author: &AuthorMatter) -> AuthorView {
    AuthorView {
        id: key.to_string(),
        name: author.name.clone(),
        credentials: author.credentials.clone(),
        bio: author.bio.clone(),
        initial: author.avatar_initial.clone(),
    }
}

/// The texts of `site` every article shows.
fn site_blocks(site: &SiteFile) -> SiteBlocks {
    let block = |id: String, block: &BlockMatter| TextBlock {
        id,
        title: block.title.clone(),
        text: block.text.clone(),
        link: block_link(block),
    };
    SiteBlocks {
        editorial: site.editorial.iter().map(|editorial| block(markdown::slugify(&editorial.title), editorial)).collect(),
        affiliate: block("affiliate-disclosure".into(), &site.disclosures.affiliate),
        medical: block("medical-disclaimer".into(), &site.disclosures.medical),
        newsletter: NewsletterCta { heading: site.newsletter.heading.clone(), text: site.newsletter.text.clone() },
    }
}

/// Links the overview's sentences to paragraphs and the takeaways to sections; quotes an
/// overview from the body when the front matter has no summary. `paragraph_terms` are the
/// paragraphs' [`term_counts`].
fn ground(
    path: &Path,
    matter: &FrontMatter,
    body: &markdown::RenderedBody,
    paragraph_terms: Vec<super::grounding::FastMap<String, f64>>,
    errors: &mut Vec<ContentError>,
    warnings: &mut Vec<ContentError>,
) -> (Vec<SourcedText>, Vec<SourcedText>) {
    let overview = match &matter.summary {
        Some(summary) => {
            PassageIndex::with_term_counts(&body.paragraphs, paragraph_terms).ground(&split_sentences(summary))
        }
        None => extract_overview(&body.paragraphs, 3),
    };
    if overview.is_empty() {
        errors.push(ContentError::new(
            path,
            "summary",
            "is missing and the body has too few full sentences to quote an overview from",
        ));
    }
    let takeaways = PassageIndex::new(&body.sections).ground(&matter.key_takeaways);
    let mut sourced = |field: &str, grounded: Vec<Grounded>| -> Vec<SourcedText> {
        grounded
            .into_iter()
            .map(|item| {
                if item.source_id.is_none() {
                    warnings.push(ContentError::new(
                        path,
                        field,
                        format!("no part of the body supports \"{}\"", item.text),
                    ));
                }
                SourcedText { text: item.text, source_id: item.source_id }
            })
            .collect()
    };
    (sourced("summary", overview), sourced("key_takeaways", takeaways))
}

/// Hero images live under `images/` in the content folder and are served from `/images/`.
fn check_hero_path(dir: &Path, src: &str) -> Result<(), String> {
    let relative = Path::new(src);
    let inside_images = relative.starts_with("images")
        && relative.components().all(|part| matches!(part, Component::Normal(_)));
    if !inside_images {
        return Err(format!("`{src}` must be a path under `images/` in the content folder"));
    }
    if !dir.join(relative).is_file() {
        return Err(format!("`{src}` does not exist in {}", dir.display()));
    }
    Ok(())
}

fn block_link(block: &BlockMatter) -> Option<(String, String)> {
    Some((block.link.clone()?, block.link_text.clone().unwrap_or_else(|| "Read more".to_string())))
}

fn check_site(path: &Path, site: &SiteFile, errors: &mut Vec<ContentError>) {
    let blocks = site.editorial.iter().chain([&site.disclosures.affiliate, &site.disclosures.medical]);
    for (i, block) in blocks.enumerate() {
        let internal_page = |link: &str| link == "/" || STATIC_PAGES.iter().any(|slug| link == format!("/{slug}"));
        if let Some(link) = block.link.as_deref().filter(|link| !internal_page(link)) {
            errors.push(ContentError::new(
                path,
                format!("block {} (`{}`).link", i + 1, block.title),
                format!("`{link}` is not one of the site pages (/{})", STATIC_PAGES.join(", /")),
            ));
        }
    }
    if site.editorial.is_empty() {
        errors.push(ContentError::new(path, "editorial", "needs at least one section"));
    }
    if site.community.benefits.is_empty() {
        errors.push(ContentError::new(path, "community.benefits", "needs at least one benefit"));
    }
}

fn check_tips(
    path: &Path,
    file: TipsFile,
    slugs: &HashSet<String>,
    errors: &mut Vec<ContentError>,
) -> Vec<DailyTip> {
    if file.tips.is_empty() {
        errors.push(ContentError::new(path, "tips", "needs at least one tip"));
    }
    for (i, tip) in file.tips.iter().enumerate() {
        // Every tip links to the article it comes from.
        let links_to_page = tip.link.strip_prefix("/articles/").is_some_and(|slug| slugs.contains(slug));
        if !links_to_page {
            errors.push(ContentError::new(
                path,
                format!("tips[{i}].link"),
                format!("`{}` is not `/articles/{{slug}}` of an existing article", tip.link),
            ));
        }
        if tip.text.trim().is_empty() || tip.category.trim().is_empty() {
            errors.push(ContentError::new(path, format!("tips[{i}]"), "text and category must not be empty"));
        }
    }
    file.tips
        .into_iter()
        .map(|tip| DailyTip { category: tip.category, text: tip.text, link: tip.link })
        .collect()
}

fn card_of(page: &ArticlePage) -> ArticleCard {
    ArticleCard {
        slug: page.slug.clone(),
        title: page.title.clone(),
        description: page.description.clone(),
        category: page.category.clone(),
        category_name: page.category_name.clone(),
        tags: page.tags.clone(),
        hero: page.hero.clone(),
        author_id: page.author.id.clone(),
        author_name: page.author.name.clone(),
        published: page.published.clone(),
        updated: page.updated.clone(),
        reading_minutes: page.reading_minutes,
    }
}

fn date_view(date: Date) -> DateView {
    DateView { iso: date.iso(), display: date.display() }
}
