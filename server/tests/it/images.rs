//! Photos as readers get them, through the real router: an editor's camera JPEG (sideways, with
//! GPS and a serial number in its EXIF) as the reference article's hero.

use crate::common;

use axum::http::{header, StatusCode};
use axum::Router;
use nv_images::probe::decode;
use nv_images::testing::{avif_size, carries_metadata, jpeg_with_exif, Exif};
use server::html_cache::HtmlCache;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const ARTICLE: &str = "/articles/vitamin-d3-k2";

/// A copy of the content whose reference article's hero is `jpeg` (`images/photo.jpg`).
fn content_with_photo(jpeg: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let content = temp.path().join("content");
    common::copy_dir(&common::content_dir(), &content);
    std::fs::write(content.join("images/photo.jpg"), jpeg).unwrap();
    let article = content.join("articles/vitamin-d3-k2.md");
    let text = std::fs::read_to_string(&article).unwrap();
    let text = text.replacen("src = \"images/vitamin-d3-k2.svg\"", "src = \"images/photo.jpg\"", 1);
    std::fs::write(&article, text.replacen("width = 1200\nheight = 630\n", "", 1)).unwrap();
    (temp, content)
}

/// A sideways camera photo: stored 1800 × 1200, to be turned 90° clockwise (shown 1200 × 1800).
fn camera_photo() -> Vec<u8> {
    jpeg_with_exif(1800, 1200, &Exif { orientation: 6, gps: true })
}

async fn app(content: &Path) -> (Router, server::reload::Reloader) {
    common::reloadable_app_on(content, Arc::new(HtmlCache::default())).await
}

async fn get(router: &Router, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let reply = common::client::get(router, path).await;
    (reply.status, reply.headers, reply.body)
}

async fn page(router: &Router, path: &str) -> String {
    let (status, _, body) = get(router, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    String::from_utf8(body).unwrap()
}

/// The `<figure class="hero">…</figure>` of an article page.
fn hero_markup(html: &str) -> &str {
    let start = html.find("<figure class=\"hero\"").expect("a hero figure");
    &html[start..start + html[start..].find("</figure>").expect("its end")]
}

/// Every `name="…"` value in `markup`, in order.
fn attributes<'a>(markup: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    markup
        .match_indices(&needle)
        .map(|(at, _)| {
            let value = &markup[at + needle.len()..];
            &value[..value.find('"').unwrap()]
        })
        .collect()
}

/// The URLs of a `srcset` value, with their widths.
fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .map(|candidate| {
            let (url, width) = candidate.rsplit_once(' ').unwrap();
            (url.to_string(), width.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn every_srcset_candidate_answers_with_its_type_a_year_of_caching_and_no_metadata() {
    let (_temp, content) = content_with_photo(&camera_photo());
    let (router, _) = app(&content).await;
    let html = page(&router, ARTICLE).await;
    let hero = hero_markup(&html);
    assert!(hero.contains("<picture>"), "{hero}");
    assert_eq!(attributes(hero, "type"), vec!["image/avif", "image/webp"]);
    assert!(hero.contains("fetchpriority=\"high\""), "{hero}");
    assert!(hero.contains("class=\"placeholder\"") && hero.contains("src=\"data:image/png;base64,"), "{hero}");
    // Upright the photo is 1200 × 1800; the hero box shows the middle 1200 × 630 of it, and
    // that is all that is sent.
    assert_eq!(attributes(hero, "width"), vec!["1200", "1200"], "the upright width, placeholder and photo");
    assert_eq!(attributes(hero, "height"), vec!["630", "630"]);
    let srcsets = attributes(hero, "srcset");
    assert_eq!(srcsets.len(), 3, "AVIF, WebP, then the JPEG fallback: {hero}");
    for (srcset, mime) in srcsets.iter().zip(["image/avif", "image/webp", "image/jpeg"]) {
        let listed = candidates(srcset);
        assert_eq!(listed.iter().map(|(_, width)| *width).collect::<Vec<_>>(), vec![480, 640, 750, 1200]);
        for (url, width) in listed {
            let (status, headers, body) = get(&router, &url).await;
            assert_eq!(status, StatusCode::OK, "{url}");
            assert_eq!(headers[header::CONTENT_TYPE], mime, "{url}");
            assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable", "{url}");
            assert!(!carries_metadata(&body), "{url} carries EXIF, XMP or the camera's serial number");
            let size = match mime {
                "image/avif" => avif_size(&body).expect("an AVIF"),
                _ => decode(&body).map(|image| (image.width(), image.height())).unwrap(),
            };
            assert_eq!(size, (width, (width * 630 + 600) / 1200), "{url}");
        }
    }
    // The head asks for the hero before the body is read.
    let head = &html[..html.find("</head>").unwrap()];
    let preload = head
        .find("rel=\"preload\"")
        .map(|at| {
            let start = head[..at].rfind('<').unwrap();
            &head[start..at + head[at..].find('>').unwrap()]
        })
        .expect("a preload");
    assert!(
        preload.contains(&format!("imagesrcset=\"{}\"", srcsets[0])) && preload.contains("as=\"image\""),
        "{preload}"
    );
    // The <img src> for browsers without srcset is the widest fallback.
    assert!(attributes(hero, "src").iter().any(|src| src.ends_with("-1200.jpg")), "{hero}");
}

#[tokio::test]
async fn a_hero_focused_on_the_top_shows_the_top_of_the_photo_in_its_placeholder_too() {
    let (_temp, content) = content_with_photo(&jpeg_with_exif(1800, 1200, &Exif::default()));
    let article = content.join("articles/vitamin-d3-k2.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replacen("src = \"images/photo.jpg\"", "src = \"images/photo.jpg\"\nfocus = \"top\"", 1),
    )
    .unwrap();
    let (router, _) = app(&content).await;
    let html = page(&router, ARTICLE).await;
    let hero = hero_markup(&html);
    // The placeholder is the whole photo, blurred: the stylesheet shows its top in the box.
    let placeholder = &hero[hero.find("<img").unwrap()..hero.find("<picture>").unwrap()];
    assert!(placeholder.contains("src=\"data:image/png;base64,"), "{placeholder}");
    assert!(placeholder.contains("class=\"placeholder focus-top\""), "{placeholder}");
}

#[tokio::test]
async fn a_sideways_photo_comes_out_upright() {
    let (_temp, content) = content_with_photo(&camera_photo());
    let (router, _) = app(&content).await;
    let html = page(&router, ARTICLE).await;
    // The JPEG fallback (the last srcset): the same pixels as the others, and decodable here.
    let (url, _) = candidates(attributes(hero_markup(&html), "srcset")[2])[0].clone();
    let (_, _, body) = get(&router, &url).await;
    let image = decode(&body).unwrap().into_rgb8();
    // The camera's top edge (the red band) is on the right once turned as the EXIF says.
    let right = image.get_pixel(image.width() - 5, image.height() / 2);
    let left = image.get_pixel(5, image.height() / 2);
    assert!(right[0] > 150 && right[1] < 100, "red on the right: {right:?}");
    assert!(left[0] < 150, "no red on the left: {left:?}");
}

#[tokio::test]
async fn an_edited_photo_gets_new_urls_and_the_photo_file_itself_is_never_served() {
    let (_temp, content) = content_with_photo(&camera_photo());
    let (router, reloader) = app(&content).await;
    let before = page(&router, ARTICLE).await;
    let old_urls: Vec<String> = attributes(hero_markup(&before), "srcset").iter().map(|s| s.to_string()).collect();

    std::fs::write(content.join("images/photo.jpg"), jpeg_with_exif(1600, 1000, &Exif::default())).unwrap();
    reloader.reload_blocking().unwrap();
    let after = page(&router, ARTICLE).await;
    let new_urls = attributes(hero_markup(&after), "srcset");
    assert_ne!(new_urls, old_urls, "an edit changes every URL");
    let (url, _) = candidates(new_urls[0])[0].clone();
    assert_eq!(get(&router, &url).await.0, StatusCode::OK);

    // The editor's file (EXIF and all) is not reachable; SVG illustrations still are.
    assert_eq!(get(&router, "/images/photo.jpg").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&router, "/images/magnesium-supplements.svg").await.0, StatusCode::OK);
}

#[tokio::test]
async fn only_the_widths_and_formats_a_page_names_are_made() {
    let (_temp, content) = content_with_photo(&camera_photo());
    let (router, _) = app(&content).await;
    let html = page(&router, ARTICLE).await;
    let (url, _) = candidates(attributes(hero_markup(&html), "srcset")[0])[0].clone();
    let key = url.trim_start_matches("/img/").split('-').next().unwrap().to_string();
    for path in [
        format!("/img/{key}-481.webp"),
        format!("/img/{key}-481.avif"),
        format!("/img/{key}-4000.jpg"),
        format!("/img/{key}-480.png"),
        format!("/img/{key}-480.gif"),
        "/img/0123456789abcdef-480.webp".to_string(),
        "/img/..%2F..%2Fetc%2Fpasswd".to_string(),
    ] {
        assert_eq!(get(&router, &path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_photo_hero_s_share_card_is_a_jpeg_without_the_camera_s_metadata() {
    let (_temp, content) = content_with_photo(&camera_photo());
    let (router, _) = app(&content).await;
    let html = page(&router, ARTICLE).await;
    assert!(html.contains("content=\"https://nourishvibes.example/share/vitamin-d3-k2.jpg\""), "og:image");
    assert!(html.contains("<meta property=\"og:image:type\" content=\"image/jpeg\""), "og:image:type");
    let (status, headers, body) = get(&router, "/share/vitamin-d3-k2.jpg").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    assert!(!carries_metadata(&body));
    let card = decode(&body).unwrap();
    assert_eq!((card.width(), card.height()), (1200, 630));
    assert!(body.len() < 250_000, "a JPEG card, not a PNG of a photo: {} bytes", body.len());
    assert_eq!(get(&router, "/share/vitamin-d3-k2.png").await.0, StatusCode::NOT_FOUND, "one URL per card");
    // SVG heroes keep their PNG cards.
    let (status, headers, _) = get(&router, "/share/magnesium-supplements.png").await;
    assert_eq!((status, &headers[header::CONTENT_TYPE]), (StatusCode::OK, &"image/png".parse().unwrap()));
}
