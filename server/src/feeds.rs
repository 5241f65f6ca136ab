//! Atom feeds (site-wide and per topic), the sitemap and robots.txt, built from the content
//! store with absolute URLs from the configured site URL.

use app::content::api::ArticleCard;
use app::content::dates::Date;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

fn xml_response(content_type: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=300")], body).into_response()
}

/// An Atom feed of `cards` (newest first) titled `title`, at `self_path`, linking to `page_path`.
fn atom(site: &str, title: &str, self_path: &str, page_path: &str, cards: &[&ArticleCard]) -> String {
    let updated = cards.iter().map(|card| card.updated.iso.as_str()).max().unwrap_or("2026-01-01");
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>{}</title>\n<subtitle>Evidence-based nutrition and health, reviewed by professionals.</subtitle>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{site}{self_path}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{site}{page_path}\"/>\n\
         <id>{site}{self_path}</id>\n<updated>{updated}T00:00:00Z</updated>\n",
        xml_escape(title)
    );
    for card in cards {
        let url = format!("{site}/articles/{}", card.slug);
        xml.push_str(&format!(
            "<entry>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n<id>{url}</id>\n\
             <published>{}T00:00:00Z</published>\n<updated>{}T00:00:00Z</updated>\n\
             <author><name>{}</name><uri>{site}/authors/{}</uri></author>\n\
             <category term=\"{}\" label=\"{}\"/>\n<summary>{}</summary>\n</entry>\n",
            xml_escape(&card.title),
            card.published.iso,
            card.updated.iso,
            xml_escape(&card.author_name),
            card.author_id,
            card.category,
            xml_escape(&card.category_name),
            xml_escape(&card.description),
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

/// `GET /feed.xml`: every public article.
pub async fn site_feed(State(state): State<AppState>) -> Response {
    let cards: Vec<&ArticleCard> = state.content.visible_cards(Date::today_utc()).collect();
    let body = atom(&state.config.site_url, "NourishVibes", "/feed.xml", "/", &cards);
    xml_response("application/atom+xml; charset=utf-8", body)
}

/// `GET /topics/{category}/feed.xml`: one topic's public articles.
pub async fn topic_feed(State(state): State<AppState>, Path(category): Path<String>) -> Response {
    let Some(topic) = state.content.categories().iter().find(|topic| topic.key == category) else {
        return (StatusCode::NOT_FOUND, "No such topic.\n").into_response();
    };
    let cards: Vec<&ArticleCard> =
        state.content.visible_cards(Date::today_utc()).filter(|card| card.category == category).collect();
    let title = format!("{} | NourishVibes", topic.name);
    let path = format!("/topics/{category}");
    let body = atom(&state.config.site_url, &title, &format!("{path}/feed.xml"), &path, &cards);
    xml_response("application/atom+xml; charset=utf-8", body)
}

/// `GET /sitemap.xml`: every public page with the date it last changed.
pub async fn sitemap(State(state): State<AppState>) -> Response {
    let site = &state.config.site_url;
    let cards: Vec<&ArticleCard> = state.content.visible_cards(Date::today_utc()).collect();
    let newest = |filter: &dyn Fn(&ArticleCard) -> bool| {
        cards.iter().filter(|card| filter(card)).map(|card| card.updated.iso.clone()).max()
    };
    let mut entries: Vec<(String, Option<String>)> = vec![("/".into(), newest(&|_| true))];
    for card in &cards {
        entries.push((format!("/articles/{}", card.slug), Some(card.updated.iso.clone())));
    }
    for topic in state.content.categories() {
        if let Some(lastmod) = newest(&|card| card.category == topic.key) {
            entries.push((format!("/topics/{}", topic.key), Some(lastmod)));
        }
    }
    for author in state.content.authors() {
        if let Some(lastmod) = newest(&|card| card.author_id == author.id) {
            entries.push((format!("/authors/{}", author.id), Some(lastmod)));
        }
    }
    for slug in app::content::api::STATIC_PAGES {
        if let Some(page) = state.content.static_page(slug) {
            entries.push((format!("/{slug}"), Some(page.updated.iso.clone())));
        }
    }
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, lastmod) in entries {
        xml.push_str(&format!("<url><loc>{}</loc>", xml_escape(&format!("{site}{path}"))));
        if let Some(lastmod) = lastmod {
            xml.push_str(&format!("<lastmod>{lastmod}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml_response("application/xml; charset=utf-8", xml)
}

/// `GET /robots.txt`: everything but the API and the token pages, and where the sitemap is.
pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /newsletter/confirm\nDisallow: /newsletter/unsubscribe\n\nSitemap: {}/sitemap.xml\n",
        state.config.site_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], body)
        .into_response()
}
