//! What a reader's query asks the index for. The words as typed come first; a word the index
//! does not hold is corrected towards the nearest word it does (no typo under 5 letters, one
//! from 5, two from 9: `nv_search::typos`), the last word is completed while it is typed
//! ("magnes"), words written apart or together are tried both ways ("omega3", "omega 3"), and
//! the editors' synonyms are tried in place of what they stand for ("fibre", "fiber"). Each
//! reading becomes a [`Reading`]: the terms to look up, place by place, each with the weight it
//! scores with, so an exact word always outranks a corrected or completed one.

use super::super::grounding::with_stem;
use super::SearchIndex;
use nv_search::{forms, typos};

/// Most words of a query that are read (the rest are ignored: real queries are a few words).
const MAX_WORDS: usize = 10;
/// Completions tried for the last word.
const COMPLETIONS: usize = 3;
/// How much a term found by correcting a typo counts, per typo, against the word as typed.
const PER_TYPO: f64 = 0.25;
/// How much a completion of the last word counts.
const COMPLETED: f64 = 0.7;
/// How much a synonym or another form of the query counts against the query as typed.
const OTHER_READING: f64 = 0.9;
/// Most readings of one query scored.
const MAX_READINGS: usize = 12;

/// One way of reading the query: for each place, the terms that may fill it and their weights.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Reading {
    /// How much a match through this reading counts.
    pub weight: f64,
    /// Per place (a word of the query that is not a stop word): `(term, weight)` alternatives.
    pub places: Vec<Vec<(String, f64)>>,
}

/// The query as the index understood it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Understood {
    /// The readings to score, the query as typed (or corrected) first.
    pub readings: Vec<Reading>,
    /// The query with its typos corrected, in readers' words, when a word was corrected.
    pub corrected: Option<String>,
}

impl Understood {
    /// Every term any reading looks up (the words a snippet marks).
    pub fn terms(&self) -> Vec<String> {
        let mut terms: Vec<String> = self
            .readings
            .iter()
            .flat_map(|reading| reading.places.iter().flatten().map(|(term, _)| term.clone()))
            .collect();
        terms.sort();
        terms.dedup();
        terms
    }
}

impl SearchIndex {
    /// Reads `query`; `correct` says whether typos may be corrected (not when the reader asked
    /// for exactly what they typed).
    pub(super) fn understand(&self, query: &str, correct: bool) -> Understood {
        let mut words = forms::words(query);
        words.truncate(MAX_WORDS);
        if words.is_empty() {
            return Understood::default();
        }
        let mut meant = words.clone();
        let mut typo_weights = vec![1.0; words.len()];
        let mut completions: Vec<(String, f64)> = Vec::new();
        let last = words.len() - 1;
        for (i, word) in words.iter().enumerate() {
            let (stem, stop) = self.stem(word);
            if stop
                || self.terms.contains_key(stem.as_str())
                || !self.synonyms.of(std::slice::from_ref(&stem)).is_empty()
            {
                continue;
            }
            if i == last {
                completions = self
                    .lexicon
                    .prefix(word, COMPLETIONS)
                    .into_iter()
                    .filter(|candidate| candidate.distance == 0)
                    .map(|candidate| (self.stem(&candidate.term).0, COMPLETED))
                    .collect();
                if !completions.is_empty() {
                    continue;
                }
            }
            if !correct || typos::allowed(word) == 0 {
                continue;
            }
            if let Some(best) = self.lexicon.correct(word).into_iter().next() {
                typo_weights[i] = 1.0 - PER_TYPO * f64::from(best.distance);
                meant[i] = best.term;
            }
        }
        let corrected = (meant != words).then(|| meant.join(" "));
        let mut readings = vec![self.reading(&meant, 1.0, &typo_weights, &completions)];
        let stems: Vec<String> = meant.iter().map(|word| self.stem(word).0).collect();
        let others = self.synonyms.expand(&stems).into_iter().chain(
            forms::alternatives(&meant, |word| self.frequency(word))
                .into_iter()
                .map(|words| words.iter().map(|word| self.stem(word).0).collect()),
        );
        for other in others {
            if readings.len() == MAX_READINGS {
                break;
            }
            let reading = self.reading_of_stems(&other, OTHER_READING);
            if !readings.contains(&reading) {
                readings.push(reading);
            }
        }
        Understood { readings, corrected }
    }

    /// The reading of `words` (the reader's words, typos corrected), each counting as much as
    /// its typos allow; the last place also takes `completions` when it has any.
    fn reading(&self, words: &[String], weight: f64, typo_weights: &[f64], completions: &[(String, f64)]) -> Reading {
        let last = words.len().saturating_sub(1);
        let mut places = Vec::with_capacity(words.len());
        for (i, word) in words.iter().enumerate() {
            let (stem, stop) = self.stem(word);
            if stop {
                continue;
            }
            let mut place = vec![(stem.clone(), typo_weights.get(i).copied().unwrap_or(1.0))];
            if i == last {
                place.extend(completions.iter().filter(|(term, _)| *term != stem).cloned());
            }
            // The same word twice counts once, as it always has.
            if !places.iter().any(|kept: &Vec<(String, f64)>| kept[0].0 == place[0].0) {
                places.push(place);
            }
        }
        // A fixed order, so scores add up the same way for the same query every time.
        places.sort_by(|a, b| a[0].0.cmp(&b[0].0));
        Reading { weight, places }
    }

    /// The reading of already stemmed words (a synonym's, or another form's), stop words left out.
    fn reading_of_stems(&self, stems: &[String], weight: f64) -> Reading {
        let mut places: Vec<Vec<(String, f64)>> =
            stems.iter().filter(|stem| !self.stem(stem).1).map(|stem| vec![(stem.clone(), 1.0)]).collect();
        places.sort_by(|a, b| a[0].0.cmp(&b[0].0));
        places.dedup_by(|a, b| a[0].0 == b[0].0);
        Reading { weight, places }
    }

    /// `word`'s stem as the index keeps it, and whether it is a stop word.
    fn stem(&self, word: &str) -> (String, bool) {
        with_stem(&self.stemmer, word, |stem, stop| (stem.to_string(), stop))
    }

    /// How many articles hold `word` (its stem), 0 for none.
    fn frequency(&self, word: &str) -> u64 {
        let (stem, stop) = self.stem(word);
        if stop {
            return 0;
        }
        self.terms.get(stem.as_str()).map_or(0, |term| term.postings.len() as u64)
    }
}
