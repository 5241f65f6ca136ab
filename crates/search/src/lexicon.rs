//! The vocabulary of the index, searchable by typo and by prefix without visiting every word.

use crate::automata::{self, Typos};
use crate::typos;
use fst::automaton::{Automaton, Str};
use fst::{IntoStreamer, Map, MapBuilder, Streamer};
use std::cmp::Reverse;

/// The most candidates [`Lexicon::lookup`] returns: a short word with a typo can be one edit
/// from dozens of words, and a query that became dozens of terms would be slow and unfocused.
pub const MAX_CANDIDATES: usize = 8;
/// Exact [`Lexicon::prefix`] walks at most this many completions before ranking them, so a
/// three-letter prefix of a huge vocabulary stays bounded; a prefix that begins more words than
/// this says too little to pick from anyway.
const MAX_PREFIX_SCAN: usize = 10_000;
/// Completions shorter than this are not offered: "ma" begins half the language.
const MIN_PREFIX_CHARS: usize = 3;

/// A word of the vocabulary that a reader's word may have meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The vocabulary's word.
    pub term: String,
    /// Typos from the reader's word to it: edits (a swap of neighbouring letters is one), an
    /// edit to the first letter counting two.
    pub distance: u8,
}

/// The index's vocabulary as a finite-state transducer from each word to its frequency.
///
/// Built once per content load; the Levenshtein builders it searches with are shared by the
/// whole process (see `automata`). Cloning copies the transducer's bytes.
#[derive(Clone)]
pub struct Lexicon {
    /// Word → how often it occurs (ranks equally close words; 1 each from [`Lexicon::new`]).
    words: Map<Vec<u8>>,
}

impl Lexicon {
    /// The vocabulary of `terms`, in any order and with repeats; every word counts the same.
    pub fn new<I, S>(terms: I) -> Lexicon
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Lexicon::with_frequencies(terms.into_iter().map(|term| (term, 1)))
    }

    /// The vocabulary of `terms` with their frequencies (say, how many articles hold each):
    /// among equally close words, the more frequent is the likelier meant. Repeats add up.
    pub fn with_frequencies<I, S>(terms: I) -> Lexicon
    where
        I: IntoIterator<Item = (S, u64)>,
        S: AsRef<str>,
    {
        // The transducer takes its keys sorted and unique: sorted here, repeats summed below.
        // Sorting the caller's strings in place copies none of them.
        let mut terms: Vec<(S, u64)> = terms.into_iter().filter(|(term, _)| !term.as_ref().is_empty()).collect();
        terms.sort_unstable_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        let mut builder = MapBuilder::memory();
        let mut terms = terms.iter().peekable();
        while let Some((term, frequency)) = terms.next() {
            let mut total = *frequency;
            while let Some((_, more)) = terms.next_if(|(next, _)| next.as_ref() == term.as_ref()) {
                total = total.saturating_add(*more);
            }
            builder
                .insert(term.as_ref(), total)
                .expect("keys go in sorted and unique, which is all an in-memory build can fail on");
        }
        let words = builder.into_map();
        automata::warm_up();
        Lexicon { words }
    }

    /// How many distinct words it holds.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether it holds no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether `word` is one of its words, exactly.
    pub fn contains(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// Bytes it keeps on the heap: the transducer. The Levenshtein builders are shared by the
    /// process and do not grow with the vocabulary (the bench example measures them).
    pub fn heap_bytes(&self) -> usize {
        self.words.as_fst().as_bytes().len()
    }

    /// The words within `typos` typos of `word` (at most [`typos::MAX`]; see
    /// [`Candidate::distance`]), closest first, then most frequent, then alphabetical; so
    /// `word` itself comes first when it is a word. Only words of the vocabulary come back, at
    /// most [`MAX_CANDIDATES`]. `word` is expected in the index's form (lower-case).
    pub fn lookup(&self, word: &str, typos: u8) -> Vec<Candidate> {
        if word.is_empty() {
            return Vec::new();
        }
        let Some(automaton) = Typos::new(word, typos, false) else {
            let exact = self.contains(word).then(|| Candidate { term: word.to_string(), distance: 0 });
            return exact.into_iter().collect();
        };
        let mut found: Vec<(u8, Reverse<u64>, Vec<u8>)> = Vec::new();
        let mut stream = self.words.search_with_state(&automaton).into_stream();
        while let Some((term, frequency, state)) = stream.next() {
            if let Some(distance) = automaton.distance(&state) {
                found.push((distance, Reverse(frequency), term.to_vec()));
            }
        }
        found.sort_unstable();
        found
            .into_iter()
            .take(MAX_CANDIDATES)
            .map(|(distance, _, term)| Candidate { term: utf8(term), distance })
            .collect()
    }

    /// What the reader most likely meant by `word`: `word` alone when it is a word (a word
    /// spelt right is not second-guessed); else the words the fewest typos away, up to the
    /// budget [`typos::allowed`] gives it (none under 5 characters, none with a digit), ranked
    /// as [`Lexicon::lookup`] ranks them. One typo is tried before two: most slips are one, and
    /// a one-typo lookup costs a fraction of a two-typo one.
    pub fn correct(&self, word: &str) -> Vec<Candidate> {
        if self.contains(word) {
            return vec![Candidate { term: word.to_string(), distance: 0 }];
        }
        (1..=typos::allowed(word))
            .map(|typos| self.lookup(word, typos))
            .find(|found| !found.is_empty())
            .unwrap_or_default()
    }

    /// Up to `limit` words that begin with `word` (for the word a reader is still typing:
    /// "magnes" → "magnesium"), most frequent first, then shortest, then alphabetical; each
    /// with distance 0. When fewer than `limit` begin with it exactly, words that begin within
    /// [`typos::allowed`]`(word)` edits of it follow, closest first, their distance that of
    /// their closest beginning ("magnse" → "magnesium", 1). Nothing for a `word` under 3
    /// characters.
    pub fn prefix(&self, word: &str, limit: usize) -> Vec<Candidate> {
        if limit == 0 || word.chars().count() < MIN_PREFIX_CHARS {
            return Vec::new();
        }
        let exact = Str::new(word).starts_with();
        let mut best = Best::new(limit);
        let mut stream = self.words.search(&exact).into_stream();
        let mut scanned = 0;
        while let Some((term, frequency)) = stream.next() {
            best.offer((0, Reverse(frequency), term.len(), term));
            scanned += 1;
            if scanned == MAX_PREFIX_SCAN {
                break;
            }
        }
        let mut found = best.kept;
        if found.len() < limit {
            if let Some(automaton) = Typos::new(word, typos::allowed(word), true) {
                let fuzzy = self.fuzzy_prefix(&automaton, limit.saturating_add(found.len()));
                let more: Vec<Rank> =
                    fuzzy.into_iter().filter(|rank| !found.iter().any(|kept| kept.3 == rank.3)).collect();
                found.extend(more.into_iter().take(limit - found.len()));
            }
        }
        found.into_iter().map(|(distance, _, _, term)| Candidate { term: utf8(term), distance }).collect()
    }

    /// The `limit` best-ranked words that `automaton` (a prefix automaton) accepts.
    fn fuzzy_prefix(&self, automaton: &Typos, limit: usize) -> Vec<Rank> {
        let mut best = Best::new(limit);
        let mut stream = self.words.search_with_state(automaton).into_stream();
        let mut scanned = 0;
        while let Some((term, frequency, state)) = stream.next() {
            if let Some(distance) = automaton.distance(&state) {
                best.offer((distance, Reverse(frequency), term.len(), term));
            }
            scanned += 1;
            if scanned == MAX_PREFIX_SCAN {
                break;
            }
        }
        best.kept
    }
}

impl Default for Lexicon {
    /// No words: every lookup finds nothing.
    fn default() -> Lexicon {
        Lexicon::new(std::iter::empty::<&str>())
    }
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon").field("words", &self.len()).field("heap_bytes", &self.heap_bytes()).finish()
    }
}

/// Rank of a completion: distance, frequency (higher first), length in bytes, the word.
type Rank = (u8, Reverse<u64>, usize, Vec<u8>);

/// The `limit` best-ranked completions seen so far, kept sorted; words are copied only when
/// they make the cut, so walking thousands of completions allocates for a handful.
struct Best {
    limit: usize,
    kept: Vec<Rank>,
}

impl Best {
    fn new(limit: usize) -> Best {
        Best { limit, kept: Vec::with_capacity(limit.min(64) + 1) }
    }

    /// Keeps the completion if it ranks among the best `limit`.
    fn offer(&mut self, (distance, frequency, len, term): (u8, Reverse<u64>, usize, &[u8])) {
        let key = (distance, frequency, len, term);
        let at = self.kept.partition_point(|kept| (kept.0, kept.1, kept.2, kept.3.as_slice()) <= key);
        if at < self.limit {
            self.kept.insert(at, (distance, frequency, len, term.to_vec()));
            self.kept.truncate(self.limit);
        }
    }
}

/// A word back from the transducer as text. Keys went in as `&str`, so they come out whole
/// UTF-8; a lossy conversion instead of a panic all the same.
fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

#[cfg(test)]
#[path = "lexicon_tests.rs"]
mod tests;
