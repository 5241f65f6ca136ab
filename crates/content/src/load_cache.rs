//! The content cache: every article as the last start-up loaded it, in one file in the data
//! dir, so that a restart parses, renders and grounds only the articles whose files changed
//! since (a 10,000-article catalogue: seconds of work at every start otherwise).
//!
//! An entry is used only when everything its result depends on is the same: the file's bytes
//! (fingerprint), the shared files and site URL (see [`super::reuse`]), and the code that turns
//! content into pages (`NV_CONTENT_CODE`, made by build.rs from this crate's sources, those of
//! the crates it uses and Cargo.lock). The checks that look past an article's own file run
//! again for every article.
//! The search index is kept whole beside the articles (see [`super::search`]'s `cached.rs`), so
//! that a restart takes it instead of building it: each cached article is found there by slug.
//! A missing, stale, truncated or unreadable cache is simply not used; deleting it is always safe.

use super::error::ContentError;
use super::reuse::{fingerprint, FileStat};
use super::search::SearchIndex;
use super::stored::StoredPage;
use nv_model::content::ArticlePage;
use nv_search::Synonyms;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Starts the file, with the version of this layout.
const MAGIC: &[u8; 8] = b"NVCACHE2";

/// The code fingerprint of this build (see build.rs).
const CODE: &str = env!("NV_CONTENT_CODE");

/// The file's index: what it was written by and for, and where each article is.
#[derive(Serialize, Deserialize)]
struct Index {
    code: String,
    shared: u64,
    /// Path, fingerprint of the file's bytes, its stat when trusted, where its entry lies
    /// (offset past the index, length) and the fingerprint of the entry's bytes (a damaged
    /// entry is not used).
    entries: Vec<(PathBuf, u64, Option<FileStat>, u64, u64, u64)>,
    /// Where the search index lies (offset past the index, length) and its fingerprint.
    search: (u64, u64, u64),
}

/// An entry's fixed-layout part; the compressed body follows it raw.
#[derive(Serialize)]
struct EntryRef<'a> {
    page: &'a ArticlePage,
    json_ld_len: u32,
    affiliate: bool,
    medical: bool,
    draft: bool,
    warnings: Vec<(&'a str, &'a str)>,
}

/// [`EntryRef`], read back.
#[derive(Deserialize)]
struct Entry {
    page: ArticlePage,
    json_ld_len: u32,
    affiliate: bool,
    medical: bool,
    draft: bool,
    warnings: Vec<(String, String)>,
}

/// An article as an entry of the cache.
pub(super) struct Blob(Vec<u8>);

/// One article, as loading it gave it.
pub(super) struct CachedArticle {
    pub page: StoredPage,
    pub draft: bool,
    pub warnings: Vec<ContentError>,
}

impl Blob {
    /// The entry for an article: its page, draft flag and warnings (its search entry is in
    /// the index the cache keeps).
    pub fn encode(page: &StoredPage, draft: bool, warnings: &[ContentError]) -> Option<Blob> {
        let (meta, body, json_ld_len, affiliate, medical) = page.cache_parts();
        let warnings = warnings.iter().map(|warning| (warning.field.as_str(), warning.reason.as_str())).collect();
        let head =
            postcard::to_stdvec(&EntryRef { page: meta, json_ld_len, affiliate, medical, draft, warnings }).ok()?;
        let mut bytes = Vec::with_capacity(4 + head.len() + body.len());
        bytes.extend_from_slice(&(head.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&head);
        bytes.extend_from_slice(body);
        Some(Blob(bytes))
    }

    /// The article this entry holds, for the file at `path`; `None` if the entry does not read.
    pub fn decode(&self, path: &Path) -> Option<CachedArticle> {
        let (head, body) = split_sized(&self.0)?;
        let entry: Entry = postcard::from_bytes(head).ok()?;
        Some(CachedArticle {
            page: StoredPage::from_cache(entry.page, body.into(), entry.json_ld_len, entry.affiliate, entry.medical),
            draft: entry.draft,
            warnings: entry
                .warnings
                .into_iter()
                .map(|(field, reason)| ContentError::new(path, field, reason))
                .collect(),
        })
    }
}

/// The bytes after a little-endian `u32` length, split at that length.
fn split_sized(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (size, rest) = bytes.split_first_chunk::<4>()?;
    let size = u32::from_le_bytes(*size) as usize;
    (size <= rest.len()).then(|| rest.split_at(size))
}

/// A cache file opened for reading.
pub struct LoadCache {
    file: File,
    /// Where the entries start.
    base: u64,
    entries: HashMap<PathBuf, (u64, Option<FileStat>, u64, u64, u64)>,
    /// The search index it keeps, until the load takes it.
    search: Option<SearchIndex>,
    /// Each article's place in that index, by slug.
    indexed: HashMap<String, usize>,
}

impl LoadCache {
    /// The cache at `path`, if it exists, was written by this code for the shared files with
    /// fingerprint `shared`, and its search index reads (made with the editors' `synonyms`).
    pub(super) fn open(path: &Path, shared: u64, synonyms: &Synonyms) -> Option<LoadCache> {
        let file = File::open(path).ok()?;
        let mut head = [0u8; 16];
        file.read_exact_at(&mut head, 0).ok()?;
        let (magic, size) = head.split_at(8);
        if magic != MAGIC {
            return None;
        }
        let size = u64::from_le_bytes(size.try_into().ok()?);
        let mut index = vec![0u8; usize::try_from(size).ok().filter(|&size| size < 1 << 30)?];
        file.read_exact_at(&mut index, 16).ok()?;
        let index: Index = postcard::from_bytes(&index).ok()?;
        if index.code != CODE || index.shared != shared {
            return None;
        }
        let entries = index
            .entries
            .into_iter()
            .map(|(path, bytes, stat, offset, len, sum)| (path, (bytes, stat, offset, len, sum)))
            .collect();
        let mut cache = LoadCache { file, base: 16 + size, entries, search: None, indexed: HashMap::new() };
        let (offset, len, sum) = index.search;
        let search =
            SearchIndex::decode(FileAt { file: &cache.file, at: cache.base + offset }.take(len), sum, synonyms)?;
        cache.indexed = search.slugs().enumerate().map(|(at, slug)| (slug.to_string(), at)).collect();
        cache.search = Some(search);
        Some(cache)
    }

    /// Where the article `slug` is in the search index the cache keeps.
    pub(super) fn indexed(&self, slug: &str) -> Option<usize> {
        self.indexed.get(slug).copied()
    }

    /// The search index the cache keeps (once).
    pub(super) fn take_search(&mut self) -> Option<SearchIndex> {
        self.search.take()
    }

    /// The fingerprint of the bytes of the file at `path` when the cache was written, if its
    /// stat is still `stat` (see [`FileStat`]).
    pub(super) fn fingerprint_by_stat(&self, path: &Path, stat: FileStat) -> Option<u64> {
        self.entries.get(path).filter(|(_, before, ..)| *before == Some(stat)).map(|(bytes, ..)| *bytes)
    }

    /// The entry of the file at `path`, and where it lies, if the file's bytes still have
    /// fingerprint `bytes`.
    pub(super) fn blob(&self, path: &Path, bytes: u64) -> Option<(Blob, Placed)> {
        let &(file_bytes, _, offset, len, sum) = self.entries.get(path)?;
        if file_bytes != bytes {
            return None;
        }
        let placed = Placed { offset, len, sum };
        let blob = self.read(placed).ok()?;
        (fingerprint(&blob.0) == sum).then_some((blob, placed))
    }

    fn read(&self, placed: Placed) -> std::io::Result<Blob> {
        let mut blob = vec![0u8; usize::try_from(placed.len).map_err(std::io::Error::other)?];
        self.file.read_exact_at(&mut blob, self.base + placed.offset)?;
        Ok(Blob(blob))
    }

    /// How many articles it holds.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// A file read from `at` on, by position (it leaves the file's own position alone).
struct FileAt<'a> {
    file: &'a File,
    at: u64,
}

impl std::io::Read for FileAt<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.file.read_at(buffer, self.at)?;
        self.at += read as u64;
        Ok(read)
    }
}

/// Where an entry lies in a cache file, and the fingerprint of its bytes.
#[derive(Clone, Copy, Debug)]
pub(super) struct Placed {
    offset: u64,
    len: u64,
    sum: u64,
}

/// An entry of a cache to write.
pub(super) enum NewEntry {
    /// Made by this load.
    Made(Blob),
    /// Taken over from the cache this load started from, where it lies here (copied from that
    /// file when the new one is written, not kept in memory meanwhile).
    Kept(Placed),
}

/// A cache to write: every article of a successful load, with what it was loaded from.
pub struct NewCache {
    shared: u64,
    entries: Vec<(PathBuf, u64, Option<FileStat>, NewEntry)>,
    /// The cache the load started from, which [`NewEntry::Kept`] entries are copied from.
    from: Option<LoadCache>,
    /// The load's search index.
    search: Arc<SearchIndex>,
}

impl NewCache {
    pub(super) fn new(
        shared: u64,
        entries: Vec<(PathBuf, u64, Option<FileStat>, NewEntry)>,
        from: Option<LoadCache>,
        search: Arc<SearchIndex>,
    ) -> NewCache {
        NewCache { shared, entries, from, search }
    }

    /// Writes it to `path`, whole or not at all (a temporary file renamed over the old one).
    pub fn write(self, path: &Path) -> std::io::Result<()> {
        let mut offset = 0;
        let mut index = Vec::with_capacity(self.entries.len());
        for (file, bytes, stat, entry) in &self.entries {
            let (len, sum) = match entry {
                NewEntry::Made(blob) => (blob.0.len() as u64, fingerprint(&blob.0)),
                NewEntry::Kept(placed) => (placed.len, placed.sum),
            };
            index.push((file.clone(), *bytes, *stat, offset, len, sum));
            offset += len;
        }
        let (search, sum) =
            self.search.encode().ok_or_else(|| std::io::Error::other("the search index does not encode"))?;
        let search_at = (offset, search.len() as u64, sum);
        let index = Index { code: CODE.to_string(), shared: self.shared, entries: index, search: search_at };
        let index = postcard::to_stdvec(&index).map_err(std::io::Error::other)?;
        let temporary = path.with_extension("tmp");
        let mut out = BufWriter::new(File::create(&temporary)?);
        out.write_all(MAGIC)?;
        out.write_all(&(index.len() as u64).to_le_bytes())?;
        out.write_all(&index)?;
        for (_, _, _, entry) in self.entries {
            match entry {
                NewEntry::Made(blob) => out.write_all(&blob.0)?,
                NewEntry::Kept(placed) => {
                    let from = self.from.as_ref().ok_or_else(|| std::io::Error::other("no cache to copy from"))?;
                    out.write_all(&from.read(placed)?.0)?;
                }
            }
        }
        out.write_all(&search)?;
        out.into_inner().map_err(|error| error.into_error())?.sync_all()?;
        std::fs::rename(&temporary, path)
    }
}
