//! One content image in a page: `<img>` for an SVG, `<picture>` with AVIF and WebP `srcset`s, a
//! fallback `srcset` and a blurred placeholder for a photo. The component (heroes, cards) and
//! the HTML string (images in Markdown bodies) make the same markup.

use crate::content::api::HeroImage;
use crate::images::Place;
use leptos::prelude::*;

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
