//! Router-level tests of reloading the content while the server runs (what SIGHUP and the
//! development watcher do): the new content is served everywhere at once, nothing cached from
//! the old survives, and a broken file keeps the old content and says what is wrong.

use crate::common;

use axum::http::StatusCode;
use axum::Router;
use common::{content_dir, copy_dir, reloadable_app_on};
use server::html_cache::HtmlCache;
use std::path::Path;
use std::sync::Arc;

const OLD_TITLE: &str = "Vitamin D3 + K2: The Perfect Pair";
const NEW_TITLE: &str = "Vitamin D3 and K2, Rewritten While Running";

async fn get(router: &Router, path: &str) -> (StatusCode, String) {
    let reply = common::client::get(router, path).await;
    (reply.status, reply.text())
}

/// A copy of the real content folder the test may edit.
fn content_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&content_dir(), dir.path());
    dir
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{from} in {}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// URLs whose answer shows the article's title: its page, lists, the feed and search.
const SHOWING_THE_TITLE: [&str; 5] =
    ["/articles/vitamin-d3-k2", "/", "/topics/supplements", "/feed.xml", "/search?q=vitamin"];

#[tokio::test]
async fn a_reload_serves_the_new_content_everywhere_and_no_old_cached_page_survives() {
    let dir = content_copy();
    let cache = Arc::new(HtmlCache::default());
    let (router, reloader) = reloadable_app_on(dir.path(), cache.clone()).await;
    for path in SHOWING_THE_TITLE {
        let (status, body) = get(&router, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains(OLD_TITLE) || body.contains("Vitamin D3 + K2"), "{path} shows the title");
    }
    assert!(cache.keys().len() >= 5, "the pages are cached: {:?}", cache.keys());
    let sitemap_before = get(&router, "/sitemap.xml").await.1;
    assert!(!sitemap_before.contains("/articles/added-while-running"));

    // An edited title, as an editor publishes it.
    let article = dir.path().join("articles/vitamin-d3-k2.md");
    edit(&article, OLD_TITLE, NEW_TITLE);
    reloader.reload_blocking().expect("the edited content is valid");
    for path in SHOWING_THE_TITLE {
        let (status, body) = get(&router, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.contains(OLD_TITLE) && !body.contains("Vitamin D3 + K2"), "{path} still shows the old title");
        assert!(body.contains("Rewritten While Running"), "{path} shows the new title");
    }

    // A new article.
    let added = std::fs::read_to_string(dir.path().join("articles/magnesium-supplements.md")).unwrap().replacen(
        "slug = \"magnesium-supplements\"",
        "slug = \"added-while-running\"",
        1,
    );
    std::fs::write(dir.path().join("articles/added-while-running.md"), added).unwrap();
    reloader.reload_blocking().expect("still valid");
    assert_eq!(get(&router, "/articles/added-while-running").await.0, StatusCode::OK);
    assert!(get(&router, "/sitemap.xml").await.1.contains("/articles/added-while-running"), "the sitemap is rebuilt");
    // Deleting an article takes it off the site.
    std::fs::remove_file(dir.path().join("articles/added-while-running.md")).unwrap();
    reloader.reload_blocking().expect("still valid");
    assert_eq!(get(&router, "/articles/added-while-running").await.0, StatusCode::NOT_FOUND);
    assert!(!get(&router, "/sitemap.xml").await.1.contains("/articles/added-while-running"));
}

#[tokio::test]
async fn a_reload_with_a_broken_file_keeps_the_old_content_and_reports_each_problem() {
    let dir = content_copy();
    let cache = Arc::new(HtmlCache::default());
    let (router, reloader) = reloadable_app_on(dir.path(), cache).await;
    // As under the development watcher: pages then list the problems of the last reload.
    reloader.live().set_watched(true);
    let (_, page) = get(&router, "/articles/vitamin-d3-k2").await;
    assert!(page.contains(r#"<meta name="nv-content-revision""#) && page.contains(r#"src="/_dev/live-content.js""#));
    assert!(!page.contains("Content problems"));

    let article = dir.path().join("articles/vitamin-d3-k2.md");
    edit(&article, OLD_TITLE, NEW_TITLE);
    edit(&article, "author = \"sarah-johnson\"", "author = \"nobody-by-that-name\"");
    let errors = reloader.reload_blocking().expect_err("an unknown author is an error");
    assert!(errors.0.iter().any(|error| error.file == article && error.field == "author"), "{errors}");

    let (status, page) = get(&router, "/articles/vitamin-d3-k2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(OLD_TITLE) && !page.contains(NEW_TITLE), "the last good content stays");
    assert!(page.contains(&format!("Content problems ({})", errors.0.len())), "the banner shows: {errors}");
    assert!(page.contains("<code>articles/vitamin-d3-k2.md</code>") && page.contains("<code>author</code>"));
    assert!(page.contains("nobody-by-that-name"), "with the reason");
    let (_, home) = get(&router, "/").await;
    assert!(home.contains("Content problems ("), "on every page");

    let (status, ready) = get(&router, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "the old content is still served: {ready}");
    assert!(ready.contains("last content reload FAILED") && ready.contains("vitamin-d3-k2.md"), "{ready}");

    // Fixed: the new content is served and the banner and the report go.
    edit(&article, "author = \"nobody-by-that-name\"", "author = \"sarah-johnson\"");
    reloader.reload_blocking().expect("fixed");
    let (_, page) = get(&router, "/articles/vitamin-d3-k2").await;
    assert!(page.contains(NEW_TITLE) && !page.contains("Content problems"));
    assert!(!get(&router, "/readyz").await.1.contains("FAILED"));
}

#[tokio::test]
async fn the_live_content_script_is_served_only_while_the_content_is_watched() {
    let dir = content_copy();
    let (router, reloader) = reloadable_app_on(dir.path(), Arc::new(HtmlCache::default())).await;
    assert_eq!(get(&router, "/_dev/content-revision").await.0, StatusCode::NOT_FOUND);
    let (_, page) = get(&router, "/").await;
    assert!(!page.contains("live-content.js"), "production pages do not poll");
    reloader.live().set_watched(true);
    let (status, first) = get(&router, "/_dev/content-revision").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(get(&router, "/_dev/live-content.js").await.0, StatusCode::OK);
    reloader.reload_blocking().unwrap();
    let (_, second) = get(&router, "/_dev/content-revision").await;
    assert_ne!(first, second, "every reload changes the revision the open pages compare with");
}

#[tokio::test]
async fn after_a_reload_nothing_keeps_the_old_content_in_memory() {
    let dir = content_copy();
    let (router, reloader) = reloadable_app_on(dir.path(), Arc::new(HtmlCache::default())).await;
    for path in ["/", "/articles/vitamin-d3-k2", "/feed.xml", "/search?q=magnesium"] {
        assert_eq!(get(&router, path).await.0, StatusCode::OK, "{path}");
    }
    let first = Arc::downgrade(&reloader.live().current());
    edit(&dir.path().join("articles/vitamin-d3-k2.md"), OLD_TITLE, NEW_TITLE);
    reloader.reload_blocking().unwrap();
    assert!(get(&router, "/articles/vitamin-d3-k2").await.1.contains(NEW_TITLE));
    // The router and its state live on; the first content (10,000 articles: over 200 MiB) must not.
    assert!(first.upgrade().is_none(), "the content before the reload is still held");
}
