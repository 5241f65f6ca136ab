//! Link-preview images: most networks ignore SVG, so each article gets a 1200×630 image made
//! from its hero and title with resvg: a PNG for SVG art, a JPEG for a photo (upright, from its
//! derived image, so none of the camera's metadata goes out). Rendered on the first request for it, one at a time, and
//! kept in memory up to a limit. Only public articles have one: the image of a draft or of an
//! article scheduled for later is a 404 (its title is not out yet), unless drafts are shown.
//!
//! Not rendered ahead: for a 1,000-article catalogue that took 52-54 s of CPU after every start
//! (a core taken from the requests arriving then, or at the lowest priority still 350 MB more
//! resident memory), for images only link-preview crawlers ask for, once per shared article.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use nv_content::dates::Date;
use nv_content::live::LiveContent;
use nv_images::derive::{fallback_at_least, jpeg_from_rgba};
use nv_model::content::share_image_extension;
use nv_model::escape::escape;
use nv_model::images::Derived;
use nv_model::urls::share_image_path;
use resvg::{tiny_skia, usvg};
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// Width of a share image in pixels (the size Open Graph and X recommend).
pub const WIDTH: u32 = 1200;
/// Height of a share image in pixels.
pub const HEIGHT: u32 = 630;
const TITLE_LINE_CHARS: usize = 34;
/// PNG bytes kept in memory: an image is 150-220 KB, so about 250 images; past this the image
/// rendered longest ago goes, to be rendered again (about 60 ms) if it is asked for again.
const MAX_KEPT_BYTES: usize = 48 * 1024 * 1024;

/// What one article's image is made from.
#[derive(Clone, Debug)]
struct Source {
    title: String,
    hero_file: PathBuf,
    /// The hero photo's derived images and where they are kept; `None` for SVG art.
    photo: Option<(Derived, PathBuf)>,
}

/// One rendered image and its validator.
#[derive(Clone, Debug)]
struct Rendered {
    png: Bytes,
    content_type: &'static str,
    etag: HeaderValue,
}

/// The images kept, by slug, and the order they came in.
#[derive(Debug, Default)]
struct Kept {
    /// The content generation they were rendered from: a reload may change any title or hero.
    generation: u64,
    images: HashMap<String, Rendered>,
    order: VecDeque<String>,
    bytes: usize,
}

impl Kept {
    /// Keeps `image` for `slug`, then lets the oldest go until at most `max_bytes` are kept.
    fn insert(&mut self, slug: &str, image: Rendered, max_bytes: usize) {
        self.bytes += image.png.len();
        match self.images.insert(slug.to_string(), image) {
            Some(previous) => self.bytes = self.bytes.saturating_sub(previous.png.len()),
            None => self.order.push_back(slug.to_string()),
        }
        while self.bytes > max_bytes {
            let Some(oldest) = self.order.pop_front() else { break };
            if let Some(evicted) = self.images.remove(&oldest) {
                self.bytes = self.bytes.saturating_sub(evicted.png.len());
            }
        }
    }
}

/// The share images of the articles: the content they are made from, and the PNGs rendered
/// so far from its current generation.
#[derive(Clone)]
pub struct ShareImages {
    /// What is public and each article's title and hero, asked on each request: a scheduled
    /// article becomes public on its day, and a reload may change anything.
    live: Arc<LiveContent>,
    content_dir: PathBuf,
    kept: Arc<RwLock<Kept>>,
    /// Held while rendering: a burst of requests for new images takes one core, not every core.
    rendering: Arc<Mutex<()>>,
    fonts: Arc<usvg::fontdb::Database>,
}

impl ShareImages {
    /// Prepares images for the articles of `live`; hero paths are relative to `content_dir`.
    pub fn new(live: &Arc<LiveContent>, content_dir: &std::path::Path) -> ShareImages {
        let mut fonts = usvg::fontdb::Database::new();
        fonts.load_system_fonts();
        // Hero art asks for `system-ui, sans-serif`; map the generic family to a font we have.
        let installed = |family: &str| fonts.faces().any(|face| face.families.iter().any(|(name, _)| name == family));
        if let Some(family) = ["DejaVu Sans", "Liberation Sans", "Lato"].into_iter().find(|family| installed(family)) {
            fonts.set_sans_serif_family(family);
        }
        if fonts.is_empty() {
            tracing::warn!("no system fonts found: share images will have no title text");
        }
        ShareImages {
            live: live.clone(),
            content_dir: content_dir.to_path_buf(),
            kept: Arc::default(),
            rendering: Arc::default(),
            fonts: Arc::new(fonts),
        }
    }

    /// The image for `slug` rendered from content `generation`, if it is kept.
    fn kept(&self, generation: u64, slug: &str) -> Option<Rendered> {
        let kept = self.kept.read().ok()?;
        (kept.generation == generation).then(|| kept.images.get(slug).cloned()).flatten()
    }

    /// The image for `slug` in the content in use, rendered if it is not kept (call from a
    /// blocking task); `None` for an unknown slug or a failed render.
    fn image(&self, slug: &str) -> Option<Rendered> {
        let content = self.live.current();
        let generation = content.generation();
        if let Some(image) = self.kept(generation, slug) {
            return Some(image);
        }
        let page = content.article_meta(slug)?;
        let hero_file = self.content_dir.join(page.hero.src.trim_start_matches('/'));
        let photo = page.hero.derived.clone().map(|derived| (derived, content.images().store().to_path_buf()));
        let source = Source { title: page.title.clone(), hero_file, photo };
        // A render that panicked left nothing half-done behind this lock: carry on.
        let _turn = self.rendering.lock().unwrap_or_else(PoisonError::into_inner);
        // Requests for the same new image wait here together: the first renders it for all.
        if let Some(image) = self.kept(generation, slug) {
            return Some(image);
        }
        let content_type = if source.photo.is_some() { "image/jpeg" } else { "image/png" };
        let png = match render(&source, &self.fonts) {
            Ok(png) => Bytes::from(png),
            Err(error) => {
                tracing::error!(slug, %error, "share image could not be rendered");
                return None;
            }
        };
        let etag = crate::etag::etag(&png);
        let image = Rendered { png, content_type, etag };
        if let Ok(mut kept) = self.kept.write() {
            if kept.generation < generation {
                // The first image since a reload: the ones kept show the old content.
                *kept = Kept { generation, ..Kept::default() };
            }
            if kept.generation == generation {
                kept.insert(slug, image.clone(), MAX_KEPT_BYTES);
            }
        }
        Some(image)
    }
}

/// `GET /share/{slug}.png` (SVG hero) or `/share/{slug}.jpg` (photo hero).
pub async fn serve(State(images): State<ShareImages>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some((slug, _)) = file.rsplit_once('.') else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let slug = slug.to_string();
    let content = images.live.current();
    if !content.is_public(&slug, Date::today_utc()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    // One URL per image: the one the page names.
    let named = content
        .article_meta(&slug)
        .is_some_and(|page| share_image_path(&slug, share_image_extension(&page.hero)) == format!("/share/{file}"));
    if !named {
        return StatusCode::NOT_FOUND.into_response();
    }
    let image = match images.kept(content.generation(), &slug) {
        Some(image) => Some(image),
        None => tokio::task::spawn_blocking(move || images.image(&slug)).await.ok().flatten(),
    };
    let Some(Rendered { png, content_type, etag }) = image else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if crate::etag::revalidates(&headers, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut response = png.into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    response_headers.insert(header::ETAG, etag);
    response
}

/// Quality of share cards made from photos (a 1200×630 card is about 100-150 KB).
const SHARE_JPEG_QUALITY: u8 = 85;

fn render(source: &Source, fonts: &Arc<usvg::fontdb::Database>) -> Result<Vec<u8>, String> {
    let (hero, hero_type) = match &source.photo {
        Some((derived, store)) => (
            fallback_at_least(&source.hero_file, derived, store, WIDTH)
                .map_err(|error| format!("{}: {error}", source.hero_file.display()))?,
            derived.fallback.mime(),
        ),
        None => (
            std::fs::read(&source.hero_file).map_err(|error| format!("{}: {error}", source.hero_file.display()))?,
            "image/svg+xml",
        ),
    };
    let svg = compose(&source.title, hero_type, &STANDARD.encode(&hero));
    let options = usvg::Options { fontdb: fonts.clone(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|error| error.to_string())?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("cannot allocate the image")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    match source.photo {
        // The card is opaque: its premultiplied pixels are plain RGBA.
        Some(_) => jpeg_from_rgba(pixmap.data(), WIDTH, HEIGHT, SHARE_JPEG_QUALITY),
        None => pixmap.encode_png().map_err(|error| error.to_string()),
    }
}

/// The SVG of the card: hero art above, a band with the title and the brand below.
fn compose(title: &str, hero_type: &str, hero_base64: &str) -> String {
    let lines = wrap(title, TITLE_LINE_CHARS);
    // Up to three 60 px lines; the last sits at y = 530, just above the brand line.
    let first_baseline = 530 - 60 * (lines.len().clamp(1, 3) as i32 - 1);
    let title_lines: String = lines
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, line)| {
            format!(
                r##"<text x="64" y="{}" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="52" font-weight="bold" fill="#ffffff">{}</text>"##,
                first_baseline + 60 * i as i32,
                escape(line)
            )
        })
        .collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">
<rect width="{WIDTH}" height="{HEIGHT}" fill="#ecfdf5"/>
<image x="0" y="0" width="{WIDTH}" height="{HEIGHT}" preserveAspectRatio="xMidYMid slice" xlink:href="data:{hero_type};base64,{hero_base64}"/>
<rect x="0" y="360" width="{WIDTH}" height="270" fill="#0b3b37" fill-opacity="0.92"/>
{title_lines}
<circle cx="82" cy="580" r="16" fill="#0f766e" stroke="#86efac" stroke-width="3"/>
<text x="110" y="590" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="28" font-weight="bold" fill="#86efac">NourishVibes</text>
</svg>"##
    )
}

/// Breaks `text` into lines of at most about `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(len: usize) -> Rendered {
        Rendered { png: Bytes::from(vec![0; len]), content_type: "image/png", etag: HeaderValue::from_static("\"x\"") }
    }

    #[test]
    fn kept_images_stay_within_the_limit_oldest_out_first() {
        let mut kept = Kept::default();
        for slug in ["a", "b", "c"] {
            kept.insert(slug, image(40), 100);
        }
        assert!(!kept.images.contains_key("a"), "the oldest went");
        assert!(kept.images.contains_key("b") && kept.images.contains_key("c"));
        assert_eq!((kept.bytes, kept.order.len()), (80, 2));
        kept.insert("c", image(40), 100);
        assert_eq!((kept.bytes, kept.order.len()), (80, 2), "the same image again is kept once");
        kept.insert("big", image(100), 100);
        assert_eq!(kept.images.keys().collect::<Vec<_>>(), ["big"]);
        assert_eq!(kept.bytes, 100);
    }

    #[test]
    fn wraps_titles_at_spaces() {
        assert_eq!(wrap("Vitamin D3 + K2: The Perfect Pair", 20), ["Vitamin D3 + K2: The", "Perfect Pair"]);
    }

    #[test]
    fn escapes_title_markup() {
        assert!(compose("A < B & C", "image/svg+xml", "").contains("A &lt; B &amp; C"));
    }
}
