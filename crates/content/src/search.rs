//! Full-text search over the articles, indexed once at load: titles weigh most, then
//! descriptions, summaries and takeaways, then body paragraphs. Results carry a snippet from the
//! best-matching paragraph, with the matching words marked, and that paragraph's anchor.
//!
//! The index is inverted (stemmed term → the articles that contain it), so a query only touches
//! the articles holding one of its words, however large the catalogue. Matching is on whole
//! stemmed words; there is no prefix matching.

use super::grounding::{term_counts, with_stem, FastMap};
use super::markdown::Passage;
use nv_model::content::{ArticleCard, SearchHit, SnippetPart};
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::Arc;

mod cached;
mod rebuild;
pub use cached::CachedDoc;
pub use rebuild::IndexedDoc;

const TITLE_WEIGHT: f64 = 4.0;
const SUMMARY_WEIGHT: f64 = 2.0;
const BODY_WEIGHT: f64 = 1.0;
/// Words either side of the first match in a snippet.
const SNIPPET_WORDS: usize = 14;

/// How often one term occurs in one article, per field, and in which paragraphs (while one
/// article is indexed).
#[derive(Clone, Debug, Default, PartialEq)]
struct Occurrences {
    title: f64,
    summary: f64,
    /// Occurrences over all paragraphs.
    body: f64,
    /// Indexes into the article's paragraphs, ascending.
    paragraphs: Vec<u32>,
}

/// One article as the index sees it.
pub struct SearchDoc {
    /// Article slug.
    pub slug: String,
    /// Shared with the index before a reload when the article did not change.
    paragraphs: Arc<Paragraphs>,
    terms: DocTerms,
}

/// An article's terms from indexing it until [`SearchIndex::new`] takes them into its postings:
/// one string and two lists per article. As a map with a `String` and a `Vec` per term, the
/// 10,000 articles' terms waiting for the index were most of the load's 611 MiB peak.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct DocTerms {
    /// The terms, one after another.
    text: String,
    entries: Vec<DocTerm>,
    /// The paragraph numbers of every term, entry after entry (past the 65,536th left out).
    paragraphs: Vec<u16>,
}

/// One term of a [`DocTerms`]: where it ends there, and its counts as the index keeps them.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
struct DocTerm {
    text_end: u32,
    paragraphs_end: u32,
    title: u16,
    summary: u16,
    body: u16,
}

impl DocTerms {
    fn new(terms: FastMap<&str, Occurrences>) -> DocTerms {
        let mut text = String::with_capacity(terms.keys().map(|term| term.len()).sum());
        let mut paragraphs = Vec::with_capacity(terms.values().map(|found| found.paragraphs.len()).sum());
        let mut entries = Vec::with_capacity(terms.len());
        for (term, found) in terms {
            text.push_str(term);
            paragraphs.extend(found.paragraphs.iter().filter_map(|&p| u16::try_from(p).ok()));
            entries.push(DocTerm {
                text_end: text.len() as u32,
                paragraphs_end: paragraphs.len() as u32,
                title: small(found.title),
                summary: small(found.summary),
                body: small(found.body),
            });
        }
        DocTerms { text, entries, paragraphs }
    }

    /// Each term with its counts and paragraph numbers.
    fn iter(&self) -> impl Iterator<Item = (&str, &DocTerm, &[u16])> {
        let mut starts = (0usize, 0usize);
        self.entries.iter().map(move |entry| {
            let (text_start, paragraphs_start) = starts;
            starts = (entry.text_end as usize, entry.paragraphs_end as usize);
            let term = self.text.get(text_start..starts.0).unwrap_or_default();
            let paragraphs = self.paragraphs.get(paragraphs_start..starts.1).unwrap_or_default();
            (term, entry, paragraphs)
        })
    }
}

/// An article's paragraphs as the index keeps them for snippets: their ids, and their texts
/// LZ4-compressed together (5.5 KB an article plain, about a quarter of that compressed), read
/// only for the results a search shows.
struct Paragraphs {
    ids: Box<[Box<str>]>,
    /// Where each paragraph's text ends in the decompressed text.
    ends: Box<[u32]>,
    text: Box<[u8]>,
}

impl Paragraphs {
    fn new(passages: &[Passage]) -> Paragraphs {
        let mut all = String::with_capacity(passages.iter().map(|passage| passage.text.len()).sum());
        let mut ends = Vec::with_capacity(passages.len());
        for passage in passages {
            all.push_str(&passage.text);
            ends.push(all.len() as u32);
        }
        Paragraphs {
            ids: passages.iter().map(|passage| passage.id.as_str().into()).collect(),
            ends: ends.into_boxed_slice(),
            text: lz4_flex::compress_prepend_size(all.as_bytes()).into_boxed_slice(),
        }
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    /// The text of paragraph `index`.
    fn text(&self, index: usize) -> String {
        let all = lz4_flex::decompress_size_prepended(&self.text).unwrap_or_default();
        let start = index.checked_sub(1).and_then(|before| self.ends.get(before)).map_or(0, |&end| end as usize);
        let end = self.ends.get(index).map_or(start, |&end| end as usize);
        // Both ends are boundaries of the texts pushed in `new`, so the slice is whole UTF-8.
        all.get(start..end).map(|bytes| String::from_utf8_lossy(bytes).into_owned()).unwrap_or_default()
    }
}

impl SearchDoc {
    /// Indexes an article's title, summary texts (description, summary, takeaways) and paragraphs.
    pub fn new(slug: &str, title: &str, summary_texts: &[&str], paragraphs: &[Passage]) -> SearchDoc {
        let stemmer = Stemmer::create(Algorithm::English);
        let paragraph_terms: Vec<FastMap<String, f64>> =
            paragraphs.iter().map(|paragraph| term_counts(&stemmer, &paragraph.text)).collect();
        SearchDoc::with_paragraph_terms(slug, title, summary_texts, paragraphs, &paragraph_terms)
    }

    /// [`SearchDoc::new`] with each paragraph's [`term_counts`] already known (the loader has
    /// them from grounding the overview).
    pub fn with_paragraph_terms(
        slug: &str,
        title: &str,
        summary_texts: &[&str],
        paragraphs: &[Passage],
        paragraph_terms: &[FastMap<String, f64>],
    ) -> SearchDoc {
        let stemmer = Stemmer::create(Algorithm::English);
        let title_terms = term_counts(&stemmer, title);
        let summary_terms = term_counts(&stemmer, &summary_texts.join(" "));
        let mut terms: FastMap<&str, Occurrences> = FastMap::default();
        for (term, count) in &title_terms {
            terms.entry(term.as_str()).or_default().title = *count;
        }
        for (term, count) in &summary_terms {
            terms.entry(term.as_str()).or_default().summary = *count;
        }
        for (i, counts) in paragraph_terms.iter().enumerate() {
            for (term, count) in counts {
                let occurrences = terms.entry(term.as_str()).or_default();
                occurrences.body += count;
                occurrences.paragraphs.push(i as u32);
            }
        }
        let terms = DocTerms::new(terms);
        SearchDoc { slug: slug.to_string(), paragraphs: Arc::new(Paragraphs::new(paragraphs)), terms }
    }
}

/// One article's entry in a term's postings list, 16 bytes: the index holds one per distinct
/// word per article (about 3 million for 10,000 articles), so counts are whole numbers in `u16`
/// (saturating; the score's `c / (c + 1)` is flat long before) and the paragraph numbers live
/// in one list per term instead of a `Vec` per posting.
#[derive(Clone, Copy, Debug)]
struct Posting {
    /// Index into [`SearchIndex::docs`].
    doc: u32,
    /// Where this article's paragraph numbers start in [`Term::paragraphs`].
    first_paragraph: u32,
    title: u16,
    summary: u16,
    body: u16,
    /// How many paragraph numbers it has there.
    paragraph_count: u16,
}

impl Posting {
    fn tf(count: u16) -> f64 {
        let count = f64::from(count);
        count / (count + 1.0)
    }
}

/// Everything the index knows of one stemmed term.
#[derive(Debug, Default)]
struct Term {
    /// Inverse document frequency.
    idf: f64,
    /// The articles containing it, in `docs` order.
    postings: Vec<Posting>,
    /// The paragraphs (numbers within their article, ascending) that contain it, posting after
    /// posting. Paragraphs past the 65,536th of an article count for the score, not the snippet.
    paragraphs: Vec<u16>,
}

/// The search index over every article.
pub struct SearchIndex {
    docs: Vec<SearchDoc>,
    /// Per stemmed term: its postings and weight.
    terms: FastMap<Box<str>, Term>,
    stemmer: Stemmer,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("articles", &self.docs.len()).field("terms", &self.terms.len()).finish()
    }
}

/// A count as the index keeps it.
fn small(count: f64) -> u16 {
    // `as` saturates: a word counted more than 65,535 times scores as 65,535.
    count as u16
}

impl SearchIndex {
    /// Builds the index (once, at content load).
    pub fn new(mut docs: Vec<SearchDoc>) -> SearchIndex {
        let mut terms: FastMap<Box<str>, Term> = FastMap::default();
        // Docs are visited in order, so every postings list is sorted by doc.
        for (i, doc) in docs.iter_mut().enumerate() {
            let doc_terms = std::mem::take(&mut doc.terms);
            for (term, counts, paragraphs) in doc_terms.iter() {
                let entry = match terms.get_mut(term) {
                    Some(entry) => entry,
                    None => terms.entry(term.into()).or_default(),
                };
                let first_paragraph = entry.paragraphs.len() as u32;
                entry.paragraphs.extend_from_slice(paragraphs);
                entry.postings.push(Posting {
                    doc: i as u32,
                    first_paragraph,
                    title: counts.title,
                    summary: counts.summary,
                    body: counts.body,
                    paragraph_count: paragraphs.len() as u16,
                });
            }
        }
        SearchIndex::finish(docs, terms)
    }

    /// The index of `docs` and the postings of `terms`, weighed.
    fn finish(docs: Vec<SearchDoc>, mut terms: FastMap<Box<str>, Term>) -> SearchIndex {
        let total = docs.len().max(1) as f64;
        for term in terms.values_mut() {
            term.idf = (1.0 + total / term.postings.len() as f64).ln();
            // Lists grow by doubling: up to half of each would be spare capacity, kept for good.
            term.postings.shrink_to_fit();
            term.paragraphs.shrink_to_fit();
        }
        terms.shrink_to_fit();
        SearchIndex { docs, terms, stemmer: Stemmer::create(Algorithm::English) }
    }

    /// The slugs of the indexed articles, in index order.
    pub fn slugs(&self) -> impl Iterator<Item = &str> {
        self.docs.iter().map(|doc| doc.slug.as_str())
    }

    /// The index taken apart (documents with their paragraphs, postings, idf), for measuring.
    #[doc(hidden)]
    pub fn into_parts(self) -> Vec<(&'static str, Box<dyn std::any::Any>)> {
        vec![("search: docs+paragraphs", Box::new(self.docs)), ("search: terms", Box::new(self.terms))]
    }

    /// The articles matching `query`, best first, among `cards` (the ones the reader may see).
    pub fn search(&self, query: &str, cards: &[&ArticleCard], limit: usize) -> Vec<SearchHit> {
        let mut terms: Vec<String> = term_counts(&self.stemmer, query).into_keys().collect();
        // A fixed order, so scores add up the same way for the same query every time.
        terms.sort();
        if terms.is_empty() {
            return Vec::new();
        }
        // Saturating term frequency, so one long article cannot win on repetition alone.
        let tf = Posting::tf;
        // Per doc: score so far and how many of the terms it contains.
        let mut totals: FastMap<u32, (f64, usize)> = FastMap::default();
        for term in &terms {
            let Some(entry) = self.terms.get(term.as_str()) else { continue };
            for found in &entry.postings {
                let total = totals.entry(found.doc).or_default();
                total.0 += entry.idf
                    * (TITLE_WEIGHT * tf(found.title)
                        + SUMMARY_WEIGHT * tf(found.summary)
                        + BODY_WEIGHT * tf(found.body));
                total.1 += 1;
            }
        }
        let mut scored: Vec<(f64, u32)> = totals
            .into_iter()
            .filter(|(_, (score, _))| *score > 0.0)
            .map(|(doc, (score, matched))| (if matched == terms.len() { score * 1.5 } else { score }, doc))
            .collect();
        // Best first; equal scores keep load order (the order the articles were indexed in).
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .filter_map(|(_, doc_index)| {
                let doc = &self.docs[doc_index as usize];
                let card = cards.iter().find(|card| card.slug == doc.slug)?;
                let best = self.best_paragraph(doc_index, &terms);
                Some(SearchHit {
                    card: (*card).clone(),
                    anchor: best.and_then(|i| doc.paragraphs.ids.get(i)).map(|id| id.to_string()),
                    snippet: best.map(|i| self.snippet(&doc.paragraphs.text(i), &terms)).unwrap_or_default(),
                })
            })
            .take(limit)
            .collect()
    }

    /// The paragraph of `doc_index` holding the most of `terms` (the last one on a tie), if any.
    fn best_paragraph(&self, doc_index: u32, terms: &[String]) -> Option<usize> {
        let doc = &self.docs[doc_index as usize];
        let mut hits = vec![0usize; doc.paragraphs.len()];
        for term in terms {
            let Some(entry) = self.terms.get(term.as_str()) else { continue };
            let Ok(at) = entry.postings.binary_search_by_key(&doc_index, |posting| posting.doc) else { continue };
            let posting = entry.postings[at];
            let first = posting.first_paragraph as usize;
            for &paragraph in &entry.paragraphs[first..first + usize::from(posting.paragraph_count)] {
                if let Some(hits) = hits.get_mut(usize::from(paragraph)) {
                    *hits += 1;
                }
            }
        }
        hits.iter().enumerate().filter(|(_, hits)| **hits > 0).max_by_key(|(_, hits)| **hits).map(|(index, _)| index)
    }

    /// A window of `text` around its first matching word, with matching words marked.
    fn snippet(&self, text: &str, terms: &[String]) -> Vec<SnippetPart> {
        let matches = |word: &str| {
            // Most words are ASCII: one pass and one allocation instead of two.
            let clean: String = if word.is_ascii() {
                word.bytes().filter(u8::is_ascii_alphanumeric).map(|b| char::from(b.to_ascii_lowercase())).collect()
            } else {
                word.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect()
            };
            !clean.is_empty() && with_stem(&self.stemmer, &clean, |stem, _| terms.iter().any(|term| term == stem))
        };
        // Words are split off only as far as the snippet reaches, not through the whole paragraph.
        let mut rest = text.split_whitespace();
        let mut words: Vec<&str> = Vec::new();
        let mut first = 0;
        for word in rest.by_ref() {
            words.push(word);
            if matches(word) {
                first = words.len() - 1;
                break;
            }
        }
        let start = first.saturating_sub(SNIPPET_WORDS / 2);
        words.extend(rest.by_ref().take((start + SNIPPET_WORDS * 2).saturating_sub(words.len())));
        let end = (start + SNIPPET_WORDS * 2).min(words.len());
        let cut_short = end < words.len() || rest.next().is_some();
        let mut parts: Vec<SnippetPart> = Vec::new();
        if start > 0 {
            parts.push(SnippetPart { text: "… ".into(), marked: false });
        }
        for (i, word) in words[start..end].iter().enumerate() {
            let separator = if i + 1 < end - start { " " } else { "" };
            if matches(word) {
                parts.push(SnippetPart { text: (*word).to_string(), marked: true });
                parts.push(SnippetPart { text: separator.into(), marked: false });
            } else {
                match parts.last_mut() {
                    Some(last) if !last.marked => last.text.push_str(&format!("{word}{separator}")),
                    _ => parts.push(SnippetPart { text: format!("{word}{separator}"), marked: false }),
                }
            }
        }
        if cut_short {
            parts.push(SnippetPart { text: " …".into(), marked: false });
        }
        parts.retain(|part| !part.text.is_empty());
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nv_model::content::test_card as card;

    fn passage(id: &str, text: &str) -> Passage {
        Passage { id: id.into(), text: text.into() }
    }

    fn index() -> SearchIndex {
        SearchIndex::new(vec![
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
        ])
    }

    #[test]
    fn title_and_summary_matches_rank_above_body_mentions() {
        let cards = [card("magnesium"), card("fiber"), card("walking")];
        let refs: Vec<&ArticleCard> = cards.iter().collect();
        let hits = index().search("magnesium", &refs, 10);
        let slugs: Vec<&str> = hits.iter().map(|hit| hit.card.slug.as_str()).collect();
        assert_eq!(slugs, vec!["magnesium", "fiber"]);
        assert_eq!(hits[1].anchor.as_deref(), Some("p-2"), "links to the paragraph that matches");
    }

    #[test]
    fn stems_match_and_snippets_mark_the_words() {
        let cards = [card("magnesium"), card("fiber")];
        let refs: Vec<&ArticleCard> = cards.iter().collect();
        let hits = index().search("Sleeping quality", &refs, 10);
        assert_eq!(hits[0].card.slug, "magnesium");
        assert_eq!(hits[0].anchor.as_deref(), Some("p-2"));
        let marked: Vec<&str> =
            hits[0].snippet.iter().filter(|part| part.marked).map(|part| part.text.as_str()).collect();
        assert_eq!(marked, vec!["sleep", "quality"]);
        let text: String = hits[0].snippet.iter().map(|part| part.text.as_str()).collect();
        assert_eq!(text, "Some trials looked at sleep quality in older adults taking magnesium.");
    }

    #[test]
    fn hidden_articles_and_empty_queries_give_nothing() {
        let cards = [card("fiber")];
        let refs: Vec<&ArticleCard> = cards.iter().collect();
        assert!(index().search("magnesium", &refs, 10).iter().all(|hit| hit.card.slug != "magnesium"));
        assert!(index().search("  the and  ", &refs, 10).is_empty());
    }

    #[test]
    fn snippets_are_a_window_around_the_first_match() {
        let mut words: Vec<String> = (0..60).map(|i| format!("w{i}")).collect();
        words[20] = "Magnesium,".into();
        words[30] = "Café".into();
        words[35] = "magnesium".into();
        let text = words.join(" ");
        let index = SearchIndex::new(vec![SearchDoc::new("long", "Long", &[], &[passage("p-1", &text)])]);
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
                let paragraphs =
                    (0..1 + i % 4).map(|p| passage(&format!("p-{}", p + 1), &text(2 + (i + p) % 9))).collect();
                (format!("doc-{i}"), title, summary, paragraphs)
            })
            .collect();
        let index = SearchIndex::new(
            docs.iter()
                .map(|(slug, title, summary, paragraphs)| SearchDoc::new(slug, title, &[summary], paragraphs))
                .collect(),
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
                let hits: Vec<(String, Option<String>)> =
                    index.search(query, &refs, limit).into_iter().map(|hit| (hit.card.slug, hit.anchor)).collect();
                assert_eq!(
                    hits,
                    expected.iter().take(limit).cloned().collect::<Vec<_>>(),
                    "query {query:?}, limit {limit}"
                );
            }
        }
        assert!(index.search("magnesium", &refs, 200).len() > 20, "the corpus has many matches to rank");
        assert!(index.search("older adults sleep", &refs, 200).len() > 20);
    }
}
