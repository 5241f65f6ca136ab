use super::*;

/// A nutrition vocabulary with near neighbours on purpose.
fn lexicon() -> Lexicon {
    Lexicon::new([
        "caffeine",
        "calcium",
        "cholesterol",
        "fiber",
        "fibre",
        "iron",
        "ldl",
        "hdl",
        "magnesium",
        "magnet",
        "manganese",
        "protein",
        "proteins",
        "protean",
        "probiotic",
        "probiotics",
        "b12",
        "b6",
        "omega3",
        "zinc",
        "müsli",
    ])
}

fn terms(candidates: &[Candidate]) -> Vec<(&str, u8)> {
    candidates.iter().map(|candidate| (candidate.term.as_str(), candidate.distance)).collect()
}

#[test]
fn corrects_a_dropped_letter() {
    assert_eq!(terms(&lexicon().correct("magnesum")), [("magnesium", 1)]);
}

#[test]
fn a_swap_of_neighbouring_letters_is_one_typo() {
    let lexicon = lexicon();
    assert_eq!(terms(&lexicon.correct("protien")), [("protein", 1)]);
    assert_eq!(terms(&lexicon.correct("caffiene")), [("caffeine", 1)]);
}

#[test]
fn long_words_forgive_two_typos() {
    let lexicon = lexicon();
    assert_eq!(terms(&lexicon.correct("cholestrol")), [("cholesterol", 1)]);
    // Nine characters, two letters missing.
    assert_eq!(terms(&lexicon.correct("cholestrl")), [("cholesterol", 2)]);
}

#[test]
fn shorter_words_do_not_get_a_second_typo() {
    let lexicon = lexicon();
    // Seven characters, two letters short of "probiotic": one typo allowed, so nothing.
    assert!(lexicon.correct("probitc").is_empty());
    assert_eq!(terms(&lexicon.lookup("probitc", 2)), [("probiotic", 2)]);
}

#[test]
fn words_under_five_characters_must_be_exact() {
    let lexicon = lexicon();
    assert!(lexicon.correct("ldx").is_empty(), "ldx is not a slip for ldl");
    assert!(lexicon.correct("irn").is_empty());
    assert!(lexicon.correct("zinx").is_empty());
    assert_eq!(terms(&lexicon.correct("ldl")), [("ldl", 0)]);
}

#[test]
fn words_with_digits_must_be_exact() {
    let lexicon = lexicon();
    assert!(lexicon.correct("b13").is_empty(), "b13 must not become b12");
    assert!(lexicon.correct("omega6").is_empty(), "omega6 must not become omega3");
    assert_eq!(terms(&lexicon.correct("b12")), [("b12", 0)]);
}

#[test]
fn the_exact_word_ranks_first_then_by_distance_and_alphabet() {
    assert_eq!(terms(&lexicon().lookup("protein", 2)), [("protein", 0), ("protean", 1), ("proteins", 1)]);
}

#[test]
fn corrects_only_towards_words_that_exist() {
    let lexicon = lexicon();
    for word in ["magnesum", "protien", "cholestrl", "fibet", "proteinz"] {
        for candidate in lexicon.correct(word) {
            assert!(lexicon.contains(&candidate.term), "{word} → {}", candidate.term);
        }
    }
    assert!(lexicon.correct("quercetin").is_empty(), "nothing near it");
}

#[test]
fn corrections_stop_at_the_fewest_typos_that_find_a_word() {
    let lexicon = Lexicon::new(["cholesterol", "cholesterols", "cholestero"]);
    // Ten characters allow two typos, but "cholesterol" is one away: the others are not offered.
    assert_eq!(terms(&lexicon.correct("cholestrol")), [("cholesterol", 1)]);
    assert_eq!(terms(&lexicon.lookup("cholestrol", 2)), [("cholesterol", 1), ("cholestero", 2), ("cholesterols", 2)]);
}

#[test]
fn a_word_spelt_right_is_not_corrected() {
    let lexicon = lexicon();
    assert_eq!(terms(&lexicon.correct("protein")), [("protein", 0)]);
    // `lookup` still says what else is near.
    assert_eq!(terms(&lexicon.lookup("protein", 1)), [("protein", 0), ("protean", 1), ("proteins", 1)]);
}

#[test]
fn a_typo_on_the_first_letter_counts_as_two() {
    let lexicon = lexicon();
    // Seven characters allow one typo: not enough for a first letter that is wrong.
    assert!(lexicon.correct("brotein").is_empty());
    assert!(lexicon.correct("rpotein").is_empty());
    // Nine allow two: just enough.
    assert_eq!(terms(&lexicon.correct("nagnesium")), [("magnesium", 2)]);
    assert_eq!(terms(&lexicon.correct("holesterol")), [("cholesterol", 2)]);
}

#[test]
fn equally_close_words_rank_the_more_frequent_first() {
    let lexicon = Lexicon::with_frequencies([("sugar", 5), ("sugars", 50), ("sugar", 1)]);
    assert_eq!(terms(&lexicon.correct("sugas")), [("sugars", 1), ("sugar", 1)]);
}

#[test]
fn a_short_typo_cannot_explode_into_many_terms() {
    // Thirty words one substitution away from "bbbbb".
    let words: Vec<String> =
        (0..30).map(|i| format!("bbbb{}", char::from(b'a' + i % 26)) + &"x".repeat(usize::from(i / 26))).collect();
    let lexicon = Lexicon::new(&words);
    let found = lexicon.lookup("bbbbz", 1);
    assert_eq!(found.len(), MAX_CANDIDATES);
    assert_eq!(terms(&found[..1]), [("bbbbz", 0)]);
}

#[test]
fn typos_are_counted_in_characters() {
    // "ü" is two bytes in UTF-8, but one substitution.
    assert_eq!(terms(&lexicon().lookup("musli", 1)), [("müsli", 1)]);
}

#[test]
fn more_than_two_typos_count_as_two() {
    assert_eq!(lexicon().lookup("cholestrl", 9), lexicon().lookup("cholestrl", 2));
}

#[test]
fn repeats_and_empty_terms_are_folded_away() {
    let lexicon = Lexicon::new(["zinc", "", "iron", "zinc"]);
    assert_eq!(lexicon.len(), 2);
    assert!(lexicon.contains("zinc") && !lexicon.contains(""));
    assert!(lexicon.lookup("", 2).is_empty());
}

#[test]
fn an_empty_lexicon_finds_nothing() {
    let lexicon = Lexicon::default();
    assert!(lexicon.is_empty());
    assert!(lexicon.correct("magnesum").is_empty());
    assert!(lexicon.prefix("magn", 5).is_empty());
}

/// The completions of `word`, with their distances.
fn completions(lexicon: &Lexicon, word: &str, limit: usize) -> Vec<(String, u8)> {
    lexicon.prefix(word, limit).into_iter().map(|candidate| (candidate.term, candidate.distance)).collect()
}

/// `(term, 0)` for each of `terms`: exact completions.
fn exact(terms: &[&str]) -> Vec<(String, u8)> {
    terms.iter().map(|term| (term.to_string(), 0)).collect()
}

#[test]
fn completes_a_word_being_typed() {
    let lexicon = lexicon();
    assert_eq!(completions(&lexicon, "magnes", 1), exact(&["magnesium"]));
    // Shortest first when no word is more frequent.
    assert_eq!(completions(&lexicon, "prot", 5), exact(&["protean", "protein", "proteins"]));
    assert_eq!(completions(&lexicon, "prot", 2), exact(&["protean", "protein"]));
}

#[test]
fn completions_rank_the_more_frequent_first() {
    let lexicon = Lexicon::with_frequencies([("protein", 40), ("proteins", 90), ("protean", 1)]);
    assert_eq!(completions(&lexicon, "prot", 5), exact(&["proteins", "protein", "protean"]));
}

#[test]
fn completes_nothing_under_three_characters() {
    let lexicon = lexicon();
    assert!(lexicon.prefix("ma", 5).is_empty());
    assert!(lexicon.prefix("", 5).is_empty());
    assert!(lexicon.prefix("magnes", 0).is_empty());
}

#[test]
fn any_limit_is_fine() {
    assert_eq!(lexicon().prefix("magnes", usize::MAX).len(), 2);
}

#[test]
fn completions_with_a_typo_follow_the_exact_ones() {
    let lexicon = lexicon();
    // "magnse" begins nothing; "magnesium" and "magnet" begin one edit from it.
    assert_eq!(completions(&lexicon, "magnse", 5), [("magnet".to_string(), 1), ("magnesium".to_string(), 1)]);
    // "magnes" begins "magnesium"; "magnet" only begins one edit from it, so it comes after.
    assert_eq!(completions(&lexicon, "magnes", 5), [("magnesium".to_string(), 0), ("magnet".to_string(), 1)]);
    let lexicon = Lexicon::new(["probe", "probiotic", "proble"]);
    assert_eq!(
        completions(&lexicon, "probi", 5),
        [("probiotic".to_string(), 0), ("probe".to_string(), 1), ("proble".to_string(), 1)]
    );
    // With room for the exact ones only, only they come.
    assert_eq!(completions(&lexicon, "probi", 1), exact(&["probiotic"]));
}

#[test]
fn short_prefixes_are_completed_exactly() {
    // Four characters allow no typo: "fibr" completes "fibre" only, not "fiber".
    assert_eq!(completions(&lexicon(), "fibr", 5), exact(&["fibre"]));
}

#[test]
fn counts_its_heap_bytes() {
    let small = Lexicon::new(["zinc"]);
    let large = lexicon();
    assert!(small.heap_bytes() > 0);
    assert!(large.heap_bytes() > small.heap_bytes());
}
