//! Router-level tests of the publication around the articles: home, topic and author pages,
//! feeds (read back with feed-rs), the sitemap (read back with roxmltree), robots.txt, and
//! drafts kept out of all of them.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::{app, app_on, content_dir, copy_dir, SITE_URL};
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn get_from(router: &Router, path: &str) -> (StatusCode, String) {
    let reply = common::client::get(router, path).await;
    (reply.status, reply.text())
}

async fn get(path: &str) -> (StatusCode, String) {
    get_from(&app().await, path).await
}

/// Public articles in the real content folder (none are drafts or scheduled).
const ARTICLES: usize = 13;

#[tokio::test]
async fn home_shows_the_featured_latest_and_a_section_per_topic() {
    let (status, html) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("<h1").count(), 1);
    assert!(html.contains(">Featured</h2>"));
    assert!(html.contains(">Latest articles</h2>"));
    for topic in ["Supplements", "Nutrition", "Gut Health", "Sleep", "Fitness", "Heart Health"] {
        assert!(html.contains(&format!(">{topic}</h2>")), "{topic} section");
    }
    assert!(html.contains(r#"href="/topics/gut-health""#));
    assert!(
        html.contains(r#"<link rel="alternate" type="application/atom+xml" title="NourishVibes" href="/feed.xml">"#)
    );
}

#[tokio::test]
async fn topic_and_author_pages_list_their_articles() {
    let (status, html) = get("/topics/sleep").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(">Sleep</h1>"));
    assert!(html.contains(r#"href="/articles/sleep-habits-that-work""#));
    assert!(!html.contains(r#"href="/articles/vitamin-d3-k2""#), "only this topic");
    assert!(html.contains("<title>Sleep | NourishVibes</title>"));

    let (status, html) = get("/authors/maya-patel").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(">Maya Patel</h1>"));
    assert!(html.contains("MS, RDN"));
    assert!(html.contains(r#"href="/articles/dietary-fiber-guide""#));

    let (_, reviewer) = get("/authors/elena-garcia").await;
    assert!(reviewer.contains(">Medically reviewed</h2>"));

    assert_eq!(get("/topics/astrology").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get("/authors/nobody").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_article_has_breadcrumbs_contents_sources_and_related_articles() {
    let (status, html) = get("/articles/blood-pressure-and-salt").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<nav aria-label="Breadcrumb" class="breadcrumbs">"#));
    assert!(html.contains(r#"<a href="/topics/heart-health">Heart Health</a>"#));
    assert!(html.contains(">In this article</h2>"));
    assert!(html.contains(r##"<a href="#source-1" id="cite-1-1" rel="external" aria-label="Source 1">[1]</a>"##));
    assert!(html.contains(r#"<li id="source-1">"#));
    assert!(html.contains(r##"href="#cite-1-1""##), "back-link");
    assert!(html.contains("Medically reviewed by "));
    assert!(html.contains(">Related articles</h2>"));
    assert!(html.contains(r#"href="/articles/understanding-ldl-cholesterol""#), "same topic is related");
}

#[tokio::test]
async fn the_feed_parses_with_absolute_links_and_dates() {
    let (status, xml) = get("/feed.xml").await;
    assert_eq!(status, StatusCode::OK);
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid Atom feed");
    assert_eq!(feed.title.unwrap().content, "NourishVibes");
    assert_eq!(feed.entries.len(), ARTICLES);
    let reference = feed
        .entries
        .iter()
        .find(|entry| entry.links[0].href == format!("{SITE_URL}/articles/vitamin-d3-k2"))
        .expect("the reference article");
    assert_eq!(reference.title.as_ref().unwrap().content, "Vitamin D3 + K2: The Perfect Pair");
    assert_eq!(reference.published.unwrap().to_rfc3339(), "2026-02-15T00:00:00+00:00");
    assert_eq!(reference.updated.unwrap().to_rfc3339(), "2026-02-24T00:00:00+00:00");
    assert_eq!(reference.authors[0].name, "Dr. Sarah Johnson");
    let published: Vec<_> = feed.entries.iter().map(|entry| entry.published.unwrap()).collect();
    assert!(published.windows(2).all(|pair| pair[0] >= pair[1]), "newest first");

    let (_, topic) = get("/topics/gut-health/feed.xml").await;
    let topic = feed_rs::parser::parse(topic.as_bytes()).expect("a valid topic feed");
    assert_eq!(topic.entries.len(), 2);
    assert!(topic.entries.iter().all(|entry| entry.categories[0].term == "gut-health"));
    assert_eq!(get("/topics/astrology/feed.xml").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_sitemap_lists_every_public_page_with_its_lastmod() {
    let (status, xml) = get("/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let entries: Vec<(String, Option<String>)> = doc
        .descendants()
        .filter(|node| node.has_tag_name("url"))
        .map(|url| {
            let child = |name: &str| {
                url.children().find(|node| node.has_tag_name(name)).and_then(|node| node.text()).map(str::to_string)
            };
            (child("loc").unwrap(), child("lastmod"))
        })
        .collect();
    let lastmod = |path: &str| {
        entries
            .iter()
            .find(|(loc, _)| *loc == format!("{SITE_URL}{path}"))
            .unwrap_or_else(|| panic!("{path} in sitemap"))
            .1
            .clone()
    };
    assert_eq!(lastmod("/articles/vitamin-d3-k2").as_deref(), Some("2026-02-24"));
    assert!(lastmod("/").is_some());
    assert!(lastmod("/topics/sleep").is_some());
    assert!(lastmod("/authors/james-okafor").is_some());
    assert_eq!(lastmod("/privacy").as_deref(), Some("2026-12-06"));
    assert_eq!(entries.iter().filter(|(loc, _)| loc.contains("/articles/")).count(), ARTICLES);

    let (_, robots) = get("/robots.txt").await;
    assert!(robots.contains(&format!("Sitemap: {SITE_URL}/sitemap.xml")));
}

#[tokio::test]
async fn drafts_are_not_shown_listed_fed_or_mapped() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&content_dir(), &content);
    let source = std::fs::read_to_string(content.join("articles/walking-and-step-counts.md")).unwrap();
    let draft = source
        .replacen("slug = \"walking-and-step-counts\"", "slug = \"secret-draft\"\ndraft = true", 1)
        .replacen("title = \"", "title = \"Secret Draft: ", 1);
    std::fs::write(content.join("articles/secret-draft.md"), draft).unwrap();
    // Scheduled: published on a day to come.
    let scheduled = source
        .replacen("slug = \"walking-and-step-counts\"", "slug = \"future-piece\"", 1)
        .replacen("title = \"", "title = \"Future Piece: ", 1)
        .replacen("published = 2026-02-16", "published = 2999-01-01", 1)
        .replacen("updated = 2026-02-27", "updated = 2999-01-01", 1);
    std::fs::write(content.join("articles/future-piece.md"), scheduled).unwrap();
    let (router, _) = app_on(&content, &dir.path().join("data"), 5).await;

    assert_eq!(get_from(&router, "/articles/secret-draft").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get_from(&router, "/articles/future-piece").await.0, StatusCode::NOT_FOUND);
    // Nor a share image, which would carry the title.
    assert_eq!(get_from(&router, "/share/secret-draft.png").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get_from(&router, "/share/future-piece.png").await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        get_from(&router, "/share/walking-and-step-counts.png").await.0,
        StatusCode::OK,
        "public articles have one"
    );
    for path in
        ["/", "/topics/fitness", "/authors/james-okafor", "/feed.xml", "/topics/fitness/feed.xml", "/sitemap.xml"]
    {
        let (status, body) = get_from(&router, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.contains("secret-draft") && !body.contains("Secret Draft"), "{path} leaks the draft");
        assert!(!body.contains("future-piece") && !body.contains("Future Piece"), "{path} leaks the scheduled article");
    }
}

/// The real content plus `count` generated fitness articles (copies of a real one, published
/// one a day from 2025-01-01, so all older than the real articles), on a fresh router.
async fn app_with_generated(count: usize) -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&content_dir(), &content);
    let source = std::fs::read_to_string(content.join("articles/walking-and-step-counts.md")).unwrap();
    for i in 0..count {
        // Every date in the copy (published, updated, review and revisions) becomes this one.
        let date = format!("2025-{:02}-{:02}", 1 + i / 28, 1 + i % 28);
        let copy = source
            .replacen("slug = \"walking-and-step-counts\"", &format!("slug = \"generated-{i:03}\""), 1)
            .replacen("title = \"", &format!("title = \"Generated {i:03}: "), 1)
            .replace("2026-02-27", &date)
            .replace("2026-02-16", &date);
        std::fs::write(content.join(format!("articles/generated-{i:03}.md")), copy).unwrap();
    }
    let (router, _) = app_on(&content, &dir.path().join("data"), 5).await;
    (dir, router)
}

#[tokio::test]
async fn feeds_list_only_the_newest_entries_and_the_sitemap_every_article() {
    let (_dir, router) = app_with_generated(60).await;
    let entries = |xml: &str| -> Vec<(String, String)> {
        let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid Atom feed");
        feed.entries.iter().map(|entry| (entry.links[0].href.clone(), entry.published.unwrap().to_rfc3339())).collect()
    };
    let generated = |i: usize| format!("{SITE_URL}/articles/generated-{i:03}");

    let (status, xml) = get_from(&router, "/feed.xml").await;
    assert_eq!(status, StatusCode::OK);
    let site = entries(&xml);
    assert_eq!(site.len(), server::feeds::FEED_ENTRIES);
    assert_eq!(site.len(), 50);
    assert!(site.windows(2).all(|pair| pair[0].1 >= pair[1].1), "newest first");
    // The real articles are the newest; then the generated ones from the newest down.
    let real: Vec<_> = site.iter().filter(|(link, _)| !link.contains("/generated-")).collect();
    assert_eq!(real.len(), ARTICLES);
    let oldest_listed = 60 - (50 - ARTICLES);
    assert_eq!(site[ARTICLES].0, generated(59));
    assert_eq!(site[49].0, generated(oldest_listed));
    assert!(!site.iter().any(|(link, _)| *link == generated(oldest_listed - 1)), "older entries are left out");

    let (_, topic) = get_from(&router, "/topics/fitness/feed.xml").await;
    let topic_feed = feed_rs::parser::parse(topic.as_bytes()).expect("a valid topic feed");
    assert_eq!(topic_feed.entries.len(), 50);
    assert!(topic_feed.entries.iter().all(|entry| entry.categories[0].term == "fitness"));
    let topic = entries(&topic);
    assert!(topic.windows(2).all(|pair| pair[0].1 >= pair[1].1), "newest first");
    assert!(topic.iter().any(|(link, _)| *link == generated(59)));
    assert!(!topic.iter().any(|(link, _)| *link == generated(0)));

    // The same bytes again (served from memory), and revalidation by ETag.
    let response = router.clone().oneshot(Request::get("/feed.xml").body(Body::empty()).unwrap()).await.unwrap();
    let etag = response.headers()["etag"].clone();
    let again = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(again, xml.as_bytes());
    let revalidate = Request::get("/feed.xml").header("if-none-match", etag).body(Body::empty()).unwrap();
    assert_eq!(router.clone().oneshot(revalidate).await.unwrap().status(), StatusCode::NOT_MODIFIED);

    let (_, sitemap) = get_from(&router, "/sitemap.xml").await;
    assert_eq!(sitemap.matches("/articles/").count(), ARTICLES + 60, "the sitemap lists every article");
}

#[tokio::test]
async fn search_ranks_results_and_marks_the_matching_words() {
    let (status, html) = get("/search?q=magnesium").await;
    assert_eq!(status, StatusCode::OK);
    let hits = &html[html.find(r#"<li class="search-hit">"#).expect("results")..];
    let first_hit = &hits[..hits.find("</li>").unwrap()];
    assert!(
        first_hit.contains(r#"href="/articles/magnesium-supplements#p-"#),
        "the article with magnesium in its title comes first, linked to its best paragraph"
    );
    assert!(hits.matches(r#"<li class="search-hit">"#).count() > 1, "body mentions are found too");
    assert!(html.contains("<mark>"));
    assert!(html.to_lowercase().contains("<mark>magnesium</mark>"));

    let (_, empty) = get("/search").await;
    assert!(empty.contains("Type a word or two"));
    let (_, none) = get("/search?q=zzzyzzx").await;
    assert!(none.contains("No articles match"));
}

#[tokio::test]
async fn every_page_type_has_a_canonical_url_from_the_site_url() {
    for (path, canonical) in [
        ("/", "/"),
        ("/topics/sleep", "/topics/sleep"),
        ("/authors/daniel-kim", "/authors/daniel-kim"),
        ("/privacy", "/privacy"),
        ("/articles/probiotics-what-the-evidence-says", "/articles/probiotics-what-the-evidence-says"),
    ] {
        let (status, html) = get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let link = format!(r#"<link rel="canonical" href="{SITE_URL}{canonical}">"#);
        let alt = format!(r#"<link href="{SITE_URL}{canonical}" rel="canonical">"#);
        assert!(html.contains(&link) || html.contains(&alt), "{path} has its canonical link");
    }
    let (_, topic) = get("/topics/sleep").await;
    assert!(topic.contains(r#"href="/topics/sleep/feed.xml""#), "topic feed advertised");
    let (_, due) = get("/articles/probiotics-what-the-evidence-says").await;
    assert!(due.contains("This article is due for review"), "review_by has passed");
}
