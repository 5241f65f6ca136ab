//! Reload tests: a reload that takes unchanged articles from the store before it gives exactly
//! the store a fresh load would, and still runs the checks that look past an article's file.

use super::dates::Date;
use super::store::ContentStore;
use std::fs;
use std::path::{Path, PathBuf};

const SITE_URL: &str = "https://nourishvibes.example";

/// A copy of the site's content in a folder of its own (also for the live-content tests).
pub(super) fn content_copy(name: &str) -> PathBuf {
    fn copy_dir(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("nv-reload-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content"), &dir);
    dir
}

/// Rewrites the file at `path`, replacing the first `from` with `to`.
fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} does not contain {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Asserts that `a` and `b` show readers the same articles, lists, warnings and search results.
fn assert_same_site(a: &ContentStore, b: &ContentStore) {
    let today = Date::today_utc();
    assert_eq!(a.article_cards(), b.article_cards());
    for card in a.article_cards() {
        assert_eq!(a.article_page(&card.slug), b.article_page(&card.slug), "{}", card.slug);
    }
    assert_eq!(a.warnings(), b.warnings());
    for query in ["magnesium", "zebrafish", "sleep quality", "vitamin k2 calcium", "fibre", "extra"] {
        assert_eq!(a.search(query, today, 20, true), b.search(query, today, 20, true), "search {query:?}");
    }
}

#[test]
fn a_reload_after_edits_gives_the_store_a_fresh_load_gives() {
    let dir = content_copy("same");
    let articles = dir.join("articles");
    let extra = articles.join("magnesium-extra.md");
    fs::copy(articles.join("magnesium-supplements.md"), &extra).unwrap();
    edit(&extra, "slug = \"magnesium-supplements\"", "slug = \"magnesium-extra\"");
    edit(&extra, "title = \"Magnesium Supplements:", "title = \"Extra Magnesium Supplements:");
    // An unchanged article with a warning: the reload reports it as a fresh load does.
    edit(
        &articles.join("magnesium-supplements.md"),
        "key_takeaways = [",
        "key_takeaways = [\n  \"Quantum chromodynamics explains the strong force.\",",
    );
    let before = ContentStore::load(&dir, SITE_URL).unwrap();
    assert!(before.article_meta("magnesium-extra").is_some());
    assert!(before.warnings().iter().any(|warning| warning.file.ends_with("magnesium-supplements.md")));

    // One article edited, one deleted, one added, the rest unchanged.
    edit(&articles.join("vitamin-d3-k2.md"), "## ", "Zebrafish studies of vitamin K2 are a curiosity.\n\n## ");
    fs::remove_file(&extra).unwrap();
    let added = articles.join("magnesium-added.md");
    fs::copy(articles.join("magnesium-supplements.md"), &added).unwrap();
    edit(&added, "slug = \"magnesium-supplements\"", "slug = \"magnesium-added\"");
    let reloaded = ContentStore::reload(&dir, SITE_URL, &before).unwrap();
    let fresh = ContentStore::load(&dir, SITE_URL).unwrap();

    assert_same_site(&reloaded, &fresh);
    let today = Date::today_utc();
    let found: Vec<String> =
        reloaded.search("zebrafish", today, 10, true).hits.into_iter().map(|hit| hit.card.slug).collect();
    assert_eq!(found, ["vitamin-d3-k2"], "the edited article is indexed anew");
    assert!(reloaded.article_meta("magnesium-extra").is_none(), "the deleted article is gone");
    assert!(reloaded.search("extra", today, 10, true).hits.iter().all(|hit| hit.card.slug != "magnesium-extra"));
    assert!(reloaded.article_meta("magnesium-added").is_some());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn editing_a_shared_file_changes_every_article_that_shows_it() {
    let dir = content_copy("shared");
    let before = ContentStore::load(&dir, SITE_URL).unwrap();
    assert_eq!(before.article_page("magnesium-supplements").unwrap().author.name, "Maya Patel");
    edit(&dir.join("authors.toml"), "name = \"Maya Patel\"", "name = \"Maya R. Patel\"");
    let reloaded = ContentStore::reload(&dir, SITE_URL, &before).unwrap();
    assert_eq!(reloaded.article_page("magnesium-supplements").unwrap().author.name, "Maya R. Patel");
    assert_same_site(&reloaded, &ContentStore::load(&dir, SITE_URL).unwrap());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unchanged_article_whose_hero_image_is_gone_fails_the_reload() {
    let dir = content_copy("hero");
    let before = ContentStore::load(&dir, SITE_URL).unwrap();
    fs::remove_file(dir.join("images/magnesium-supplements.svg")).unwrap();
    let errors = ContentStore::reload(&dir, SITE_URL, &before).unwrap_err();
    let article = dir.join("articles/magnesium-supplements.md");
    assert!(errors.0.iter().any(|error| error.file == article && error.field == "hero.src"), "{errors}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_start_from_the_content_cache_gives_the_store_a_fresh_load_gives() {
    let dir = content_copy("cache");
    let cache = dir.join("content-cache.bin");
    let (first, new_cache) = ContentStore::load_cached(&dir, SITE_URL, &cache).unwrap();
    new_cache.expect("no cache yet: one to write").write(&cache).unwrap();
    assert_same_site(&first, &ContentStore::load(&dir, SITE_URL).unwrap());

    // Nothing changed: every article comes from the cache, so there is nothing to rewrite.
    let (again, new_cache) = ContentStore::load_cached(&dir, SITE_URL, &cache).unwrap();
    assert!(new_cache.is_none(), "every article was in the cache");
    assert_same_site(&again, &first);

    // The synonyms edited (a group made up for the test): the index the cache kept is searched
    // with them as they are now.
    let today = Date::today_utc();
    assert!(again.search("calcifediol", today, 10, true).hits.iter().all(|hit| hit.card.slug != "vitamin-d3-k2"));
    edit(&dir.join("search/synonyms.toml"), "same = [", "same = [\n  [\"calcifediol\", \"rotterdam\"],");
    let (synonyms, new_cache) = ContentStore::load_cached(&dir, SITE_URL, &cache).unwrap();
    assert!(new_cache.is_none(), "the articles did not change");
    assert_same_site(&synonyms, &ContentStore::load(&dir, SITE_URL).unwrap());
    let found = synonyms.search("calcifediol", today, 10, true).hits;
    assert_eq!(found.first().map(|hit| hit.card.slug.as_str()), Some("vitamin-d3-k2"));

    // One article edited: it alone is loaded from its file, and the cache is rewritten.
    edit(&dir.join("articles/vitamin-d3-k2.md"), "## ", "Zebrafish studies of vitamin K2 are a curiosity.\n\n## ");
    let (edited, new_cache) = ContentStore::load_cached(&dir, SITE_URL, &cache).unwrap();
    new_cache.expect("an article changed").write(&cache).unwrap();
    assert_same_site(&edited, &ContentStore::load(&dir, SITE_URL).unwrap());
    let found: Vec<String> =
        edited.search("zebrafish", today, 10, true).hits.into_iter().map(|hit| hit.card.slug).collect();
    assert_eq!(found, ["vitamin-d3-k2"]);

    // A shared file edited: no entry is trusted.
    edit(&dir.join("authors.toml"), "name = \"Maya Patel\"", "name = \"Maya R. Patel\"");
    let (renamed, new_cache) = ContentStore::load_cached(&dir, SITE_URL, &cache).unwrap();
    assert!(new_cache.is_some());
    assert_eq!(renamed.article_page("magnesium-supplements").unwrap().author.name, "Maya R. Patel");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_damaged_cache_is_not_used_and_cached_articles_are_still_checked() {
    let dir = content_copy("damaged");
    let cache = dir.join("content-cache.bin");
    let (_, new_cache) = ContentStore::load_cached(&dir, SITE_URL, &cache).unwrap();
    new_cache.unwrap().write(&cache).unwrap();
    let whole = fs::read(&cache).unwrap();
    let fresh = ContentStore::load(&dir, SITE_URL).unwrap();
    // The last byte is inside the search index's last term: it still decodes, but its
    // fingerprint does not match.
    let mut flipped = whole.clone();
    *flipped.last_mut().unwrap() ^= 0x01;
    for damaged in
        [whole[..whole.len() / 2].to_vec(), whole.iter().map(|b| b ^ 0x5a).collect(), b"NVCACHE2".to_vec(), flipped]
    {
        fs::write(&cache, &damaged).unwrap();
        let (store, new_cache) = ContentStore::load_cached(&dir, SITE_URL, &cache).unwrap();
        assert!(new_cache.is_some(), "a damaged cache is replaced");
        assert_same_site(&store, &fresh);
    }

    fs::write(&cache, &whole).unwrap();
    fs::remove_file(dir.join("images/magnesium-supplements.svg")).unwrap();
    let errors = ContentStore::load_cached(&dir, SITE_URL, &cache).map(|_| ()).unwrap_err();
    let article = dir.join("articles/magnesium-supplements.md");
    assert!(errors.0.iter().any(|error| error.file == article && error.field == "hero.src"), "{errors}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn site_texts_change_without_reloading_articles_but_affiliate_hosts_recheck_every_one() {
    let dir = content_copy("site");
    let walking = dir.join("articles/walking-and-step-counts.md");
    edit(&walking, "## ", "Some readers buy shoes from [a shop](https://example-shop.com/shoes).\n\n## ");
    let before = ContentStore::load(&dir, SITE_URL).unwrap();

    edit(&dir.join("site.toml"), "Our editorial team includes", "Our editors include");
    let reloaded = ContentStore::reload(&dir, SITE_URL, &before).unwrap();
    let page = reloaded.article_page("walking-and-step-counts").unwrap();
    assert!(page.editorial.iter().any(|block| block.text.starts_with("Our editors include")), "{:?}", page.editorial);
    assert_same_site(&reloaded, &ContentStore::load(&dir, SITE_URL).unwrap());

    // The shop becomes an affiliate host: the unchanged article now needs its disclosure.
    edit(&dir.join("site.toml"), "affiliate_hosts = [", "affiliate_hosts = [\"example-shop.com\", ");
    let errors = ContentStore::reload(&dir, SITE_URL, &reloaded).unwrap_err();
    assert!(errors.0.iter().any(|error| error.file == walking), "{errors}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn files_are_trusted_by_their_stat_once_settled_and_an_edit_is_still_seen() {
    let dir = content_copy("settled");
    let cache = dir.join("content-cache.bin");
    let (_, new_cache) = ContentStore::load_cached(&dir, SITE_URL, &cache).unwrap();
    new_cache.unwrap().write(&cache).unwrap();
    // Just copied, the files' stats are too fresh to trust; settled, they are learnt once.
    std::thread::sleep(std::time::Duration::from_millis(2_100));
    let (_, new_cache) = ContentStore::load_cached(&dir, SITE_URL, &cache).unwrap();
    new_cache.expect("the settled stats are written down").write(&cache).unwrap();
    let (settled, new_cache) = ContentStore::load_cached(&dir, SITE_URL, &cache).unwrap();
    assert!(new_cache.is_none(), "nothing new to write");
    assert_same_site(&settled, &ContentStore::load(&dir, SITE_URL).unwrap());

    // An edit that keeps the file's length and modification time (as `cp -p` or rsync may).
    let article = dir.join("articles/vitamin-d3-k2.md");
    let modified = fs::metadata(&article).unwrap().modified().unwrap();
    edit(&article, "study from Rotterdam", "study from Rotterdan");
    fs::File::options().write(true).open(&article).unwrap().set_modified(modified).unwrap();
    let today = Date::today_utc();
    let reloaded = ContentStore::reload(&dir, SITE_URL, &settled).unwrap();
    let found: Vec<String> =
        reloaded.search("rotterdan", today, 10, false).hits.into_iter().map(|hit| hit.card.slug).collect();
    assert_eq!(found, ["vitamin-d3-k2"], "the reload read the edited file");
    let (restarted, new_cache) = ContentStore::load_cached(&dir, SITE_URL, &cache).unwrap();
    assert!(new_cache.is_some(), "the edited article is written to the cache");
    assert_same_site(&restarted, &reloaded);
    fs::remove_dir_all(&dir).unwrap();
}
