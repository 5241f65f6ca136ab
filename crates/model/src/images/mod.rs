//! Content images as pages show them: an SVG illustration served as it is, or a photo served
//! as responsive images (several widths, a modern format and a fallback) made from the editor's
//! file by the server, with a tiny inline placeholder while the real image loads.
//!
//! This part is shared with the browser; reading, checking and deriving the files is in `nv-images`.

use serde::{Deserialize, Serialize};

mod picture;

pub use picture::{picture_html, Place};

/// Where derived images are served from: `/img/{key}-{width}.{ext}`.
pub const DERIVED_PREFIX: &str = "/img/";

/// The widths derived images are made at: the article column (up to 736 CSS px) at the screen
/// densities readers have. 750 covers a mid-range phone at 1.75× (651 px) and a desktop at 1×,
/// 1080 a 390-px phone at 3× (1,050 px), 1600 a desktop at 2×. Never wider than the original;
/// the widest is the original's width when it is narrower than the last.
pub const WIDTHS: [u32; 6] = [480, 640, 750, 1080, 1600, 2000];

/// The formats derived images come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// AVIF (AV1): what current browsers show first; at the same SSIM as the WebP, measured here
    /// a quarter smaller, for about six times the encoding time (made once, in the background).
    Avif,
    /// Lossy WebP: for browsers without AVIF, a third smaller than JPEG.
    Webp,
    /// Baseline JPEG, for browsers without WebP (and for photos without transparency).
    Jpeg,
    /// PNG, the fallback for images with transparency.
    Png,
}

impl Format {
    /// The file extension in derived image URLs.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Avif => "avif",
            Format::Webp => "webp",
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }

    /// The MIME type (`Content-Type`, `<source type>`).
    pub fn mime(self) -> &'static str {
        match self {
            Format::Avif => "image/avif",
            Format::Webp => "image/webp",
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
        }
    }

    /// The format with this URL extension.
    pub fn from_extension(extension: &str) -> Option<Format> {
        [Format::Avif, Format::Webp, Format::Jpeg, Format::Png]
            .into_iter()
            .find(|format| format.extension() == extension)
    }
}

/// The box heroes and cards show a photo in (and the size of link-preview cards): 1200 × 630.
pub const BANNER: (u32, u32) = (1200, 630);

/// How much of a photo its derived images keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Shape {
    /// All of it, as taken: images in article bodies.
    Whole,
    /// The [`BANNER`] box cut from it around `Focus`, as heroes and cards show it (CSS
    /// `object-fit: cover` would cut the same part away in the browser, after the bytes were
    /// sent).
    Banner(Focus),
}

/// Which part of a photo a banner keeps, as CSS `object-position` keywords say it: a share
/// of the photo left of (or above) the box of the part cut away, in percent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Focus {
    /// 0 keeps the left edge, 50 the middle, 100 the right edge.
    pub x: u8,
    /// 0 keeps the top edge, 50 the middle, 100 the bottom edge.
    pub y: u8,
}

impl Focus {
    /// The middle of the photo (the default).
    pub const CENTER: Focus = Focus { x: 50, y: 50 };

    /// Every focus an editor can name, with its name (`hero.focus` in front matter).
    pub const NAMED: [(&'static str, Focus); 9] = [
        ("center", Focus::CENTER),
        ("top", Focus { x: 50, y: 0 }),
        ("bottom", Focus { x: 50, y: 100 }),
        ("left", Focus { x: 0, y: 50 }),
        ("right", Focus { x: 100, y: 50 }),
        ("top left", Focus { x: 0, y: 0 }),
        ("top right", Focus { x: 100, y: 0 }),
        ("bottom left", Focus { x: 0, y: 100 }),
        ("bottom right", Focus { x: 100, y: 100 }),
    ];

    /// The focus's name (as in front matter), or `None` for one no editor can name.
    pub fn name(self) -> Option<&'static str> {
        Focus::NAMED.iter().find(|(_, named)| *named == self).map(|&(name, _)| name)
    }

    /// The focus named `name` (`"top"`, `"bottom left"`, …), or why there is none.
    pub fn named(name: &str) -> Result<Focus, String> {
        let words: Vec<&str> = name.split_whitespace().collect();
        Focus::NAMED
            .iter()
            .find(|(known, _)| known.split(' ').eq(words.iter().copied()))
            .map(|&(_, focus)| focus)
            .ok_or_else(|| {
                let names: Vec<&str> = Focus::NAMED.iter().map(|(known, _)| *known).collect();
                format!("`{name}` is not a focus: use one of {}", names.join(", "))
            })
    }
}

impl Shape {
    /// The class of a blurred placeholder of the whole photo, shown with `object-fit: cover`
    /// where the banner is, so that it shows the part the banner keeps (`style/main.css`).
    pub fn placeholder_class(self) -> &'static str {
        match self {
            Shape::Banner(focus) => match focus.name() {
                Some("top") => "placeholder focus-top",
                Some("bottom") => "placeholder focus-bottom",
                Some("left") => "placeholder focus-left",
                Some("right") => "placeholder focus-right",
                Some("top left") => "placeholder focus-top-left",
                Some("top right") => "placeholder focus-top-right",
                Some("bottom left") => "placeholder focus-bottom-left",
                Some("bottom right") => "placeholder focus-bottom-right",
                _ => "placeholder",
            },
            Shape::Whole => "placeholder",
        }
    }

    /// The size of the derived images of a photo `width` × `height` (upright), at full size.
    pub fn size(self, width: u32, height: u32) -> (u32, u32) {
        match self {
            Shape::Whole => (width, height),
            Shape::Banner(_) => {
                let (box_width, box_height) = (u64::from(BANNER.0), u64::from(BANNER.1));
                let (w, h) = (u64::from(width), u64::from(height));
                // Wider than the box: keep the height; taller: keep the width.
                let (w, h) = if w * box_height > h * box_width {
                    ((h * box_width + box_height / 2) / box_height, h)
                } else {
                    (w, (w * box_height + box_width / 2) / box_width)
                };
                (w.max(1) as u32, h.max(1) as u32)
            }
        }
    }

    /// The part of a photo `width` × `height` kept: (left, top, width, height).
    pub fn cut(self, width: u32, height: u32) -> (u32, u32, u32, u32) {
        let (kept_width, kept_height) = self.size(width, height);
        let focus = match self {
            Shape::Whole => Focus::CENTER,
            Shape::Banner(focus) => focus,
        };
        let share = |spare: u32, percent: u8| (u64::from(spare) * u64::from(percent.min(100)) / 100) as u32;
        (share(width - kept_width, focus.x), share(height - kept_height, focus.y), kept_width, kept_height)
    }
}

/// A photo's derived images in one [`Shape`]: what a `<picture>` lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derived {
    /// A hash of the source file's bytes, the shape and how images are made: an edited file gets
    /// new URLs, so every URL can be cached for a year.
    pub key: String,
    /// How much of the photo the images keep.
    pub shape: Shape,
    /// The widths made, narrowest first (see [`widths_for`]).
    pub widths: Vec<u32>,
    /// The format for browsers without WebP: JPEG, or PNG for an image with transparency.
    pub fallback: Format,
    /// A few-pixel version of the image as a `data:` URL, shown blurred until the image loads.
    pub placeholder: String,
}

impl Derived {
    /// The URL of one derived image.
    pub fn url(&self, width: u32, format: Format) -> String {
        derived_url(&self.key, width, format)
    }

    /// The `srcset` of every width in `format`.
    pub fn srcset(&self, format: Format) -> String {
        self.widths.iter().map(|&width| format!("{} {width}w", self.url(width, format))).collect::<Vec<_>>().join(", ")
    }

    /// The widest image in the fallback format (the `<img src>` of browsers without `srcset`).
    pub fn fallback_url(&self) -> String {
        self.url(self.widths.last().copied().unwrap_or(WIDTHS[0]), self.fallback)
    }

    /// The formats made, in the order a `<picture>` offers them: the browser takes the first
    /// it can show.
    pub fn formats(&self) -> [Format; 3] {
        [Format::Avif, Format::Webp, self.fallback]
    }
}

/// `/img/{key}-{width}.{ext}`.
pub fn derived_url(key: &str, width: u32, format: Format) -> String {
    format!("{DERIVED_PREFIX}{key}-{width}.{}", format.extension())
}

/// The widths made from an original `width` pixels wide: each of [`WIDTHS`] narrower than it,
/// then the original's own width (capped at the widest); a width within a tenth of that last
/// one is left out, as it would cost a file and save readers nothing.
pub fn widths_for(width: u32) -> Vec<u32> {
    let widest = width.min(WIDTHS[WIDTHS.len() - 1]);
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < widest && w * 10 < widest * 9).collect();
    widths.push(widest);
    widths
}

/// A derived image's file name taken apart: key, width and format; `None` for anything else.
pub fn parse_derived_name(name: &str) -> Option<(&str, u32, Format)> {
    let (stem, extension) = name.rsplit_once('.')?;
    let (key, width) = stem.rsplit_once('-')?;
    let format = Format::from_extension(extension)?;
    let valid_key = key.len() == KEY_LEN && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let valid_width = !width.is_empty() && width.len() <= 4 && width.bytes().all(|b| b.is_ascii_digit());
    if !valid_key || !valid_width || width.starts_with('0') {
        return None;
    }
    Some((key, width.parse().ok()?, format))
}

/// Hex digits in a derived image key (64 bits).
pub const KEY_LEN: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_exceed_the_original_and_end_with_it() {
        assert_eq!(widths_for(4000), vec![480, 640, 750, 1080, 1600, 2000]);
        assert_eq!(widths_for(2000), vec![480, 640, 750, 1080, 1600, 2000]);
        assert_eq!(widths_for(1150), vec![480, 640, 750, 1150], "1080 is within a tenth of 1150");
        assert_eq!(widths_for(1000), vec![480, 640, 750, 1000]);
        assert_eq!(widths_for(300), vec![300]);
    }

    #[test]
    fn derived_names_round_trip_and_nothing_else_parses() {
        let url = derived_url("0123456789abcdef", 800, Format::Webp);
        assert_eq!(url, "/img/0123456789abcdef-800.webp");
        let name = url.trim_start_matches(DERIVED_PREFIX);
        assert_eq!(parse_derived_name(name), Some(("0123456789abcdef", 800, Format::Webp)));
        assert_eq!(parse_derived_name("0123456789abcdef-750.avif"), Some(("0123456789abcdef", 750, Format::Avif)));
        for bad in [
            "0123456789abcdef-800.gif",
            "0123456789abcdeg-800.jpg",
            "0123456789abcdef-0800.jpg",
            "0123456789abcdef-80000.jpg",
            "0123456789abcdef.jpg",
            "../../etc/passwd",
            "0123456789ABCDEF-800.jpg",
        ] {
            assert_eq!(parse_derived_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn each_named_focus_has_a_placeholder_class_the_stylesheet_positions_the_same_way() {
        let css = include_str!("../../../../style/main.css");
        assert_eq!(Shape::Banner(Focus::CENTER).placeholder_class(), "placeholder");
        assert_eq!(Shape::Whole.placeholder_class(), "placeholder");
        for (name, focus) in Focus::NAMED.into_iter().filter(|(name, _)| *name != "center") {
            assert_eq!(focus.name(), Some(name));
            let class = format!("focus-{}", name.replace(' ', "-"));
            assert_eq!(Shape::Banner(focus).placeholder_class(), format!("placeholder {class}"));
            let rule = format!(".hero .{class} {{ object-position: {name}; transform-origin: {name}; }}");
            assert!(css.contains(&rule), "style/main.css lacks {rule}");
        }
    }

    #[test]
    fn a_banner_keeps_the_middle_of_a_photo_in_the_box_heroes_show() {
        // A 3:2 photo loses top and bottom, a portrait more, a panorama its sides.
        let banner = Shape::Banner(Focus::CENTER);
        assert_eq!(banner.size(4000, 2667), (4000, 2100));
        assert_eq!(banner.cut(4000, 2667), (0, 283, 4000, 2100));
        assert_eq!(banner.size(1200, 1800), (1200, 630));
        assert_eq!(banner.cut(6000, 1000), (2047, 0, 1905, 1000));
        assert_eq!(banner.size(1200, 630), (1200, 630));
        assert_eq!(Shape::Whole.cut(4000, 2667), (0, 0, 4000, 2667));
    }

    #[test]
    fn an_editor_s_focus_moves_the_cut_toward_it() {
        let named = |name| Shape::Banner(Focus::named(name).unwrap());
        assert_eq!(named("top").cut(4000, 2667), (0, 0, 4000, 2100));
        assert_eq!(named("bottom").cut(4000, 2667), (0, 567, 4000, 2100));
        assert_eq!(named("right").cut(6000, 1000), (4095, 0, 1905, 1000));
        assert_eq!(named("  top   left ").cut(1200, 1800), (0, 0, 1200, 630));
        assert_eq!(named("bottom right").cut(1200, 1800), (0, 1170, 1200, 630));
        let error = Focus::named("middle").unwrap_err();
        assert!(error.starts_with("`middle` is not a focus: use one of center, top, bottom"), "{error}");
        assert!(Focus::named("left top").is_err(), "one spelling per focus, as listed");
    }
}
