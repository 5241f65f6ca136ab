//! Full-text search over the articles, indexed once at load: titles weigh most, then
//! descriptions, summaries and takeaways, then body paragraphs. Results carry a snippet from the
//! best-matching paragraph, with the matching words marked, and that paragraph's anchor.

use super::api::{ArticleCard, SearchHit, SnippetPart};
use super::grounding::term_counts;
use super::markdown::Passage;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;

const TITLE_WEIGHT: f64 = 4.0;
const SUMMARY_WEIGHT: f64 = 2.0;
const BODY_WEIGHT: f64 = 1.0;
/// Words either side of the first match in a snippet.
const SNIPPET_WORDS: usize = 14;

/// One article as the index sees it.
pub struct SearchDoc {
    /// Article slug.
    pub slug: String,
    title: HashMap<String, f64>,
    summary: HashMap<String, f64>,
    paragraphs: Vec<(Passage, HashMap<String, f64>)>,
}

impl SearchDoc {
    /// Indexes an article's title, summary texts (description, summary, takeaways) and paragraphs.
    pub fn new(slug: &str, title: &str, summary_texts: &[&str], paragraphs: &[Passage]) -> SearchDoc {
        let stemmer = Stemmer::create(Algorithm::English);
        SearchDoc {
            slug: slug.to_string(),
            title: term_counts(&stemmer, title),
            summary: term_counts(&stemmer, &summary_texts.join(" ")),
            paragraphs: paragraphs.iter().map(|p| (p.clone(), term_counts(&stemmer, &p.text))).collect(),
        }
    }
}

/// The search index over every article.
pub struct SearchIndex {
    docs: Vec<SearchDoc>,
    /// Inverse document frequency per stemmed term.
    idf: HashMap<String, f64>,
    stemmer: Stemmer,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("articles", &self.docs.len()).field("terms", &self.idf.len()).finish()
    }
}

impl SearchIndex {
    /// Builds the index (once, at content load).
    pub fn new(docs: Vec<SearchDoc>) -> SearchIndex {
        let mut document_frequency: HashMap<String, f64> = HashMap::new();
        for doc in &docs {
            let mut terms: Vec<&String> = doc.title.keys().chain(doc.summary.keys()).collect();
            terms.extend(doc.paragraphs.iter().flat_map(|(_, counts)| counts.keys()));
            terms.sort();
            terms.dedup();
            for term in terms {
                *document_frequency.entry(term.clone()).or_insert(0.0) += 1.0;
            }
        }
        let total = docs.len().max(1) as f64;
        let idf = document_frequency.into_iter().map(|(term, df)| (term, (1.0 + total / df).ln())).collect();
        SearchIndex { docs, idf, stemmer: Stemmer::create(Algorithm::English) }
    }

    /// The articles matching `query`, best first, among `cards` (the ones the reader may see).
    pub fn search(&self, query: &str, cards: &[&ArticleCard], limit: usize) -> Vec<SearchHit> {
        let terms: Vec<String> = term_counts(&self.stemmer, query).into_keys().collect();
        if terms.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(f64, &SearchDoc, Option<&Passage>)> = Vec::new();
        for doc in &self.docs {
            let mut score = 0.0;
            let mut matched_all = true;
            for term in &terms {
                let idf = self.idf.get(term).copied().unwrap_or(0.0);
                let title = doc.title.get(term).copied().unwrap_or(0.0);
                let summary = doc.summary.get(term).copied().unwrap_or(0.0);
                let body: f64 = doc.paragraphs.iter().filter_map(|(_, counts)| counts.get(term)).sum();
                if title + summary + body == 0.0 {
                    matched_all = false;
                }
                // Saturating term frequency, so one long article cannot win on repetition alone.
                let tf = |count: f64| count / (count + 1.0);
                score += idf * (TITLE_WEIGHT * tf(title) + SUMMARY_WEIGHT * tf(summary) + BODY_WEIGHT * tf(body));
            }
            if score <= 0.0 {
                continue;
            }
            if matched_all {
                score *= 1.5;
            }
            let best = doc
                .paragraphs
                .iter()
                .map(|(passage, counts)| (terms.iter().filter(|term| counts.contains_key(*term)).count(), passage))
                .filter(|(hits, _)| *hits > 0)
                .max_by_key(|(hits, _)| *hits)
                .map(|(_, passage)| passage);
            scored.push((score, doc, best));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored
            .into_iter()
            .filter_map(|(_, doc, passage)| {
                let card = cards.iter().find(|card| card.slug == doc.slug)?;
                Some(SearchHit {
                    card: (*card).clone(),
                    anchor: passage.map(|passage| passage.id.clone()),
                    snippet: passage.map(|passage| self.snippet(&passage.text, &terms)).unwrap_or_default(),
                })
            })
            .take(limit)
            .collect()
    }

    /// A window of `text` around its first matching word, with matching words marked.
    fn snippet(&self, text: &str, terms: &[String]) -> Vec<SnippetPart> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let matches = |word: &str| {
            let clean: String = word.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
            !clean.is_empty() && terms.contains(&self.stemmer.stem(&clean).into_owned())
        };
        let first = words.iter().position(|word| matches(word)).unwrap_or(0);
        let start = first.saturating_sub(SNIPPET_WORDS / 2);
        let end = (start + SNIPPET_WORDS * 2).min(words.len());
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
        if end < words.len() {
            parts.push(SnippetPart { text: " …".into(), marked: false });
        }
        parts.retain(|part| !part.text.is_empty());
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::api::test_card as card;


    fn passage(id: &str, text: &str) -> Passage {
        Passage { id: id.into(), text: text.into() }
    }

    fn index() -> SearchIndex {
        SearchIndex::new(vec![
            SearchDoc::new("magnesium", "Magnesium and Sleep", &["Magnesium supplements for sleep."], &[
                passage("p-1", "Magnesium is a mineral found in nuts."),
                passage("p-2", "Some trials looked at sleep quality in older adults taking magnesium."),
            ]),
            SearchDoc::new("fiber", "Dietary Fiber", &["Fiber feeds gut bacteria."], &[
                passage("p-1", "Fiber is found in beans, oats and vegetables."),
                passage("p-2", "A single line mentions magnesium once."),
            ]),
            SearchDoc::new("walking", "Walking", &["Steps."], &[passage("p-1", "Walk more.")]),
        ])
    }

    #[test]
    fn title_and_summary_matches_rank_above_body_mentions() {
        let cards = [card("magnesium"), card("fiber"), card("walking")];
        let refs: Vec<&ArticleCard> = cards.iter().collect();
        let hits = index().search("magnesium", &refs, 10);
        let slugs: Vec<&str> = hits.iter().map(|hit| hit.card.slug.as_str()).collect();
        assert_eq!(slugs, vec!["magnesium", "fiber"]);
        assert_eq!(hits[1].anchor.as_deref(), Some("p-2"), "links to the paragraph that matches");
    }

    #[test]
    fn stems_match_and_snippets_mark_the_words() {
        let cards = [card("magnesium"), card("fiber")];
        let refs: Vec<&ArticleCard> = cards.iter().collect();
        let hits = index().search("Sleeping quality", &refs, 10);
        assert_eq!(hits[0].card.slug, "magnesium");
        assert_eq!(hits[0].anchor.as_deref(), Some("p-2"));
        let marked: Vec<&str> = hits[0].snippet.iter().filter(|part| part.marked).map(|part| part.text.as_str()).collect();
        assert_eq!(marked, vec!["sleep", "quality"]);
        let text: String = hits[0].snippet.iter().map(|part| part.text.as_str()).collect();
        assert_eq!(text, "Some trials looked at sleep quality in older adults taking magnesium.");
    }

    #[test]
    fn hidden_articles_and_empty_queries_give_nothing() {
        let cards = [card("fiber")];
        let refs: Vec<&ArticleCard> = cards.iter().collect();
        assert!(index().search("magnesium", &refs, 10).iter().all(|hit| hit.card.slug != "magnesium"));
        assert!(index().search("  the and  ", &refs, 10).is_empty());
    }
}
