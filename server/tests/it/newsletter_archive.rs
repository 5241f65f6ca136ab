//! The web archive of sent issues, through the real router.

use crate::common;

use axum::http::StatusCode;
use nv_newsletter::weekly::{prepare, IsoWeek, Schedule, WeeklySettings};

async fn get(app: &axum::Router, path: &str) -> (StatusCode, String) {
    let reply = common::client::get(app, path).await;
    (reply.status, reply.text())
}

#[tokio::test]
async fn sent_issues_are_listed_and_shown_as_site_pages() {
    let data = tempfile::tempdir().unwrap();
    let (app, newsletter) = common::app_with_data(data.path()).await;
    let (status, page) = get(&app, "/newsletter/issues").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("No issue has been sent yet."), "{page}");

    let content = nv_content::store::ContentStore::load(&common::content_dir(), common::SITE_URL).unwrap();
    let settings = WeeklySettings {
        content_dir: common::content_dir(),
        site_url: common::SITE_URL.into(),
        schedule: None,
        send_time: Schedule::default(),
    };
    let rendered = prepare(&settings, &content, IsoWeek::parse("2026-W21").unwrap(), false).unwrap();
    newsletter.store.send_issue(&rendered, "NourishVibes").await.unwrap();

    let (status, page) = get(&app, "/newsletter/issues").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("href=\"/newsletter/issues/2026-w21\""), "{page}");
    assert!(page.contains(&rendered.issue.subject), "{page}");

    let (status, page) = get(&app, "/newsletter/issues/2026-w21").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1 id=\"page-title\">"), "a page of the site");
    assert!(page.contains("href=\"/articles/caffeine-alcohol-and-sleep\""), "{page}");
    assert!(page.contains("Daily tips for the week ahead"));
    assert!(!page.contains("{{token}}"), "no per-reader link on the public page");

    let (_, sitemap) = get(&app, "/sitemap.xml").await;
    let document = roxmltree::Document::parse(&sitemap).expect("the sitemap is XML");
    let locations: Vec<&str> =
        document.descendants().filter(|node| node.has_tag_name("loc")).filter_map(|node| node.text()).collect();
    assert!(locations.contains(&"https://nourishvibes.example/newsletter/issues"), "{locations:?}");
    assert!(locations.contains(&"https://nourishvibes.example/newsletter/issues/2026-w21"), "{locations:?}");

    let (status, _) = get(&app, "/newsletter/issues/2026-w22").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an issue never sent");
    let (status, _) = get(&app, "/newsletter/issues/nonsense").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn with_drafts_shown_the_coming_issue_is_previewed_and_in_production_it_is_not() {
    let data = tempfile::tempdir().unwrap();
    let options = leptos::prelude::LeptosOptions::builder().output_name("nourishvibes").build();
    let settings = WeeklySettings {
        content_dir: common::content_dir(),
        site_url: common::SITE_URL.into(),
        schedule: None,
        send_time: Schedule::default(),
    };
    let (state, _) = common::state_with_preview(options, &common::content_dir(), data.path(), settings).await;
    let app = server::build_router(state, &common::content_dir());
    let now = nv_content::dates::unix_now();
    let coming = Schedule::default().coming_week(now).slug();

    let (status, list) = get(&app, "/newsletter/issues").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Preview (not sent yet)"), "{list}");
    assert!(list.contains(&format!("href=\"/newsletter/issues/{coming}\"")), "{list}");
    let (status, page) = get(&app, &format!("/newsletter/issues/{coming}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("has not been sent yet"), "{page}");
    assert!(page.contains("Daily tips for the week ahead"));

    // The production app (no preview) has no such page.
    let production = tempfile::tempdir().unwrap();
    let (app, _) = common::app_with_data(production.path()).await;
    let (status, _) = get(&app, &format!("/newsletter/issues/{coming}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
