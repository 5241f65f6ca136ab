//! Loading one article file on its own (so that files load in parallel), unless an earlier
//! load or the content cache has it: a file whose stat or bytes are as they were is taken from
//! there instead of being parsed, rendered and grounded again.

use super::error::ContentError;
use super::load_article::{load_article, Known};
use super::load_cache::{Blob, CachedArticle, LoadCache, Placed};
use super::reuse::{fingerprint, FileStat};
use super::search::SearchDoc;
use super::search::{IndexedDoc, SearchIndex};
use super::seo;
use super::store::ContentStore;
use super::stored::StoredPage;
use nv_images::catalog::ImageCatalog;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What loading one article file gave.
pub(super) struct LoadedArticle {
    /// The slug its front matter names, if it parsed (valid or not).
    pub(super) named_slugs: HashSet<String>,
    pub(super) errors: Vec<ContentError>,
    pub(super) warnings: Vec<ContentError>,
    /// Fingerprint of the file's bytes (see [`super::reuse`]).
    pub(super) fingerprint: u64,
    /// The file's stat, if it can be trusted next time.
    pub(super) stat: Option<FileStat>,
    /// Whether the file was read although its stat can be trusted now: the cache should learn it.
    pub(super) restat: bool,
    pub(super) article: Article,
}

impl LoadedArticle {
    /// A file that could not be read, and why.
    fn failed(error: ContentError) -> LoadedArticle {
        let (named_slugs, warnings) = (HashSet::new(), Vec::new());
        let article = Article::Failed;
        LoadedArticle { named_slugs, errors: vec![error], warnings, fingerprint: 0, stat: None, restat: false, article }
    }
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

/// Loads one article file on its own, so that files can load in parallel, unless `reuse` has
/// it from before (`shared`: the fingerprint of the shared files, see [`super::reuse`]).
pub(super) fn load_article_file(
    path: &Path,
    known: &Known,
    site_url: &str,
    shared: u64,
    reuse: &Reuse,
    since: std::time::SystemTime,
) -> LoadedArticle {
    let (mut named_slugs, mut errors, mut warnings) = (HashSet::new(), Vec::new(), Vec::new());
    let stat = FileStat::of(path, since);
    // A file whose stat is as the earlier load or the cache saw it is not read (see FileStat).
    let unread = stat.and_then(|stat| match reuse {
        Reuse::Earlier(earlier) => earlier.fingerprint_by_stat(path, stat),
        Reuse::Disk(Some(cache)) => cache.fingerprint_by_stat(path, stat),
        _ => None,
    });
    let read =
        || std::fs::read(path).map_err(|error| ContentError::new(path, "(file)", format!("cannot be read: {error}")));
    let restat = stat.is_some() && unread.is_none();
    let (fingerprint, bytes) = match unread {
        Some(unread) => (unread, None),
        None => match read() {
            Ok(bytes) => (fingerprint(&bytes), Some(bytes)),
            Err(error) => return LoadedArticle::failed(error),
        },
    };
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
                earlier.images_of(slug).is_some_and(|images| images_unchanged(images, known.images))
            }
            _ => false,
        },
        Article::Cached(cached, ..) => images_unchanged(&cached.page.meta.images, known.images),
        _ => true,
    });
    if let Some(article) = reused {
        return LoadedArticle { named_slugs, errors, warnings, fingerprint, stat, restat, article };
    }
    // Unchanged by its stat, but to be loaded again all the same (an image it shows changed).
    let bytes = match bytes.map_or_else(read, Ok) {
        Ok(bytes) => bytes,
        Err(error) => return LoadedArticle::failed(error),
    };
    let fingerprint = super::reuse::fingerprint(&bytes);
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
    LoadedArticle { named_slugs, errors, warnings, fingerprint, stat, restat, article }
}

/// Whether every image an article shows has the key it had when the article was loaded.
fn images_unchanged(used: &[(String, String)], catalog: &ImageCatalog) -> bool {
    used.iter().all(|(src, key)| catalog.key_of(src) == Some(key.as_str()))
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

impl Reuse<'_> {
    /// The image catalog of the load before, whose unchanged files need not be read again.
    pub(super) fn earlier_images(&self) -> Option<&ImageCatalog> {
        match self {
            Reuse::Earlier(earlier) => Some(&earlier.store.images),
            _ => None,
        }
    }

    /// Where photos' derived images are kept: beside the content cache (the data dir), where
    /// the earlier load kept them, or else (no data dir: tests, `server check`) a folder in the
    /// system's temporary directory. Asked before [`Reuse::CacheAt`] becomes [`Reuse::Disk`].
    pub(super) fn image_store(&self) -> PathBuf {
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
    /// The search index before the reload, which unchanged articles' postings are copied from.
    pub(super) fn search(&self) -> &'a SearchIndex {
        &self.store.search
    }

    pub(super) fn new(store: &'a ContentStore) -> Earlier<'a> {
        let mut warnings: HashMap<&Path, Vec<&ContentError>> = HashMap::new();
        for warning in &store.warnings {
            warnings.entry(warning.file.as_path()).or_default().push(warning);
        }
        Earlier { store, indexed: store.search.slugs().enumerate().map(|(i, slug)| (slug, i)).collect(), warnings }
    }

    /// Whether `path` loaded unchanged before (see [`Origins::unchanged`]), and as which slug.
    pub(super) fn unchanged(&self, shared: u64, path: &Path, bytes: u64) -> Option<&'a str> {
        self.store.origins.unchanged(shared, path, bytes)
    }

    /// The fingerprint of `path`'s bytes at the earlier load, if its stat is still `stat`.
    pub(super) fn fingerprint_by_stat(&self, path: &Path, stat: FileStat) -> Option<u64> {
        self.store.origins.fingerprint_by_stat(path, stat)
    }

    /// The images the earlier article `slug` shows, with their keys then.
    pub(super) fn images_of(&self, slug: &str) -> Option<&'a [(String, String)]> {
        self.store.pages.get(slug).map(|page| page.meta.images.as_slice())
    }

    /// The earlier article `slug`: its page, draft flag and place in the earlier index.
    pub(super) fn take(&self, slug: &str) -> Option<(StoredPage, bool, IndexedDoc)> {
        let page = self.store.pages.get(slug)?.clone();
        let indexed = *self.indexed.get(slug)?;
        Some((page, self.store.drafts.contains(slug), IndexedDoc::Kept(indexed)))
    }

    /// The warnings the earlier load gave for `path`.
    pub(super) fn warnings_of(&self, path: &Path) -> impl Iterator<Item = ContentError> + '_ {
        self.warnings.get(path).into_iter().flatten().map(|warning| (*warning).clone())
    }
}
