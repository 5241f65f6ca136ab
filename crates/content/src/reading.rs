//! Reading time from a word count.

/// Reading speed used for the "N min read" label. 200 words per minute is the low end of
/// adult silent reading speed; health articles are read carefully, so we round up from it.
pub const WORDS_PER_MINUTE: usize = 200;

/// Whole minutes needed to read `words` words, rounded up, never less than one.
pub fn reading_minutes(words: usize) -> u32 {
    words.div_ceil(WORDS_PER_MINUTE).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_up_to_whole_minutes() {
        assert_eq!(reading_minutes(0), 1);
        assert_eq!(reading_minutes(1), 1);
        assert_eq!(reading_minutes(200), 1);
        assert_eq!(reading_minutes(201), 2);
        assert_eq!(reading_minutes(353), 2);
        assert_eq!(reading_minutes(1_000), 5);
    }
}
