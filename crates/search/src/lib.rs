//! Forgiving query matching for the site search, built once at content load:
//!
//! - [`Lexicon`]: the index's vocabulary, where a reader's word finds the words within a few
//!   typos of it ([`typos::allowed`] says how many by length) and the words it begins.
//! - [`forms`]: the same words written apart or together ("omega 3", "omega3", "omega-3").
//! - [`Synonyms`]: the editors' list of words and phrases that mean the same.
//!
//! Pure Rust, no async runtime and no web framework: the index calls it from its own search.
//!
//! ```
//! use nv_search::{forms, Lexicon, Synonyms};
//!
//! // At content load: the words of the articles as readers write them (before stemming).
//! let lexicon = Lexicon::new(forms::words("Magnesium, protein and omega-3 for sleep"));
//! let synonyms = Synonyms::parse(r#"same = [["fibre", "fiber"]]"#).expect("valid file");
//!
//! // Per query: each word as the reader meant it, then stemmed for the index.
//! let query = forms::words("Magnesum for sleep");
//! let meant: Vec<String> = query
//!     .iter()
//!     .map(|word| lexicon.correct(word).first().map_or(word.clone(), |best| best.term.clone()))
//!     .collect();
//! assert_eq!(meant, ["magnesium", "for", "sleep"]); // "Showing results for magnesium for sleep"
//! assert_eq!(synonyms.expand(&forms::words("fibre")), [["fiber"]]);
//! assert_eq!(lexicon.prefix("omeg", 5)[0].term, "omega");
//! ```

#![warn(missing_docs)]

mod automata;
pub mod forms;
mod lexicon;
pub mod synonyms;
pub mod typos;

pub use lexicon::{Candidate, Lexicon, MAX_CANDIDATES};
pub use synonyms::{SynonymError, Synonyms};
