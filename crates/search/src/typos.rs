//! How many typos a word may have and still find its intended word.

/// The most typos any word is allowed: the automata are built up to this distance.
pub const MAX: u8 = 2;

/// Words shorter than this (in characters) must be typed exactly: "ldx" is as likely to be a
/// word of its own as a slip for "ldl", and one edit reaches too many other short words.
const ONE_TYPO_FROM: usize = 5;
/// Words this long or longer may have two typos ("cholestrol", "caffiene" are one; long
/// words are rare enough that two edits still land on the one the reader meant).
const TWO_TYPOS_FROM: usize = 9;

/// The typo budget of `word` by its length in characters, as Meilisearch and Typesense count
/// it: 0 below 5 characters, 1 for 5 to 8, 2 from 9 on. A word with a digit gets none: "b12",
/// "k2" and "omega3" name one thing each, and "b12" one edit from "b6" is another vitamin.
pub fn allowed(word: &str) -> u8 {
    if word.chars().any(|c| c.is_numeric()) {
        return 0;
    }
    match word.chars().count() {
        n if n < ONE_TYPO_FROM => 0,
        n if n < TWO_TYPOS_FROM => 1,
        _ => MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_must_be_exact() {
        for word in ["", "a", "ldl", "ldx", "iron", "zinc"] {
            assert_eq!(allowed(word), 0, "{word}");
        }
    }

    #[test]
    fn one_typo_from_five_to_eight_characters() {
        for word in ["fibre", "protein", "magnesum", "caffeine"] {
            assert_eq!(allowed(word), 1, "{word}");
        }
    }

    #[test]
    fn two_typos_from_nine_characters() {
        for word in ["magnesium", "cholestrol", "cholesterol", "probiotics"] {
            assert_eq!(allowed(word), 2, "{word}");
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        // Five characters, seven bytes: one typo, not two.
        assert_eq!(allowed("crème"), 1);
        assert_eq!(allowed("façade"), 1);
        // Four characters in six bytes: none.
        assert_eq!(allowed("café"), 0);
    }

    #[test]
    fn words_with_digits_must_be_exact() {
        for word in ["k2", "b12", "omega3", "vitamind3", "coenzymeq10", "12345678910"] {
            assert_eq!(allowed(word), 0, "{word}");
        }
    }
}
