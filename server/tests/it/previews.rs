//! Preview links for outside reviewers, through the router: a valid link shows the unpublished
//! article under its banner with the headers that keep it private; a wrong, tampered, expired,
//! revoked or other-slug link, or one to an article a reload removed, answers exactly as a page
//! that does not exist; the draft stays out of the page cache, search, feeds and the sitemap.
//! And `server preview link|list|revoke` as editors run them.

use crate::common;

use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Router;
use leptos::prelude::LeptosOptions;
use nv_newsletter::{previews, Newsletter};
use server::html_cache::HtmlCache;
use server::reload::Reloader;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

/// A draft (never published until its file says so).
const DRAFT: &str = "strength-training-for-beginners";
/// An article scheduled for a date far ahead.
const SCHEDULED: &str = "understanding-ldl-cholesterol";

/// A copy of the real content with [`DRAFT`] a draft and [`SCHEDULED`] scheduled for 2099.
pub(crate) fn unpublished_content() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::content_dir(), dir.path());
    let draft = dir.path().join(format!("articles/{DRAFT}.md"));
    let text = std::fs::read_to_string(&draft).unwrap();
    std::fs::write(
        &draft,
        text.replacen(&format!("slug = \"{DRAFT}\"\n"), &format!("slug = \"{DRAFT}\"\ndraft = true\n"), 1),
    )
    .unwrap();
    let scheduled = dir.path().join(format!("articles/{SCHEDULED}.md"));
    let text: String = std::fs::read_to_string(&scheduled)
        .unwrap()
        .lines()
        .map(|line| match line {
            line if line.starts_with("published = ") => "published = 2099-01-05".to_string(),
            line if line.starts_with("updated = ") => "updated = 2099-01-05".to_string(),
            line => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&scheduled, text + "\n").unwrap();
    dir
}

struct Site {
    router: Router,
    newsletter: Arc<Newsletter>,
    cache: Arc<HtmlCache>,
    reloader: Reloader,
    content: tempfile::TempDir,
    _data: tempfile::TempDir,
}

async fn site() -> Site {
    let content = unpublished_content();
    let data = tempfile::tempdir().unwrap();
    let options = LeptosOptions::builder().output_name("nourishvibes").build();
    let (state, newsletter) = common::state_with_options(options, content.path(), data.path(), 5).await;
    let cache = Arc::new(HtmlCache::default());
    let reloader = Reloader::new(state.live.clone(), cache.clone());
    let router = server::build_router_with_cache(state, content.path(), cache.clone())
        .layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 7], 50_000))));
    Site { router, newsletter, cache, reloader, content, _data: data }
}

async fn get(router: &Router, uri: &str) -> (StatusCode, HeaderMap, String) {
    let reply = common::client::get(router, uri).await;
    (reply.status, reply.headers.clone(), reply.visible_text())
}

/// A fresh link to `slug`, as `server preview link` makes it: its path.
async fn link(newsletter: &Newsletter, slug: &str) -> String {
    let (token, _) = newsletter.store.make_preview_link(slug, 72).await.unwrap();
    format!("/preview/{token}")
}

#[tokio::test]
async fn a_valid_link_shows_the_draft_under_its_banner_and_keeps_it_private() {
    let site = site().await;
    let (status, _, _) = get(&site.router, &format!("/articles/{DRAFT}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the draft is not public");

    let path = link(&site.newsletter, DRAFT).await;
    let (status, headers, page) = get(&site.router, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Preview — not published."), "the banner");
    assert!(page.contains("Link expires "), "and when the link expires");
    assert!(page.contains("<h1"), "the article itself");
    assert!(page.contains("Strength Training"), "{page}");
    assert!(page.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(!page.contains("Share this article") && !page.contains("class=\"share-row"), "no share buttons");
    assert_eq!(headers.get("x-robots-tag").unwrap(), "noindex, nofollow");
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "private, no-store");
    assert_eq!(headers.get(header::REFERRER_POLICY).unwrap(), "no-referrer");
    assert!(headers.get(header::CONTENT_SECURITY_POLICY).is_some(), "the CSP of every page");
    // Opened again: rendered again, never kept.
    assert_eq!(get(&site.router, &path).await.0, StatusCode::OK);
    assert!(site.cache.keys().iter().all(|key| !key.starts_with("/preview")), "{:?}", site.cache.keys());

    let (status, _, page) = get(&site.router, &link(&site.newsletter, SCHEDULED).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"Scheduled for <time datetime="2099-01-05">Jan 5, 2099</time>."#),
        "a scheduled article says when"
    );
}

#[tokio::test]
async fn every_bad_link_answers_exactly_like_a_page_that_does_not_exist() {
    let site = site().await;
    let (status, missing_headers, missing) = get(&site.router, "/articles/no-such-article").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Every page names its own path once, as where the footer's signup form returns to.
    let missing = missing.replace("/articles/no-such-article", "PATH");
    let secret = site.newsletter.store.preview_secret().await.unwrap();
    let now = nv_content::dates::unix_now();
    let good = link(&site.newsletter, DRAFT).await;
    let (head, signature) = good.rsplit_once('.').unwrap();
    let tampered = format!("{head}.{}{}", if signature.starts_with('A') { "B" } else { "A" }, &signature[1..]);
    let expired = format!("/preview/{}", previews::sign(&secret, DRAFT, now - 1));
    let other_slug = good.replacen(DRAFT, SCHEDULED, 1);
    let unknown_article = format!("/preview/{}", previews::sign(&secret, "no-such-article", now + 3600));
    for path in [tampered.as_str(), &expired, &other_slug, &unknown_article, "/preview/nonsense", "/preview/a.b.c"] {
        let (status, headers, page) = get(&site.router, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page.replace(path, "PATH"), missing, "{path}: the same page as any missing article");
        assert_eq!(headers.get(header::CACHE_CONTROL), missing_headers.get(header::CACHE_CONTROL), "{path}");
        assert!(headers.get("x-robots-tag").is_none(), "{path}: no hint that a preview exists");
    }

    // Revoked: the secret is replaced, and every link made before stops working at once.
    assert_eq!(get(&site.router, &good).await.0, StatusCode::OK);
    assert_eq!(site.newsletter.store.revoke_previews().await.unwrap(), 1);
    let (status, _, page) = get(&site.router, &good).await;
    assert_eq!((status, page.replace(&good, "PATH") == missing), (StatusCode::NOT_FOUND, true), "revoked");
    assert!(site.newsletter.store.preview_links().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_reload_shows_edits_and_a_removed_article_s_link_stops_working() {
    let site = site().await;
    let path = link(&site.newsletter, SCHEDULED).await;
    let file = site.content.path().join(format!("articles/{SCHEDULED}.md"));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("title = \"", "title = \"Edited: ", 1)).unwrap();
    site.reloader.reload_blocking().expect("the edit reloads");
    assert!(get(&site.router, &path).await.2.contains("Edited: "), "the edit shows on the next load");
    std::fs::remove_file(&file).unwrap();
    // The daily tips that linked to it now link elsewhere, or the reload would refuse.
    let tips = site.content.path().join("tips.toml");
    let text = std::fs::read_to_string(&tips).unwrap();
    std::fs::write(&tips, text.replace(&format!("/articles/{SCHEDULED}"), "/articles/vitamin-d3-k2")).unwrap();
    site.reloader.reload_blocking().expect("the removal reloads");
    assert_eq!(get(&site.router, &path).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_draft_stays_out_of_search_feeds_the_sitemap_and_related_articles() {
    let site = site().await;
    let (_, _, search) = get(&site.router, "/search?q=strength+training").await;
    assert!(!search.contains(&format!("/articles/{DRAFT}")), "not in search");
    for document in ["/feed.xml", "/topics/fitness/feed.xml", "/sitemap.xml", "/", "/topics/fitness"] {
        let (_, _, text) = get(&site.router, document).await;
        assert!(!text.contains(DRAFT), "{document} leaves the draft out");
    }
    // The walking article's body links to the draft (its editors' choice); its related
    // articles, chosen by the site, leave the draft out.
    let (_, _, walking) = get(&site.router, "/articles/walking-and-step-counts").await;
    let related = walking.split("id=\"related-title\"").nth(1).unwrap_or_else(|| panic!("related articles: {walking}"));
    assert!(!related.contains(&format!("/articles/{DRAFT}")), "not among related articles");
    let (status, _, _) = get(&site.router, &format!("/share/{DRAFT}.jpg")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no share image");
}

/// Runs `server preview ARGS` on `content` with `data` as its data dir.
fn preview_command(content: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("preview")
        .args(args)
        .env("NV_CONTENT_DIR", content)
        .env("NV_DATA_DIR", data)
        .env("NV_SITE_URL", "https://nourishvibes.example")
        .env("NV_MAIL_FROM", "NourishVibes <newsletter@nourishvibes.example>")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run server preview")
}

#[test]
fn editors_make_list_and_revoke_links_from_the_command_line() {
    let content = unpublished_content();
    let data = tempfile::tempdir().unwrap();
    let made = preview_command(content.path(), data.path(), &["link", DRAFT, "--hours", "24"]);
    let stdout = String::from_utf8_lossy(&made.stdout);
    assert!(made.status.success(), "{stdout}{}", String::from_utf8_lossy(&made.stderr));
    assert!(stdout.contains(&format!("preview of {DRAFT} (a draft), expires ")), "{stdout}");
    let url = stdout.lines().last().unwrap();
    assert!(
        url.starts_with(&format!("https://nourishvibes.example/preview/{DRAFT}.")),
        "the link is the last line: {stdout}"
    );

    let listed = preview_command(content.path(), data.path(), &["list"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.starts_with(&format!("{DRAFT}  expires ")), "{listed}");
    let token = url.rsplit_once('/').unwrap().1;
    assert!(!listed.contains(token.rsplit_once('.').unwrap().1), "never the token itself");

    let published = preview_command(content.path(), data.path(), &["link", "vitamin-d3-k2"]);
    assert!(!published.status.success());
    assert!(String::from_utf8_lossy(&published.stderr).contains("\"vitamin-d3-k2\" is already published"));
    let unknown = preview_command(content.path(), data.path(), &["link", "no-such-slug"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no article with the slug \"no-such-slug\""));
    let too_long = preview_command(content.path(), data.path(), &["link", DRAFT, "--hours", "10000"]);
    assert_eq!(too_long.status.code(), Some(2), "a usage error");

    let revoked = preview_command(content.path(), data.path(), &["revoke"]);
    assert!(String::from_utf8_lossy(&revoked.stdout).contains("(1 still valid before)"));
    let listed = preview_command(content.path(), data.path(), &["list"]);
    assert_eq!(String::from_utf8_lossy(&listed.stdout), "no preview link works now\n");
}

#[test]
#[ignore = "needs NV_TEST_POSTGRES_URL (scripts/test.sh starts a PostgreSQL cluster)"]
fn a_link_made_for_one_server_opens_on_another_and_a_revoke_stops_it_on_both() {
    use crate::running::{request, Server};
    let url = {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(crate::engines::new_postgres_database())
    };
    let content = unpublished_content();
    let content_dir = content.path().to_string_lossy().into_owned();
    let env = [("NV_DATABASE_URL", url.as_str()), ("NV_CONTENT_DIR", content_dir.as_str())];
    let servers = [Server::start(&env), Server::start(&env)];
    let get = |server: &Server, path: &str| {
        let raw = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", server.addr);
        request(server.addr, &raw).expect("an answer")
    };
    let command = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("preview")
            .args(args)
            .env("NV_CONTENT_DIR", content.path())
            .env("NV_DATA_DIR", servers[0].data.path())
            .env("NV_DATABASE_URL", &url)
            .env("NV_SITE_URL", format!("http://{}", servers[0].addr))
            .env("RUST_LOG", "warn")
            .output()
            .expect("run server preview")
    };
    let made = command(&["link", DRAFT]);
    let stdout = String::from_utf8_lossy(&made.stdout).into_owned();
    assert!(made.status.success(), "{stdout}{}", String::from_utf8_lossy(&made.stderr));
    let link = stdout.lines().last().unwrap();
    let path = &link[link.find("/preview/").expect("a preview link")..];
    for server in &servers {
        let reply = get(server, path);
        assert!(reply.starts_with("HTTP/1.1 200"), "{}", &reply[..reply.len().min(300)]);
        assert!(reply.contains("Preview — not published."));
    }
    // Each view is logged with the slug and expiry, never the token.
    let token = path.trim_start_matches("/preview/");
    let signature = token.rsplit_once('.').unwrap().1;
    assert!(servers[1].log().contains(&format!("slug={DRAFT}")), "{}", servers[1].log());
    assert!(servers.iter().all(|server| !server.log().contains(signature)), "the token is never logged");

    assert!(command(&["revoke"]).status.success());
    for server in &servers {
        assert!(get(server, path).starts_with("HTTP/1.1 404"), "revoked on every server at once");
    }
}
