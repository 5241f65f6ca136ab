//! The index after a reload, made from the index before it: the postings of every article
//! whose file did not change are copied over, renumbered, and only changed articles are indexed
//! anew, so that publishing one article into a large catalogue does not index all of them again.

use super::{note_surfaces, DocTerms, FastMap, Posting, SearchDoc, SearchIndex, Term};
use nv_search::Synonyms;

/// One article of the index being rebuilt.
pub enum IndexedDoc {
    /// Indexed anew (its file is new or changed).
    New(SearchDoc),
    /// The article at this position in the index before the reload (or in the one the content
    /// cache kept), unchanged.
    Kept(usize),
}

/// A posting on its way into a term's list, with its paragraph numbers.
type Pending<'a> = (Posting, &'a [u16]);

impl SearchIndex {
    /// The index of `docs` (in load order), taking unchanged articles from `previous`.
    /// `synonyms` are the editors' list as it is now (the file may have changed too).
    pub fn rebuild(previous: &SearchIndex, docs: Vec<IndexedDoc>, synonyms: &Synonyms) -> SearchIndex {
        // The new number of each article kept from `previous`, by its old number.
        let mut renumbered: Vec<Option<u32>> = vec![None; previous.docs.len()];
        let mut fresh: Vec<(u32, DocTerms)> = Vec::new();
        let mut kept_docs = Vec::with_capacity(docs.len());
        for (number, doc) in docs.into_iter().enumerate() {
            let number = number as u32;
            match doc {
                IndexedDoc::Kept(old) => {
                    let Some(before) = previous.docs.get(old) else { continue };
                    if let Some(slot) = renumbered.get_mut(old) {
                        *slot = Some(number);
                    }
                    kept_docs.push(SearchDoc {
                        slug: before.slug.clone(),
                        paragraphs: before.paragraphs.clone(),
                        terms: DocTerms::default(),
                    });
                }
                IndexedDoc::New(mut doc) => {
                    fresh.push((number, std::mem::take(&mut doc.terms)));
                    kept_docs.push(doc);
                }
            }
        }
        // The new and changed articles' postings by term, in article order.
        let mut added: FastMap<&str, Vec<Pending>> = FastMap::default();
        for (number, terms) in &fresh {
            for (term, counts, paragraphs) in terms.iter() {
                let posting = Posting {
                    doc: *number,
                    first_paragraph: 0,
                    title: counts.title,
                    summary: counts.summary,
                    body: counts.body,
                    paragraph_count: paragraphs.len() as u16,
                };
                added.entry(term).or_default().push((posting, paragraphs));
            }
        }
        let mut terms: FastMap<Box<str>, Term> = FastMap::default();
        terms.reserve(previous.terms.len());
        let mut pending: Vec<Pending> = Vec::new();
        for (term, before) in &previous.terms {
            for posting in &before.postings {
                let Some(Some(number)) = renumbered.get(posting.doc as usize) else { continue };
                let first = posting.first_paragraph as usize;
                let paragraphs =
                    before.paragraphs.get(first..first + usize::from(posting.paragraph_count)).unwrap_or_default();
                pending.push((Posting { doc: *number, ..*posting }, paragraphs));
            }
            if let Some(new) = added.remove(&**term) {
                pending.extend(new);
            }
            if let Some(mut entry) = collect(&mut pending) {
                entry.surface = before.surface.clone();
                terms.insert(term.clone(), entry);
            }
        }
        for (term, mut new) in added {
            if let Some(entry) = collect(&mut new) {
                terms.insert(term.into(), entry);
            }
        }
        for (_, doc_terms) in &fresh {
            note_surfaces(&mut terms, doc_terms);
        }
        SearchIndex::finish(kept_docs, terms, synonyms)
    }
}

/// A term's postings from `pending` (emptied), in article order; `None` when there are none.
fn collect(pending: &mut Vec<Pending>) -> Option<Term> {
    if pending.is_empty() {
        return None;
    }
    // Kept articles keep their order and files load sorted by path, so this is rarely needed.
    if !pending.is_sorted_by_key(|(posting, _)| posting.doc) {
        pending.sort_by_key(|(posting, _)| posting.doc);
    }
    let mut term = Term {
        idf: 0.0,
        postings: Vec::with_capacity(pending.len()),
        paragraphs: Vec::with_capacity(pending.iter().map(|(_, paragraphs)| paragraphs.len()).sum()),
        surface: None,
    };
    for (posting, paragraphs) in pending.drain(..) {
        term.postings.push(Posting { first_paragraph: term.paragraphs.len() as u32, ..posting });
        term.paragraphs.extend_from_slice(paragraphs);
    }
    Some(term)
}
