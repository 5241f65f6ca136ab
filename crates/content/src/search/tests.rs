//! The index's ranking, snippets and query understanding, on small hand-made indexes.

use super::doc::SearchDoc;
use super::*;
use crate::grounding::term_counts;
use crate::markdown::Passage;
use nv_model::content::test_card as card;
use nv_model::content::{ArticleCard, SnippetPart};
use nv_search::Synonyms;
use rust_stemmers::{Algorithm, Stemmer};

fn passage(id: &str, text: &str) -> Passage {
    Passage { id: id.into(), text: text.into() }
}

/// The card of each of `cards`, by slug.
fn among<'a>(cards: &'a [&ArticleCard]) -> impl Fn(&str) -> Option<ArticleCard> + 'a {
    move |slug| cards.iter().find(|card| card.slug == slug).map(|card| (*card).clone())
}

fn index() -> SearchIndex {
    SearchIndex::new(
        vec![
            SearchDoc::new(
                "magnesium",
                "Magnesium and Sleep",
                &["Magnesium supplements for sleep."],
                &[
                    passage("p-1", "Magnesium is a mineral found in nuts."),
                    passage("p-2", "Some trials looked at sleep quality in older adults taking magnesium."),
                ],
            ),
            SearchDoc::new(
                "fiber",
                "Dietary Fiber",
                &["Fiber feeds gut bacteria."],
                &[
                    passage("p-1", "Fiber is found in beans, oats and vegetables."),
                    passage("p-2", "A single line mentions magnesium once."),
                ],
            ),
            SearchDoc::new("walking", "Walking", &["Steps."], &[passage("p-1", "Walk more.")]),
        ],
        &Synonyms::default(),
    )
}

#[test]
fn title_and_summary_matches_rank_above_body_mentions() {
    let cards = [card("magnesium"), card("fiber"), card("walking")];
    let refs: Vec<&ArticleCard> = cards.iter().collect();
    let hits = index().search("magnesium", among(&refs), 10, true).hits;
    let slugs: Vec<&str> = hits.iter().map(|hit| hit.card.slug.as_str()).collect();
    assert_eq!(slugs, vec!["magnesium", "fiber"]);
    assert_eq!(hits[1].anchor.as_deref(), Some("p-2"), "links to the paragraph that matches");
}

#[test]
fn stems_match_and_snippets_mark_the_words() {
    let cards = [card("magnesium"), card("fiber")];
    let refs: Vec<&ArticleCard> = cards.iter().collect();
    let hits = index().search("Sleeping quality", among(&refs), 10, true).hits;
    assert_eq!(hits[0].card.slug, "magnesium");
    assert_eq!(hits[0].anchor.as_deref(), Some("p-2"));
    let marked: Vec<&str> = hits[0].snippet.iter().filter(|part| part.marked).map(|part| part.text.as_str()).collect();
    assert_eq!(marked, vec!["sleep", "quality"]);
    let text: String = hits[0].snippet.iter().map(|part| part.text.as_str()).collect();
    assert_eq!(text, "Some trials looked at sleep quality in older adults taking magnesium.");
}

#[test]
fn hidden_articles_and_empty_queries_give_nothing() {
    let cards = [card("fiber")];
    let refs: Vec<&ArticleCard> = cards.iter().collect();
    assert!(index().search("magnesium", among(&refs), 10, true).hits.iter().all(|hit| hit.card.slug != "magnesium"));
    assert!(index().search("  the and  ", among(&refs), 10, true).hits.is_empty());
}

#[test]
fn snippets_are_a_window_around_the_first_match() {
    let mut words: Vec<String> = (0..60).map(|i| format!("w{i}")).collect();
    words[20] = "Magnesium,".into();
    words[30] = "Café".into();
    words[35] = "magnesium".into();
    let text = words.join(" ");
    let index =
        SearchIndex::new(vec![SearchDoc::new("long", "Long", &[], &[passage("p-1", &text)])], &Synonyms::default());
    let parts = index.snippet(&text, &["magnesium".to_string()]);
    let marked: Vec<&str> = parts.iter().filter(|part| part.marked).map(|part| part.text.as_str()).collect();
    assert_eq!(marked, ["Magnesium,", "magnesium"]);
    let shown: String = parts.iter().map(|part| part.text.as_str()).collect();
    assert_eq!(shown, format!("… {} …", words[13..41].join(" ")));

    let short = "No match here at all.";
    let parts = index.snippet(short, &["magnesium".to_string()]);
    assert_eq!(parts, [SnippetPart { text: short.into(), marked: false }]);
}

/// One article's term counts: title, summary, and each paragraph with its own.
type Counted = (String, FastMap<String, f64>, FastMap<String, f64>, Vec<(Passage, FastMap<String, f64>)>);

/// The linear scan the inverted index replaced, kept as the reference for its ranking:
/// every scoring article, best first, with its best paragraph.
fn scan(docs: &[Counted], query: &str) -> Vec<(String, Option<String>)> {
    let stemmer = Stemmer::create(Algorithm::English);
    let mut df: FastMap<String, f64> = FastMap::default();
    for (_, title, summary, paragraphs) in docs {
        let mut terms: Vec<&String> = title.keys().chain(summary.keys()).collect();
        terms.extend(paragraphs.iter().flat_map(|(_, counts)| counts.keys()));
        terms.sort();
        terms.dedup();
        terms.into_iter().for_each(|term| *df.entry(term.clone()).or_insert(0.0) += 1.0);
    }
    let total = docs.len().max(1) as f64;
    let mut terms: Vec<String> = term_counts(&stemmer, query).into_keys().collect();
    terms.sort();
    let mut scored = Vec::new();
    for (slug, title, summary, paragraphs) in docs {
        let (mut score, mut matched_all) = (0.0, true);
        for term in &terms {
            let idf = df.get(term).map_or(0.0, |df| (1.0 + total / df).ln());
            let t = title.get(term).copied().unwrap_or(0.0);
            let s = summary.get(term).copied().unwrap_or(0.0);
            let b: f64 = paragraphs.iter().filter_map(|(_, counts)| counts.get(term)).sum();
            matched_all &= t + s + b != 0.0;
            let tf = |count: f64| count / (count + 1.0);
            score += idf * (TITLE_WEIGHT * tf(t) + SUMMARY_WEIGHT * tf(s) + BODY_WEIGHT * tf(b));
        }
        if score <= 0.0 {
            continue;
        }
        let best = paragraphs
            .iter()
            .map(|(p, counts)| (terms.iter().filter(|term| counts.contains_key(*term)).count(), p))
            .filter(|(hits, _)| *hits > 0)
            .max_by_key(|(hits, _)| *hits)
            .map(|(_, p)| p.id.clone());
        scored.push((if matched_all { score * 1.5 } else { score }, slug.clone(), best));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().map(|(_, slug, best)| (slug, best)).collect()
}

#[test]
fn the_inverted_index_ranks_exactly_as_a_full_scan() {
    let words = [
        "magnesium",
        "sleep",
        "sleeping",
        "fiber",
        "gut",
        "heart",
        "walking",
        "walks",
        "protein",
        "iron",
        "zinc",
        "vitamin",
        "calcium",
        "bones",
        "muscle",
        "trial",
        "trials",
        "adults",
        "older",
        "dose",
    ];
    // A small linear congruential generator: the same corpus every run.
    let mut seed: u64 = 7;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    let mut text = |len: usize| (0..len).map(|_| words[next(words.len())]).collect::<Vec<_>>().join(" ");
    let docs: Vec<(String, String, String, Vec<Passage>)> = (0..120)
        .map(|i| {
            let (title, summary) = (text(1 + i % 3), text(3 + i % 5));
            let paragraphs = (0..1 + i % 4).map(|p| passage(&format!("p-{}", p + 1), &text(2 + (i + p) % 9))).collect();
            (format!("doc-{i}"), title, summary, paragraphs)
        })
        .collect();
    let index = SearchIndex::new(
        docs.iter()
            .map(|(slug, title, summary, paragraphs)| SearchDoc::new(slug, title, &[summary], paragraphs))
            .collect(),
        &Synonyms::default(),
    );
    let cards: Vec<ArticleCard> =
        docs.iter().map(|(slug, ..)| card(slug)).filter(|card| !card.slug.ends_with('7')).collect();
    let refs: Vec<&ArticleCard> = cards.iter().collect();
    let visible: Vec<String> = cards.iter().map(|card| card.slug.clone()).collect();
    let mut queries: Vec<String> = words.iter().map(|word| word.to_string()).collect();
    queries.extend(words.iter().zip(words.iter().rev()).map(|(a, b)| format!("{a} {b}")));
    queries.extend(["older adults sleep", "Vitamin, iron & zinc!", "nothing-here", "the"].map(String::from));
    let stemmer = Stemmer::create(Algorithm::English);
    let counted: Vec<Counted> = docs
        .iter()
        .map(|(slug, title, summary, paragraphs)| {
            let paragraphs = paragraphs.iter().map(|p| (p.clone(), term_counts(&stemmer, &p.text))).collect();
            (slug.clone(), term_counts(&stemmer, title), term_counts(&stemmer, summary), paragraphs)
        })
        .collect();
    for query in &queries {
        let expected: Vec<(String, Option<String>)> =
            scan(&counted, query).into_iter().filter(|(slug, _)| visible.contains(slug)).collect();
        for limit in [5, 20, 200] {
            let hits: Vec<(String, Option<String>)> = index
                .search(query, among(&refs), limit, true)
                .hits
                .into_iter()
                .map(|hit| (hit.card.slug, hit.anchor))
                .collect();
            assert_eq!(
                hits,
                expected.iter().take(limit).cloned().collect::<Vec<_>>(),
                "query {query:?}, limit {limit}"
            );
        }
    }
    assert!(index.search("magnesium", among(&refs), 200, true).hits.len() > 20, "the corpus has many matches to rank");
    assert!(index.search("older adults sleep", among(&refs), 200, true).hits.len() > 20);
}
