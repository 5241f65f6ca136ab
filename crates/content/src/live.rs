//! Content that changes while the server runs: the store in use, swapped whole for a new one
//! when `content/` is reloaded (SIGHUP in production, the file watcher in development).
//!
//! A reload builds the new store beside the old one with the same checks as start-up; only a
//! store without errors replaces the old one, so readers always get one complete store: each
//! request takes the store once ([`LiveContent::current`]) and renders from that snapshot, never
//! half old, half new. A failed reload keeps the old store and is remembered until the next
//! reload succeeds (the development banner and `/readyz` show it).
//!
//! The store sits behind an `RwLock<Arc<…>>`: a page-cache hit never looks at it, and a render
//! takes the read lock for one reference-count increment, nothing next to rendering a page.

use super::error::{ContentError, ContentErrors};
use super::store::ContentStore;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// Where content is loaded from and how it is shown: what a reload needs to load it again.
#[derive(Clone, Debug)]
pub struct ContentSource {
    /// The content folder.
    pub dir: PathBuf,
    /// The site URL (no trailing slash) canonical links are made with.
    pub site_url: String,
    /// Whether drafts and scheduled articles are shown (development).
    pub show_unpublished: bool,
    /// The content cache to start from and keep up to date (see [`super::load_cache`]); `None`
    /// loads every article from its file.
    pub cache: Option<CacheFile>,
}

/// Where the content cache is, and what to do once a new one is written.
#[derive(Clone, Debug)]
pub struct CacheFile {
    /// The file (in the data dir).
    pub path: PathBuf,
    /// Called on the writing thread after a new cache is written: writing holds every
    /// article's entry, which the server hands back to the system then.
    pub written: fn(),
}

impl ContentSource {
    /// Loads and checks the folder as start-up does, the newsletter's notes and `[mail]` included.
    pub fn load(&self) -> Result<ContentStore, ContentErrors> {
        let Some(cache) = &self.cache else {
            return self.checked(ContentStore::load(&self.dir, &self.site_url)?);
        };
        let (store, new_cache) = ContentStore::load_cached(&self.dir, &self.site_url, &cache.path)?;
        let store = self.checked(store)?;
        if let Some(new_cache) = new_cache {
            // Written beside serving: the next start needs it, this one does not wait for it.
            let CacheFile { path, written } = cache.clone();
            tracing::info!(path = %path.display(), "writing the content cache");
            let spawned = std::thread::Builder::new().name("content-cache".into()).spawn(move || {
                let started = Instant::now();
                match new_cache.write(&path) {
                    Ok(()) => tracing::info!(path = %path.display(), took_ms = started.elapsed().as_millis() as u64, "content cache written"),
                    Err(error) => tracing::warn!(path = %path.display(), %error, "cannot write the content cache (the next start loads every article)"),
                }
                written();
            });
            if let Err(error) = spawned {
                tracing::warn!(%error, "cannot start writing the content cache");
            }
        }
        Ok(store)
    }

    /// [`ContentSource::load`] again, taking the articles whose files did not change from
    /// `previous` (see [`ContentStore::reload`]).
    pub fn reload(&self, previous: &ContentStore) -> Result<ContentStore, ContentErrors> {
        self.checked(ContentStore::reload(&self.dir, &self.site_url, previous)?)
    }

    /// `store` as shown, once the newsletter's notes check against it.
    fn checked(&self, store: ContentStore) -> Result<ContentStore, ContentErrors> {
        let store = store.showing_unpublished(self.show_unpublished);
        crate::notes::check(&self.dir, &store).map_err(ContentErrors)?;
        Ok(store)
    }
}

/// A reload that kept the old content, and why.
#[derive(Clone, Debug)]
pub struct FailedReload {
    /// When it was tried.
    pub at: SystemTime,
    /// Every problem found, file, field and reason.
    pub errors: Vec<ContentError>,
}

/// What a successful reload loaded.
#[derive(Clone, Copy, Debug)]
pub struct Reloaded {
    /// Articles in the new content.
    pub articles: usize,
    /// Time to load, check and swap it in.
    pub took: Duration,
}

/// The content in use, and how to reload it.
pub struct LiveContent {
    source: ContentSource,
    current: RwLock<Arc<ContentStore>>,
    failed: RwLock<Option<FailedReload>>,
    /// Held by the reload in progress: two reloads at once would only race to the same files.
    reloading: Mutex<()>,
    /// Advanced by every reload, successful or not (see [`LiveContent::revision`]).
    revision: AtomicU64,
    /// True when a file watcher reloads on every change (development).
    watched: AtomicBool,
}

impl LiveContent {
    /// Loads `source` for the first time.
    pub fn load(source: ContentSource) -> Result<LiveContent, ContentErrors> {
        let store = source.load()?;
        Ok(LiveContent::new(store, source))
    }

    /// Serves `store`, already loaded from `source`.
    pub fn new(store: ContentStore, source: ContentSource) -> LiveContent {
        LiveContent {
            source,
            current: RwLock::new(Arc::new(store.numbered(1))),
            failed: RwLock::new(None),
            reloading: Mutex::new(()),
            revision: AtomicU64::new(1),
            watched: AtomicBool::new(false),
        }
    }

    /// The store in use: take it once per request and read everything from it.
    pub fn current(&self) -> Arc<ContentStore> {
        // A panic elsewhere while the lock was held cannot have left a half-written Arc.
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Where the content comes from.
    pub fn source(&self) -> &ContentSource {
        &self.source
    }

    /// Loads the folder again (blocking: seconds for a large catalogue; call it off the async
    /// threads). On success the new store replaces the old one; on errors the old one stays
    /// and the errors are kept for [`LiveContent::last_failure`] until a reload succeeds.
    pub fn reload(&self) -> Result<Reloaded, ContentErrors> {
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(PoisonError::into_inner);
        let started = Instant::now();
        let result = self.source.reload(&self.current());
        let outcome = match result {
            Ok(store) => {
                // Reloads run one at a time, so this is the revision this reload ends with.
                let store = store.numbered(self.revision.load(Ordering::SeqCst) + 1);
                let articles = store.article_count();
                let old = std::mem::replace(
                    &mut *self.current.write().unwrap_or_else(PoisonError::into_inner),
                    Arc::new(store),
                );
                *self.failed.write().unwrap_or_else(PoisonError::into_inner) = None;
                // The old store is freed here, outside the lock, unless a request still reads it.
                drop(old);
                Ok(Reloaded { articles, took: started.elapsed() })
            }
            Err(errors) => {
                let failure = FailedReload { at: SystemTime::now(), errors: errors.0.clone() };
                *self.failed.write().unwrap_or_else(PoisonError::into_inner) = Some(failure);
                Err(errors)
            }
        };
        // After the swap and the failure note: whoever sees the new revision sees both.
        self.revision.fetch_add(1, Ordering::SeqCst);
        outcome
    }

    /// The last reload, if it failed (the content in use is then the one before it).
    pub fn last_failure(&self) -> Option<FailedReload> {
        self.failed.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// A number that changes with every reload, failed ones too: whatever was derived from the
    /// content (cached pages, feeds) under another revision is out of date.
    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::SeqCst)
    }

    /// Marks the content as watched: pages then carry the script that reloads them after a
    /// change, and the banner of problems.
    pub fn set_watched(&self, watched: bool) {
        self.watched.store(watched, Ordering::SeqCst);
    }

    /// Whether a file watcher reloads the content on every change (development).
    pub fn is_watched(&self) -> bool {
        self.watched.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reload_swaps_good_content_and_keeps_the_old_on_errors() {
        let dir = crate::reload_tests::content_copy("live");
        let source = ContentSource {
            dir: dir.clone(),
            site_url: "https://x.example".into(),
            show_unpublished: false,
            cache: None,
        };
        let live = LiveContent::load(source).unwrap();
        let article = dir.join("articles/vitamin-d3-k2.md");
        let title = |live: &LiveContent| live.current().article_page("vitamin-d3-k2").unwrap().title.clone();
        let before = title(&live);
        let revision = live.revision();

        let text = std::fs::read_to_string(&article).unwrap();
        std::fs::write(
            &article,
            text.replacen(&format!("title = \"{before}\""), "title = \"Renamed while running\"", 1),
        )
        .unwrap();
        live.reload().unwrap();
        assert_eq!(title(&live), "Renamed while running");
        assert!(live.revision() > revision);

        std::fs::write(&article, text.replacen("author = ", "author_typo = ", 1)).unwrap();
        let errors = live.reload().unwrap_err();
        assert!(errors.0.iter().any(|error| error.file == article), "{errors}");
        assert_eq!(title(&live), "Renamed while running", "the last good content stays");
        assert!(live.last_failure().is_some_and(|failure| failure.errors == errors.0));

        std::fs::write(&article, &text).unwrap();
        live.reload().unwrap();
        assert_eq!(title(&live), before);
        assert!(live.last_failure().is_none(), "fixed: the failure is forgotten");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
