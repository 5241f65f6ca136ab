//! Link-preview images: most networks ignore SVG, so each article gets a 1200×630 PNG made from
//! its hero art and title with resvg. Rendered once per article (in the background after start,
//! or on the first request for it) and kept in memory.

use app::content::store::ContentStore;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use resvg::{tiny_skia, usvg};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// Width of a share image in pixels (the size Open Graph and X recommend).
pub const WIDTH: u32 = 1200;
/// Height of a share image in pixels.
pub const HEIGHT: u32 = 630;
const TITLE_LINE_CHARS: usize = 34;

/// What one article's image is made from.
#[derive(Clone, Debug)]
struct Source {
    title: String,
    hero_file: PathBuf,
}

/// The rendered PNGs, by slug.
#[derive(Clone)]
pub struct ShareImages {
    sources: Arc<HashMap<String, Source>>,
    rendered: Arc<RwLock<HashMap<String, Bytes>>>,
    fonts: Arc<usvg::fontdb::Database>,
}

impl ShareImages {
    /// Prepares images for every article in `content`; hero paths are relative to `content_dir`.
    pub fn new(content: &ContentStore, content_dir: &std::path::Path) -> ShareImages {
        let sources = content
            .pages()
            .map(|page| {
                let hero_file = content_dir.join(page.hero.src.trim_start_matches('/'));
                (page.slug.clone(), Source { title: page.title.clone(), hero_file })
            })
            .collect();
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
        ShareImages { sources: Arc::new(sources), rendered: Arc::default(), fonts: Arc::new(fonts) }
    }

    /// Renders every image not rendered yet (call from a blocking task).
    pub fn render_all(&self) {
        for slug in self.sources.keys() {
            let _ = self.png(slug);
        }
    }

    /// The PNG for `slug`, rendering it on first use; `None` for an unknown slug.
    pub fn png(&self, slug: &str) -> Option<Bytes> {
        if let Some(png) = self.rendered.read().ok()?.get(slug) {
            return Some(png.clone());
        }
        let source = self.sources.get(slug)?;
        let png = match render(source, &self.fonts) {
            Ok(png) => Bytes::from(png),
            Err(error) => {
                tracing::error!(slug, %error, "share image could not be rendered");
                return None;
            }
        };
        if let Ok(mut rendered) = self.rendered.write() {
            rendered.insert(slug.to_string(), png.clone());
        }
        Some(png)
    }
}

/// `GET /share/{slug}.png`.
pub async fn serve(State(images): State<ShareImages>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(slug) = file.strip_suffix(".png").map(str::to_string) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let rendered = tokio::task::spawn_blocking(move || images.png(&slug)).await.ok().flatten();
    let Some(png) = rendered else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Content never changes while the server runs: its length and a cheap hash make the ETag.
    let etag = format!("\"{:x}-{:x}\"", png.len(), fnv1a(&png));
    if headers.get(header::IF_NONE_MATCH).is_some_and(|value| value.as_bytes() == etag.as_bytes()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut response = png.into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response_headers.insert(header::ETAG, value);
    }
    response
}

fn render(source: &Source, fonts: &Arc<usvg::fontdb::Database>) -> Result<Vec<u8>, String> {
    let hero = std::fs::read(&source.hero_file)
        .map_err(|error| format!("{}: {error}", source.hero_file.display()))?;
    let hero_type = if source.hero_file.extension().is_some_and(|ext| ext == "svg") {
        "image/svg+xml"
    } else if source.hero_file.extension().is_some_and(|ext| ext == "png") {
        "image/png"
    } else {
        "image/jpeg"
    };
    let svg = compose(&source.title, hero_type, &base64(&hero));
    let mut options = usvg::Options::default();
    options.fontdb = fonts.clone();
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|error| error.to_string())?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("cannot allocate the image")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|error| error.to_string())
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
                escape_xml(line)
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

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_titles_at_spaces() {
        assert_eq!(wrap("Vitamin D3 + K2: The Perfect Pair", 20), ["Vitamin D3 + K2: The", "Perfect Pair"]);
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
    }

    #[test]
    fn escapes_title_markup() {
        assert!(compose("A < B & C", "image/svg+xml", "").contains("A &lt; B &amp; C"));
    }
}
