use super::*;
use crate::forms::words;

/// The file the site ships.
const SHIPPED: &str = include_str!("../../../../content/search/synonyms.toml");

/// The errors of `text` as "line N: reason" strings.
fn errors(text: &str) -> Vec<String> {
    match Synonyms::parse(text) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

/// The lines of the errors of `text`.
fn lines(text: &str) -> Vec<usize> {
    Synonyms::parse(text).err().unwrap_or_default().iter().map(|error| error.line).collect()
}

#[test]
fn the_shipped_file_is_valid() {
    let synonyms = Synonyms::parse(SHIPPED).unwrap_or_else(|errors| {
        panic!("content/search/synonyms.toml:\n{}", errors.iter().map(|e| format!("  {e}\n")).collect::<String>())
    });
    assert!(synonyms.len() > 50, "{} phrases", synonyms.len());
    assert_eq!(synonyms.of(&words("fibre")), [words("fiber")]);
    assert_eq!(synonyms.of(&words("vit")), [words("vitamin")]);
    assert!(synonyms.of(&words("high blood pressure")).contains(&words("hypertension")));
    // Milligram, not magnesium: too ambiguous to list either way.
    assert!(synonyms.of(&words("mg")).is_empty());
}

#[test]
fn an_empty_file_has_no_synonyms() {
    assert_eq!(Synonyms::parse(""), Ok(Synonyms::default()));
    assert_eq!(Synonyms::parse("# nothing yet\nsame = []\n[shorthand]\n"), Ok(Synonyms::default()));
}

#[test]
fn invalid_toml_is_reported_at_its_line() {
    let found = errors("same = [\n  [\"fiber\", \"fibre\"],\n  [\"yogurt\" \"yoghurt\"],\n]\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("line 3: not valid TOML: "), "{found:?}");
    assert!(!found[0].contains('\n'));
    assert_eq!(lines("[shorthand]\nvit = \"vitamin\"\nvit = \"vitamins\"\n"), [3]);
}

#[test]
fn an_unknown_key_is_reported() {
    assert_eq!(
        errors("same = [[\"fiber\", \"fibre\"]]\nsynonyms = [[\"a\", \"b\"]]\n"),
        ["line 2: unknown key `synonyms`: the file has `same = [...]` and `[shorthand]`"]
    );
    assert_eq!(lines("[shorthands]\nvit = \"vitamin\"\n"), [1]);
}

#[test]
fn an_empty_group_or_a_group_of_one_is_reported() {
    assert_eq!(
        errors("same = [\n  [],\n  [\"fibre\"],\n  [\"yogurt\", \"yoghurt\"],\n]\n"),
        [
            "line 2: an empty group: list two or more words or phrases that mean the same",
            "line 3: a group of one: add another word or phrase that means the same",
        ]
    );
}

#[test]
fn an_entry_without_words_is_reported() {
    assert_eq!(
        errors("same = [\n  [\"fiber\", \"\"],\n  [\"yogurt\", \" -- \", \"yoghurt\"],\n]\n"),
        [
            "line 2: each entry is empty: write a word or phrase",
            "line 3: each entry, \" -- \", has no words, only punctuation",
        ]
    );
}

#[test]
fn an_entry_that_is_not_text_is_reported() {
    assert_eq!(
        errors("same = [\n  [\"fiber\", 3],\n  \"fibre\",\n]\n"),
        [
            "line 2: each entry must be a word or phrase in quotes",
            "line 3: a group must be a list in brackets, like [\"fiber\", \"fibre\"]",
        ]
    );
    assert_eq!(lines("same = \"fibre\"\n"), [1]);
    assert_eq!(lines("\n[[same]]\nwords = [\"a\", \"b\"]\n"), [2]);
}

#[test]
fn a_group_naming_the_same_phrase_twice_is_reported() {
    // The same after lower-casing and punctuation: "High-Blood pressure" is "high blood pressure".
    assert_eq!(
        errors("same = [\n  [\"hypertension\",\n   \"high blood pressure\",\n   \"High-Blood pressure\"],\n]\n"),
        ["line 4: \"High-Blood pressure\" is named twice in this group"]
    );
}

#[test]
fn a_phrase_in_two_entries_is_reported() {
    assert_eq!(
        errors(
            "same = [\n  [\"fiber\", \"fibre\"],\n  [\"roughage\", \"Fibre\"],\n]\n[shorthand]\nfiber = \"fibre\"\n"
        ),
        [
            "line 3: \"Fibre\" is already on line 2: a word or phrase belongs to one entry only",
            "line 6: \"fiber\" is already on line 2: a word or phrase belongs to one entry only",
        ]
    );
    assert_eq!(lines("[shorthand]\nbp = \"blood pressure\"\nBP = \"blood pressure\"\n"), [3]);
}

#[test]
fn a_shorthand_that_stands_for_nothing_is_reported() {
    assert_eq!(
        errors("[shorthand]\nvit = \"\"\nbp = \"...\"\nchol = 3\n\"--\" = \"cholesterol\"\nmeds = \"Meds\"\n"),
        [
            "line 2: the shorthand `vit` is empty: write a word or phrase",
            "line 3: the shorthand `bp`, \"...\", has no words, only punctuation",
            "line 4: the shorthand `chol` must be a word or phrase in quotes",
            "line 5: the shorthand \"--\" has no words, only spaces or punctuation",
            "line 6: the shorthand `meds` stands for itself",
        ]
    );
    assert_eq!(lines("shorthand = [\"vit\"]\n"), [1]);
}

#[test]
fn every_mistake_is_reported_at_once_in_line_order() {
    let text = "[shorthand]\nvit = \"\"\n\n[other]\nx = 1\n";
    let top = "same = [[\"fibre\"]]\n";
    assert_eq!(lines(&format!("{top}{text}")), [1, 3, 5]);
}

#[test]
fn errors_read_as_line_and_reason() {
    let error = SynonymError { line: 7, reason: "a group of one".into() };
    assert_eq!(error.to_string(), "line 7: a group of one");
}
