//! Photos in content: a camera JPEG named in front matter or Markdown becomes responsive images
//! with no other step, an edit to it gives new URLs, and `server check` says what is wrong with
//! an image, per file.

use super::reload_tests::content_copy;
use super::store::ContentStore;
use nv_images::testing::{jpeg_with_exif, Exif};
use nv_model::images::{Focus, Format, Shape, DERIVED_PREFIX};
use std::fs;
use std::path::Path;

const SITE_URL: &str = "https://nourishvibes.example";
const ARTICLE: &str = "articles/vitamin-d3-k2.md";

/// Puts `jpeg` into `images/photo.jpg` and makes it the reference article's hero.
fn photo_hero(dir: &Path, jpeg: &[u8]) {
    fs::write(dir.join("images/photo.jpg"), jpeg).unwrap();
    let path = dir.join(ARTICLE);
    let text = fs::read_to_string(&path).unwrap();
    let text = text.replacen("src = \"images/vitamin-d3-k2.svg\"", "src = \"images/photo.jpg\"", 1);
    // A photo needs no size: it is read from the file.
    let text = text.replacen("width = 1200\nheight = 630\n", "", 1);
    fs::write(path, text).unwrap();
}

/// Appends `markdown` to the reference article's body.
fn append_to_body(dir: &Path, markdown: &str) {
    let path = dir.join(ARTICLE);
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str(markdown);
    fs::write(path, text).unwrap();
}

#[test]
fn a_camera_photo_hero_becomes_responsive_images_with_no_other_step() {
    let dir = content_copy("photo-hero");
    // Stored sideways (2400 × 1600) with "turn 90° clockwise": shown 1600 wide, 2400 high.
    photo_hero(&dir, &jpeg_with_exif(2400, 1600, &Exif { orientation: 6, gps: true }));
    let store = ContentStore::load(&dir, SITE_URL).unwrap();
    let page = store.article_page("vitamin-d3-k2").unwrap();
    // Upright it is 1600 × 2400; the hero shows its middle in the 1200:630 box.
    assert_eq!((page.hero.width, page.hero.height), (1600, 840), "upright, cut to the banner box");
    let derived = page.hero.derived.clone().expect("a photo has derived images");
    assert_eq!(derived.shape, Shape::Banner(Focus::CENTER));
    assert_eq!(derived.widths, vec![480, 640, 750, 1080, 1600]);
    assert_eq!(derived.fallback, Format::Jpeg);
    assert!(derived.placeholder.starts_with("data:image/png;base64,"), "{}", derived.placeholder);
    assert!(derived.placeholder.len() < 1500, "the placeholder is a few hundred bytes: {}", derived.placeholder.len());
    assert!(derived.srcset(Format::Webp).starts_with(&format!("{DERIVED_PREFIX}{}-480.webp 480w", derived.key)));
    assert_eq!(derived.formats(), [Format::Avif, Format::Webp, Format::Jpeg]);
    // Only the shape shown is made: the background work gets the banner, not the whole photo.
    let in_use = store.photos_in_use();
    assert_eq!(
        in_use.iter().map(|(file, d)| (file.clone(), d.key.clone())).collect::<Vec<_>>(),
        vec![(dir.join("images/photo.jpg"), derived.key.clone())]
    );
    assert!(page.share_image_url.ends_with("/share/vitamin-d3-k2.jpg"), "{}", page.share_image_url);
    // The card shows the same photo.
    let card = store.article_cards().iter().find(|card| card.slug == "vitamin-d3-k2").unwrap().clone();
    assert_eq!(card.hero.derived, Some(derived));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_editor_can_say_which_part_of_the_photo_the_hero_keeps() {
    let dir = content_copy("photo-focus");
    photo_hero(&dir, &jpeg_with_exif(2400, 1600, &Exif::default()));
    let centred = ContentStore::load(&dir, SITE_URL).unwrap().article_page("vitamin-d3-k2").unwrap().hero;
    let path = dir.join(ARTICLE);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("src = \"images/photo.jpg\"", "src = \"images/photo.jpg\"\nfocus = \"top\"", 1))
        .unwrap();
    let store = ContentStore::load(&dir, SITE_URL).unwrap();
    let hero = store.article_page("vitamin-d3-k2").unwrap().hero;
    let derived = hero.derived.clone().unwrap();
    assert_eq!(derived.shape, Shape::Banner(Focus { x: 50, y: 0 }));
    assert_ne!(Some(&derived.key), centred.derived.as_ref().map(|d| &d.key), "another cut, other URLs");
    assert_eq!((hero.width, hero.height), (centred.width, centred.height));
    assert_eq!(store.photos_in_use().into_iter().map(|(_, d)| d.key).collect::<Vec<_>>(), vec![derived.key]);

    fs::write(&path, text.replacen("src = \"images/photo.jpg\"", "src = \"images/photo.jpg\"\nfocus = \"middle\"", 1))
        .unwrap();
    let errors = ContentStore::load(&dir, SITE_URL).unwrap_err();
    let error = errors.0.iter().find(|error| error.field == "hero.focus").expect("a hero.focus error").to_string();
    assert!(
        error.contains("vitamin-d3-k2.md") && error.contains("`middle` is not a focus: use one of center, top"),
        "{error}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn editing_a_photo_gives_new_urls_on_reload_as_a_fresh_load_does() {
    let dir = content_copy("photo-edit");
    photo_hero(&dir, &jpeg_with_exif(1600, 1000, &Exif::default()));
    let before = ContentStore::load(&dir, SITE_URL).unwrap();
    let old_key = before.article_page("vitamin-d3-k2").unwrap().hero.derived.unwrap().key;
    // Same name, new pixels (the article's own file is unchanged).
    fs::write(dir.join("images/photo.jpg"), jpeg_with_exif(1800, 1000, &Exif::default())).unwrap();
    let reloaded = ContentStore::reload(&dir, SITE_URL, &before).unwrap();
    let hero = reloaded.article_page("vitamin-d3-k2").unwrap().hero;
    let new_key = hero.derived.clone().unwrap().key;
    assert_ne!(old_key, new_key, "an edit changes the URLs");
    assert_eq!(hero.width, 1800);
    assert_eq!(reloaded.images().by_key(&new_key).map(|(path, _, _)| path), Some("images/photo.jpg"));
    assert!(reloaded.images().by_key(&old_key).is_none());
    let fresh = ContentStore::load(&dir, SITE_URL).unwrap();
    assert_eq!(fresh.article_page("vitamin-d3-k2").unwrap().hero, hero);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_photo_in_a_body_is_a_lazy_picture_and_its_alt_text_is_required() {
    let dir = content_copy("photo-body");
    fs::write(dir.join("images/bowl.jpg"), jpeg_with_exif(1000, 700, &Exif::default())).unwrap();
    append_to_body(&dir, "\n![A bowl of yoghurt & berries](images/bowl.jpg)\n");
    let store = ContentStore::load(&dir, SITE_URL).unwrap();
    let body = store.article_page("vitamin-d3-k2").unwrap().body_html;
    assert!(body.contains("<picture><source type=\"image/avif\" srcset=\"/img/"), "{body}");
    // A body shows the whole photo: that is the shape made for it.
    let in_use = store.photos_in_use();
    assert_eq!(in_use.len(), 1, "the SVG hero has none");
    assert_eq!((in_use[0].1.shape, in_use[0].1.widths.last()), (Shape::Whole, Some(&1000)));
    assert!(
        body.contains("alt=\"A bowl of yoghurt &amp; berries\" width=\"1000\" height=\"700\" loading=\"lazy\""),
        "{body}"
    );
    // 1000 pixels is enough for a body image; no warning about it.
    assert!(!store.warnings().iter().any(|warning| warning.to_string().contains("bowl.jpg")), "{:?}", store.warnings());

    append_to_body(&dir, "\n![](images/bowl.jpg)\n\n![Chart](https://example.com/chart.png)\n");
    let errors = ContentStore::load(&dir, SITE_URL).unwrap_err().to_string();
    assert!(errors.contains("image `images/bowl.jpg` needs alt text"), "{errors}");
    assert!(errors.contains("image `https://example.com/chart.png`: images must be files under `images/`"), "{errors}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn server_check_says_per_file_what_is_wrong_with_an_image() {
    let dir = content_copy("photo-check");
    // Too small for a hero: a warning naming the file and its width.
    photo_hero(&dir, &jpeg_with_exif(640, 400, &Exif::default()));
    let store = ContentStore::load(&dir, SITE_URL).unwrap();
    let warning = store.warnings().iter().find(|warning| warning.field == "hero.src").expect("a warning").to_string();
    assert!(
        warning.contains("vitamin-d3-k2.md") && warning.contains("`images/photo.jpg` is 640 pixels wide"),
        "{warning}"
    );

    // Not an image at all: the load stops, naming the article, the field and the file.
    fs::write(dir.join("images/photo.jpg"), b"this is not a photo").unwrap();
    let errors = ContentStore::load(&dir, SITE_URL).unwrap_err();
    let error = errors.0.iter().find(|error| error.field == "hero.src").expect("an error").to_string();
    assert!(
        error.contains("vitamin-d3-k2.md") && error.contains("`images/photo.jpg` is not a JPEG, PNG, WebP or SVG"),
        "{error}"
    );

    // A GIF is named as such.
    fs::write(dir.join("images/photo.jpg"), b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").unwrap();
    let errors = ContentStore::load(&dir, SITE_URL).unwrap_err().to_string();
    assert!(errors.contains("use JPEG, PNG, WebP or SVG"), "{errors}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_server_with_a_data_dir_keeps_derived_images_and_placeholders_there() {
    let dir = content_copy("photo-store");
    photo_hero(&dir, &jpeg_with_exif(1300, 900, &Exif::default()));
    let data = dir.join("data");
    fs::create_dir_all(&data).unwrap();
    let (store, _) = ContentStore::load_cached(&dir, SITE_URL, &data.join("content-cache.bin")).unwrap();
    assert_eq!(store.images().store(), data.join("derived-images"));
    // Kept by the file's key (one placeholder serves both shapes).
    let key = store.images().key_of("images/photo.jpg").unwrap();
    assert!(
        data.join("derived-images").join(key).join("placeholder").is_file(),
        "the placeholder is kept in the data dir"
    );
    fs::remove_dir_all(&dir).unwrap();
}
