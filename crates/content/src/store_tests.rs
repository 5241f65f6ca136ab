//! Loader tests: a valid fixture loads; each kind of broken content names file, field, reason.

use super::dates::Date;
use super::store::ContentStore;
use std::fs;
use std::path::Path;

const SITE_URL: &str = "https://nourishvibes.example";

const AUTHORS: &str = r#"
[jane]
name = "Dr. Jane Roe"
credentials = "MD"
bio = "Physician."
avatar_initial = "J"
"#;

const CATEGORIES: &str = r#"
[nutrition]
name = "Nutrition"
description = "Food."

[supplements]
name = "Supplements"
description = "Pills."
health = true
"#;

const REVIEWER: &str = r#"
[rita]
name = "Dr. Rita Review"
credentials = "MD"
bio = "Reviews."
avatar_initial = "R"
reviewer = true

[nocred]
name = "Sam Writer"
credentials = ""
bio = "Writes."
avatar_initial = "S"
"#;

const SITE: &str = r#"
affiliate_hosts = ["amazon.com"]

[newsletter]
heading = "Get Weekly Health Tips"
text = "Evidence-based nutrition in your inbox"

[community]
heading = "Join"
text = "Tips weekly."
privacy = "We respect your privacy."
benefits = ["Tips"]

[[editorial]]
title = "How We Researched This"
text = "We read the studies."

[disclosures.affiliate]
title = "Affiliate Disclosure"
text = "We may earn a commission."

[disclosures.medical]
title = "Medical Disclaimer"
text = "Not medical advice."
"#;

const TIPS: &str = r#"
[[tips]]
category = "Nutrition"
text = "Eat the rainbow."
link = "/articles/good"
"#;

fn article(slug: &str, extra_front: &str, body: &str) -> String {
    format!(
        r#"+++
slug = "{slug}"
title = "A Good Article"
description = "About good things."
category = "nutrition"
author = "jane"
published = 2026-02-15
updated = 2026-02-24
summary = "Good things are good."
key_takeaways = ["Good is good."]
{extra_front}
[hero]
src = "images/hero.svg"
alt = "A hero"
width = 1200
height = 630

[disclosures]
medical = true

[[revisions]]
date = 2026-02-24
note = "Updated."

[[revisions]]
date = 2026-02-15
note = "First."
+++
{body}
"#
    )
}

/// Writes a valid content folder, then lets the test break one thing.
fn fixture(edit: impl FnOnce(&Path)) -> (tempfile::TempDir, Result<ContentStore, String>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("articles")).unwrap();
    fs::create_dir_all(root.join("images")).unwrap();
    fs::write(root.join("images/hero.svg"), "<svg/>").unwrap();
    fs::write(root.join("authors.toml"), format!("{AUTHORS}{REVIEWER}")).unwrap();
    fs::write(root.join("categories.toml"), CATEGORIES).unwrap();
    fs::write(root.join("site.toml"), SITE).unwrap();
    fs::write(root.join("tips.toml"), TIPS).unwrap();
    fs::write(root.join("articles/good.md"), article("good", "", "## Hello\n\nWorld.")).unwrap();
    fs::create_dir_all(root.join("pages")).unwrap();
    for slug in nv_model::content::STATIC_PAGES {
        let page =
            format!("+++\nslug = \"{slug}\"\ntitle = \"T\"\ndescription = \"D\"\nupdated = 2026-02-15\n+++\nText.\n");
        fs::write(root.join(format!("pages/{slug}.md")), page).unwrap();
    }
    edit(root);
    let result = ContentStore::load(root, SITE_URL).map_err(|errors| errors.to_string());
    (dir, result)
}

fn load_error(edit: impl FnOnce(&Path)) -> String {
    match fixture(edit).1 {
        Ok(_) => panic!("broken content loaded without error"),
        Err(message) => message,
    }
}

fn assert_names(message: &str, file: &str, field: &str, reason: &str) {
    assert!(message.contains(file), "no file `{file}` in: {message}");
    assert!(message.contains(&format!("`{field}`")), "no field `{field}` in: {message}");
    assert!(message.contains(reason), "no reason `{reason}` in: {message}");
}

#[test]
fn loads_a_valid_folder_into_rendered_pages() {
    let (_dir, store) = fixture(|_| {});
    let store = store.unwrap();
    let page = store.article_page("good").unwrap();
    assert_eq!(page.published.display, "Feb 15, 2026");
    assert_eq!(page.updated.iso, "2026-02-24");
    assert_eq!(page.author.name, "Dr. Jane Roe");
    assert_eq!(page.hero.src, "/images/hero.svg");
    assert_eq!(page.canonical_url, "https://nourishvibes.example/articles/good");
    assert!(page.body_html.contains("<h2 id=\"hello\">Hello</h2>"));
    assert_eq!(page.disclosures.len(), 1, "only the medical disclaimer applies");
    assert_eq!(page.disclosures[0].title, "Medical Disclaimer");
    assert_eq!(page.revisions[0].note, "Updated.");
    assert_eq!(page.reading_minutes, 1);
    let chrome = store.site_chrome(Date::parse("2026-11-23").unwrap());
    assert_eq!(chrome.tip.text, "Eat the rainbow.");
}

#[test]
fn missing_field_names_the_field() {
    let message = load_error(|root| {
        let text = article("good", "", "Body").replace("title = \"A Good Article\"\n", "");
        fs::write(root.join("articles/good.md"), text).unwrap();
    });
    assert_names(&message, "good.md", "title", "missing field");
}

#[test]
fn bad_date_names_the_field_and_reason() {
    let message = load_error(|root| {
        let text = article("good", "", "Body").replace("published = 2026-02-15", "published = \"2026-02-30\"");
        fs::write(root.join("articles/good.md"), text).unwrap();
    });
    assert_names(&message, "good.md", "published", "day 30 does not exist");
}

#[test]
fn unknown_author_is_reported() {
    let message = load_error(|root| {
        let text = article("good", "", "Body").replace("author = \"jane\"", "author = \"nobody\"");
        fs::write(root.join("articles/good.md"), text).unwrap();
    });
    assert_names(&message, "good.md", "author", "`nobody` is not a key in authors.toml");
}

#[test]
fn duplicate_slug_is_reported() {
    let message = load_error(|root| {
        fs::write(root.join("articles/other.md"), article("good", "", "Body")).unwrap();
    });
    assert_names(&message, "other.md", "slug", "`good` is already used by");
}

#[test]
fn missing_hero_file_is_reported() {
    let message = load_error(|root| fs::remove_file(root.join("images/hero.svg")).unwrap());
    assert_names(&message, "good.md", "hero.src", "does not exist");
}

#[test]
fn hero_outside_images_is_reported() {
    let message = load_error(|root| {
        let text = article("good", "", "Body").replace("images/hero.svg", "../secret.svg");
        fs::write(root.join("articles/good.md"), text).unwrap();
    });
    assert_names(&message, "good.md", "hero.src", "must be a path under `images/`");
}

#[test]
fn unknown_field_is_reported() {
    let message = load_error(|root| {
        fs::write(root.join("articles/good.md"), article("good", "titel = \"typo\"", "Body")).unwrap();
    });
    assert_names(&message, "good.md", "titel", "unknown field");
}

#[test]
fn revisions_out_of_order_are_reported() {
    let message = load_error(|root| {
        let text = article("good", "", "Body")
            .replace("date = 2026-02-24", "date = 2026-02-01")
            .replace("date = 2026-02-15", "date = 2026-02-20");
        fs::write(root.join("articles/good.md"), text).unwrap();
    });
    assert_names(&message, "good.md", "revisions", "newest first");
}

#[test]
fn unsafe_body_is_reported() {
    let message = load_error(|root| {
        fs::write(root.join("articles/good.md"), article("good", "", "# Second title\n")).unwrap();
    });
    assert_names(&message, "good.md", "body", "level-1 heading");
}

#[test]
fn tip_linking_nowhere_is_reported() {
    let message = load_error(|root| {
        fs::write(root.join("tips.toml"), TIPS.replace("/articles/good", "/articles/missing")).unwrap();
    });
    assert_names(&message, "tips.toml", "tips[0].link", "is not `/articles/{slug}` of an existing article");
}

#[test]
fn missing_front_matter_is_reported() {
    let message = load_error(|root| fs::write(root.join("articles/good.md"), "Just text").unwrap());
    assert_names(&message, "good.md", "front matter", "must start with a `+++` line");
}

#[test]
fn reports_every_problem_not_just_the_first() {
    let message = load_error(|root| {
        let text = article("good", "", "Body").replace("author = \"jane\"", "author = \"nobody\"");
        fs::write(root.join("articles/good.md"), text).unwrap();
        fs::remove_file(root.join("images/hero.svg")).unwrap();
    });
    assert!(message.starts_with("2 content error(s)"), "{message}");
}

#[test]
fn the_real_content_folder_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let store = ContentStore::load(&dir, SITE_URL).unwrap_or_else(|errors| panic!("{errors}"));
    let reference = store.article_page("vitamin-d3-k2").expect("the reference article");
    assert_eq!(reference.title, "Vitamin D3 + K2: The Perfect Pair");
    assert_eq!(reference.published.display, "Feb 15, 2026");
    assert_eq!(reference.updated.display, "Feb 24, 2026");
    assert_eq!(reference.reading_minutes, 2);
    assert!(store.tip_count() >= 14, "at least 14 daily tips");
}

#[test]
fn overview_sentences_and_takeaways_link_to_their_sources() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let store = ContentStore::load(&dir, SITE_URL).unwrap_or_else(|errors| panic!("{errors}"));
    let page = store.article_page("vitamin-d3-k2").unwrap();
    assert!(!page.overview_generated);
    assert_eq!(page.overview.len(), 2);
    assert_eq!(page.overview[0].source_id.as_deref(), Some("p-1"), "D3 alone absorbs calcium, K2 directs it");
    assert!(page.overview.iter().all(|s| s.source_id.is_some()));
    let sections: Vec<_> = page.key_takeaways.iter().map(|t| t.source_id.as_deref()).collect();
    assert_eq!(
        sections,
        [Some("how-d3-and-k2-work-as-a-team"), Some("what-the-research-shows"), Some("how-much-should-you-take")]
    );
    assert!(store.warnings().is_empty(), "{:?}", store.warnings());
}

#[test]
fn missing_summary_is_quoted_from_the_body() {
    let body = "## Calcium\n\nVitamin D3 helps the body absorb calcium from the food you eat. \
                Vitamin K2 sends that calcium into bones instead of arteries.\n\n\
                Taking vitamin D3 and K2 together keeps calcium where the body needs it most.\n";
    let (_dir, store) = fixture(|root| {
        let text = article("good", "", body).replace("summary = \"Good things are good.\"\n", "");
        fs::write(root.join("articles/good.md"), text).unwrap();
    });
    let store = store.unwrap();
    let page = store.article_page("good").unwrap();
    assert!(page.overview_generated);
    assert!((2..=3).contains(&page.overview.len()), "{:?}", page.overview);
    for sentence in &page.overview {
        assert!(body.contains(&sentence.text), "not quoted from the body: {}", sentence.text);
        assert!(sentence.source_id.as_deref().is_some_and(|id| id.starts_with("p-")));
    }
}

#[test]
fn unsupported_overview_sentence_is_a_warning_naming_it() {
    let (_dir, store) = fixture(|root| {
        let text = article("good", "", "## Hello\n\nWorld peace is good.")
            .replace("Good things are good.", "Quantum chromodynamics binds quarks.");
        fs::write(root.join("articles/good.md"), text).unwrap();
    });
    let store = store.unwrap();
    let warning = store.warnings().iter().map(|w| w.to_string()).find(|w| w.contains("`summary`"));
    let warning = warning.expect("a warning for the summary");
    assert!(warning.contains("good.md"), "{warning}");
    assert!(warning.contains("Quantum chromodynamics binds quarks."), "{warning}");
}

#[test]
fn a_missing_site_page_is_reported() {
    let message = load_error(|root| fs::remove_file(root.join("pages/privacy.md")).unwrap());
    assert_names(&message, "pages", "(folder)", "has no page with slug `privacy`");
}

#[test]
fn site_pages_are_rendered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let store = ContentStore::load(&dir, SITE_URL).unwrap_or_else(|errors| panic!("{errors}"));
    let privacy = store.static_page("privacy").expect("privacy page");
    assert!(privacy.body_html.contains("<h2 id=\"when-you-subscribe-to-the-newsletter\">"));
    assert!(store.static_page("editorial-standards").is_some());
}

#[test]
fn an_editorial_link_to_no_page_is_reported() {
    let message = load_error(|root| {
        let site =
            SITE.replace("text = \"We read the studies.\"", "text = \"We read the studies.\"\nlink = \"/nowhere\"");
        fs::write(root.join("site.toml"), site).unwrap();
    });
    assert_names(
        &message,
        "site.toml",
        "block 1 (`How We Researched This`).link",
        "`/nowhere` is not one of the site pages",
    );
}

/// A health-category article (supplements) with `extra` front matter and `body`.
fn health_article(extra: &str, body: &str) -> String {
    article("good", extra, body).replace("category = \"nutrition\"", "category = \"supplements\"")
}

const TWO_SOURCES: &str = r#"
[[sources]]
title = "A trial"
publisher = "A Journal"
year = 2020
doi = "10.1000/trial"
kind = "rct"

[[sources]]
title = "A fact sheet"
publisher = "NIH"
year = 2022
url = "https://ods.od.nih.gov/"
kind = "fact-sheet"
"#;

fn with_article(text: String) -> impl FnOnce(&Path) {
    move |root: &Path| fs::write(root.join("articles/good.md"), text).unwrap()
}

#[test]
fn citations_link_to_numbered_sources_with_back_links() {
    let body = "## Evidence\n\nIt works.[^1] It is safe.[^2][^1]";
    let (_dir, store) = fixture(with_article(health_article(TWO_SOURCES, body)));
    let store = store.unwrap();
    let page = store.article_page("good").unwrap();
    assert!(page
        .body_html
        .contains(r##"<a href="#source-1" id="cite-1-1" rel="external" aria-label="Source 1">[1]</a>"##));
    assert_eq!(page.sources.len(), 2);
    assert_eq!(page.sources[0].cited_at, vec!["cite-1-1", "cite-1-2"]);
    assert_eq!(page.sources[0].url, "https://doi.org/10.1000/trial");
    assert_eq!(page.sources[1].kind, "Fact sheet");
}

#[test]
fn citing_an_undefined_source_is_a_content_error() {
    let message = load_error(with_article(health_article(TWO_SOURCES, "Claim.[^1][^2] Another.[^3]")));
    assert_names(&message, "good.md", "body", "cites [^3] but the front matter lists 2 source(s)");
}

#[test]
fn a_listed_source_never_cited_is_a_content_error() {
    let message = load_error(with_article(health_article(TWO_SOURCES, "Claim.[^1]")));
    assert_names(&message, "good.md", "sources[1]", "source 2 is never cited");
}

#[test]
fn health_articles_need_two_sources() {
    let one = TWO_SOURCES.split("\n[[sources]]").nth(1).map(|s| format!("[[sources]]{s}")).unwrap();
    let message = load_error(with_article(health_article(&one, "Claim.[^1]")));
    assert_names(&message, "good.md", "sources", "rule `health-sources`");
}

#[test]
fn health_articles_need_the_medical_disclaimer() {
    let text = health_article(TWO_SOURCES, "A.[^1] B.[^2]")
        .replace("[disclosures]\nmedical = true", "[disclosures]\nmedical = false");
    let message = load_error(with_article(text));
    assert_names(&message, "good.md", "disclosures.medical", "rule `health-disclaimer`");
}

#[test]
fn health_articles_need_a_reviewer_or_a_credentialed_author() {
    let text = health_article(TWO_SOURCES, "A.[^1] B.[^2]").replace("author = \"jane\"", "author = \"nocred\"");
    let message = load_error(with_article(text.clone()));
    assert_names(&message, "good.md", "reviewed_by", "rule `health-expert`");
    let reviewed = text.replace(
        "author = \"nocred\"",
        "author = \"nocred\"\nreviewed_by = \"rita\"\nlast_reviewed = 2026-02-24\nreview_by = 2027-02-24",
    );
    let (_dir, store) = fixture(with_article(reviewed));
    let store = store.unwrap();
    let review = store.article_page("good").unwrap().review.clone().expect("review shown");
    assert_eq!(review.reviewer.name, "Dr. Rita Review");
}

#[test]
fn only_reviewers_may_review() {
    let text = article("good", "reviewed_by = \"jane\"\nlast_reviewed = 2026-02-24", "Text.");
    let message = load_error(with_article(text));
    assert_names(&message, "good.md", "reviewed_by", "is not marked `reviewer = true`");
}

#[test]
fn affiliate_links_need_the_affiliate_disclosure() {
    let body = "Buy it [here](https://www.amazon.com/dp/B000).";
    let message = load_error(with_article(article("good", "", body)));
    assert_names(&message, "good.md", "disclosures.affiliate", "rule `affiliate-disclosure`");
    let disclosed = article("good", "", body).replace("[disclosures]\n", "[disclosures]\naffiliate = true\n");
    let (_dir, store) = fixture(with_article(disclosed));
    assert!(store.unwrap().article_page("good").unwrap().has_affiliate_links);
}

#[test]
fn drafts_and_scheduled_articles_are_hidden_unless_shown_for_development() {
    let (_dir, store) = fixture(|root| {
        fs::write(root.join("articles/draft.md"), article("draft", "draft = true", "Draft text.")).unwrap();
        let later = article("later", "", "Later text.").replace("published = 2026-02-15", "published = 2026-06-01");
        let later = later
            .replace("updated = 2026-02-24", "updated = 2026-06-01")
            .replace("date = 2026-02-24", "date = 2026-06-01");
        fs::write(root.join("articles/later.md"), later).unwrap();
    });
    let store = store.unwrap();
    let before = Date::parse("2026-03-01").unwrap();
    let after = Date::parse("2026-06-01").unwrap();
    let visible =
        |store: &ContentStore, day| store.visible_cards(day).map(|card| card.slug.clone()).collect::<Vec<_>>();
    assert_eq!(visible(&store, before), vec!["good"]);
    assert!(store.visible_article("draft", before).is_none());
    assert!(store.visible_article("later", before).is_none());
    assert_eq!(visible(&store, after), vec!["later", "good"], "scheduled articles appear on their day");
    assert!(store.visible_article("good", before).unwrap().related.iter().all(|card| card.slug != "draft"));

    let dev = store.showing_unpublished(true);
    assert_eq!(visible(&dev, before), vec!["later", "draft", "good"]);
    let draft = dev.visible_article("draft", before).unwrap();
    assert!(draft.unpublished_note.unwrap().starts_with("Draft"));
}

#[test]
fn an_article_past_its_review_date_says_it_is_due() {
    let extra = "reviewed_by = \"rita\"\nlast_reviewed = 2026-02-24\nreview_by = 2026-08-01";
    let (_dir, store) = fixture(with_article(article("good", extra, "Text.")));
    let store = store.unwrap();
    assert!(!store.visible_article("good", Date::parse("2026-07-31").unwrap()).unwrap().due_for_review);
    assert!(store.visible_article("good", Date::parse("2026-08-02").unwrap()).unwrap().due_for_review);
}

#[test]
fn errors_come_in_file_order_however_many_articles_load_at_once() {
    let message = load_error(|root| {
        for i in 0..40 {
            let text =
                article(&format!("broken-{i:02}"), "", "Body").replace("author = \"jane\"", "author = \"nobody\"");
            fs::write(root.join(format!("articles/broken-{i:02}.md")), text).unwrap();
        }
        fs::write(root.join("articles/zz-copy.md"), article("good", "", "Body")).unwrap();
    });
    let files: Vec<&str> =
        message.lines().skip(1).map(|line| line.rsplit_once(".md:").map_or(line, |(file, _)| file)).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files.len(), 41, "{message}");
    assert_eq!(files, sorted, "one error per file, in file order");
    assert!(message.lines().last().unwrap().contains("`good` is already used by"), "{message}");
}

#[test]
fn related_articles_share_the_topic_or_tags_best_first_then_newest() {
    let (_dir, store) = fixture(|root| {
        let categories = format!("{CATEGORIES}\n[fitness]\nname = \"Fitness\"\ndescription = \"Moving.\"\n");
        fs::write(root.join("categories.toml"), categories).unwrap();
        let write = |slug: &str, category: &str, tags: &str, published: &str| {
            let text = article(slug, &format!("tags = [{tags}]"), "Body.")
                .replace("category = \"nutrition\"", &format!("category = \"{category}\""))
                .replace("published = 2026-02-15", &format!("published = {published}"));
            fs::write(root.join(format!("articles/{slug}.md")), text).unwrap();
        };
        write("good", "nutrition", "\"iron\", \"zinc\", \"iron\"", "2026-02-15");
        write("same-topic-old", "nutrition", "", "2026-02-01");
        write("same-topic-new", "nutrition", "", "2026-02-10");
        write("same-topic-and-tag", "nutrition", "\"iron\"", "2026-02-01");
        write("two-tags", "fitness", "\"zinc\", \"iron\"", "2026-02-01");
        write("one-tag", "fitness", "\"zinc\"", "2026-02-01");
        write("nothing-shared", "fitness", "\"walking\"", "2026-02-20");
        write("draft-same-topic", "nutrition", "\"iron\", \"zinc\"", "2026-02-01");
        let draft = fs::read_to_string(root.join("articles/draft-same-topic.md"))
            .unwrap()
            .replace("+++\nslug", "+++\ndraft = true\nslug");
        fs::write(root.join("articles/draft-same-topic.md"), draft).unwrap();
    });
    let store = store.unwrap();
    let day = Date::parse("2026-03-01").unwrap();
    let related = |slug: &str| -> Vec<String> {
        store.visible_article(slug, day).unwrap().related.into_iter().map(|card| card.slug).collect()
    };
    // 3 for the topic plus 1 per shared tag; equal scores newest first.
    assert_eq!(related("good"), ["same-topic-and-tag", "same-topic-new", "same-topic-old"]);
    assert_eq!(related("one-tag"), ["two-tags", "nothing-shared", "good"]);
    assert_eq!(related("nothing-shared"), ["one-tag", "two-tags"]);
}
