//! Full-text search over the articles, indexed once at load: titles weigh most, then
//! descriptions, summaries and takeaways, then body paragraphs. Results carry a snippet from the
//! best-matching paragraph, with the matching words marked, and that paragraph's anchor.
//!
//! The index is inverted (stemmed term → the articles that contain it), so a query only touches
//! the articles holding one of its words, however large the catalogue. A query is understood
//! first (`query.rs`): typos corrected towards the index's words, the last word completed,
//! words split and joined, the editors' synonyms; then ranked (`rank.rs`).

use super::grounding::FastMap;
use nv_search::{Lexicon, Synonyms};
use rust_stemmers::{Algorithm, Stemmer};

mod cached;
mod doc;
mod query;
mod rank;
mod rebuild;
#[cfg(test)]
mod tests;
pub use doc::SearchDoc;
use doc::{DocTerms, Paragraphs};
pub use rank::Found;
pub use rebuild::IndexedDoc;

const TITLE_WEIGHT: f64 = 4.0;
const SUMMARY_WEIGHT: f64 = 2.0;
const BODY_WEIGHT: f64 = 1.0;
/// Words either side of the first match in a snippet.
const SNIPPET_WORDS: usize = 14;

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
    /// The word readers write for it: `""` when the term occurs as a word itself, else the
    /// shortest word seen for it ("caffeine" for `caffein`).
    surface: Option<Box<str>>,
}

impl Term {
    /// The word for this term that readers see and typos are corrected towards.
    fn word<'a>(&'a self, term: &'a str) -> &'a str {
        self.surface.as_deref().filter(|surface| !surface.is_empty()).unwrap_or(term)
    }
}

/// The search index over every article.
pub struct SearchIndex {
    docs: Vec<SearchDoc>,
    /// Per stemmed term: its postings and weight.
    terms: FastMap<Box<str>, Term>,
    stemmer: Stemmer,
    /// Every term's word, with the number of articles holding it: where typos are corrected to
    /// and the last word typed is completed from.
    lexicon: Lexicon,
    /// The editors' synonyms, every word stemmed as the index keeps it.
    synonyms: Synonyms,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("articles", &self.docs.len())
            .field("terms", &self.terms.len())
            .field("synonyms", &self.synonyms.len())
            .finish()
    }
}

impl SearchIndex {
    /// Builds the index (once, at content load), with the editors' `synonyms`.
    pub fn new(mut docs: Vec<SearchDoc>, synonyms: &Synonyms) -> SearchIndex {
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
            note_surfaces(&mut terms, &doc_terms);
        }
        SearchIndex::finish(docs, terms, synonyms)
    }

    /// The index of `docs` and the postings of `terms`, weighed, with its lexicon.
    fn finish(docs: Vec<SearchDoc>, mut terms: FastMap<Box<str>, Term>, synonyms: &Synonyms) -> SearchIndex {
        let total = docs.len().max(1) as f64;
        for term in terms.values_mut() {
            term.idf = (1.0 + total / term.postings.len() as f64).ln();
            // Lists grow by doubling: up to half of each would be spare capacity, kept for good.
            term.postings.shrink_to_fit();
            term.paragraphs.shrink_to_fit();
        }
        terms.shrink_to_fit();
        // Only words a typo can be corrected to or a prefix completed to: three letters or more,
        // no digit (a number or a code like "b12" is matched as typed). The rest of a large
        // catalogue's terms (numbers, DOIs, years) would only make the build's peak larger.
        let lexicon = Lexicon::with_frequencies(
            terms
                .iter()
                .map(|(term, entry)| (entry.word(term), entry.postings.len() as u64))
                .filter(|(word, _)| word.len() >= 3 && !word.bytes().any(|byte| byte.is_ascii_digit())),
        );
        let stemmer = Stemmer::create(Algorithm::English);
        let synonyms = synonyms.map_words(|word| stem_of(&stemmer, word));
        SearchIndex { docs, terms, stemmer, lexicon, synonyms }
    }

    /// The slugs of the indexed articles, in index order.
    pub fn slugs(&self) -> impl Iterator<Item = &str> {
        self.docs.iter().map(|doc| doc.slug.as_str())
    }

    /// The index taken apart (documents with their paragraphs, postings, idf), for measuring.
    #[doc(hidden)]
    pub fn into_parts(self) -> Vec<(&'static str, Box<dyn std::any::Any>)> {
        vec![
            ("search: docs+paragraphs", Box::new(self.docs)),
            ("search: terms", Box::new(self.terms)),
            ("search: lexicon", Box::new(self.lexicon)),
        ]
    }

    /// Bytes the typo lexicon takes (its transducer).
    pub fn lexicon_bytes(&self) -> usize {
        self.lexicon.heap_bytes()
    }
}

/// Notes the words `doc` writes its terms with: a term that occurs as a word is shown as itself,
/// any other as the shortest word seen for it so far. Only terms already in `terms`.
fn note_surfaces(terms: &mut FastMap<Box<str>, Term>, doc: &DocTerms) {
    for (term, counts, _) in doc.iter() {
        if let Some(entry) = terms.get_mut(term).filter(|_| counts.word) {
            entry.surface = Some(Box::from(""));
        }
    }
    for (term, surface) in &doc.surfaces {
        let Some(entry) = terms.get_mut(&**term) else { continue };
        if entry.surface.as_ref().is_none_or(|kept| !kept.is_empty() && surface.len() < kept.len()) {
            entry.surface = Some(surface.clone());
        }
    }
}

/// The stem of `word` as the index keeps it (a stop word stays as it is).
fn stem_of(stemmer: &Stemmer, word: &str) -> String {
    super::grounding::with_stem(stemmer, word, |stem, _| stem.to_string())
}
