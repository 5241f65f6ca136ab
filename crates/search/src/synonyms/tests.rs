use super::*;
use crate::forms::words;

fn synonyms() -> Synonyms {
    Synonyms::parse(
        r#"
same = [
  ["fiber", "fibre"],
  ["yogurt", "yoghurt"],
  ["hypertension", "high blood pressure"],
  ["heart attack", "myocardial infarction"],
]
[shorthand]
vit = "vitamin"
bp = "blood pressure"
hbp = "high blood pressure"
"#,
    )
    .expect("valid")
}

/// The alternatives of `query` as space-joined strings.
fn expand(synonyms: &Synonyms, query: &str) -> Vec<String> {
    synonyms.expand(&words(query)).iter().map(|alternative| alternative.join(" ")).collect()
}

#[test]
fn a_word_is_read_as_its_equivalents_both_ways() {
    let synonyms = synonyms();
    assert_eq!(expand(&synonyms, "fibre intake"), ["fiber intake"]);
    assert_eq!(expand(&synonyms, "Fiber intake"), ["fibre intake"]);
}

#[test]
fn a_phrase_is_read_as_a_word_and_a_word_as_a_phrase() {
    let synonyms = synonyms();
    assert_eq!(expand(&synonyms, "diet for high blood pressure"), ["diet for hypertension"]);
    assert_eq!(expand(&synonyms, "hypertension diet"), ["high blood pressure diet"]);
    assert_eq!(expand(&synonyms, "after a heart attack"), ["after a myocardial infarction"]);
}

#[test]
fn the_longest_phrase_wins_where_phrases_overlap() {
    // "high blood pressure" is a phrase of its own; "blood pressure" inside it is not read alone.
    assert_eq!(expand(&synonyms(), "high blood pressure"), ["hypertension"]);
}

#[test]
fn shorthand_works_one_way_only() {
    let synonyms = synonyms();
    assert_eq!(expand(&synonyms, "vit d"), ["vitamin d"]);
    assert!(expand(&synonyms, "vitamin d").is_empty(), "vitamin does not find vit");
    assert_eq!(expand(&synonyms, "bp meds"), ["blood pressure meds"]);
}

#[test]
fn a_shorthand_also_stands_for_what_its_phrase_is_the_same_as() {
    assert_eq!(expand(&synonyms(), "hbp"), ["high blood pressure", "hypertension"]);
}

#[test]
fn several_phrases_are_replaced_one_at_a_time_then_together() {
    assert_eq!(
        expand(&synonyms(), "fibre yoghurt and hypertension"),
        [
            "fiber yoghurt and hypertension",
            "fibre yogurt and hypertension",
            "fibre yoghurt and high blood pressure",
            "fiber yogurt and hypertension",
            "fiber yoghurt and high blood pressure",
            "fibre yogurt and high blood pressure",
            "fiber yogurt and high blood pressure",
        ]
    );
}

#[test]
fn alternatives_are_capped() {
    let file = format!(
        "same = [{}]",
        (0..8).map(|i| format!(r#"["w{i}", "a{i}", "b{i}", "c{i}"]"#)).collect::<Vec<_>>().join(", ")
    );
    let synonyms = Synonyms::parse(&file).expect("valid");
    let found = synonyms.expand(&words("w0 w1 w2 w3 w4 w5 w6 w7"));
    assert_eq!(found.len(), MAX_ALTERNATIVES);
    // Single replacements first, and only the first four phrases are read otherwise.
    assert_eq!(found[0].join(" "), "a0 w1 w2 w3 w4 w5 w6 w7");
    assert!(found.iter().all(|alternative| alternative[4..] == words("w4 w5 w6 w7")[..]));
}

#[test]
fn a_query_without_phrases_has_no_alternatives() {
    let synonyms = synonyms();
    assert!(expand(&synonyms, "magnesium and sleep").is_empty());
    assert!(synonyms.expand(&[]).is_empty());
    assert!(Synonyms::default().expand(&words("fibre")).is_empty());
    assert!(Synonyms::default().is_empty());
}

#[test]
fn says_what_a_phrase_may_be_read_as() {
    let synonyms = synonyms();
    assert_eq!(synonyms.of(&words("fibre")), [words("fiber")]);
    assert_eq!(synonyms.of(&words("bp")), [words("blood pressure")]);
    assert!(synonyms.of(&words("vitamin")).is_empty());
    // fiber, fibre, yogurt, yoghurt, hypertension, high blood pressure, heart attack,
    // myocardial infarction; vit, bp, hbp.
    assert_eq!(synonyms.len(), 11);
}

#[test]
fn words_can_be_mapped_to_index_terms() {
    // A stand-in stemmer: drops a final "s".
    let stem = |word: &str| word.strip_suffix('s').unwrap_or(word).to_string();
    let synonyms = Synonyms::parse(r#"same = [["yogurts", "yoghurt"], ["fibre", "fibres"]]"#).expect("valid");
    let stemmed = synonyms.map_words(stem);
    assert_eq!(stemmed.expand(&words("yogurt")), [words("yoghurt")]);
    assert_eq!(stemmed.expand(&words("yoghurt")), [words("yogurt")]);
    // Both entries of the second group stem to "fibre": nothing else to read it as.
    assert!(stemmed.of(&words("fibre")).is_empty());
    assert_eq!(stemmed.len(), 2);
}
