//! The images in `content/images/`, read at each load: each file's kind, upright size and
//! content key, and for a photo its placeholder. A file unchanged since the last load (same
//! length and modification time) is taken from the earlier catalog without being read; a
//! photo's placeholder is kept in the derived-images folder, so a restart decodes no photo it
//! has seen before.

use super::probe::{self, Kind, Probed};
use crate::content::api::HeroImage;
use crate::images::{widths_for, Derived, Focus, Format, Shape, KEY_LEN};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// Changes whenever derived images come out differently (sizes, formats, quality): part of
/// every key, so that no browser keeps an image made the old way.
const PIPELINE_VERSION: &[u8] = b"nourishvibes-images-3";

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
    /// A photo's derived images whole (body images); `None` for an SVG.
    pub derived: Option<Derived>,
    /// A photo's derived images cut to the banner box (heroes and cards), one per focus an
    /// editor can name (only those a hero uses are made); empty for an SVG.
    pub banners: Vec<Derived>,
}

impl ImageFacts {
    /// The photo's derived images in `shape`; `None` for an SVG.
    pub fn in_shape(&self, shape: Shape) -> Option<&Derived> {
        match shape {
            Shape::Whole => self.derived.as_ref(),
            Shape::Banner(_) => self.banners.iter().find(|banner| banner.shape == shape),
        }
    }

    /// The photo's derived images whose key is `key`.
    pub fn with_key(&self, key: &str) -> Option<&Derived> {
        self.derived.iter().chain(&self.banners).find(|derived| derived.key == key)
    }
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
                for derived in facts.derived.iter().chain(&facts.banners) {
                    by_key.insert(derived.key.clone(), relative.clone());
                }
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

    /// The photo one of whose shapes has derived images with `key`, its path and those images.
    pub fn by_key(&self, key: &str) -> Option<(&str, &CatalogEntry, &Derived)> {
        let relative = self.by_key.get(key)?;
        let entry = self.entries.get(relative)?;
        Some((relative, entry, entry.facts.as_ref().ok()?.with_key(key)?))
    }

    /// The photo at `src` and its derived images in `shape`; `None` for an SVG or a file that
    /// is gone or unusable.
    pub fn photo(&self, src: &str, shape: Shape) -> Option<(&CatalogEntry, &Derived)> {
        let entry = self.get(src)?;
        Some((entry, entry.facts.as_ref().ok()?.in_shape(shape)?))
    }

    /// Where derived images and placeholders are kept.
    pub fn store(&self) -> &Path {
        &self.store
    }

    /// The image at `src` with `alt` as a page shows it, a photo in `shape`; for an SVG without
    /// a declared size, `size` (from the front matter) gives it. The reason when it cannot be
    /// shown.
    pub fn image(&self, src: &str, alt: &str, size: Option<(u32, u32)>, shape: Shape) -> Result<HeroImage, String> {
        let entry = self.get(src).ok_or_else(|| format!("`{src}` does not exist under `images/`"))?;
        let facts = entry.facts.as_ref().map_err(|reason| format!("`{src}` {reason}"))?;
        let derived = facts.in_shape(shape);
        let (width, height) = match (derived.is_none(), size) {
            (true, Some(size)) => size,
            (true, None) => (facts.width, facts.height),
            (false, _) => shape.size(facts.width, facts.height),
        };
        if width == 0 || height == 0 {
            return Err(format!("`{src}` declares no size: give the SVG a viewBox, or set width and height"));
        }
        Ok(HeroImage {
            src: format!("/{}", src.trim_start_matches('/')),
            alt: alt.to_string(),
            width,
            height,
            derived: derived.cloned(),
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
    let (derived, banners) = match kind {
        Kind::Svg => (None, Vec::new()),
        Kind::Raster { alpha } => {
            let placeholder = placeholder_for(&key, &bytes, store)?;
            let in_shape = |shape: Shape, key: String| Derived {
                key,
                shape,
                widths: widths_for(shape.size(width, height).0),
                fallback: if alpha { Format::Png } else { Format::Jpeg },
                placeholder: placeholder.clone(),
            };
            let banners = Focus::NAMED
                .iter()
                .map(|&(_, focus)| in_shape(Shape::Banner(focus), banner_key(&key, focus)))
                .collect();
            (Some(in_shape(Shape::Whole, key.clone())), banners)
        }
    };
    Ok(ImageFacts { key, width, height, derived, banners })
}

/// The key of a photo's banner images around `focus`, from the key of its file.
fn banner_key(key: &str, focus: Focus) -> String {
    let mut hasher = Sha256::new();
    hasher.update(PIPELINE_VERSION);
    hasher.update(b"banner");
    hasher.update([focus.x, focus.y]);
    hasher.update(key.as_bytes());
    hasher.finalize().iter().take(KEY_LEN / 2).map(|byte| format!("{byte:02x}")).collect()
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
