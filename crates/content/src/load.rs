//! Loading the content folder into a [`ContentStore`]: the shared files, every article on every
//! core, then what needs all of them (duplicate slugs, tips, related articles, the search
//! index), reusing whatever an earlier load already made from unchanged files.

use super::error::{ContentError, ContentErrors};
use super::files::{load_static_pages, markdown_files, read_synonyms, read_toml};
use super::front_matter::{AuthorsFile, CategoriesFile, SiteFile, TipsFile};
use super::load_article::{author_view, card_of, Known};
use super::load_cache::{LoadCache, NewCache, NewEntry};
use super::load_file::{load_article_file, Article, Earlier, LoadedArticle, Reuse};
use super::related::related_cards;
use super::reuse::{shared_fingerprint, Origins};
use super::search::{IndexedDoc, SearchIndex};
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
        // Files whose stat changed less than FileStat's margin before this are read next time too.
        let since = std::time::SystemTime::now();
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
            files.par_iter().map(|path| load_article_file(path, &known, site_url, shared, &reuse, since)).collect();
        let fresh = loaded.iter().filter(|loaded| matches!(loaded.article, Article::Loaded(..))).count();
        let restat = loaded.iter().any(|loaded| loaded.restat);
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
                cache_entries.push((path.clone(), loaded.fingerprint, loaded.stat, entry));
            }
            origins.insert(path.clone(), loaded.fingerprint, loaded.stat, slug.clone());
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
            (Reuse::Earlier(earlier), _) => SearchIndex::rebuild(earlier.search(), search_docs, &synonyms),
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
        // Rewritten only when it would change: an article loaded anew, or one gone, or a file's
        // stat now to be trusted (its bytes are then not read at the next start).
        let new_cache = match reuse {
            Reuse::Disk(cache)
                if fresh > 0 || restat || cache.as_ref().is_none_or(|cache| cache.len() != cache_entries.len()) =>
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
