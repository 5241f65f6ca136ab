//! "Related articles" for every article, worked out once per load: the public articles sharing
//! the most with it (its topic counts 3, each shared tag 1), newest first among equals.
//!
//! Each topic and tag is a bit set over the cards, and a page's scores are added up 64 cards at
//! a time in bit planes (plane `j` holds bit `j` of every card's score). Scoring each candidate
//! one by one was most of a reload's time: with 10,000 articles in six topics, each page shares
//! its topic with about 1,700 others, and tags with thousands more.

use nv_model::content::ArticleCard;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// How many related articles a page shows.
const RELATED: usize = 3;

/// Points for sharing the topic (each shared tag is one).
const SAME_CATEGORY: usize = 3;

/// Pages per chunk of work (each chunk reuses one set of bit planes).
const CHUNK: usize = 256;

/// For each of `cards` (every article, newest first), the indexes in `cards` of its related
/// articles, best first; drafts are never related to anything.
pub(super) fn related_cards(cards: &[ArticleCard], drafts: &HashSet<String>) -> Vec<Box<[u32]>> {
    let words = cards.len().div_ceil(64);
    let mut by_category: HashMap<&str, Vec<u64>> = HashMap::new();
    let mut by_tag: HashMap<&str, Vec<u64>> = HashMap::new();
    for (i, card) in cards.iter().enumerate().filter(|(_, card)| !drafts.contains(&card.slug)) {
        set(by_category.entry(&card.category).or_insert_with(|| vec![0; words]), i);
        for tag in &card.tags {
            set(by_tag.entry(tag).or_insert_with(|| vec![0; words]), i);
        }
    }
    // Every page's scores on every core; each batch of at least CHUNK pages reuses one scratch.
    (0..cards.len())
        .into_par_iter()
        .with_min_len(CHUNK)
        .map_init(Vec::new, |planes, own| {
            let card = &cards[own];
            let category = by_category.get(card.category.as_str()).map(Vec::as_slice);
            let mut names: Vec<&str> = card.tags.iter().map(String::as_str).collect();
            names.sort_unstable();
            names.dedup();
            let tags: Vec<&[u64]> = names.iter().filter_map(|name| by_tag.get(name)).map(Vec::as_slice).collect();
            let top = if category.is_some() { SAME_CATEGORY } else { 0 } + tags.len();
            let scores = Scores::add_up(planes, words, category, &tags, top, own);
            scores.best(RELATED).into_iter().map(|i| i as u32).collect()
        })
        .collect()
}

fn set(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

/// One page's score for every card, in bit planes.
struct Scores<'a> {
    /// `depth` planes of `words` words each.
    planes: &'a [u64],
    words: usize,
    depth: usize,
    /// The highest score any card can have.
    top: usize,
}

impl<'a> Scores<'a> {
    /// Adds up, into `planes`, `SAME_CATEGORY` for each card in `category` and 1 for each tag
    /// set in `tags` a card is in; the page's own card (`own`) scores nothing.
    fn add_up(
        planes: &'a mut Vec<u64>,
        words: usize,
        category: Option<&[u64]>,
        tags: &[&[u64]],
        top: usize,
        own: usize,
    ) -> Scores<'a> {
        let depth = (usize::BITS - top.leading_zeros()) as usize;
        planes.clear();
        planes.resize(depth * words, 0);
        for w in 0..words {
            // Adds the one-bit numbers `x` shifted left by `from` planes to each card's score.
            let mut add = |x: u64, from: usize| {
                let mut carry = x;
                for plane in (from..depth).map(|j| j * words + w) {
                    if carry == 0 {
                        break;
                    }
                    let bit = planes[plane] & carry;
                    planes[plane] ^= carry;
                    carry = bit;
                }
            };
            if let Some(category) = category {
                // 3 is binary 11: once at plane 0, once at plane 1.
                add(category[w], 0);
                add(category[w], 1);
            }
            for tag in tags {
                add(tag[w], 0);
            }
        }
        for j in 0..depth {
            planes[j * words + own / 64] &= !(1 << (own % 64));
        }
        Scores { planes, words, depth, top }
    }

    /// The cards of word `w` whose score is at least `level`, as bits.
    fn at_least(&self, level: usize, w: usize) -> u64 {
        // Compared plane by plane from the highest bit: `greater` once a score's bit beats the
        // level's, `equal` while they match.
        let (mut greater, mut equal) = (0u64, !0u64);
        for j in (0..self.depth).rev() {
            let plane = self.planes[j * self.words + w];
            if (level >> j) & 1 == 1 {
                equal &= plane;
            } else {
                greater |= equal & plane;
                equal &= !plane;
            }
        }
        greater | equal
    }

    fn score(&self, i: usize) -> usize {
        (0..self.depth).map(|j| (((self.planes[j * self.words + i / 64] >> (i % 64)) & 1) as usize) << j).sum()
    }

    /// Cards (indexes) with a score of at least `level` in word order, and so newest first.
    fn cards_at_least(&self, level: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.words).flat_map(move |w| {
            let mut bits = self.at_least(level, w);
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let bit = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    w * 64 + bit
                })
            })
        })
    }

    /// The `count` best cards with a score above zero: highest score first, newest first
    /// among equals.
    fn best(&self, count: usize) -> Vec<usize> {
        if self.top == 0 {
            return Vec::new();
        }
        // The highest level that at least `count` cards reach (or 1, when fewer score at all).
        let mut level = self.top;
        while level > 1 && (0..self.words).map(|w| self.at_least(level, w).count_ones() as usize).sum::<usize>() < count
        {
            level -= 1;
        }
        // Every card above that level fits; the rest are the newest at that level.
        let mut best: Vec<usize> = if level < self.top { self.cards_at_least(level + 1).collect() } else { Vec::new() };
        let room = count.saturating_sub(best.len());
        best.extend(self.cards_at_least(level).filter(|&i| self.score(i) == level).take(room));
        best.sort_by_key(|&i| (std::cmp::Reverse(self.score(i)), i));
        best.truncate(count);
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nv_model::content::test_card;

    fn card(slug: &str, category: &str, tags: &[&str]) -> ArticleCard {
        ArticleCard {
            category: category.into(),
            tags: tags.iter().map(|tag| tag.to_string()).collect(),
            ..test_card(slug)
        }
    }

    /// The old way: every candidate scored one by one and sorted.
    fn one_by_one(cards: &[ArticleCard], drafts: &HashSet<String>) -> Vec<Box<[u32]>> {
        cards
            .iter()
            .enumerate()
            .map(|(own, card)| {
                let mut scored: Vec<(usize, usize)> = cards
                    .iter()
                    .enumerate()
                    .filter(|(i, other)| *i != own && !drafts.contains(&other.slug))
                    .map(|(i, other)| {
                        let shared =
                            card.tags.iter().collect::<HashSet<_>>().intersection(&other.tags.iter().collect()).count();
                        (if other.category == card.category { SAME_CATEGORY } else { 0 } + shared, i)
                    })
                    .filter(|(score, _)| *score > 0)
                    .collect();
                scored.sort_by_key(|&(score, i)| (std::cmp::Reverse(score), i));
                scored.into_iter().take(RELATED).map(|(_, i)| i as u32).collect()
            })
            .collect()
    }

    #[test]
    fn bit_planes_pick_what_scoring_each_card_picks() {
        // 200 cards (more than three words of bits), three topics, tags from a pool of nine,
        // some drafts: every page's related articles as the one-by-one scoring picks them.
        let pool = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        let cards: Vec<ArticleCard> = (0..200)
            .map(|i| {
                let tags: Vec<&str> = (0..i % 5).map(|t| pool[(i * 7 + t * 3) % pool.len()]).collect();
                card(&format!("card-{i}"), ["x", "y", "z"][i % 3], &tags)
            })
            .collect();
        let drafts: HashSet<String> = (0..200).step_by(17).map(|i| format!("card-{i}")).collect();
        assert_eq!(related_cards(&cards, &drafts), one_by_one(&cards, &drafts));
    }

    #[test]
    fn a_page_with_nothing_in_common_has_no_related_articles() {
        let cards = [card("one", "x", &["a"]), card("two", "y", &["b"])];
        assert_eq!(related_cards(&cards, &HashSet::new()), vec![Box::default(), Box::default()]);
    }
}
