//! The images in `content/images/`, read at each load: each file's kind, upright size and
//! content key, and for a photo its placeholder. A file unchanged since the last load (same
//! length and modification time) is taken from the earlier catalog without being read; a
//! photo's placeholder is kept in the derived-images folder, so a restart decodes no photo it
//! has seen before.

use super::probe::{self, Kind, Probed};
use crate::content::api::HeroImage;
use crate::images::{widths_for, Derived, Format, KEY_LEN};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// Changes whenever derived images come out differently (sizes, formats, quality): part of
/// every key, so that no browser keeps an image made the old way.
const PIPELINE_VERSION: &[u8] = b"nourishvibes-images-2";

/// File name extensions looked at under `images/`.
const IMAGE_EXTENSIONS: [&str; 6] = ["svg", "jpg", "jpeg", "png", "webp", "gif"];

/// One file of `images/`, as read at load.
#[derive(Debug)]
pub struct CatalogEntry {
    /// The file.
    pub file: PathBuf,
    /// Its length in bytes.
    pub len: u64,
    modified: Option<SystemTime>,
    /// What it is, or why it cannot be served.
    pub facts: Result<ImageFacts, String>,
}

/// What pages need to know of a usable image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageFacts {
    /// A hash of the file's bytes (see [`Derived::key`]).
    pub key: String,
    /// Width as shown, 0 for an SVG that declares no size.
    pub width: u32,
    /// Height as shown.
    pub height: u32,
    /// A photo's derived images; `None` for an SVG.
    pub derived: Option<Derived>,
}

/// The content folder's images, by path relative to the content folder (`images/a.jpg`).
#[derive(Debug, Default)]
pub struct ImageCatalog {
    entries: HashMap<String, Arc<CatalogEntry>>,
    by_key: HashMap<String, String>,
    /// Where derived images and placeholders are kept.
    store: PathBuf,
}

impl ImageCatalog {
    /// Reads `content_dir/images`, taking unchanged files from `earlier`; photos' derived
    /// images and placeholders are kept under `store`.
    pub fn scan(content_dir: &Path, earlier: Option<&ImageCatalog>, store: &Path) -> ImageCatalog {
        let mut files = Vec::new();
        list_files(&content_dir.join("images"), &mut files);
        files.sort();
        let read = crate::content::server::parallel::parallel_map(&files, |file| {
            let relative = file.strip_prefix(content_dir).unwrap_or(file).to_string_lossy().replace('\\', "/");
            let metadata = std::fs::metadata(file).ok();
            let len = metadata.as_ref().map_or(0, |metadata| metadata.len());
            let modified = metadata.and_then(|metadata| metadata.modified().ok());
            let kept = earlier.and_then(|earlier| earlier.entries.get(&relative)).filter(|entry| {
                entry.len == len && entry.modified.is_some() && entry.modified == modified && entry.file == *file
            });
            let entry = match kept {
                Some(entry) => entry.clone(),
                None => Arc::new(CatalogEntry { file: file.clone(), len, modified, facts: read_facts(file, store) }),
            };
            (relative, entry)
        });
        let mut by_key = HashMap::new();
        for (relative, entry) in &read {
            if let Ok(facts) = &entry.facts {
                by_key.insert(facts.key.clone(), relative.clone());
            }
        }
        ImageCatalog { entries: read.into_iter().collect(), by_key, store: store.to_path_buf() }
    }

    /// An empty catalog (content without an `images/` folder, tests).
    pub fn empty() -> ImageCatalog {
        ImageCatalog::default()
    }

    /// The file at `src` (`images/a.jpg`, a leading `/` allowed).
    pub fn get(&self, src: &str) -> Option<&CatalogEntry> {
        self.entries.get(src.trim_start_matches('/')).map(|entry| &**entry)
    }

    /// The photo whose derived images have `key`, and its path.
    pub fn by_key(&self, key: &str) -> Option<(&str, &CatalogEntry)> {
        let relative = self.by_key.get(key)?;
        Some((relative, self.entries.get(relative)?))
    }

    /// Every usable photo (what the background work derives images for).
    pub fn photos(&self) -> impl Iterator<Item = (&CatalogEntry, &Derived)> {
        self.entries.values().filter_map(|entry| Some((&**entry, entry.facts.as_ref().ok()?.derived.as_ref()?)))
    }

    /// Where derived images and placeholders are kept.
    pub fn store(&self) -> &Path {
        &self.store
    }

    /// The image at `src` with `alt` as a page shows it; for an SVG without a declared size,
    /// `size` (from the front matter) gives it. The reason when it cannot be shown.
    pub fn image(&self, src: &str, alt: &str, size: Option<(u32, u32)>) -> Result<HeroImage, String> {
        let entry = self.get(src).ok_or_else(|| format!("`{src}` does not exist under `images/`"))?;
        let facts = entry.facts.as_ref().map_err(|reason| format!("`{src}` {reason}"))?;
        let (width, height) = match (facts.derived.is_none(), size) {
            (true, Some(size)) => size,
            _ => (facts.width, facts.height),
        };
        if width == 0 || height == 0 {
            return Err(format!("`{src}` declares no size: give the SVG a viewBox, or set width and height"));
        }
        Ok(HeroImage {
            src: format!("/{}", src.trim_start_matches('/')),
            alt: alt.to_string(),
            width,
            height,
            derived: facts.derived.clone(),
        })
    }

    /// The key of the file at `src` now (`None` when it is gone or unusable): an article that
    /// uses it is loaded again when this changed.
    pub fn key_of(&self, src: &str) -> Option<&str> {
        Some(self.get(src)?.facts.as_ref().ok()?.key.as_str())
    }
}

/// Every file with an image extension under `dir`, in subfolders too; dotfiles are skipped.
fn list_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else { return };
    for entry in read.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            list_files(&path, out);
        } else if path
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(|extension| IMAGE_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
}

/// Reads one file: its key, kind and size, and for a photo its placeholder (from `store`, or
/// made and kept there).
fn read_facts(file: &Path, store: &Path) -> Result<ImageFacts, String> {
    let bytes = std::fs::read(file).map_err(|error| format!("cannot be read: {error}"))?;
    let key = content_key(&bytes);
    let Probed { kind, width, height } = probe::probe(&bytes)?;
    let derived = match kind {
        Kind::Svg => None,
        Kind::Raster { alpha } => {
            let placeholder = placeholder_for(&key, &bytes, store)?;
            Some(Derived {
                key: key.clone(),
                widths: widths_for(width),
                fallback: if alpha { Format::Png } else { Format::Jpeg },
                placeholder,
            })
        }
    };
    Ok(ImageFacts { key, width, height, derived })
}

/// The derived images' key of a file with `bytes`.
pub fn content_key(bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(PIPELINE_VERSION);
    hasher.update(bytes);
    hasher.finalize().iter().take(KEY_LEN / 2).map(|byte| format!("{byte:02x}")).collect()
}

/// The folder of one photo's derived images in `store`.
pub fn photo_dir(store: &Path, key: &str) -> PathBuf {
    store.join(key)
}

/// The placeholder of the photo with `key`: kept from before, or decoded now (the one decode a
/// load does, once per new photo) and kept.
fn placeholder_for(key: &str, bytes: &[u8], store: &Path) -> Result<String, String> {
    let kept = photo_dir(store, key).join("placeholder");
    if let Ok(text) = std::fs::read_to_string(&kept) {
        if text.starts_with("data:image/") {
            return Ok(text);
        }
    }
    let image = probe::decode(bytes)?;
    let placeholder = probe::placeholder(&image);
    if let Err(error) = super::derive::write_atomically(&kept, placeholder.as_bytes()) {
        // Only the next start pays for it: it decodes the photo again.
        tracing::warn!(path = %kept.display(), %error, "cannot keep an image placeholder");
    }
    Ok(placeholder)
}
