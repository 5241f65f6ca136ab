//! The same words written apart or together: "omega 3", "omega3" and "omega-3" (which the
//! index reads as "omega" and "3"), "flax seed" and "flaxseed".

/// The most words a query may have for its joined forms to be tried: each pair of neighbours
/// is one more alternative query, and a long pasted sentence should not become dozens.
const MAX_JOIN_WORDS: usize = 8;
/// Each part of a word split in two has at least this many characters, so "vitamins" is not
/// tried as "vitamin s", nor "proteins" as "pro teins".
const MIN_SPLIT_PART: usize = 3;

/// The words of `text` as the index reads them: lower-case, apostrophes dropped ("it's" →
/// "its"), split at everything else that is not a letter or digit ("omega-3" → "omega", "3").
pub fn words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace(['’', '\''], "");
    lower.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(str::to_string).collect()
}

/// `word` cut where letters meet digits: "omega3" → "omega", "3"; "b12" → "b", "12"; a word
/// of letters only (or digits only) comes back whole.
pub fn split_alnum(word: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut previous: Option<bool> = None;
    for (at, c) in word.char_indices() {
        let digit = c.is_numeric();
        if previous.is_some_and(|was_digit| was_digit != digit) {
            parts.push(&word[start..at]);
            start = at;
        }
        previous = Some(digit);
    }
    if start < word.len() {
        parts.push(&word[start..]);
    }
    parts
}

/// Other ways to read the query `words` (as [`words`] gives them), each a whole sequence of
/// words, the query itself left out and no sequence twice:
///
/// 1. every word that mixes letters and digits split apart ("omega3 fish oil" → "omega 3 fish
///    oil"), when the index holds every part;
/// 2. each pair of neighbouring words joined ("omega 3" → "omega3", "flax seed" → "flaxseed"),
///    when the index holds the joined word, for queries of up to 8 words;
/// 3. each word the index does not hold, split in two words it holds ("flaxseed" → "flax
///    seed"), parts of 3 characters or more; of several cuts, the one whose rarer part is the
///    most frequent ("sun flower", not "sunf lower").
///
/// `frequency` says how often the index holds a word (say, in how many articles its stem is),
/// 0 for never: forms the index cannot match would only cost time, so none is returned.
pub fn alternatives(words: &[String], frequency: impl Fn(&str) -> u64) -> Vec<Vec<String>> {
    let is_word = |word: &str| frequency(word) > 0;
    let mut found: Vec<Vec<String>> = Vec::new();
    let mut add = |alternative: Vec<String>| {
        if alternative != words && !found.contains(&alternative) {
            found.push(alternative);
        }
    };
    // 1. Letters and digits apart.
    let split: Vec<String> = words
        .iter()
        .flat_map(|word| {
            let parts = split_alnum(word);
            if parts.len() > 1 && parts.iter().all(|part| is_word(part)) {
                parts.into_iter().map(str::to_string).collect()
            } else {
                vec![word.clone()]
            }
        })
        .collect();
    add(split);
    // 2. Neighbours together.
    if words.len() <= MAX_JOIN_WORDS {
        for i in 1..words.len() {
            let joined = format!("{}{}", words[i - 1], words[i]);
            if is_word(&joined) {
                let mut alternative = words[..i - 1].to_vec();
                alternative.push(joined);
                alternative.extend_from_slice(&words[i + 1..]);
                add(alternative);
            }
        }
    }
    // 3. An unknown word in two known ones.
    for (i, word) in words.iter().enumerate() {
        if is_word(word) {
            continue;
        }
        if let Some((left, right)) = split_in_two(word, &frequency) {
            let mut alternative = words[..i].to_vec();
            alternative.extend([left.to_string(), right.to_string()]);
            alternative.extend_from_slice(&words[i + 1..]);
            add(alternative);
        }
    }
    found
}

/// `word` cut in two words the index holds, each at least [`MIN_SPLIT_PART`] characters: the
/// cut whose rarer part is the most frequent, the earliest such cut on a tie.
fn split_in_two(word: &str, frequency: impl Fn(&str) -> u64) -> Option<(&str, &str)> {
    let chars = word.chars().count();
    let mut best: Option<(u64, (&str, &str))> = None;
    // Byte offsets of the cuts leaving MIN_SPLIT_PART characters or more on each side.
    let cuts =
        word.char_indices().map(|(at, _)| at).skip(MIN_SPLIT_PART).take((chars + 1).saturating_sub(MIN_SPLIT_PART * 2));
    for cut in cuts {
        let (left, right) = word.split_at(cut);
        let rarer = frequency(left).min(frequency(right));
        if rarer > 0 && best.is_none_or(|(most, _)| rarer > most) {
            best = Some((rarer, (left, right)));
        }
    }
    best.map(|(_, parts)| parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| word.to_string()).collect()
    }

    /// Each of `vocabulary` held once, any other word never.
    fn known(vocabulary: &'static [&'static str]) -> impl Fn(&str) -> u64 {
        move |word| u64::from(vocabulary.contains(&word))
    }

    #[test]
    fn reads_words_as_the_index_does() {
        assert_eq!(
            words("Omega-3 and B12: it's FLAXSEED’s day"),
            ["omega", "3", "and", "b12", "its", "flaxseeds", "day"]
        );
        assert_eq!(words("Crème brûlée"), ["crème", "brûlée"]);
        assert!(words(" -- !! ").is_empty());
    }

    #[test]
    fn splits_letters_from_digits() {
        assert_eq!(split_alnum("omega3"), ["omega", "3"]);
        assert_eq!(split_alnum("b12"), ["b", "12"]);
        assert_eq!(split_alnum("coq10"), ["coq", "10"]);
        assert_eq!(split_alnum("3d"), ["3", "d"]);
        assert_eq!(split_alnum("a1c"), ["a", "1", "c"]);
        assert_eq!(split_alnum("magnesium"), ["magnesium"]);
        assert_eq!(split_alnum("2024"), ["2024"]);
        assert!(split_alnum("").is_empty());
    }

    #[test]
    fn a_joined_word_is_also_tried_apart() {
        let held = known(&["omega", "3", "fish", "oil", "omega3"]);
        assert_eq!(alternatives(&strings(&["omega3", "fish", "oil"]), held), [strings(&["omega", "3", "fish", "oil"])]);
    }

    #[test]
    fn words_apart_are_also_tried_joined() {
        let held = known(&["omega", "3", "omega3", "benefits"]);
        // "omega-3" reaches here as two words, like "omega 3".
        assert_eq!(alternatives(&words("omega-3 benefits"), held), [strings(&["omega3", "benefits"])]);
    }

    #[test]
    fn each_neighbouring_pair_is_joined_on_its_own() {
        let held = known(&["flax", "seed", "oil", "flaxseed", "seedoil"]);
        assert_eq!(
            alternatives(&strings(&["flax", "seed", "oil"]), held),
            [strings(&["flaxseed", "oil"]), strings(&["flax", "seedoil"])]
        );
    }

    #[test]
    fn forms_the_index_cannot_match_are_left_out() {
        let held = known(&["vitamin", "d", "b12"]);
        // "vitamind" is not a word; "b" is not either, so "b12" stays whole.
        assert!(alternatives(&strings(&["vitamin", "d"]), &held).is_empty());
        assert!(alternatives(&strings(&["b12"]), &held).is_empty());
        assert!(alternatives(&[], &held).is_empty());
    }

    #[test]
    fn an_unknown_word_is_tried_as_two_known_ones() {
        let held = known(&["flax", "seed", "see", "dflax"]);
        assert_eq!(alternatives(&strings(&["flaxseed"]), &held), [strings(&["flax", "seed"])]);
        // A known word is not split: "flaxseed" is itself a word here.
        let held = known(&["flax", "seed", "flaxseed"]);
        assert!(alternatives(&strings(&["flaxseed"]), &held).is_empty());
    }

    #[test]
    fn split_parts_are_not_too_short() {
        let held = known(&["vitamin", "s", "pro", "teins"]);
        assert!(alternatives(&strings(&["vitamins"]), &held).is_empty());
        let held = known(&["pro", "teins"]);
        assert_eq!(alternatives(&strings(&["proteins"]), &held), [strings(&["pro", "teins"])]);
    }

    #[test]
    fn the_cut_with_the_more_frequent_parts_wins() {
        let frequency = |word: &str| match word {
            "sun" => 50,
            "flower" => 40,
            "sunf" => 1,
            "lower" => 300,
            _ => 0,
        };
        assert_eq!(alternatives(&strings(&["sunflower"]), frequency), [strings(&["sun", "flower"])]);
    }

    #[test]
    fn long_queries_are_not_joined() {
        let held = |_: &str| 1;
        let long: Vec<String> = (0..9).map(|i| format!("w{i}x")).collect();
        // Nine words: only the letters-and-digits split applies.
        let found = alternatives(&long, held);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), 27);
    }
}
