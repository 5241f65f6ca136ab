//! Atom feeds (site-wide and per topic), the sitemap and robots.txt, built from the content
//! store with absolute URLs from the configured site URL.
//!
//! Content only changes with a deploy, and what is public only with the day (scheduled articles
//! appear on their `published` date; drafts are decided at load), so each feed and the sitemap
//! is built once per UTC day, on its first request, and then served from memory: compressed
//! once, with an `ETag` feed readers can revalidate against. Each document is also handed to
//! the page cache, which answers later requests for it before routing, as it does articles.

use crate::html_cache::CachedPage;
use app::state::{AppState, RequestState};
use atom_syndication::{Category, Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use nv_content::dates::Date;
use nv_model::content::ArticleCard;
use nv_model::urls;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Entries per feed: readers want what is new, and listing the whole catalogue (1,000+
/// articles, 600 KB) made every poll slow to build, send and parse.
pub const FEED_ENTRIES: usize = 50;

const ATOM: &str = "application/atom+xml; charset=utf-8";
const XML: &str = "application/xml; charset=utf-8";
/// What browsers, CDNs and feed readers may do with a feed or the sitemap.
const FEED_CACHE_CONTROL: &str = "public, max-age=300";

/// The feed, sitemap and robots.txt routes, sharing one cache of their documents.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(urls::FEED, get(site_feed))
        .route("/topics/{category}/feed.xml", get(topic_feed))
        .route(urls::SITEMAP, get(sitemap))
        .route("/robots.txt", get(robots))
        .layer(Extension(Arc::new(FeedCache::default())))
}

/// Feeds and the sitemap of one UTC day, each built on its first request that day.
#[derive(Default)]
pub struct FeedCache {
    inner: Mutex<DayDocuments>,
}

#[derive(Default)]
struct DayDocuments {
    day: String,
    /// By path; a cell is filled once, so requests arriving together build the document once.
    documents: HashMap<String, Arc<OnceLock<Arc<CachedPage>>>>,
}

impl FeedCache {
    /// The document at `path` for `day`, built with `build` (content type, body) if it is not yet.
    fn get_or_build(&self, day: &str, path: &str, build: impl FnOnce() -> (&'static str, String)) -> Arc<CachedPage> {
        let cell = match self.inner.lock() {
            Ok(mut inner) => {
                if inner.day != day {
                    // A new day: what is public may have changed.
                    *inner = DayDocuments { day: day.to_string(), documents: HashMap::new() };
                }
                inner.documents.entry(path.to_string()).or_default().clone()
            }
            // A panic while the lock was held: build without the cache rather than fail.
            Err(_) => Arc::default(),
        };
        cell.get_or_init(|| {
            let (content_type, body) = build();
            Arc::new(CachedPage::with_cache_control(
                body.into(),
                HeaderValue::from_static(content_type),
                FEED_CACHE_CONTROL,
            ))
        })
        .clone()
    }
}

/// What a day's documents are built from: the day and the content generation (a reload
/// changes what is public as a new day can).
fn epoch(state: &RequestState, today: Date) -> String {
    format!("{} #{}", today.iso(), state.content.generation())
}

/// The cached document as the response to a request with `request_headers`, offered to the
/// page cache.
fn respond(document: &Arc<CachedPage>, request_headers: &HeaderMap) -> Response {
    document.respond_cacheable(request_headers)
}

/// Escapes text for XML element content and attribute values (the one escaper of the
/// server's markup: `&#39;` for quotes is XML and HTML alike).
pub use nv_model::escape::escape as xml_escape;

/// An Atom feed of `cards` (newest first) titled `title`, at `self_path`, linking to `page_path`.
/// atom_syndication writes it: every value is escaped, the site URL and the content's keys too.
fn atom(site: &str, title: &str, self_path: &str, page_path: &str, cards: &[&ArticleCard]) -> String {
    let updated = cards.iter().map(|card| card.updated.iso.as_str()).max().unwrap_or("2026-01-01");
    let self_url = urls::absolute(site, self_path);
    let entries = cards
        .iter()
        .map(|card| {
            let url = urls::absolute(site, &urls::article_path(&card.slug));
            Entry {
                title: Text::plain(card.title.as_str()),
                links: vec![link("alternate", "text/html", &url)],
                id: url,
                published: Some(midnight_utc(&card.published.iso)),
                updated: midnight_utc(&card.updated.iso),
                authors: vec![Person {
                    name: card.author_name.clone(),
                    uri: Some(urls::absolute(site, &urls::author_path(&card.author_id))),
                    ..Person::default()
                }],
                categories: vec![Category {
                    term: card.category.clone(),
                    label: Some(card.category_name.clone()),
                    ..Category::default()
                }],
                summary: Some(Text::plain(card.description.as_str())),
                ..Entry::default()
            }
        })
        .collect();
    let feed = Feed {
        title: Text::plain(title),
        subtitle: Some(Text::plain("Evidence-based nutrition and health, reviewed by professionals.")),
        links: vec![
            link("self", "application/atom+xml", &self_url),
            link("alternate", "text/html", &urls::absolute(site, page_path)),
        ],
        id: self_url,
        updated: midnight_utc(updated),
        entries,
        ..Feed::default()
    };
    // Written into memory: only a writer's I/O error could fail it, and a Vec has none.
    match feed.write_to(Vec::with_capacity(1024 + 700 * cards.len())) {
        Ok(xml) => String::from_utf8_lossy(&xml).into_owned(),
        Err(error) => {
            tracing::error!("the feed {self_path} could not be written: {error}");
            String::new()
        }
    }
}

/// A link to `href` with the relation `rel` and media type `mime_type`.
fn link(rel: &str, mime_type: &str, href: &str) -> Link {
    Link { href: href.into(), rel: rel.into(), mime_type: Some(mime_type.into()), ..Link::default() }
}

/// Midnight UTC of a card's `YYYY-MM-DD` date (checked at content load, so it parses).
fn midnight_utc(iso: &str) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(&format!("{iso}T00:00:00Z")).unwrap_or_default()
}

/// `GET /feed.xml`: the newest public articles.
pub async fn site_feed(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<FeedCache>>,
    request_headers: HeaderMap,
) -> Response {
    let state = state.current();
    let today = Date::today_utc();
    let document = cache.get_or_build(&epoch(&state, today), urls::FEED, || {
        let cards: Vec<&ArticleCard> = state.content.visible_cards(today).take(FEED_ENTRIES).collect();
        (ATOM, atom(&state.config.site_url, "NourishVibes", urls::FEED, "/", &cards))
    });
    respond(&document, &request_headers)
}

/// `GET /topics/{category}/feed.xml`: one topic's newest public articles.
pub async fn topic_feed(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<FeedCache>>,
    Path(category): Path<String>,
    request_headers: HeaderMap,
) -> Response {
    let state = state.current();
    let Some(topic) = state.content.categories().iter().find(|topic| topic.key == category) else {
        return (StatusCode::NOT_FOUND, "No such topic.\n").into_response();
    };
    let today = Date::today_utc();
    let path = urls::topic_path(&category);
    let self_path = urls::topic_feed_path(&category);
    let document = cache.get_or_build(&epoch(&state, today), &self_path, || {
        let cards: Vec<&ArticleCard> =
            state.content.visible_cards(today).filter(|card| card.category == category).take(FEED_ENTRIES).collect();
        let title = format!("{} | NourishVibes", topic.name);
        (ATOM, atom(&state.config.site_url, &title, &self_path, &path, &cards))
    });
    respond(&document, &request_headers)
}

/// `GET /sitemap.xml`: every public page with the date it last changed.
pub async fn sitemap(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<FeedCache>>,
    request_headers: HeaderMap,
) -> Response {
    let state = state.current();
    let today = Date::today_utc();
    // Issue 14: the newsletter archive. Like the rest, a new issue shows from the next day's
    // sitemap on (both caches keep the sitemap for the day).
    let issues = match state.newsletter.store.sent_issues().await {
        Ok(issues) => issues.into_iter().map(|issue| (issue.week.to_ascii_lowercase(), issue.created_at)).collect(),
        Err(error) => {
            tracing::error!("sitemap: the newsletter archive is left out: {error}");
            Vec::new()
        }
    };
    let document = cache.get_or_build(&epoch(&state, today), urls::SITEMAP, || {
        let mut xml = sitemap_xml(&state, today);
        add_issues(&mut xml, &state.config.site_url, &issues);
        (XML, xml)
    });
    respond(&document, &request_headers)
}

/// Adds the newsletter archive (`(slug, sent at)`, newest first) before the sitemap's end.
fn add_issues(xml: &mut String, site: &str, issues: &[(String, i64)]) {
    let Some(end) = xml.rfind("</urlset>") else { return };
    let mut entries: Vec<(String, Option<String>)> = Vec::new();
    let day = |at: i64| Date::from_days_since_epoch(at.div_euclid(86_400)).iso();
    if let Some((_, newest)) = issues.first() {
        entries.push(("/newsletter/issues".into(), Some(day(*newest))));
    }
    for (slug, at) in issues {
        entries.push((urls::issue_path(slug), Some(day(*at))));
    }
    let listed = urlset(site, &entries);
    let start = listed.find("<url>").unwrap_or(listed.len());
    let stop = listed.rfind("</urlset>").unwrap_or(listed.len());
    if start < stop {
        xml.insert_str(end, &listed[start..stop]);
    }
}

/// The sitemap: home, every public article, and each topic and author page with an article.
fn sitemap_xml(state: &RequestState, today: Date) -> String {
    let site = &state.config.site_url;
    let cards: Vec<&ArticleCard> = state.content.visible_cards(today).collect();
    let newest = |filter: &dyn Fn(&ArticleCard) -> bool| {
        cards.iter().filter(|card| filter(card)).map(|card| card.updated.iso.clone()).max()
    };
    let mut entries: Vec<(String, Option<String>)> = vec![("/".into(), newest(&|_| true))];
    for card in &cards {
        entries.push((urls::article_path(&card.slug), Some(card.updated.iso.clone())));
    }
    for topic in state.content.categories() {
        if let Some(lastmod) = newest(&|card| card.category == topic.key) {
            entries.push((urls::topic_path(&topic.key), Some(lastmod)));
        }
    }
    for author in state.content.authors() {
        if let Some(lastmod) = newest(&|card| card.author_id == author.id) {
            entries.push((urls::author_path(&author.id), Some(lastmod)));
        }
    }
    for slug in nv_model::content::STATIC_PAGES {
        if let Some(page) = state.content.static_page(slug) {
            entries.push((urls::static_page_path(slug), Some(page.updated.iso.clone())));
        }
    }
    urlset(site, &entries)
}

/// A sitemap of `entries` (path, last change) under `site`, every value escaped.
fn urlset(site: &str, entries: &[(String, Option<String>)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, lastmod) in entries {
        xml.push_str(&format!("<url><loc>{}</loc>", xml_escape(&urls::absolute(site, path))));
        if let Some(lastmod) = lastmod {
            xml.push_str(&format!("<lastmod>{}</lastmod>", xml_escape(lastmod)));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `GET /robots.txt`: everything but the API and the token pages, and where the sitemap is.
pub async fn robots(State(state): State<AppState>) -> Response {
    let body = urls::robots_txt(&state.config.site_url);
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], body)
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nv_model::content::{DateView, HeroImage};

    /// Every character XML gives a meaning to.
    const NASTY: &str = "Fish & <chips> \"quoted\" 'too'";

    fn nasty_card() -> ArticleCard {
        let date = DateView { iso: "2026-01-02".into(), display: "Jan 2, 2026".into() };
        ArticleCard {
            slug: "a&b<c>\"'".to_string(),
            title: NASTY.into(),
            description: NASTY.into(),
            category: "k&<>\"'".into(),
            category_name: NASTY.into(),
            tags: Vec::new(),
            hero: HeroImage { src: String::new(), alt: String::new(), width: 1, height: 1, derived: None },
            author_id: "id&<>\"'".into(),
            author_name: NASTY.into(),
            published: date.clone(),
            updated: date,
            reading_minutes: 3,
        }
    }

    #[test]
    fn every_value_in_a_feed_is_escaped() {
        let site = "https://example.org/x?a=1&b='2'";
        let card = nasty_card();
        let xml = atom(site, NASTY, "/topics/k&<>/feed.xml", "/topics/k&<>", &[&card]);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|error| panic!("{error}:\n{xml}"));
        // URLs as written (feed-rs would normalise them).
        let hrefs: Vec<&str> = doc
            .descendants()
            .filter(|node| node.has_tag_name("link"))
            .filter_map(|node| node.attribute("href"))
            .collect();
        assert_eq!(
            hrefs,
            [
                format!("{site}/topics/k&<>/feed.xml"),
                format!("{site}/topics/k&<>"),
                format!("{site}/articles/{}", card.slug)
            ]
        );
        let uri = doc.descendants().find(|node| node.has_tag_name("uri")).and_then(|node| node.text());
        assert_eq!(uri, Some(format!("{site}/authors/{}", card.author_id).as_str()));
        let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid Atom feed");
        assert_eq!(feed.title.unwrap().content, NASTY);
        let entry = &feed.entries[0];
        assert_eq!(entry.title.as_ref().unwrap().content, NASTY);
        assert_eq!(entry.authors[0].name, NASTY);
        assert_eq!(entry.categories[0].term, card.category);
        assert_eq!(entry.categories[0].label.as_deref(), Some(NASTY));
        assert_eq!(entry.summary.as_ref().unwrap().content, NASTY);
    }

    #[test]
    fn every_value_in_the_sitemap_is_escaped() {
        let site = "https://example.org/x?a=1&b='2'";
        let entries = vec![("/a&b<c>\"'".to_string(), Some("2026-01-02&<>".to_string())), ("/".to_string(), None)];
        let xml = urlset(site, &entries);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|error| panic!("{error}:\n{xml}"));
        let text = |name: &str| {
            doc.descendants().find(|node| node.has_tag_name(name)).and_then(|node| node.text()).map(str::to_string)
        };
        assert_eq!(text("loc"), Some(format!("{site}/a&b<c>\"'")));
        assert_eq!(text("lastmod").as_deref(), Some("2026-01-02&<>"));
    }
}
