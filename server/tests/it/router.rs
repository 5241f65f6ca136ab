//! Router-level tests: the real axum app, called with `oneshot`, on the real content folder.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::app;
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn get(path: &str) -> (StatusCode, String, axum::http::HeaderMap) {
    let reply = common::client::get(&app().await, path).await;
    (reply.status, reply.text(), reply.headers)
}

fn position(html: &str, needle: &str) -> usize {
    html.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the page"))
}

#[tokio::test]
async fn article_page_is_complete_in_the_first_response() {
    let (status, html, _) = get("/articles/vitamin-d3-k2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<title>Vitamin D3 + K2: The Perfect Pair | NourishVibes</title>"));
    assert!(html.contains(r#"<meta name="description" content="Vitamin D3 helps you absorb calcium"#));
    assert!(html.contains(r#"<link href="https://nourishvibes.example/articles/vitamin-d3-k2" rel="canonical">"#));
    assert_eq!(html.matches("<h1").count(), 1, "exactly one h1");

    // Every part of the reference page, in the reference's order.
    let parts = [
        "NourishVibes",
        "Daily Health Tip • ",
        "Learn More",
        r#"alt="Vitamin D3 and K2 supplements for bone health""#,
        ">Supplements<",
        ">Vitamin D3 + K2: The Perfect Pair</h1>",
        "class=\"author-name\"",
        "Dr. Sarah Johnson",
        r#"<time datetime="2026-02-15">Feb 15, 2026</time>"#,
        r#"<time datetime="2026-02-24">Feb 24, 2026</time>"#,
        "2 min read",
        "Quick Summary / AI Overview",
        "Share:",
        "Key Takeaways",
        "Get Weekly Health Tips",
        "Evidence-based nutrition in your inbox",
        "The Problem: D3 Without K2 is Like a GPS Without Directions",
        "What the Research Shows",
        "How D3 and K2 Work as a Team",
        "How Much Should You Take?",
        "How We Researched This",
        "Real-World Experience",
        "Affiliate Disclosure",
        "Medical Disclaimer",
        "Revision History",
        "Initial publication with comprehensive research review.",
        "Join the NourishVibes Community",
        "We respect your privacy. Unsubscribe anytime.",
        "Exclusive recipes",
    ];
    let mut last = 0;
    for part in parts {
        let at = position(&html[last..], part) + last;
        last = at;
    }
}

#[tokio::test]
async fn article_body_is_rendered_markdown_with_heading_ids() {
    let (_, html, _) = get("/articles/vitamin-d3-k2").await;
    assert!(html.contains(r#"<h2 id="what-the-research-shows">What the Research Shows</h2>"#));
    assert!(html.contains("<blockquote>"));
    assert!(html.contains("<li>Tells your intestines to absorb more calcium from food</li>"));
}

#[tokio::test]
async fn unknown_article_is_a_helpful_404() {
    let (status, html, _) = get("/articles/no-such-article").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
    assert!(html.contains(r#"href="/""#), "offers a way home");
}

#[tokio::test]
async fn unknown_path_is_a_helpful_404() {
    let (status, html, _) = get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
    // It suggests the newest public article, whichever that is today: never a stale link.
    let content =
        nv_content::store::ContentStore::load(&common::content_dir(), "https://nourishvibes.example").unwrap();
    let newest = content.visible_cards(nv_content::dates::Date::today_utc()).next().unwrap();
    let link = format!(r#"<a href="/articles/{}">Read: "#, newest.slug);
    assert!(html.contains(&link), "`{link}` not in the 404 page");
}

#[tokio::test]
async fn home_links_to_the_article() {
    let (status, html, _) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"href="/articles/vitamin-d3-k2""#));
    assert_eq!(html.matches("<h1").count(), 1);
}

#[tokio::test]
async fn hero_image_is_served_from_the_content_folder() {
    let (status, body, headers) = get("/images/vitamin-d3-k2.svg").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/svg+xml");
    assert!(body.contains("<svg"));
}

#[tokio::test]
async fn link_previews_and_structured_data_are_in_the_first_response() {
    let (_, html, _) = get("/articles/vitamin-d3-k2").await;
    let url = "https://nourishvibes.example/articles/vitamin-d3-k2";
    let image = "https://nourishvibes.example/share/vitamin-d3-k2.png";
    for tag in [
        r#"<meta property="og:type" content="article">"#.to_string(),
        format!(r#"<meta property="og:url" content="{url}">"#),
        r#"<meta property="og:site_name" content="NourishVibes">"#.to_string(),
        format!(r#"<meta property="og:image" content="{image}">"#),
        r#"<meta property="og:image:width" content="1200">"#.to_string(),
        r#"<meta property="article:published_time" content="2026-02-15">"#.to_string(),
        r#"<meta property="article:modified_time" content="2026-02-24">"#.to_string(),
        r#"<meta property="article:author" content="Dr. Sarah Johnson">"#.to_string(),
        r#"<meta property="article:section" content="Supplements">"#.to_string(),
        r#"<meta name="twitter:card" content="summary_large_image">"#.to_string(),
    ] {
        assert!(html.contains(&tag), "missing {tag}");
    }
    let start = position(&html, r#"<script type="application/ld+json">"#) + 35;
    let end = start + position(&html[start..], "</script>");
    let json: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(json["@type"], "MedicalWebPage");
    assert_eq!(json["headline"], "Vitamin D3 + K2: The Perfect Pair");
    assert_eq!(json["datePublished"], "2026-02-15");
    assert_eq!(json["author"]["@type"], "Person");
    assert_eq!(json["author"]["hasCredential"], "MD, Board-Certified in Internal Medicine");
    assert_eq!(json["publisher"]["@type"], "Organization");
}

#[tokio::test]
async fn share_links_are_built_from_the_canonical_url() {
    let (_, html, _) = get("/articles/vitamin-d3-k2").await;
    let encoded = "https%3A%2F%2Fnourishvibes.example%2Farticles%2Fvitamin-d3-k2";
    assert!(html.contains(&format!(r#"href="https://www.facebook.com/sharer/sharer.php?u={encoded}""#)));
    assert!(html.contains(r#"rel="noopener noreferrer""#));
    assert!(html.contains(r#"aria-label="Share on X""#));
}

#[tokio::test]
async fn share_image_is_a_cacheable_1200x630_png() {
    let (status, _, headers) = get("/share/vitamin-d3-k2.png").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");
    assert!(headers["cache-control"].to_str().unwrap().contains("max-age="));
    let response =
        app().await.oneshot(Request::get("/share/vitamin-d3-k2.png").body(Body::empty()).unwrap()).await.unwrap();
    let etag = response.headers()["etag"].clone();
    let png = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1200, 630));
    assert!(png.len() > 20_000, "the hero art and title are drawn, not a blank image");

    let revalidated = app()
        .await
        .oneshot(Request::get("/share/vitamin-d3-k2.png").header("if-none-match", etag).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    let (missing, _, _) = get("/share/no-such-article.png").await;
    assert_eq!(missing, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn site_pages_render_from_markdown_and_are_linked_from_the_footer() {
    for (path, heading) in
        [("/about", "About NourishVibes"), ("/editorial-standards", "Editorial Standards"), ("/privacy", "Privacy")]
    {
        let (status, html, _) = get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(&format!(">{heading}</h1>")), "{path}");
        assert_eq!(html.matches("<h1").count(), 1, "{path}");
    }
    let (_, article, _) = get("/articles/vitamin-d3-k2").await;
    assert!(article.contains(r#"<a href="/editorial-standards">Read our editorial standards</a>"#));
    for link in [r#"href="/about""#, r#"href="/editorial-standards""#, r#"href="/privacy""#] {
        assert!(article.contains(link), "footer lacks {link}");
    }
}
