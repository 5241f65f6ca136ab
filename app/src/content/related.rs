//! "Related articles" for every article, worked out once per load: the public articles sharing
//! the most with it (its topic counts 3, each shared tag 1), newest first among equals.

use super::api::ArticleCard;
use super::parallel::parallel_map_with;
use std::collections::{HashMap, HashSet};

/// How many related articles a page shows.
const RELATED: usize = 3;

/// Pages per chunk of work: each chunk allocates one score per card, so chunks are large.
const CHUNK: usize = 512;

/// For each of `cards` (every article, newest first), the indexes in `cards` of its related
/// articles, best first; drafts are never related to anything.
pub(super) fn related_cards(cards: &[ArticleCard], drafts: &HashSet<String>) -> Vec<Box<[u32]>> {
    // Public cards by category and by tag (indexes into `cards`, so newest first): each page
    // scores only the articles it shares something with, not every card in the catalogue.
    let mut by_category: HashMap<&str, Vec<u32>> = HashMap::new();
    let mut by_tag: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, card) in cards.iter().enumerate().filter(|(_, card)| !drafts.contains(&card.slug)) {
        by_category.entry(&card.category).or_default().push(i as u32);
        for tag in &card.tags {
            by_tag.entry(tag).or_default().push(i as u32);
        }
    }
    let indexed: Vec<(u32, &ArticleCard)> = cards.iter().enumerate().map(|(i, card)| (i as u32, card)).collect();
    // A 10,000-article catalogue in six topics has each page share its topic with about 1,700
    // others: tens of millions of additions, so pages are scored on every core.
    parallel_map_with(
        &indexed,
        CHUNK,
        || (vec![0u16; cards.len()], Vec::new()),
        |(scores, scored), &(own, card)| {
            let mut tags: Vec<&str> = card.tags.iter().map(String::as_str).collect();
            tags.sort_unstable();
            tags.dedup();
            let same_category = by_category.get(card.category.as_str()).into_iter().flatten().map(|&i| (i, 3));
            let shared_tag = tags.iter().filter_map(|tag| by_tag.get(tag)).flatten().map(|&i| (i, 1));
            for (i, points) in same_category.chain(shared_tag) {
                if i == own {
                    continue;
                }
                let score = &mut scores[i as usize];
                if *score == 0 {
                    scored.push(i);
                }
                *score = score.saturating_add(points);
            }
            // Highest score first; among equal scores, newest first. Only the best three are
            // kept, so they are picked, not sorted out of the whole list.
            let order = |a: &u32, b: &u32| scores[*b as usize].cmp(&scores[*a as usize]).then(a.cmp(b));
            if scored.len() > RELATED {
                scored.select_nth_unstable_by(RELATED - 1, order);
            }
            let mut best: Vec<u32> = scored.iter().take(RELATED).copied().collect();
            best.sort_unstable_by(order);
            scored.drain(..).for_each(|i| scores[i as usize] = 0);
            best.into_boxed_slice()
        },
    )
}
