//! A search entry as plain data, for the content cache (`super::super::load_cache`).

use super::{DocTerms, Paragraphs, SearchDoc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A [`SearchDoc`] without its compressed paragraph texts (kept raw beside it).
#[derive(Serialize, Deserialize)]
pub struct CachedDoc {
    slug: String,
    paragraph_ids: Box<[Box<str>]>,
    paragraph_ends: Box<[u32]>,
    terms: DocTerms,
}

impl SearchDoc {
    /// The entry as plain data, and its compressed paragraph texts.
    pub(crate) fn cache_parts(&self) -> (CachedDoc, &[u8]) {
        let doc = CachedDoc {
            slug: self.slug.clone(),
            paragraph_ids: self.paragraphs.ids.clone(),
            paragraph_ends: self.paragraphs.ends.clone(),
            terms: self.terms.clone(),
        };
        (doc, &self.paragraphs.text)
    }

    /// The entry [`SearchDoc::cache_parts`] gave; `None` if the parts do not fit together.
    pub(crate) fn from_cache(doc: CachedDoc, paragraph_text: Box<[u8]>) -> Option<SearchDoc> {
        if doc.paragraph_ids.len() != doc.paragraph_ends.len() {
            return None;
        }
        let paragraphs = Paragraphs { ids: doc.paragraph_ids, ends: doc.paragraph_ends, text: paragraph_text };
        Some(SearchDoc { slug: doc.slug, paragraphs: Arc::new(paragraphs), terms: doc.terms })
    }
}
