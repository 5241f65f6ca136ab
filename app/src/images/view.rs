//! One content image in a page: `<img>` for an SVG, `<picture>` with AVIF and WebP `srcset`s, a
//! fallback `srcset` and a blurred placeholder for a photo. The component (heroes, cards) and
//! the HTML string (images in Markdown bodies) make the same markup.

#[cfg(feature = "ssr")]
use super::Derived;
use crate::content::api::HeroImage;
use leptos::prelude::*;

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

/// A content image. `eager` for the hero (the largest paint: fetched first, at high priority,
/// with its placeholder); everything else loads lazily as it nears the viewport.
#[component]
pub fn Picture(
    image: HeroImage,
    place: Place,
    #[prop(optional)] eager: bool,
    #[prop(optional)] decorative: bool,
) -> impl IntoView {
    let alt = if decorative { String::new() } else { image.alt };
    let loading = if eager { None } else { Some("lazy") };
    let priority = eager.then_some("high");
    let Some(derived) = image.derived else {
        return view! {
            <img
                src=image.src
                alt=alt
                width=image.width
                height=image.height
                loading=loading
                fetchpriority=priority
                decoding="async"
            />
        }
        .into_any();
    };
    let placeholder = (eager && !derived.placeholder.is_empty()).then(|| {
        view! { <img class=derived.shape.placeholder_class() src=derived.placeholder.clone() alt="" width=image.width height=image.height/> }
    });
    let [best, modern, fallback] = derived.formats();
    view! {
        {placeholder}
        <picture>
            <source type=best.mime() srcset=derived.srcset(best) sizes=place.sizes()/>
            <source type=modern.mime() srcset=derived.srcset(modern) sizes=place.sizes()/>
            <img
                src=derived.fallback_url()
                srcset=derived.srcset(fallback)
                sizes=place.sizes()
                alt=alt
                width=image.width
                height=image.height
                loading=loading
                fetchpriority=priority
                decoding="async"
            />
        </picture>
    }
    .into_any()
}

/// The markup of an image in an article body: lazy, sized, and for a photo a `<picture>`.
#[cfg(feature = "ssr")]
pub fn picture_html(src: &str, alt: &str, width: u32, height: u32, derived: Option<&Derived>) -> String {
    use crate::newsletter::server::weekly::render::escape;
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

#[cfg(all(test, feature = "ssr"))]
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
