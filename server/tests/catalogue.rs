//! Router-level tests of the publication around the articles: home, topic and author pages,
//! feeds (read back with feed-rs), the sitemap (read back with roxmltree), robots.txt, and
//! drafts kept out of all of them.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::{app, app_on, content_dir, SITE_URL};
use http_body_util::BodyExt;
use std::path::Path;
use tower::ServiceExt;

async fn get_from(router: &Router, path: &str) -> (StatusCode, String) {
    let response = router.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
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
    assert!(html.contains(r#"<link rel="alternate" type="application/atom+xml" title="NourishVibes" href="/feed.xml">"#));
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
            let child = |name: &str| url.children().find(|node| node.has_tag_name(name)).and_then(|node| node.text()).map(str::to_string);
            (child("loc").unwrap(), child("lastmod"))
        })
        .collect();
    let lastmod = |path: &str| {
        entries.iter().find(|(loc, _)| *loc == format!("{SITE_URL}{path}")).unwrap_or_else(|| panic!("{path} in sitemap")).1.clone()
    };
    assert_eq!(lastmod("/articles/vitamin-d3-k2").as_deref(), Some("2026-02-24"));
    assert!(lastmod("/").is_some());
    assert!(lastmod("/topics/sleep").is_some());
    assert!(lastmod("/authors/james-okafor").is_some());
    assert_eq!(lastmod("/privacy").as_deref(), Some("2026-02-15"));
    assert_eq!(entries.iter().filter(|(loc, _)| loc.contains("/articles/")).count(), ARTICLES);

    let (_, robots) = get("/robots.txt").await;
    assert!(robots.contains(&format!("Sitemap: {SITE_URL}/sitemap.xml")));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
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
    let (router, _) = app_on(&content, &dir.path().join("data"), 5).await;

    assert_eq!(get_from(&router, "/articles/secret-draft").await.0, StatusCode::NOT_FOUND);
    for path in ["/", "/topics/fitness", "/authors/james-okafor", "/feed.xml", "/topics/fitness/feed.xml", "/sitemap.xml"] {
        let (status, body) = get_from(&router, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.contains("secret-draft") && !body.contains("Secret Draft"), "{path} leaks the draft");
    }
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
