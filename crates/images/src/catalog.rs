//! The images in `content/images/`, read at each load: each file's kind, upright size and
//! content key, and for a photo its placeholder. A file unchanged since the last load (same
//! length and modification time) is taken from the earlier catalog without being read; a
//! photo's placeholder is kept in the derived-images folder, so a restart decodes no photo it
//! has seen before.

use crate::derive::{photo_dir, write_atomically};
use crate::probe::{self, Kind, Probed};
use nv_model::content::HeroImage;
use nv_model::images::{widths_for, Derived, Focus, Format, Shape, KEY_LEN};
use rayon::prelude::*;
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
    /// A photo's derived images whole (body images); `None` for an SVG. Its other shapes are
    /// worked out from it when asked for (a catalogue of photos keeps one per photo, not ten).
    pub derived: Option<Derived>,
}

impl ImageFacts {
    /// The photo's derived images in `shape`; `None` for an SVG.
    pub fn in_shape(&self, shape: Shape) -> Option<Derived> {
        let whole = self.derived.as_ref()?;
        Some(match shape {
            Shape::Whole => whole.clone(),
            Shape::Banner(focus) => Derived {
                key: banner_key(&self.key, focus),
                shape,
                widths: widths_for(shape.size(self.width, self.height).0),
                fallback: whole.fallback,
                placeholder: whole.placeholder.clone(),
            },
        })
    }

    /// Every shape a page can show the photo in: whole, and cut to the banner around each
    /// focus an editor can name (only those in use are made).
    fn shapes() -> impl Iterator<Item = Shape> {
        std::iter::once(Shape::Whole).chain(Focus::NAMED.iter().map(|&(_, focus)| Shape::Banner(focus)))
    }

    /// The key of the photo's derived images in `shape`.
    fn key_in(&self, shape: Shape) -> String {
        match shape {
            Shape::Whole => self.key.clone(),
            Shape::Banner(focus) => banner_key(&self.key, focus),
        }
    }

    /// The photo's derived images whose key is `key`.
    pub fn with_key(&self, key: &str) -> Option<Derived> {
        self.derived.as_ref()?;
        ImageFacts::shapes().find(|&shape| self.key_in(shape) == key).and_then(|shape| self.in_shape(shape))
    }
}

/// The content folder's images, by path relative to the content folder (`images/a.jpg`).
#[derive(Debug, Default)]
pub struct ImageCatalog {
    entries: HashMap<String, Arc<CatalogEntry>>,
    /// Each photo's path by the key of each of its shapes (as a number: ten per photo).
    by_key: HashMap<u64, Arc<str>>,
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
        // Spread over the cores (rayon): probing a photo decodes its header and hashes the file.
        let read: Vec<(String, Arc<CatalogEntry>)> = files
            .par_iter()
            .map(|file| {
                let relative = file.strip_prefix(content_dir).unwrap_or(file).to_string_lossy().replace('\\', "/");
                let metadata = std::fs::metadata(file).ok();
                let len = metadata.as_ref().map_or(0, |metadata| metadata.len());
                let modified = metadata.and_then(|metadata| metadata.modified().ok());
                let kept = earlier.and_then(|earlier| earlier.entries.get(&relative)).filter(|entry| {
                    entry.len == len && entry.modified.is_some() && entry.modified == modified && entry.file == *file
                });
                let entry = match kept {
                    Some(entry) => entry.clone(),
                    None => {
                        Arc::new(CatalogEntry { file: file.clone(), len, modified, facts: read_facts(file, store) })
                    }
                };
                (relative, entry)
            })
            .collect();
        let mut by_key = HashMap::new();
        for (relative, entry) in &read {
            let Ok(facts) = &entry.facts else { continue };
            if facts.derived.is_none() {
                continue;
            }
            let relative: Arc<str> = Arc::from(relative.as_str());
            for shape in ImageFacts::shapes() {
                if let Some(key) = key_number(&facts.key_in(shape)) {
                    by_key.insert(key, relative.clone());
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
    pub fn by_key(&self, key: &str) -> Option<(&str, &CatalogEntry, Derived)> {
        let relative = self.by_key.get(&key_number(key)?)?;
        let entry = self.entries.get(&**relative)?;
        Some((relative, entry, entry.facts.as_ref().ok()?.with_key(key)?))
    }

    /// The photo at `src` and its derived images in `shape`; `None` for an SVG or a file that
    /// is gone or unusable.
    pub fn photo(&self, src: &str, shape: Shape) -> Option<(&CatalogEntry, Derived)> {
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
        Ok(HeroImage { src: format!("/{}", src.trim_start_matches('/')), alt: alt.to_string(), width, height, derived })
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
        Kind::Raster { alpha } => Some(Derived {
            key: key.clone(),
            shape: Shape::Whole,
            widths: widths_for(width),
            fallback: if alpha { Format::Png } else { Format::Jpeg },
            placeholder: placeholder_for(&key, &bytes, store)?,
        }),
    };
    Ok(ImageFacts { key, width, height, derived })
}

/// The key of a photo's banner images around `focus`, from the key of its file.
fn banner_key(key: &str, focus: Focus) -> String {
    short_hash(&[b"banner", &[focus.x, focus.y], key.as_bytes()])
}

/// The derived images' key of a file with `bytes`.
pub fn content_key(bytes: &[u8]) -> String {
    short_hash(&[bytes])
}

/// The first [`KEY_LEN`] hex digits of the SHA-256 of the pipeline version and `parts`, in
/// order: keys change whenever images come out differently.
fn short_hash(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(PIPELINE_VERSION);
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().iter().take(KEY_LEN / 2).map(|byte| format!("{byte:02x}")).collect()
}

// A key's hex digits must fit in the number the catalog files it under.
const _: () = assert!(KEY_LEN <= 16);

/// A key's number (its hex digits read as one), how the catalog files it; `None` for anything
/// but [`KEY_LEN`] lowercase hex digits.
fn key_number(key: &str) -> Option<u64> {
    let hex = key.len() == KEY_LEN && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    hex.then(|| u64::from_str_radix(key, 16).ok()).flatten()
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
    if let Err(error) = write_atomically(&kept, placeholder.as_bytes()) {
        // Only the next start pays for it: it decodes the photo again.
        tracing::warn!(path = %kept.display(), %error, "cannot keep an image placeholder");
    }
    Ok(placeholder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{jpeg_with_exif, Exif};

    #[test]
    fn keys_stay_what_they_were_so_images_made_before_are_still_found() {
        // SHA-256 of the pipeline version and the parts, first 8 bytes as hex (as made by the
        // first release of this pipeline version).
        assert_eq!(content_key(b"abc"), "505c7453fed6d54b");
        assert_eq!(banner_key("0123456789abcdef", Focus::named("top").unwrap()), "5371d487101cf420");
        assert_eq!(key_number("0123456789abcdef"), Some(0x0123_4567_89ab_cdef));
        for not_a_key in ["0123456789ABCDEF", "+123456789abcdef", "0123456789abcde", "0123456789abcdeg"] {
            assert_eq!(key_number(not_a_key), None, "{not_a_key}");
        }
    }

    #[test]
    fn every_shape_of_a_photo_is_found_by_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("images")).unwrap();
        std::fs::write(content.join("images/photo.jpg"), jpeg_with_exif(1800, 1200, &Exif::default())).unwrap();
        std::fs::write(
            content.join("images/chart.svg"),
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>"#,
        )
        .unwrap();
        let catalog = ImageCatalog::scan(&content, None, &dir.path().join("store"));
        let mut keys = std::collections::HashSet::new();
        for shape in ImageFacts::shapes() {
            let (_, derived) = catalog.photo("images/photo.jpg", shape).expect("a photo");
            assert_eq!(derived.shape, shape);
            let (path, _, found) = catalog.by_key(&derived.key).expect("found by its key");
            assert_eq!((path, found), ("images/photo.jpg", derived.clone()));
            keys.insert(derived.key);
        }
        assert_eq!(keys.len(), 10, "whole and nine banners, each its own key");
        let banner = catalog.photo("images/photo.jpg", Shape::Banner(Focus::CENTER)).unwrap().1;
        assert_eq!(
            (banner.widths.last(), banner.fallback),
            (Some(&1800), Format::Jpeg),
            "the banner of 1800 × 1200 keeps its width (945 high)"
        );
        assert!(catalog.photo("images/chart.svg", Shape::Whole).is_none(), "an SVG has no derived images");
        assert!(catalog.by_key("0123456789abcdef").is_none());
    }
}
