//! The site's URLs in one place: the path of each page that takes a key (article, topic,
//! author, issue, share image, token pages), the page of a paged list, and an absolute URL from
//! a path for feeds, mail and link previews. Compiled for the server and the browser alike.
//!
//! Paths start with `/`; the site URL (`NV_SITE_URL`) has no trailing slash.

/// `/articles/{slug}`.
pub fn article_path(slug: &str) -> String {
    format!("/articles/{slug}")
}

/// `/topics/{key}`.
pub fn topic_path(key: &str) -> String {
    format!("/topics/{key}")
}

/// `/topics/{key}/feed.xml`, the topic's Atom feed.
pub fn topic_feed_path(key: &str) -> String {
    format!("/topics/{key}/feed.xml")
}

/// `/authors/{id}`.
pub fn author_path(id: &str) -> String {
    format!("/authors/{id}")
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
    fn paths_and_absolute_urls() {
        assert_eq!(absolute("https://nv.test", &article_path("a")), "https://nv.test/articles/a");
        assert_eq!(paged(&topic_path("sleep"), 1), "/topics/sleep");
        assert_eq!(paged(&author_path("sarah"), 3), "/authors/sarah?page=3");
        assert_eq!(share_image_path("a", "png"), "/share/a.png");
        assert_eq!(topic_feed_path("sleep"), "/topics/sleep/feed.xml");
        assert_eq!(issue_path("2026-w48"), "/newsletter/issues/2026-w48");
    }
}
