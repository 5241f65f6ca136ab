//! Search over the real `content/` folder as readers type: the queries of issue 26's table (a
//! slip of the finger, British spellings, shorthand, a word written together, capitals) each
//! find their article in the top 3, and the page is told when a query was corrected.

use crate::dates::Date;
use crate::store::ContentStore;
use std::path::Path;
use std::sync::OnceLock;

fn store() -> &'static ContentStore {
    static STORE: OnceLock<ContentStore> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
        ContentStore::load(&dir, "https://nourishvibes.example").expect("the real content loads")
    })
}

/// The first three slugs found for `query`.
fn top3(query: &str) -> Vec<String> {
    let found = store().search(query, Date::today_utc(), 3, true);
    found.hits.into_iter().map(|hit| hit.card.slug).collect()
}

#[test]
fn every_query_of_the_issue_finds_its_article_in_the_top_three() {
    let wanted = [
        ("magnesium", "magnesium-supplements"),
        ("magnesum", "magnesium-supplements"),
        ("probiotcs", "probiotics-what-the-evidence-says"),
        ("cholestrol", "understanding-ldl-cholesterol"),
        ("protien", "protein-needs-across-life"),
        ("caffiene", "caffeine-alcohol-and-sleep"),
        ("vitamn d", "vitamin-d3-k2"),
        ("vit d", "vitamin-d3-k2"),
        ("fibre", "dietary-fiber-guide"),
        ("yoghurt", "fermented-foods-gut-health"),
        ("omega3", "omega-3-fish-oil-supplements"),
        ("K2", "vitamin-d3-k2"),
        ("LDL", "understanding-ldl-cholesterol"),
        ("magnes", "magnesium-supplements"),
    ];
    let missed: Vec<String> = wanted
        .iter()
        .filter(|(query, slug)| !top3(query).iter().any(|found| found == slug))
        .map(|(query, slug)| format!("{query:?} → {:?}, wanted {slug}", top3(query)))
        .collect();
    assert!(missed.is_empty(), "{missed:#?}");
}

#[test]
fn a_corrected_query_says_what_was_searched_and_an_exact_one_suggests_it() {
    let today = Date::today_utc();
    let found = store().search("magnesum sleep", today, 20, true);
    assert_eq!(found.corrected.as_deref(), Some("magnesium sleep"));
    assert!(!found.hits.is_empty());
    let marked: Vec<String> = found
        .hits
        .iter()
        .flat_map(|hit| hit.snippet.iter().filter(|part| part.marked).map(|part| part.text.to_lowercase()))
        .collect();
    assert!(marked.iter().any(|word| word.starts_with("magnesium")), "corrected words are marked: {marked:?}");

    let exact = store().search("magnesum", today, 20, false);
    assert!(exact.hits.is_empty(), "exactly what was typed finds nothing");
    assert_eq!(exact.suggestion.as_deref(), Some("magnesium"));
    assert_eq!(exact.corrected, None);

    let spelt_right = store().search("magnesium", today, 20, true);
    assert_eq!(spelt_right.corrected, None, "a word spelt right is not second-guessed");
}

#[test]
fn short_words_are_not_corrected_and_synonyms_are_not_corrections() {
    let today = Date::today_utc();
    let ldx = store().search("ldx", today, 20, true);
    assert!(ldx.hits.is_empty() && ldx.corrected.is_none(), "no typo allowed under 5 letters: {ldx:?}");
    let fibre = store().search("fibre", today, 20, true);
    assert_eq!(fibre.corrected, None, "a synonym is not shown as a correction");
    assert_eq!(fibre.hits.first().map(|hit| hit.card.slug.as_str()), Some("dietary-fiber-guide"));
}

#[test]
fn a_word_only_in_a_list_is_found_and_links_to_its_section() {
    // "osteocalcin" is in one bullet of the D3 and K2 article, under "How D3 and K2 Work as a
    // Team", in no paragraph.
    let found = store().search("osteocalcin", Date::today_utc(), 3, true);
    let first = found.hits.first().expect("the article with the list is found");
    assert_eq!(first.card.slug, "vitamin-d3-k2");
    assert_eq!(first.anchor.as_deref(), Some("how-d3-and-k2-work-as-a-team"));
    let marked: Vec<&str> = first.snippet.iter().filter(|part| part.marked).map(|part| part.text.as_str()).collect();
    assert!(marked.iter().any(|word| word.contains("osteocalcin")), "the bullet is the snippet: {:?}", first.snippet);
}
