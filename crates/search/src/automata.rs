//! The automaton a typo lookup walks the vocabulary's transducer with.
//!
//! A Levenshtein builder holds the parametric automaton for one distance: costly to build
//! (milliseconds, more than a whole lookup) but the same for every vocabulary, so the process
//! builds each one once and every [`Lexicon`](crate::Lexicon), reloads included, shares them.
//! Turning a builder into one word's DFA takes microseconds: that happens per query word.

use crate::typos;
use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA, SINK_STATE};
use std::sync::OnceLock;

/// Builders for distances 1 and 2 (index 0 and 1), transpositions counted as one edit: readers
/// swap letters ("protien") as often as they drop one. Distance 0 needs no automaton.
static BUILDERS: OnceLock<[LevenshteinAutomatonBuilder; typos::MAX as usize]> = OnceLock::new();

/// The builder for `typos` edits (1 or 2), built on first use.
fn builder(typos: u8) -> Option<&'static LevenshteinAutomatonBuilder> {
    let builders = BUILDERS.get_or_init(|| [1, 2].map(|distance| LevenshteinAutomatonBuilder::new(distance, true)));
    builders.get(usize::from(typos).checked_sub(1)?)
}

/// Builds the shared builders now, so the first reader's query does not wait for them.
pub(crate) fn warm_up() {
    let _ = builder(1);
}

/// Words within a typo budget of a query word, where a typo on the first letter counts as two
/// (Meilisearch's rule): readers rarely miss the first letter, so a word that differs there is
/// more likely another word ("fibre" is not a slip for "libre"). It also keeps lookups fast:
/// the full budget is spent only under the one branch of the vocabulary that shares the first
/// letter, instead of fanning out from every first letter.
pub(crate) struct Typos {
    /// The query's first character, as UTF-8.
    first: Vec<u8>,
    /// The full budget, for words that begin with `first`.
    same: DFA,
    /// One typo less, for words that do not; none when that leaves no typo.
    other: Option<DFA>,
}

/// Where a word read so far stands: still in its first character, or past it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TypoState {
    /// `matched` bytes of the query's first character read, each DFA's state so far.
    First { matched: usize, same: u32, other: u32 },
    /// The word begins with the query's first character: the full-budget DFA's state.
    Same(u32),
    /// It does not: the smaller-budget DFA's state.
    Other(u32),
}

impl Typos {
    /// The words within `typos` (at most [`typos::MAX`]) of `word`; with `prefix`, the words
    /// that begin with something within it. `None` for 0 typos or an empty word.
    pub(crate) fn new(word: &str, typos: u8, prefix: bool) -> Option<Typos> {
        let first = word.chars().next()?;
        let typos = typos.min(typos::MAX);
        let build = |typos: u8| {
            builder(typos).map(|builder| if prefix { builder.build_prefix_dfa(word) } else { builder.build_dfa(word) })
        };
        let same = build(typos)?;
        // A typo on the first letter spends two of the budget: one less for the rest.
        let other = typos.checked_sub(1).and_then(build);
        Some(Typos { first: first.to_string().into_bytes(), same, other })
    }

    /// The typos between the query and the word that led to `state`, if it is within budget;
    /// a word with another first letter counts one more than its edits.
    pub(crate) fn distance(&self, state: &TypoState) -> Option<u8> {
        match *state {
            TypoState::First { .. } => None,
            TypoState::Same(state) => exact(&self.same, state),
            TypoState::Other(state) => self.other.as_ref().and_then(|other| exact(other, state)).map(|d| d + 1),
        }
    }
}

/// The distance of `state` in `dfa`, if it is a match.
fn exact(dfa: &DFA, state: u32) -> Option<u8> {
    match dfa.distance(state) {
        Distance::Exact(distance) => Some(distance),
        Distance::AtLeast(_) => None,
    }
}

impl fst::Automaton for Typos {
    type State = TypoState;

    fn start(&self) -> TypoState {
        let other = self.other.as_ref().map_or(SINK_STATE, DFA::initial_state);
        TypoState::First { matched: 0, same: self.same.initial_state(), other }
    }

    fn is_match(&self, state: &TypoState) -> bool {
        self.distance(state).is_some()
    }

    fn can_match(&self, state: &TypoState) -> bool {
        match *state {
            TypoState::First { same, other, .. } => same != SINK_STATE || other != SINK_STATE,
            TypoState::Same(state) | TypoState::Other(state) => state != SINK_STATE,
        }
    }

    fn accept(&self, state: &TypoState, byte: u8) -> TypoState {
        let other = |state: u32| self.other.as_ref().map_or(SINK_STATE, |other| other.transition(state, byte));
        match *state {
            TypoState::First { matched, same, other: other_state } => {
                if self.first.get(matched) != Some(&byte) {
                    TypoState::Other(other(other_state))
                } else if matched + 1 == self.first.len() {
                    TypoState::Same(self.same.transition(same, byte))
                } else {
                    TypoState::First {
                        matched: matched + 1,
                        same: self.same.transition(same, byte),
                        other: other(other_state),
                    }
                }
            }
            TypoState::Same(state) => TypoState::Same(self.same.transition(state, byte)),
            TypoState::Other(state) => TypoState::Other(other(state)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fst::Automaton;

    /// The typos `typos` counts from `query` to `word`, if within budget.
    fn typos_between(query: &str, word: &str, budget: u8) -> Option<u8> {
        let typos = Typos::new(query, budget, false)?;
        let state = word.bytes().fold(typos.start(), |state, byte| typos.accept(&state, byte));
        typos.distance(&state)
    }

    #[test]
    fn edits_after_the_first_letter_count_once() {
        assert_eq!(typos_between("protien", "protein", 1), Some(1));
        assert_eq!(typos_between("cholestrl", "cholesterol", 2), Some(2));
        assert_eq!(typos_between("protein", "protein", 2), Some(0));
    }

    #[test]
    fn a_typo_on_the_first_letter_counts_twice() {
        // Changed, dropped, added, swapped: each beyond a budget of one, two within two.
        for query in ["brotein", "rotein", "xprotein", "rpotein"] {
            assert_eq!(typos_between(query, "protein", 1), None, "{query}");
            assert_eq!(typos_between(query, "protein", 2), Some(2), "{query}");
        }
        // With it, no budget is left for another edit.
        assert_eq!(typos_between("brotien", "protein", 2), None);
    }

    #[test]
    fn a_first_letter_of_several_bytes_is_one_letter() {
        assert_eq!(typos_between("élan", "elan", 2), Some(2));
        assert_eq!(typos_between("élann", "élan", 1), Some(1));
        // Shares the first byte of "é" (0xC3) but is another letter: "è".
        assert_eq!(typos_between("élan", "èlan", 1), None);
        assert_eq!(typos_between("élan", "èlan", 2), Some(2));
    }

    #[test]
    fn no_automaton_without_typos_or_word() {
        assert!(Typos::new("protein", 0, false).is_none());
        assert!(Typos::new("", 2, false).is_none());
    }
}
