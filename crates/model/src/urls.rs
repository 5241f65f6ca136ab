//! The site's URLs in one place: which paths are pages and which are not (read by the page
//! cache, robots.txt and the navigation script), the path of each page that takes a key
//! (article, topic, author, issue, share image, token pages), the page of a paged list, and an
//! absolute URL from a path for feeds, mail and link previews. Compiled for the server and the
//! browser alike.
//!
//! Paths start with `/`; the site URL (`NV_SITE_URL`) has no trailing slash.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Where server functions (`#[server]`) are posted.
pub const API: &str = "/api/";

/// What is under these prefixes is a file or an endpoint, not a page: server functions, the
/// build's assets, content images (SVGs as they are, photos' derived images) and share images.
/// The page cache leaves them to the router, and client-side navigation leaves links to them to
/// the browser.
pub const NOT_PAGES: [&str; 5] = [API, "/pkg/", "/images/", crate::images::DERIVED_PREFIX, "/share/"];

/// Pages for the holder of a mailed token: search engines are asked to keep out (robots.txt).
pub const TOKEN_PAGES: [&str; 2] = ["/newsletter/confirm", "/newsletter/unsubscribe"];

/// The search page.
pub const SEARCH: &str = "/search";

/// The search page for `query`, encoded as an HTML form encodes it (a space is `+`): the one
/// spelling the browser's live search puts in the address bar and the page cache keeps it under.
pub fn search_url(query: &str) -> String {
    let mut url = String::with_capacity(SEARCH.len() + 3 + query.len() * 3);
    url.push_str(SEARCH);
    url.push_str("?q=");
    percent_encode_into(&mut url, query, Encoding::Form);
    url
}

/// The search page for exactly `query`, with no typo corrected ("Search instead for …").
pub fn exact_search_url(query: &str) -> String {
    let mut url = search_url(query);
    url.push_str("&exact=1");
    url
}

/// Which bytes a query value keeps as they are.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// RFC 3986 unreserved characters; everything else percent-encoded (share links).
    Component,
    /// As an HTML form sends a value (`application/x-www-form-urlencoded`): a space is `+`.
    Form,
}

/// Everything but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Appends `text` to `out`, percent-encoded as `encoding` says: `percent-encoding` for a URI
/// component, `form_urlencoded` (the WHATWG serializer the page cache's keys use too) for a form
/// value, so the browser's search URLs and the cache's keys cannot disagree.
pub fn percent_encode_into(out: &mut String, text: &str, encoding: Encoding) {
    match encoding {
        Encoding::Component => out.extend(utf8_percent_encode(text, NOT_UNRESERVED)),
        Encoding::Form => out.extend(form_urlencoded::byte_serialize(text.as_bytes())),
    }
}

/// Pages the page cache does not keep as pages: the newsletter's pages below `/newsletter/`
/// (the token pages, and the archive read from the database) and search (kept under its query
/// in normal form by a rule of its own).
pub const UNCACHED_PAGES: [&str; 2] = ["/newsletter/", SEARCH];

/// Topic pages and their feeds are below this prefix.
pub const TOPICS: &str = "/topics/";

/// Author pages are below this prefix.
pub const AUTHORS: &str = "/authors/";

/// Lists long enough to have pages (`?page=N`).
pub const PAGED_LISTS: [&str; 2] = [TOPICS, AUTHORS];

/// The site's Atom feed.
pub const FEED: &str = "/feed.xml";

/// The sitemap.
pub const SITEMAP: &str = "/sitemap.xml";

/// Whether `path` names a page (HTML for a reader) rather than a file or an endpoint.
pub fn is_page(path: &str) -> bool {
    let file = path.rsplit('/').next().is_some_and(|name| name.contains('.'));
    !file && !NOT_PAGES.iter().any(|prefix| path.starts_with(prefix))
}

/// Whether `path` is one of the documents built once a day: the feeds and the sitemap.
pub fn is_daily_document(path: &str) -> bool {
    path == FEED || path == SITEMAP || (path.starts_with(TOPICS) && path.ends_with("/feed.xml"))
}

/// robots.txt for the site at `site_url`: everything but the server functions and the token
/// pages, and where the sitemap is.
pub fn robots_txt(site_url: &str) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    for path in std::iter::once(API).chain(TOKEN_PAGES) {
        text.push_str(&format!("Disallow: {path}\n"));
    }
    text.push_str(&format!("\nSitemap: {}\n", absolute(site_url, SITEMAP)));
    text
}

/// `/articles/{slug}`.
pub fn article_path(slug: &str) -> String {
    format!("/articles/{slug}")
}

/// `/topics/{key}`.
pub fn topic_path(key: &str) -> String {
    format!("{TOPICS}{key}")
}

/// `/topics/{key}/feed.xml`, the topic's Atom feed.
pub fn topic_feed_path(key: &str) -> String {
    format!("{TOPICS}{key}/feed.xml")
}

/// `/authors/{id}`.
pub fn author_path(id: &str) -> String {
    format!("{AUTHORS}{id}")
}

/// `/{slug}`, a site page such as `/about`.
pub fn static_page_path(slug: &str) -> String {
    format!("/{slug}")
}

/// `/newsletter/issues/{slug}`, a sent issue in the web archive (`slug`: `2026-w48`).
pub fn issue_path(slug: &str) -> String {
    format!("/newsletter/issues/{slug}")
}

/// `/share/{slug}.{ext}`, the image link previews and the weekly mail show for an article.
pub fn share_image_path(slug: &str, ext: &str) -> String {
    format!("/share/{slug}.{ext}")
}

/// The confirmation page a double opt-in mail links to.
pub fn confirm_path(token: &str) -> String {
    format!("/newsletter/confirm?token={token}")
}

/// The unsubscribe page a mail links to.
pub fn unsubscribe_path(token: &str) -> String {
    format!("/newsletter/unsubscribe?token={token}")
}

/// The RFC 8058 one-click unsubscribe URL of `List-Unsubscribe`.
pub fn one_click_unsubscribe_path(token: &str) -> String {
    format!("/newsletter/unsubscribe/one-click?token={token}")
}

/// Page `page` (from 1) of the list at `path`: the first page has no query.
pub fn paged(path: &str, page: usize) -> String {
    if page > 1 {
        format!("{path}?page={page}")
    } else {
        path.to_string()
    }
}

/// The absolute URL of `path` on the site at `site_url`.
pub fn absolute(site_url: &str, path: &str) -> String {
    format!("{site_url}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_url_is_form_encoded() {
        assert_eq!(search_url("vitamin d"), "/search?q=vitamin+d");
        assert_eq!(search_url("café & tea+"), "/search?q=caf%C3%A9+%26+tea%2B");
        assert_eq!(search_url(""), "/search?q=");
    }

    #[test]
    fn paths_and_absolute_urls() {
        assert_eq!(absolute("https://nv.test", &article_path("a")), "https://nv.test/articles/a");
        assert_eq!(paged(&topic_path("sleep"), 1), "/topics/sleep");
        assert_eq!(paged(&author_path("sarah"), 3), "/authors/sarah?page=3");
        assert_eq!(share_image_path("a", "png"), "/share/a.png");
        assert_eq!(topic_feed_path("sleep"), "/topics/sleep/feed.xml");
        assert_eq!(issue_path("2026-w48"), "/newsletter/issues/2026-w48");
    }

    #[test]
    fn pages_and_what_is_not() {
        for page in ["/", "/articles/a", "/topics/sleep", "/newsletter/confirm", "/search"] {
            assert!(is_page(page), "{page}");
        }
        for file in ["/api/subscribe", "/pkg/site.wasm", "/images/a.webp", "/share/a.png", "/favicon.svg", "/feed.xml"]
        {
            assert!(!is_page(file), "{file}");
        }
        assert!(is_daily_document("/topics/sleep/feed.xml") && is_daily_document(SITEMAP));
        assert!(!is_daily_document("/topics/sleep"));
    }

    #[test]
    fn robots_txt_keeps_crawlers_off_the_api_and_the_token_pages() {
        assert_eq!(
            robots_txt("https://nv.test"),
            "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /newsletter/confirm\n\
             Disallow: /newsletter/unsubscribe\n\nSitemap: https://nv.test/sitemap.xml\n"
        );
    }
}
