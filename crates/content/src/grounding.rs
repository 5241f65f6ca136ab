//! Links overview sentences and takeaways to the body text that supports them, and builds an
//! extractive overview when an article has none. Runs once at content load: TF-IDF vectors over
//! stemmed words, compared by cosine similarity.

use super::markdown::Passage;
use rust_stemmers::{Algorithm, Stemmer};
use std::cell::RefCell;
use std::collections::HashMap;

/// A hash map with foldhash's fast hasher and a fixed seed: the words counted at load and
/// looked up by searches. Only load inserts keys, from the editors' own files.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Below this cosine similarity a sentence counts as unsupported by the body.
pub const MIN_SIMILARITY: f64 = 0.1;

const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can",
    "could", "did", "do", "does", "for", "from", "had", "has", "have", "here", "how", "if", "in", "into", "is", "it",
    "its", "it's", "just", "may", "might", "more", "most", "not", "of", "on", "or", "our", "so", "than", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "to", "too", "up", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "why", "will", "with", "would", "you", "your",
];

/// A sentence and the passage that supports it best, if any is similar enough.
#[derive(Clone, Debug, PartialEq)]
pub struct Grounded {
    /// The sentence, exactly as written.
    pub text: String,
    /// Id of the supporting passage.
    pub source_id: Option<String>,
    /// Cosine similarity with that passage.
    pub score: f64,
}

/// TF-IDF vectors of a set of passages.
pub struct PassageIndex {
    stemmer: Stemmer,
    idf: FastMap<String, f64>,
    vectors: Vec<FastMap<String, f64>>,
    ids: Vec<String>,
}

impl PassageIndex {
    /// Indexes `passages` (paragraphs or sections).
    pub fn new(passages: &[Passage]) -> PassageIndex {
        let stemmer = Stemmer::create(Algorithm::English);
        let counts = passages.iter().map(|passage| term_counts(&stemmer, &passage.text)).collect();
        PassageIndex::with_term_counts(passages, counts)
    }

    /// Indexes `passages` whose [`term_counts`] are already known (one per passage, in order).
    pub fn with_term_counts(passages: &[Passage], counts: Vec<FastMap<String, f64>>) -> PassageIndex {
        let n = passages.len() as f64;
        let idf = {
            let mut document_frequency: FastMap<&str, f64> = FastMap::default();
            for terms in &counts {
                for term in terms.keys() {
                    *document_frequency.entry(term).or_default() += 1.0;
                }
            }
            document_frequency
                .into_iter()
                .map(|(term, df)| (term.to_string(), ((n + 1.0) / (df + 1.0)).ln() + 1.0))
                .collect()
        };
        let stemmer = Stemmer::create(Algorithm::English);
        let mut index = PassageIndex { stemmer, idf, vectors: Vec::new(), ids: Vec::new() };
        index.vectors = counts.into_iter().map(|terms| index.weigh(terms)).collect();
        index.ids = passages.iter().map(|passage| passage.id.clone()).collect();
        index
    }

    /// Turns term counts into a unit TF-IDF vector, in place (no new map per passage).
    fn weigh(&self, mut vector: FastMap<String, f64>) -> FastMap<String, f64> {
        for (term, weight) in vector.iter_mut() {
            let idf = self.idf.get(term).copied().unwrap_or(1.0);
            *weight = (1.0 + weight.ln()) * idf;
        }
        let norm = vector.values().map(|w| w * w).sum::<f64>().sqrt();
        if norm > 0.0 {
            vector.values_mut().for_each(|w| *w /= norm);
        }
        vector
    }

    /// The vector of any text, weighed with this index's IDF.
    fn vector(&self, text: &str) -> FastMap<String, f64> {
        self.weigh(term_counts(&self.stemmer, text))
    }

    /// The passage most similar to `text`, with its similarity.
    pub fn best_match(&self, text: &str) -> Option<(&str, f64)> {
        let query = self.vector(text);
        self.vectors
            .iter()
            .zip(&self.ids)
            .map(|(vector, id)| (id.as_str(), cosine(&query, vector)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Each sentence with the passage that supports it (or none below [`MIN_SIMILARITY`]).
    pub fn ground(&self, sentences: &[String]) -> Vec<Grounded> {
        sentences
            .iter()
            .map(|sentence| {
                let best = self.best_match(sentence).filter(|(_, score)| *score >= MIN_SIMILARITY);
                Grounded {
                    text: sentence.clone(),
                    source_id: best.map(|(id, _)| id.to_string()),
                    score: best.map_or(0.0, |(_, score)| score),
                }
            })
            .collect()
    }
}

/// An overview of up to `count` sentences quoted from the paragraphs: the sentences most
/// similar to the rest of the article (degree centrality, as in TextRank), in reading order.
pub fn extract_overview(paragraphs: &[Passage], count: usize) -> Vec<Grounded> {
    let sentences: Vec<(String, &str)> = paragraphs
        .iter()
        .flat_map(|passage| split_sentences(&passage.text).into_iter().map(move |s| (s, passage.id.as_str())))
        .filter(|(sentence, _)| sentence.split_whitespace().count() >= 6)
        .collect();
    let as_passages: Vec<Passage> =
        sentences.iter().enumerate().map(|(i, (text, _))| Passage { id: i.to_string(), text: text.clone() }).collect();
    let index = PassageIndex::new(&as_passages);
    let centrality: Vec<f64> = index
        .vectors
        .iter()
        .enumerate()
        .map(|(i, vector)| {
            index.vectors.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, other)| cosine(vector, other)).sum()
        })
        .collect();
    let mut ranked: Vec<usize> = (0..sentences.len()).collect();
    ranked.sort_by(|a, b| centrality[*b].total_cmp(&centrality[*a]).then(a.cmp(b)));
    let mut chosen: Vec<usize> = ranked.into_iter().take(count).collect();
    chosen.sort_unstable();
    chosen
        .into_iter()
        .map(|i| Grounded { text: sentences[i].0.clone(), source_id: Some(sentences[i].1.to_string()), score: 1.0 })
        .collect()
}

/// Splits prose into sentences at `.`, `!` or `?` followed by a space and a capital or digit.
pub fn split_sentences(text: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for window in 0..chars.len() {
        let (at, c) = chars[window];
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let next = chars.get(window + 1).map(|(_, c)| *c);
        let after = chars.get(window + 2).map(|(_, c)| *c);
        let ends = match (next, after) {
            (None, _) => true,
            (Some(space), Some(start_of_next)) if space.is_whitespace() => {
                start_of_next.is_uppercase() || start_of_next.is_ascii_digit() || start_of_next == '“'
            }
            _ => false,
        };
        if ends {
            let end = at + c.len_utf8();
            let sentence = text[start..end].trim();
            if !sentence.is_empty() {
                sentences.push(sentence.to_string());
            }
            start = end;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        sentences.push(rest.to_string());
    }
    sentences
}

/// Past this many words a thread's remembered stems start again, so that search queries (any
/// words at all) cannot grow them without bound.
const MAX_REMEMBERED_STEMS: usize = 50_000;

thread_local! {
    /// Per thread: each lowercase word seen, its stem and whether it is a stop word. Articles
    /// share most of their vocabulary, and stemming every word anew was most of the start-up time.
    static STEMS: RefCell<FastMap<String, (String, bool)>> = RefCell::new(FastMap::default());
}

/// `f` applied to the stem of `word` (lowercase) and whether `word` is a stop word. Stems are
/// remembered by word alone: every caller stems English.
pub(crate) fn with_stem<R>(stemmer: &Stemmer, word: &str, f: impl FnOnce(&str, bool) -> R) -> R {
    STEMS.with_borrow_mut(|stems| {
        if let Some((stem, stop)) = stems.get(word) {
            return f(stem, *stop);
        }
        if stems.len() >= MAX_REMEMBERED_STEMS {
            stems.clear();
        }
        let (stem, stop) = (stemmer.stem(word).into_owned(), STOP_WORDS.contains(&word));
        let result = f(&stem, stop);
        stems.insert(word.to_string(), (stem, stop));
        result
    })
}

/// How often each stemmed word occurs in `text`, stop words left out.
pub(crate) fn term_counts(stemmer: &Stemmer, text: &str) -> FastMap<String, f64> {
    count_terms(stemmer, text, |_, _| {})
}

/// [`term_counts`], also keeping in `surfaces` a word readers write for each stem: the stem
/// itself when it occurs as a word (kept as `""`), else the shortest word seen for it
/// ("caffeine" for `caffein`). Search shows readers words, and corrects their typos towards
/// them. Looked at once per distinct stem of `text`, not per word.
pub(crate) fn term_counts_noting(
    stemmer: &Stemmer,
    text: &str,
    surfaces: &mut FastMap<String, String>,
) -> FastMap<String, f64> {
    count_terms(stemmer, text, |stem, word| {
        let word = if stem == word { "" } else { word };
        match surfaces.get_mut(stem) {
            Some(kept) if word.len() < kept.len() => *kept = word.to_string(),
            Some(_) => {}
            None => {
                surfaces.insert(stem.to_string(), word.to_string());
            }
        }
    })
}

/// The counting of [`term_counts`], calling `first` with the stem and word the first time a
/// stem occurs in `text`.
fn count_terms(stemmer: &Stemmer, text: &str, mut first: impl FnMut(&str, &str)) -> FastMap<String, f64> {
    let mut counts: FastMap<String, f64> = FastMap::default();
    let lower = text.to_lowercase().replace(['’', '\''], "");
    for word in lower.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        with_stem(stemmer, word, |stem, stop| {
            if stop {
                return;
            }
            match counts.get_mut(stem) {
                Some(count) => *count += 1.0,
                None => {
                    first(stem, word);
                    counts.insert(stem.to_string(), 1.0);
                }
            }
        });
    }
    counts
}

fn cosine(a: &FastMap<String, f64>, b: &FastMap<String, f64>) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small.iter().filter_map(|(term, w)| large.get(term).map(|v| w * v)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passages(texts: &[&str]) -> Vec<Passage> {
        texts.iter().enumerate().map(|(i, t)| Passage { id: format!("p-{}", i + 1), text: t.to_string() }).collect()
    }

    #[test]
    fn splits_sentences_without_breaking_numbers_or_abbreviations_in_lowercase() {
        assert_eq!(
            split_sentences("Take 1,000 IU daily. Pair it with 45 mcg of K2! Why? because."),
            ["Take 1,000 IU daily.", "Pair it with 45 mcg of K2!", "Why? because."]
        );
    }

    #[test]
    fn links_each_sentence_to_the_paragraph_that_supports_it() {
        let body = passages(&[
            "Vitamin K2 activates proteins that move calcium into bones and out of arteries.",
            "Sleep matters: adults need seven to nine hours of sleep each night.",
            "Fibre from vegetables feeds the gut bacteria that keep digestion regular.",
        ]);
        let index = PassageIndex::new(&body);
        let grounded = index.ground(&[
            "Most adults need about eight hours of sleep.".to_string(),
            "K2 keeps calcium out of your arteries.".to_string(),
            "Quantum chromodynamics explains the strong force.".to_string(),
        ]);
        assert_eq!(grounded[0].source_id.as_deref(), Some("p-2"));
        assert_eq!(grounded[1].source_id.as_deref(), Some("p-1"));
        assert_eq!(grounded[2].source_id, None, "unrelated sentence is unsupported");
    }

    #[test]
    fn stemming_matches_word_forms() {
        let index = PassageIndex::new(&passages(&["Running and absorbed nutrients.", "Cats sleep."]));
        let (id, score) = index.best_match("runs absorbing nutrient").unwrap();
        assert_eq!(id, "p-1");
        assert!(score > 0.5, "{score}");
    }

    #[test]
    fn extractive_overview_quotes_only_body_sentences_in_order() {
        let body = passages(&[
            "Vitamin D3 helps the body absorb calcium from food every day. Sunshine is pleasant.",
            "Vitamin K2 directs calcium from food into bones and away from arteries.",
            "Taking vitamin D3 and vitamin K2 together keeps calcium where the body needs it.",
            "Many people enjoy long walks on the beach at sunset with friends.",
        ]);
        let overview = extract_overview(&body, 2);
        assert_eq!(overview.len(), 2);
        let all: Vec<String> = body.iter().flat_map(|p| split_sentences(&p.text)).collect();
        for sentence in &overview {
            assert!(all.contains(&sentence.text), "invented: {}", sentence.text);
            assert!(!sentence.text.contains("beach"), "picked the off-topic sentence");
        }
        let ids: Vec<_> = overview.iter().map(|s| s.source_id.clone().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "reading order");
    }
}
