//! Loading the content folder into a [`ContentStore`]: the shared files, every article on every
//! core, then what needs all of them (duplicate slugs, tips, related articles, the search
//! index), reusing whatever an earlier load already made from unchanged files.

use super::error::{ContentError, ContentErrors};
use super::files::{load_static_pages, markdown_files, read_synonyms, read_toml};
use super::front_matter::{AuthorsFile, CategoriesFile, SiteFile, TipsFile};
use super::load_article::{author_view, card_of, load_article, Known};
use super::load_cache::{Blob, CachedArticle, LoadCache, NewCache, NewEntry, Placed};
use super::related::related_cards;
use super::reuse::{fingerprint, shared_fingerprint, Origins};
use super::search::{IndexedDoc, SearchDoc, SearchIndex};
use super::seo;
use super::site_checks::{check_site, check_tips, site_blocks};
use super::store::ContentStore;
use super::stored::StoredPage;
use nv_images::catalog::ImageCatalog;
use nv_model::content::{ArticleCard, CategoryView, CommunityBlock};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The editors' search synonyms, in the content folder.
pub const SYNONYMS_FILE: &str = "search/synonyms.toml";

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
    pub fn load_cached(
        dir: &Path,
        site_url: &str,
        cache: &Path,
    ) -> Result<(ContentStore, Option<NewCache>), ContentErrors> {
        ContentStore::load_reusing(dir, site_url, Reuse::CacheAt(cache))
    }

    pub(super) fn load_reusing(
        dir: &Path,
        site_url: &str,
        reuse: Reuse,
    ) -> Result<(ContentStore, Option<NewCache>), ContentErrors> {
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let authors: Option<AuthorsFile> = read_toml(&dir.join("authors.toml"), &mut errors);
        let site: Option<SiteFile> = read_toml(&dir.join("site.toml"), &mut errors);
        let tips_file: Option<TipsFile> = read_toml(&dir.join("tips.toml"), &mut errors);
        let categories: CategoriesFile = read_toml(&dir.join("categories.toml"), &mut errors).unwrap_or_default();
        let synonyms = read_synonyms(&dir.join(SYNONYMS_FILE), &mut errors);
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
        let affiliate_hosts = site.as_ref().map(|site| site.affiliate_hosts.as_slice()).unwrap_or_default();
        let shared = shared_fingerprint(dir, site_url, affiliate_hosts);
        // Asked before the cache is opened: the derived images are kept beside the cache file.
        let image_store = reuse.image_store();
        let mut reuse = match reuse {
            Reuse::CacheAt(path) => Reuse::Disk(LoadCache::open(path, shared, &synonyms)),
            reuse => reuse,
        };
        let mut origins = Origins::new(shared);
        let files = markdown_files(&dir.join("articles"), &mut errors);
        let blocks = site.as_ref().map(site_blocks).unwrap_or_default();
        // Images first: articles are checked against them, and an article whose image changed
        // is loaded again (its derived image URLs change).
        let images = ImageCatalog::scan(dir, reuse.earlier_images(), &image_store);
        let known =
            Known { authors: &authors, categories: &categories, site: site.as_ref(), blocks: &blocks, images: &images };
        let mut cache_entries = Vec::new();
        // Parsing, rendering and grounding an article is independent of every other article and
        // is most of the start-up time, so it runs on every core; the results are then taken in
        // file order, so errors, warnings and duplicate-slug reports come out as a serial load's.
        let loaded: Vec<LoadedArticle> =
            files.par_iter().map(|path| load_article_file(path, &known, site_url, shared, &reuse)).collect();
        let fresh = loaded.iter().filter(|loaded| matches!(loaded.article, Article::Loaded(..))).count();
        for (path, loaded) in files.into_iter().zip(loaded) {
            named_slugs.extend(loaded.named_slugs);
            errors.extend(loaded.errors);
            warnings.extend(loaded.warnings);
            // Whether the article comes from an earlier load rather than from its file now.
            let (page, draft, search_doc, entry, reused) = match loaded.article {
                Article::Failed => continue,
                Article::Loaded(page, draft, search_doc, blob) => {
                    (page, draft, IndexedDoc::New(search_doc), blob.map(NewEntry::Made), false)
                }
                Article::Cached(cached, placed, indexed) => {
                    warnings.extend(cached.warnings);
                    (cached.page, cached.draft, IndexedDoc::Kept(indexed), Some(NewEntry::Kept(placed)), true)
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
            }
            search_docs.push(search_doc);
            if draft {
                drafts.insert(slug.clone());
            }
            if let Some(first) = sources.get(&slug) {
                errors.push(ContentError::new(
                    &path,
                    "slug",
                    format!("`{slug}` is already used by {}", first.display()),
                ));
                continue;
            }
            if let Some(entry) = entry {
                cache_entries.push((path.clone(), loaded.fingerprint, entry));
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
        let stored = match &mut reuse {
            Reuse::Disk(Some(cache)) => cache.take_search(),
            _ => None,
        };
        let search = match (&reuse, stored) {
            (Reuse::Earlier(earlier), _) => SearchIndex::rebuild(&earlier.store.search, search_docs, &synonyms),
            (_, Some(stored)) => SearchIndex::from_stored(stored, search_docs, &synonyms),
            _ => SearchIndex::new(
                search_docs
                    .into_iter()
                    .filter_map(|doc| if let IndexedDoc::New(doc) = doc { Some(doc) } else { None })
                    .collect(),
                &synonyms,
            ),
        };
        let search = Arc::new(search);
        // Rewritten only when it would change: an article loaded anew, or one gone.
        let new_cache = match reuse {
            Reuse::Disk(cache)
                if fresh > 0 || cache.as_ref().is_none_or(|cache| cache.len() != cache_entries.len()) =>
            {
                Some(NewCache::new(shared, cache_entries, cache, search.clone()))
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
            search,
            tips,
            community,
            static_pages,
            warnings,
            generation: 0,
            origins,
            images: Arc::new(images),
        };
        Ok((store, new_cache))
    }
}

/// What loading one article file gave.
pub(super) struct LoadedArticle {
    /// The slug its front matter names, if it parsed (valid or not).
    named_slugs: HashSet<String>,
    errors: Vec<ContentError>,
    warnings: Vec<ContentError>,
    /// Fingerprint of the file's bytes (see [`super::reuse`]).
    fingerprint: u64,
    article: Article,
}

/// The article a file gave.
pub(super) enum Article {
    /// None: the file has errors (in [`LoadedArticle::errors`]).
    Failed,
    /// The page (with its site URLs), draft flag and search entry, loaded from the file, and
    /// its entry for the content cache when one is written.
    Loaded(StoredPage, bool, SearchDoc, Option<Blob>),
    /// The file is unchanged since the content cache was written, which holds this article
    /// (and its search entry, at this place in the index it keeps).
    Cached(CachedArticle, Placed, usize),
    /// The file is unchanged since the previous load, which gave the article with this slug.
    Unchanged(String),
}

/// What a load takes from earlier loads.
pub(super) enum Reuse<'a> {
    /// Nothing: every article is loaded from its file.
    Nothing,
    /// The articles of the store before a reload.
    Earlier(Earlier<'a>),
    /// The content cache at this path (opened as [`Reuse::Disk`] once the shared files are read).
    CacheAt(&'a Path),
    /// The content cache, if there is a usable one; the load gives the cache to write.
    Disk(Option<LoadCache>),
}

/// Loads one article file on its own, so that files can load in parallel, unless `reuse` has
/// it from before (`shared`: the fingerprint of the shared files, see [`super::reuse`]).
pub(super) fn load_article_file(
    path: &Path,
    known: &Known,
    site_url: &str,
    shared: u64,
    reuse: &Reuse,
) -> LoadedArticle {
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
        Reuse::Earlier(earlier) => {
            earlier.unchanged(shared, path, fingerprint).map(|slug| Article::Unchanged(slug.to_string()))
        }
        Reuse::Disk(Some(cache)) => cache.blob(path, fingerprint).and_then(|(blob, placed)| {
            let cached = blob.decode(path)?;
            let indexed = cache.indexed(&cached.page.meta.slug)?;
            Some(Article::Cached(cached, placed, indexed))
        }),
        Reuse::Disk(None) | Reuse::CacheAt(_) | Reuse::Nothing => None,
    };
    // The one thing that looks past the file: an image it shows may have changed or gone.
    let reused = reused.filter(|article| match article {
        Article::Unchanged(slug) => match reuse {
            Reuse::Earlier(earlier) => {
                earlier.store.pages.get(slug).is_some_and(|page| images_unchanged(&page.meta.images, known.images))
            }
            _ => false,
        },
        Article::Cached(cached, ..) => images_unchanged(&cached.page.meta.images, known.images),
        _ => true,
    });
    if let Some(article) = reused {
        return LoadedArticle { named_slugs, errors, warnings, fingerprint, article };
    }
    let article = match String::from_utf8(bytes) {
        Ok(text) => match load_article(path, &text, known, &mut named_slugs, &mut errors, &mut warnings) {
            Some((page, draft, search_doc)) => {
                let page = StoredPage::new(seo::with_site_url(page, site_url));
                let blob = match reuse {
                    Reuse::Disk(_) | Reuse::CacheAt(_) => Blob::encode(&page, draft, &warnings),
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

/// Whether every image an article shows has the key it had when the article was loaded.
fn images_unchanged(used: &[(String, String)], catalog: &ImageCatalog) -> bool {
    used.iter().all(|(src, key)| catalog.key_of(src) == Some(key.as_str()))
}

impl Reuse<'_> {
    /// The image catalog of the load before, whose unchanged files need not be read again.
    fn earlier_images(&self) -> Option<&ImageCatalog> {
        match self {
            Reuse::Earlier(earlier) => Some(&earlier.store.images),
            _ => None,
        }
    }

    /// Where photos' derived images are kept: beside the content cache (the data dir), where
    /// the earlier load kept them, or else (no data dir: tests, `server check`) a folder in the
    /// system's temporary directory. Asked before [`Reuse::CacheAt`] becomes [`Reuse::Disk`].
    fn image_store(&self) -> PathBuf {
        match self {
            Reuse::Earlier(earlier) => earlier.store.images.store().to_path_buf(),
            Reuse::CacheAt(cache) => cache.parent().unwrap_or(Path::new(".")).join("derived-images"),
            Reuse::Disk(_) | Reuse::Nothing => std::env::temp_dir().join("nourishvibes-images"),
        }
    }
}

/// The store before a reload, as the reload takes unchanged articles from it.
pub(super) struct Earlier<'a> {
    store: &'a ContentStore,
    /// Each article's position in the earlier search index, by slug.
    indexed: HashMap<&'a str, usize>,
    /// The earlier load's warnings, by file.
    warnings: HashMap<&'a Path, Vec<&'a ContentError>>,
}

impl<'a> Earlier<'a> {
    pub(super) fn new(store: &'a ContentStore) -> Earlier<'a> {
        let mut warnings: HashMap<&Path, Vec<&ContentError>> = HashMap::new();
        for warning in &store.warnings {
            warnings.entry(warning.file.as_path()).or_default().push(warning);
        }
        Earlier { store, indexed: store.search.slugs().enumerate().map(|(i, slug)| (slug, i)).collect(), warnings }
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
    fn warnings_of(&self, path: &Path) -> impl Iterator<Item = ContentError> + '_ {
        self.warnings.get(path).into_iter().flatten().map(|warning| (*warning).clone())
    }
}
