//! The editors' synonyms (content/search/synonyms.toml): words and phrases that mean the same
//! to a reader, and shorthand readers type. A query is tried again with each phrase it holds
//! read as its equivalents, so "high blood pressure" also finds articles that say
//! "hypertension".

mod parse;

pub use parse::SynonymError;
use std::collections::HashMap;

/// A query holding more phrases than this has only its first ones read otherwise: each one
/// multiplies the alternatives.
const MAX_MATCHES: usize = 4;
/// The most alternatives [`Synonyms::expand`] returns, those replacing fewest phrases first.
pub const MAX_ALTERNATIVES: usize = 16;

/// Phrases and what else each may be read as, from [`Synonyms::parse`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Synonyms {
    /// A phrase's words → the phrases it may be read as (never itself).
    replacements: HashMap<Vec<String>, Vec<Vec<String>>>,
    /// Words in the longest phrase: how far a match can reach.
    longest: usize,
}

impl Synonyms {
    /// The synonyms of `groups` (phrases that all mean the same) and `shorthand` (a phrase
    /// and the one it stands for, one way). A shorthand also stands for everything its phrase
    /// is the same as. Phrases are already words as [`crate::forms::words`] gives them.
    fn from_parts(groups: Vec<Vec<Vec<String>>>, shorthand: Vec<(Vec<String>, Vec<String>)>) -> Synonyms {
        let mut synonyms = Synonyms::default();
        for group in &groups {
            for phrase in group {
                synonyms.add(phrase.clone(), group.iter().filter(|other| *other != phrase).cloned());
            }
        }
        for (short, long) in shorthand {
            let same = synonyms.replacements.get(&long).cloned().unwrap_or_default();
            let stands_for: Vec<Vec<String>> = std::iter::once(long).chain(same).filter(|p| *p != short).collect();
            synonyms.add(short, stands_for);
        }
        synonyms
    }

    /// Adds `others` to what `phrase` may be read as, leaving out `phrase` itself and repeats.
    fn add(&mut self, phrase: Vec<String>, others: impl IntoIterator<Item = Vec<String>>) {
        if phrase.is_empty() {
            return;
        }
        self.longest = self.longest.max(phrase.len());
        let known = self.replacements.entry(phrase).or_default();
        for other in others {
            if !other.is_empty() && !known.contains(&other) {
                known.push(other);
            }
        }
    }

    /// How many phrases have something else to be read as.
    pub fn len(&self) -> usize {
        self.replacements.values().filter(|others| !others.is_empty()).count()
    }

    /// Whether no phrase has anything else to be read as.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What `phrase` (its words) may be read as, in the file's order; empty when it has none.
    pub fn of(&self, phrase: &[String]) -> &[Vec<String>] {
        self.replacements.get(phrase).map_or(&[], Vec::as_slice)
    }

    /// The same synonyms with every word passed through `f`: say, the index's stemmer, so
    /// that "fibres" (stem "fibr") matches the entry "fibre" and alternatives come out as
    /// index terms. Phrases that become the same are merged.
    pub fn map_words(&self, mut f: impl FnMut(&str) -> String) -> Synonyms {
        let mut map = |phrase: &Vec<String>| phrase.iter().map(|word| f(word)).collect::<Vec<String>>();
        let mut mapped = Synonyms::default();
        // A fixed order, so merged phrases list their alternatives the same way every time.
        let mut entries: Vec<_> = self.replacements.iter().collect();
        entries.sort();
        for (phrase, others) in entries {
            let phrase = map(phrase);
            let others: Vec<Vec<String>> = others.iter().map(&mut map).filter(|other| *other != phrase).collect();
            mapped.add(phrase, others);
        }
        mapped.replacements.retain(|_, others| !others.is_empty());
        mapped
    }

    /// The query `words` read otherwise: each phrase in it (the longest first, left to right,
    /// not overlapping) replaced by one of its equivalents. Alternatives replacing one phrase
    /// come first, then two, and so on, at most [`MAX_ALTERNATIVES`]; the query itself is not
    /// among them. `words` are the reader's words as [`crate::forms::words`] gives them, stop
    /// words kept ("bicarbonate of soda"), or whatever form [`Synonyms::map_words`] gave.
    pub fn expand(&self, words: &[String]) -> Vec<Vec<String>> {
        let matches = self.matches(words);
        let mut found: Vec<Vec<String>> = Vec::new();
        // Every set of matches, smallest first: {0}, {1}, ..., {0, 1}, ...
        let mut sets: Vec<Vec<usize>> = (1u32..1 << matches.len())
            .map(|bits| (0..matches.len()).filter(|i| bits & (1 << i) != 0).collect())
            .collect();
        sets.sort_by_key(Vec::len);
        for set in sets {
            let mut choice = vec![0usize; set.len()];
            'choices: loop {
                if found.len() == MAX_ALTERNATIVES {
                    return found;
                }
                let mut alternative = Vec::with_capacity(words.len());
                let mut at = 0;
                for (slot, &which) in set.iter().enumerate() {
                    let (start, len, others) = matches[which];
                    alternative.extend_from_slice(&words[at..start]);
                    alternative.extend_from_slice(&others[choice[slot]]);
                    at = start + len;
                }
                alternative.extend_from_slice(&words[at..]);
                if !found.contains(&alternative) {
                    found.push(alternative);
                }
                // The next choice of equivalents for this set, the last slot turning fastest.
                for slot in (0..set.len()).rev() {
                    choice[slot] += 1;
                    if choice[slot] < matches[set[slot]].2.len() {
                        continue 'choices;
                    }
                    choice[slot] = 0;
                }
                break;
            }
        }
        found
    }

    /// The phrases found in `words`: start, length in words, and their equivalents; the
    /// longest phrase at each place, left to right, at most [`MAX_MATCHES`].
    fn matches<'s>(&'s self, words: &[String]) -> Vec<(usize, usize, &'s [Vec<String>])> {
        let mut found = Vec::new();
        let mut start = 0;
        while start < words.len() && found.len() < MAX_MATCHES {
            let longest = self.longest.min(words.len() - start);
            let hit = (1..=longest).rev().find_map(|len| {
                let others = self.of(&words[start..start + len]);
                (!others.is_empty()).then_some((start, len, others))
            });
            match hit {
                Some(hit) => {
                    found.push(hit);
                    start += hit.1;
                }
                None => start += 1,
            }
        }
        found
    }
}

#[cfg(test)]
mod tests;
