//! The markup of a content image in an article body, written as HTML text (Markdown bodies are
//! rendered to HTML at load), and the widths it shows at; the `Picture` component in `app`
//! makes the same markup for heroes and cards.

use super::Derived;
use crate::escape::escape;

/// How wide the image shows at each viewport width, for the browser to pick a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The article column (`--measure`, 46rem, inside 1.25rem of padding each side).
    Article,
    /// A card in the grid of cards: three columns on wide screens, two, then one.
    Card,
    /// The featured card: three fifths of the 72rem listing, full width on phones.
    Featured,
}

impl Place {
    /// The `sizes` attribute.
    pub fn sizes(self) -> &'static str {
        match self {
            Place::Article => "(min-width: 48.5rem) 46rem, calc(100vw - 2.5rem)",
            Place::Card => "(min-width: 74.5rem) 23rem, (min-width: 45rem) calc(50vw - 2.5rem), calc(100vw - 2.5rem)",
            Place::Featured => "(min-width: 74.5rem) 43rem, (min-width: 45rem) 60vw, calc(100vw - 2.5rem)",
        }
    }
}

/// The markup of an image in an article body: lazy, sized, and for a photo a `<picture>`.
pub fn picture_html(src: &str, alt: &str, width: u32, height: u32, derived: Option<&Derived>) -> String {
    let alt = escape(alt);
    let Some(derived) = derived else {
        let src = escape(src);
        return format!(
            "<img src=\"{src}\" alt=\"{alt}\" width=\"{width}\" height=\"{height}\" loading=\"lazy\" decoding=\"async\">"
        );
    };
    let sizes = Place::Article.sizes();
    let [best, modern, fallback] = derived.formats();
    let sources: String = [best, modern]
        .map(|format| {
            format!("<source type=\"{}\" srcset=\"{}\" sizes=\"{sizes}\">", format.mime(), derived.srcset(format))
        })
        .concat();
    format!(
        "<picture>{sources}<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" \
         alt=\"{alt}\" width=\"{width}\" height=\"{height}\" loading=\"lazy\" decoding=\"async\"></picture>",
        derived.fallback_url(),
        derived.srcset(fallback),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::Format;

    #[test]
    fn a_photo_in_a_body_lists_every_format_and_loads_lazily() {
        let derived = Derived {
            key: "0123456789abcdef".into(),
            shape: crate::images::Shape::Whole,
            widths: vec![480, 800],
            fallback: Format::Jpeg,
            placeholder: String::new(),
        };
        let html = picture_html("/images/a.jpg", "A \"bowl\"", 800, 600, Some(&derived));
        assert!(html.starts_with("<picture><source type=\"image/avif\" srcset=\"/img/0123456789abcdef-480.avif 480w, /img/0123456789abcdef-800.avif 800w\""), "{html}");
        assert!(html.contains("<source type=\"image/webp\" srcset=\"/img/0123456789abcdef-480.webp 480w, /img/0123456789abcdef-800.webp 800w\""), "{html}");
        assert!(html.contains("src=\"/img/0123456789abcdef-800.jpg\""), "{html}");
        assert!(html.contains("alt=\"A &quot;bowl&quot;\" width=\"800\" height=\"600\" loading=\"lazy\""), "{html}");
        let svg = picture_html("/images/a.svg", "Chart", 1200, 630, None);
        assert!(svg.starts_with("<img src=\"/images/a.svg\" alt=\"Chart\""), "{svg}");
    }
}
