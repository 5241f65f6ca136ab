//! What search engines and link previews read: absolute URLs and Schema.org JSON-LD.

use nv_model::content::ArticlePage;
use nv_model::urls;
use serde_json::json;

/// Size of the PNG served at `/share/{slug}.png` (rendered by the server crate).
pub const SHARE_IMAGE_WIDTH: u32 = 1200;
/// See [`SHARE_IMAGE_WIDTH`].
pub const SHARE_IMAGE_HEIGHT: u32 = 630;

/// The page with its absolute URLs and JSON-LD filled in for the site at `site_url`
/// (done once at content load, not per request).
pub fn with_site_url(page: ArticlePage, site_url: &str) -> ArticlePage {
    let canonical_url = urls::absolute(site_url, &urls::article_path(&page.slug));
    let share_image_url = urls::absolute(
        site_url,
        &urls::share_image_path(&page.slug, nv_model::content::share_image_extension(&page.hero)),
    );
    let mut json_ld = json!({
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "headline": page.title,
        "description": page.description,
        "url": canonical_url,
        "mainEntityOfPage": canonical_url,
        "image": {
            "@type": "ImageObject",
            "url": share_image_url,
            "width": SHARE_IMAGE_WIDTH,
            "height": SHARE_IMAGE_HEIGHT,
        },
        "datePublished": page.published.iso,
        "dateModified": page.updated.iso,
        "articleSection": page.category_name,
        "author": {
            "@type": "Person",
            "name": page.author.name,
            "hasCredential": page.author.credentials,
            "description": page.author.bio,
        },
        "publisher": {
            "@type": "Organization",
            "name": "NourishVibes",
            "url": site_url,
            "logo": { "@type": "ImageObject", "url": urls::absolute(site_url, "/favicon.svg") },
        },
    });
    if let Some(review) = &page.review {
        json_ld["reviewedBy"] = json!({
            "@type": "Person",
            "name": review.reviewer.name,
            "hasCredential": review.reviewer.credentials,
        });
        json_ld["lastReviewed"] = json!(review.last_reviewed.iso);
    }
    if !page.sources.is_empty() {
        json_ld["citation"] = page
            .sources
            .iter()
            .map(|source| json!({ "@type": "CreativeWork", "name": source.title, "url": source.url }))
            .collect();
    }
    ArticlePage { canonical_url, share_image_url, json_ld: script_safe(&json_ld.to_string()), ..page }
}

/// Keeps JSON inert inside `<script>`: `</script>` or `<!--` in a title cannot end the element.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_inside_json() {
        let safe = script_safe(r#"{"headline":"</script><script>alert(1)</script>"}"#);
        assert!(!safe.contains('<'));
        let value: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(value["headline"], "</script><script>alert(1)</script>");
    }
}
