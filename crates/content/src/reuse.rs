//! What a reload may take from the store before it: an article whose file holds the same bytes,
//! loaded with the same shared files (authors, categories, affiliate hosts) and site URL, comes out
//! of loading exactly as before, so it is not parsed, rendered and grounded again. Only the
//! checks that look past the article's own file (its hero image, duplicate slugs, tips that
//! link to it) run again for it.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The shared files an article's load reads (its author and reviewer, its category) in full;
/// of `site.toml` it reads only the affiliate hosts (the site-wide texts are kept apart from
/// the articles and joined when a page is rendered). A change to these reloads every article.
const SHARED_FILES: [&str; 2] = ["authors.toml", "categories.toml"];

/// What each article of a store was loaded from.
#[derive(Clone, Debug, Default)]
pub(super) struct Origins {
    /// Fingerprint of the shared files and the site URL.
    shared: u64,
    /// Per article file: the fingerprint of its bytes, the slug it loaded as, and its stat
    /// when that can be trusted.
    files: HashMap<PathBuf, (u64, String, Option<FileStat>)>,
}

impl Origins {
    /// Origins of a load against shared files with fingerprint `shared` (see [`shared_fingerprint`]).
    pub fn new(shared: u64) -> Origins {
        Origins { shared, files: HashMap::new() }
    }

    /// Records that `path`, with bytes of fingerprint `bytes` and stat `stat`, loaded as the
    /// article `slug`.
    pub fn insert(&mut self, path: PathBuf, bytes: u64, stat: Option<FileStat>, slug: String) {
        self.files.insert(path, (bytes, slug, stat));
    }

    /// The fingerprint of `path`'s bytes, without reading them, if its stat is still `stat`.
    pub fn fingerprint_by_stat(&self, path: &Path, stat: FileStat) -> Option<u64> {
        self.files.get(path).filter(|(_, _, before)| *before == Some(stat)).map(|(bytes, ..)| *bytes)
    }

    /// The slug `path` loaded as, if these origins were loaded against the same shared files
    /// (`shared`) and the file's bytes still have fingerprint `bytes`.
    pub fn unchanged(&self, shared: u64, path: &Path, bytes: u64) -> Option<&str> {
        match self.files.get(path) {
            Some((before, slug, _)) if self.shared == shared && *before == bytes => Some(slug),
            _ => None,
        }
    }
}

/// What `stat` tells of an article file. The same stat means the same bytes, as git's index
/// trusts it: every write moves the change time, which no tool can set back. A reload or a
/// restart of 10,000 articles then reads only the files that changed (reading all of them, about
/// 60 MB, was a third of a reload's time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct FileStat {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
    device: u64,
}

/// How long before a load a file must have last changed for its stat to be trusted: a write in
/// the same tick of a coarse file-system clock as the load's read would not show in the stat.
const SETTLED: Duration = Duration::from_secs(2);

impl FileStat {
    /// The stat of `path` (taken before its bytes are read), if it last changed at least
    /// [`SETTLED`] before `since`, the start of the load.
    pub fn of(path: &Path, since: SystemTime) -> Option<FileStat> {
        let metadata = std::fs::metadata(path).ok()?;
        let settled = since.checked_sub(SETTLED)?.duration_since(UNIX_EPOCH).ok()?;
        let settled = (i64::try_from(settled.as_secs()).ok()?, i64::from(settled.subsec_nanos()));
        let stat = FileStat {
            len: metadata.len(),
            modified: (metadata.mtime(), metadata.mtime_nsec()),
            changed: (metadata.ctime(), metadata.ctime_nsec()),
            inode: metadata.ino(),
            device: metadata.dev(),
        };
        (stat.modified < settled && stat.changed < settled).then_some(stat)
    }
}

/// A fingerprint of `bytes` (64 bits: an edit that keeps it is not a practical worry).
pub(super) fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hasher = foldhash::quality::FixedState::with_seed(0x6e76_636f_6e74_656e).build_hasher();
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

/// A fingerprint of what every article's load depends on besides its own file: the shared
/// files under `dir` (a missing one counts as empty), `site.toml`'s `affiliate_hosts` and `site_url`.
pub(super) fn shared_fingerprint(dir: &Path, site_url: &str, affiliate_hosts: &[String]) -> u64 {
    let mut all = Vec::new();
    for name in SHARED_FILES {
        let bytes = std::fs::read(dir.join(name)).unwrap_or_default();
        all.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        all.extend_from_slice(&bytes);
    }
    for host in affiliate_hosts {
        all.extend_from_slice(&(host.len() as u64).to_le_bytes());
        all.extend_from_slice(host.as_bytes());
    }
    all.extend_from_slice(site_url.as_bytes());
    fingerprint(&all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_is_unchanged_only_with_the_same_bytes_and_shared_files() {
        let mut origins = Origins::new(7);
        origins.insert(PathBuf::from("a.md"), fingerprint(b"one"), None, "a".into());
        assert_eq!(origins.unchanged(7, Path::new("a.md"), fingerprint(b"one")), Some("a"));
        assert_eq!(origins.unchanged(7, Path::new("a.md"), fingerprint(b"one!")), None, "edited");
        assert_eq!(origins.unchanged(8, Path::new("a.md"), fingerprint(b"one")), None, "shared files edited");
        assert_eq!(origins.unchanged(7, Path::new("b.md"), fingerprint(b"one")), None, "another file");
    }
}
