//! One article as the index sees it while it is indexed: its terms with their counts per field
//! and paragraph (and the word readers see for each stem), and its paragraphs for snippets.

use super::super::grounding::{term_counts, term_counts_noting, FastMap};
use super::super::markdown::Passage;
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::Arc;

/// How often one term occurs in one article, per field, and in which paragraphs (while one
/// article is indexed).
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Occurrences {
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
    pub(super) paragraphs: Arc<Paragraphs>,
    pub(super) terms: DocTerms,
}

/// An article's terms from indexing it until [`SearchIndex::new`] takes them into its postings:
/// one string and two lists per article. As a map with a `String` and a `Vec` per term, the
/// 10,000 articles' terms waiting for the index were most of the load's 611 MiB peak.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct DocTerms {
    /// The terms, one after another.
    text: String,
    entries: Vec<DocTerm>,
    /// The paragraph numbers of every term, entry after entry (past the 65,536th left out).
    paragraphs: Vec<u16>,
    /// The word readers write for each term that does not occur as a word itself (`caffein`:
    /// "caffeine").
    pub(super) surfaces: Vec<(Box<str>, Box<str>)>,
}

/// One term of a [`DocTerms`]: where it ends there, and its counts as the index keeps them.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub(super) struct DocTerm {
    text_end: u32,
    paragraphs_end: u32,
    pub(super) title: u16,
    pub(super) summary: u16,
    pub(super) body: u16,
    /// Whether the term was seen as a word itself in the title or summary (most are;
    /// `caffein` is not).
    pub(super) word: bool,
}

impl DocTerms {
    fn new(terms: FastMap<&str, Occurrences>, surfaces: &FastMap<String, String>) -> DocTerms {
        let mut text = String::with_capacity(terms.keys().map(|term| term.len()).sum());
        let mut paragraphs = Vec::with_capacity(terms.values().map(|found| found.paragraphs.len()).sum());
        let mut entries = Vec::with_capacity(terms.len());
        let mut kept_surfaces = Vec::new();
        for (term, found) in terms {
            // Not noted (a term of the body only): neither a surface nor a word, so that another
            // article's title can still give it its word.
            let noted = surfaces.get(term).map(String::as_str);
            let surface = noted.unwrap_or("");
            if !surface.is_empty() {
                kept_surfaces.push((term.into(), surface.into()));
            }
            text.push_str(term);
            paragraphs.extend(found.paragraphs.iter().filter_map(|&p| u16::try_from(p).ok()));
            entries.push(DocTerm {
                text_end: text.len() as u32,
                paragraphs_end: paragraphs.len() as u32,
                title: small(found.title),
                summary: small(found.summary),
                body: small(found.body),
                word: noted == Some(""),
            });
        }
        DocTerms { text, entries, paragraphs, surfaces: kept_surfaces }
    }

    /// Each term with its counts and paragraph numbers.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &DocTerm, &[u16])> {
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
pub(super) struct Paragraphs {
    pub(super) ids: Box<[Box<str>]>,
    /// Where each paragraph's text ends in the decompressed text.
    pub(super) ends: Box<[u32]>,
    pub(super) text: Box<[u8]>,
}

impl Paragraphs {
    fn new(passages: &[&Passage]) -> Paragraphs {
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

    pub(super) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The text of paragraph `index`.
    pub(super) fn text(&self, index: usize) -> String {
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
        SearchDoc::with_paragraph_terms(slug, title, summary_texts, paragraphs, &[], &paragraph_terms)
    }

    /// [`SearchDoc::new`] with each paragraph's term counts already known (the loader has them
    /// from grounding the overview). The words readers see for stems that are not words are
    /// noted from the title and summary texts only: that is where an article's own subject is
    /// named, and noting them for every paragraph of 10,000 articles cost a fifth of the load's
    /// memory peak (measured: 369 against 270 MiB). A term no title or summary names is shown as
    /// itself. The `loose` texts (headings, list items, table rows) count as paragraphs before
    /// the others, so that on a tie a paragraph is the snippet (the last best passage is).
    pub fn with_paragraph_terms(
        slug: &str,
        title: &str,
        summary_texts: &[&str],
        paragraphs: &[Passage],
        loose: &[Passage],
        paragraph_terms: &[FastMap<String, f64>],
    ) -> SearchDoc {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut surfaces = FastMap::default();
        let title_terms = term_counts_noting(&stemmer, title, &mut surfaces);
        let summary_terms = term_counts_noting(&stemmer, &summary_texts.join(" "), &mut surfaces);
        let mut terms: FastMap<&str, Occurrences> = FastMap::default();
        for (term, count) in &title_terms {
            terms.entry(term.as_str()).or_default().title = *count;
        }
        for (term, count) in &summary_terms {
            terms.entry(term.as_str()).or_default().summary = *count;
        }
        let loose_terms: Vec<FastMap<String, f64>> =
            loose.iter().map(|passage| term_counts(&stemmer, &passage.text)).collect();
        for (i, counts) in loose_terms.iter().chain(paragraph_terms).enumerate() {
            for (term, count) in counts {
                let occurrences = terms.entry(term.as_str()).or_default();
                occurrences.body += count;
                occurrences.paragraphs.push(i as u32);
            }
        }
        let terms = DocTerms::new(terms, &surfaces);
        let passages: Vec<&Passage> = loose.iter().chain(paragraphs).collect();
        SearchDoc { slug: slug.to_string(), paragraphs: Arc::new(Paragraphs::new(&passages)), terms }
    }
}

/// A count as the index keeps it.
fn small(count: f64) -> u16 {
    // `as` saturates: a word counted more than 65,535 times scores as 65,535.
    count as u16
}
