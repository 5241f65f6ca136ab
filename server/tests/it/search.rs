//! Search as readers use it, through the router: a misspelt query is corrected and says so,
//! with the way back to exactly what was typed; the words found are marked; the editors'
//! synonyms find the other spelling; a query that finds nothing gets a helpful page, is not
//! kept in the page cache, and is counted for `server search misses`; a broken synonyms file
//! stops `server check` with file, line and reason.

use crate::common;

use axum::http::{header, StatusCode};
use axum::Router;
use std::path::Path;
use std::process::Command;

async fn get(router: &Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let reply = common::client::get(router, uri).await;
    (reply.status, reply.headers.clone(), reply.visible_text())
}

/// The words a results page marks, lower-cased.
fn marked(page: &str) -> Vec<String> {
    page.split("<mark>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</mark>"))
        .map(|(word, _)| word.to_lowercase())
        .collect()
}

#[tokio::test]
async fn a_misspelt_query_shows_the_corrected_results_and_the_way_back() {
    let data = tempfile::tempdir().unwrap();
    let (router, _) = common::app_with_data(data.path()).await;
    let (status, _, page) = get(&router, "/search?q=magnesum").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Showing results for <strong>magnesium</strong>"), "{page}");
    assert!(page.contains(r#"<a href="/search?q=magnesum&amp;exact=1">Search instead for “magnesum”</a>"#), "{page}");
    assert!(page.contains(r#"value="magnesum""#), "the field keeps what was typed");
    assert!(page.contains(r#"href="/articles/magnesium-supplements"#), "the magnesium article is found");
    assert!(marked(&page).iter().any(|word| word.starts_with("magnesium")), "corrected words are marked");
}

#[tokio::test]
async fn exactly_what_was_typed_finds_nothing_suggests_the_correction_and_is_counted() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = common::app_with_data(data.path()).await;
    let (status, headers, page) = get(&router, "/search?q=magnesum&exact=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("No articles match “magnesum”."), "{page}");
    assert!(page.contains(r#"Did you mean <a href="/search?q=magnesium">magnesium</a>?"#), "{page}");
    assert!(page.contains(r#"<a href="/topics/nutrition">"#), "the topics to browse: {page}");
    assert!(!page.contains("Showing results for"));
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store", "a miss is never kept");
    let counted = newsletter.search_misses.take();
    assert_eq!(counted.iter().map(|miss| (miss.query.as_str(), miss.count)).collect::<Vec<_>>(), [("magnesum", 1)]);
}

#[tokio::test]
async fn synonyms_and_british_spellings_find_the_article() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = common::app_with_data(data.path()).await;
    for (query, article) in [
        ("fibre", "dietary-fiber-guide"),
        ("yoghurt", "fermented-foods-gut-health"),
        ("vit+d", "vitamin-d3-k2"),
        ("omega3", "omega-3-fish-oil-supplements"),
    ] {
        let (_, _, page) = get(&router, &format!("/search?q={query}")).await;
        let first = page.split("<li class=\"search-hit\">").nth(1).unwrap_or_default();
        assert!(first.contains(&format!("/articles/{article}")), "{query}: {article} first");
        assert!(!page.contains("Showing results for"), "{query}: a synonym is not a correction");
    }
    let (_, _, fibre) = get(&router, "/search?q=fibre").await;
    assert!(marked(&fibre).iter().any(|word| word.starts_with("fiber")), "the synonym is marked");
    assert!(newsletter.search_misses.is_empty(), "found queries are not counted");
}

#[tokio::test]
async fn the_misses_command_lists_what_readers_did_not_find_most_frequent_first() {
    let data = tempfile::tempdir().unwrap();
    let (router, newsletter) = common::app_with_data(data.path()).await;
    for uri in ["/search?q=ashwagandha", "/search?q=Ashwagandha", "/search?q=zzqx", "/search?q=me%40example.com"] {
        assert_eq!(get(&router, uri).await.0, StatusCode::OK);
    }
    server::search_misses::flush(&newsletter).await;
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["search", "misses", "--days", "7"])
        .env("NV_DATA_DIR", data.path())
        .env("NV_CONTENT_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"))
        .env("RUST_LOG", "warn")
        .output()
        .expect("run server search misses");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[1].trim_start().starts_with("2  ashwagandha"), "{stdout}");
    assert!(lines[2].trim_start().starts_with("1  zzqx"), "{stdout}");
    assert!(!stdout.contains("example.com"), "an address is never recorded");
}

#[test]
fn a_broken_synonyms_file_stops_the_check_with_file_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::content_dir(), dir.path());
    std::fs::write(
        dir.path().join("search/synonyms.toml"),
        "same = [\n  [\"fibre\", \"fiber\"],\n  [\"yoghurt\"],\n  [\"colour\", \"color\", \"colour\"],\n]\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("check")
        .env("NV_CONTENT_DIR", dir.path())
        .output()
        .expect("run server check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "check passed with a broken synonyms file");
    assert!(stderr.contains("synonyms.toml: field `line 3`"), "{stderr}");
    assert!(stderr.contains("synonyms.toml: field `line 4`"), "{stderr}");
}
