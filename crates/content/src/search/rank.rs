//! Ranking the articles that match an understood query, and the snippet shown for each.

use super::super::grounding::{with_stem, FastMap};
use super::query::Reading;
use super::{Posting, SearchIndex, BODY_WEIGHT, SNIPPET_WORDS, SUMMARY_WEIGHT, TITLE_WEIGHT};
use nv_model::content::{ArticleCard, SearchHit, SnippetPart};

/// What a search found, and what it did with the query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// The matching articles, best first.
    pub hits: Vec<SearchHit>,
    /// The query with its typos corrected, when the hits come from correcting it.
    pub corrected: Option<String>,
    /// Nothing found for exactly what was typed: the corrected query, if a correction exists.
    pub suggestion: Option<String>,
}

impl SearchIndex {
    /// The articles matching `query`, best first, among those `card` gives a card for (the
    /// ones the reader may see, by slug); `correct` lets typos be corrected (not when the
    /// reader asked for exactly what they typed).
    pub fn search(
        &self,
        query: &str,
        card: impl Fn(&str) -> Option<ArticleCard>,
        limit: usize,
        correct: bool,
    ) -> Found {
        let understood = self.understand(query, correct);
        let terms = understood.terms();
        let scores = self.score(&understood.readings);
        let mut scored: Vec<(f64, u32)> = scores.into_iter().map(|(doc, score)| (score, doc)).collect();
        // Best first; equal scores keep load order (the order the articles were indexed in).
        scored.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let hits: Vec<SearchHit> = scored
            .into_iter()
            .filter_map(|(_, doc_index)| {
                let doc = &self.docs[doc_index as usize];
                let card = card(&doc.slug)?;
                let best = self.best_paragraph(doc_index, &terms);
                Some(SearchHit {
                    card,
                    anchor: best
                        .and_then(|i| doc.paragraphs.ids.get(i))
                        .filter(|id| !id.is_empty())
                        .map(|id| id.to_string()),
                    snippet: best.map(|i| self.snippet(&doc.paragraphs.text(i), &terms)).unwrap_or_default(),
                })
            })
            .take(limit)
            .collect();
        // Asked for exactly what was typed and nothing found: what a correction would search.
        let suggestion = if hits.is_empty() && !correct { self.understand(query, true).corrected } else { None };
        let corrected = understood.corrected.filter(|_| !hits.is_empty());
        Found { hits, corrected, suggestion }
    }

    /// Each article's score: its best over the readings. A reading scores, place by place, the
    /// best of the terms that may fill the place (idf × saturating term frequency per field ×
    /// the term's weight), half again when every place is filled, times the reading's weight.
    fn score(&self, readings: &[Reading]) -> FastMap<u32, f64> {
        // Saturating term frequency, so one long article cannot win on repetition alone.
        let tf = Posting::tf;
        let mut best: FastMap<u32, f64> = FastMap::default();
        for reading in readings {
            // Per doc: score so far and how many of the places it fills.
            let mut totals: FastMap<u32, (f64, usize)> = FastMap::default();
            for place in &reading.places {
                // Sized once: grown posting by posting, rehashing was a tenth of a search's time.
                let postings: usize = place
                    .iter()
                    .filter_map(|(term, _)| self.terms.get(term.as_str()))
                    .map(|entry| entry.postings.len())
                    .sum();
                let mut in_place: FastMap<u32, f64> = FastMap::with_capacity_and_hasher(postings, Default::default());
                totals.reserve(postings);
                for (term, weight) in place {
                    let Some(entry) = self.terms.get(term.as_str()) else { continue };
                    for found in &entry.postings {
                        let score = weight
                            * entry.idf
                            * (TITLE_WEIGHT * tf(found.title)
                                + SUMMARY_WEIGHT * tf(found.summary)
                                + BODY_WEIGHT * tf(found.body));
                        let kept = in_place.entry(found.doc).or_default();
                        *kept = kept.max(score);
                    }
                }
                for (doc, score) in in_place {
                    let total = totals.entry(doc).or_default();
                    total.0 += score;
                    total.1 += 1;
                }
            }
            for (doc, (score, filled)) in totals {
                let score = reading.weight * if filled == reading.places.len() { score * 1.5 } else { score };
                if score > 0.0 {
                    let kept = best.entry(doc).or_default();
                    *kept = kept.max(score);
                }
            }
        }
        best
    }

    /// The paragraph of `doc_index` holding the most of `terms` (the last one on a tie), if any.
    fn best_paragraph(&self, doc_index: u32, terms: &[String]) -> Option<usize> {
        let doc = &self.docs[doc_index as usize];
        let mut hits = vec![0usize; doc.paragraphs.len()];
        for term in terms {
            let Some(entry) = self.terms.get(term.as_str()) else { continue };
            let Ok(at) = entry.postings.binary_search_by_key(&doc_index, |posting| posting.doc) else { continue };
            let posting = entry.postings[at];
            let first = posting.first_paragraph as usize;
            for &paragraph in &entry.paragraphs[first..first + usize::from(posting.paragraph_count)] {
                if let Some(hits) = hits.get_mut(usize::from(paragraph)) {
                    *hits += 1;
                }
            }
        }
        hits.iter().enumerate().filter(|(_, hits)| **hits > 0).max_by_key(|(_, hits)| **hits).map(|(index, _)| index)
    }

    /// A window of `text` around its first matching word, with matching words marked.
    pub(super) fn snippet(&self, text: &str, terms: &[String]) -> Vec<SnippetPart> {
        let matches = |word: &str| {
            // Most words are ASCII: one pass and one allocation instead of two.
            let clean: String = if word.is_ascii() {
                word.bytes().filter(u8::is_ascii_alphanumeric).map(|b| char::from(b.to_ascii_lowercase())).collect()
            } else {
                word.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect()
            };
            !clean.is_empty() && with_stem(&self.stemmer, &clean, |stem, _| terms.iter().any(|term| term == stem))
        };
        // Words are split off only as far as the snippet reaches, not through the whole paragraph.
        let mut rest = text.split_whitespace();
        let mut words: Vec<&str> = Vec::new();
        let mut first = 0;
        for word in rest.by_ref() {
            words.push(word);
            if matches(word) {
                first = words.len() - 1;
                break;
            }
        }
        let start = first.saturating_sub(SNIPPET_WORDS / 2);
        words.extend(rest.by_ref().take((start + SNIPPET_WORDS * 2).saturating_sub(words.len())));
        let end = (start + SNIPPET_WORDS * 2).min(words.len());
        let cut_short = end < words.len() || rest.next().is_some();
        let mut parts: Vec<SnippetPart> = Vec::new();
        if start > 0 {
            parts.push(SnippetPart { text: "… ".into(), marked: false });
        }
        for (i, word) in words[start..end].iter().enumerate() {
            let separator = if i + 1 < end - start { " " } else { "" };
            if matches(word) {
                parts.push(SnippetPart { text: (*word).to_string(), marked: true });
                parts.push(SnippetPart { text: separator.into(), marked: false });
            } else {
                match parts.last_mut() {
                    Some(last) if !last.marked => last.text.push_str(&format!("{word}{separator}")),
                    _ => parts.push(SnippetPart { text: format!("{word}{separator}"), marked: false }),
                }
            }
        }
        if cut_short {
            parts.push(SnippetPart { text: " …".into(), marked: false });
        }
        parts.retain(|part| !part.text.is_empty());
        parts
    }
}
