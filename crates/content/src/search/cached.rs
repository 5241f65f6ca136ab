//! The search index as the content cache keeps it (`super::super::load_cache`): every
//! article's paragraphs and every term's postings, so that a restart takes the index the last
//! start built instead of building it again from every article's terms. At 10,000 articles the
//! build was a third of a restart, and the articles' terms waiting for it most of its memory peak.
//!
//! Layout: records, each a little-endian `u32` length and that many bytes: the counts, then per
//! article a postcard head and its compressed paragraph texts, then per term a postcard head and
//! its postings (16 bytes each) and paragraph numbers (2 bytes each), little-endian, copied in
//! and out without a serde call per posting. A restart reads it record by record through one
//! small buffer: read whole, the index's bytes would be fresh memory twice over, and on this
//! machine touching fresh memory was most of the cost (the kernel clears every new page).

use super::{DocTerms, FastMap, Paragraphs, Posting, SearchDoc, SearchIndex, Term};
use nv_search::Synonyms;
use serde::{Deserialize, Serialize};
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::sync::Arc;

/// Bytes of one [`Posting`] as stored.
const POSTING_BYTES: usize = 16;

/// How many articles and terms follow.
#[derive(Serialize, Deserialize)]
struct Counts {
    docs: u32,
    terms: u32,
}

/// One article, written; its compressed paragraph texts (`text` bytes) follow it.
#[derive(Serialize)]
struct DocOut<'a> {
    slug: &'a str,
    ids: &'a [Box<str>],
    ends: &'a [u32],
    text: u32,
}

/// [`DocOut`], read back.
#[derive(Deserialize)]
struct DocIn {
    slug: String,
    ids: Box<[Box<str>]>,
    ends: Box<[u32]>,
    text: u32,
}

/// One term, written or read; its postings and paragraph numbers follow it.
#[derive(Serialize, Deserialize)]
struct TermHead<'a> {
    term: &'a str,
    surface: Option<&'a str>,
    postings: u32,
    paragraphs: u32,
}

impl Posting {
    fn to_bytes(self) -> [u8; POSTING_BYTES] {
        let mut bytes = [0; POSTING_BYTES];
        bytes[0..4].copy_from_slice(&self.doc.to_le_bytes());
        bytes[4..8].copy_from_slice(&self.first_paragraph.to_le_bytes());
        for (at, count) in [(8, self.title), (10, self.summary), (12, self.body), (14, self.paragraph_count)] {
            bytes[at..at + 2].copy_from_slice(&count.to_le_bytes());
        }
        bytes
    }

    fn from_bytes(bytes: &[u8]) -> Posting {
        let u32_at = |at: usize| bytes.get(at..at + 4).and_then(|b| b.try_into().ok()).map_or(0, u32::from_le_bytes);
        let u16_at = |at: usize| bytes.get(at..at + 2).and_then(|b| b.try_into().ok()).map_or(0, u16::from_le_bytes);
        Posting {
            doc: u32_at(0),
            first_paragraph: u32_at(4),
            title: u16_at(8),
            summary: u16_at(10),
            body: u16_at(12),
            paragraph_count: u16_at(14),
        }
    }
}

impl SearchIndex {
    /// The index as bytes for the content cache, and their fingerprint; `None` if it cannot be
    /// written.
    pub(crate) fn encode(&self) -> Option<(Vec<u8>, u64)> {
        let mut out = Records::default();
        let counts =
            Counts { docs: u32::try_from(self.docs.len()).ok()?, terms: u32::try_from(self.terms.len()).ok()? };
        out.record(|bytes| postcard::to_extend(&counts, bytes).ok())?;
        for doc in &self.docs {
            let paragraphs = &doc.paragraphs;
            let head = DocOut {
                slug: &doc.slug,
                ids: &paragraphs.ids,
                ends: &paragraphs.ends,
                text: u32::try_from(paragraphs.text.len()).ok()?,
            };
            out.record(|bytes| {
                let mut bytes = postcard::to_extend(&head, bytes).ok()?;
                bytes.extend_from_slice(&paragraphs.text);
                Some(bytes)
            })?;
        }
        for (term, entry) in &self.terms {
            let head = TermHead {
                term,
                surface: entry.surface.as_deref(),
                postings: u32::try_from(entry.postings.len()).ok()?,
                paragraphs: u32::try_from(entry.paragraphs.len()).ok()?,
            };
            out.record(|bytes| {
                let mut bytes = postcard::to_extend(&head, bytes).ok()?;
                bytes.reserve(entry.postings.len() * POSTING_BYTES + entry.paragraphs.len() * 2);
                for posting in &entry.postings {
                    bytes.extend_from_slice(&posting.to_bytes());
                }
                for paragraph in &entry.paragraphs {
                    bytes.extend_from_slice(&paragraph.to_le_bytes());
                }
                Some(bytes)
            })?;
        }
        Some((out.bytes, out.sum.finish()))
    }

    /// The index [`SearchIndex::encode`] wrote, read from `from`, with the editors' `synonyms`
    /// as they are now; `None` if the bytes do not make a whole, consistent index with
    /// fingerprint `sum`.
    pub(crate) fn decode(from: impl Read, sum: u64, synonyms: &Synonyms) -> Option<SearchIndex> {
        let from = std::io::BufReader::with_capacity(1 << 18, from);
        let mut records = RecordReader { from, buffer: Vec::new(), sum: new_sum() };
        let counts: Counts = postcard::from_bytes(records.next()?).ok()?;
        // A damaged count must not reserve gigabytes: the reservation is capped, the rest grows.
        let mut docs = Vec::with_capacity((counts.docs as usize).min(1 << 20));
        for _ in 0..counts.docs {
            let (head, text) = postcard::take_from_bytes::<DocIn>(records.next()?).ok()?;
            if head.ids.len() != head.ends.len() || text.len() != head.text as usize {
                return None;
            }
            let paragraphs = Paragraphs { ids: head.ids, ends: head.ends, text: text.into() };
            docs.push(SearchDoc { slug: head.slug, paragraphs: Arc::new(paragraphs), terms: DocTerms::default() });
        }
        let mut terms: FastMap<Box<str>, Term> = FastMap::default();
        terms.reserve((counts.terms as usize).min(1 << 20));
        for _ in 0..counts.terms {
            let (head, rest) = postcard::take_from_bytes::<TermHead>(records.next()?).ok()?;
            let (postings, paragraphs) = rest.split_at_checked((head.postings as usize).checked_mul(POSTING_BYTES)?)?;
            if paragraphs.len() != (head.paragraphs as usize).checked_mul(2)? {
                return None;
            }
            let postings: Vec<Posting> = postings.chunks_exact(POSTING_BYTES).map(Posting::from_bytes).collect();
            let paragraphs: Vec<u16> =
                paragraphs.chunks_exact(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect();
            // Ranking looks articles and paragraph numbers up by these: they must all be there.
            let fits = postings.iter().all(|posting| {
                let end = posting.first_paragraph as usize + usize::from(posting.paragraph_count);
                (posting.doc as usize) < docs.len() && end <= paragraphs.len()
            });
            if !fits || postings.is_empty() {
                return None;
            }
            let term = Term { idf: 0.0, postings, paragraphs, surface: head.surface.map(Box::from) };
            terms.insert(head.term.into(), term);
        }
        let whole = records.at_end() && records.sum.finish() == sum;
        whole.then(|| SearchIndex::finish(docs, terms, synonyms))
    }

    /// The index of `docs` when the index a restart decoded from the cache is `stored`: itself
    /// when every article it holds is kept in its place and none is new, else rebuilt from it.
    pub(crate) fn from_stored(stored: SearchIndex, docs: Vec<super::IndexedDoc>, synonyms: &Synonyms) -> SearchIndex {
        let unchanged = docs.len() == stored.docs.len()
            && docs.iter().enumerate().all(|(at, doc)| matches!(doc, super::IndexedDoc::Kept(kept) if *kept == at));
        if unchanged {
            stored
        } else {
            SearchIndex::rebuild(&stored, docs, synonyms)
        }
    }
}

/// The fingerprint of an encoded index, taken record by record.
type Sum = foldhash::quality::FoldHasher;

fn new_sum() -> Sum {
    foldhash::quality::FixedState::with_seed(0x6e76_7365_6172_6368).build_hasher()
}

/// An index being encoded: its records, and their fingerprint so far.
struct Records {
    bytes: Vec<u8>,
    sum: Sum,
}

impl Default for Records {
    fn default() -> Records {
        Records { bytes: Vec::new(), sum: new_sum() }
    }
}

impl Records {
    /// Adds the record `write` appends to the bytes it is given.
    fn record(&mut self, write: impl FnOnce(Vec<u8>) -> Option<Vec<u8>>) -> Option<()> {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(&[0; 4]);
        self.bytes = write(std::mem::take(&mut self.bytes))?;
        let len = u32::try_from(self.bytes.len() - start - 4).ok()?;
        self.bytes[start..start + 4].copy_from_slice(&len.to_le_bytes());
        self.sum.write(&self.bytes[start..]);
        Some(())
    }
}

/// Reads the records of an encoded index one at a time into one buffer.
struct RecordReader<R> {
    from: std::io::BufReader<R>,
    buffer: Vec<u8>,
    sum: Sum,
}

impl<R: Read> RecordReader<R> {
    /// The next record; `None` at the end or if it is cut short.
    fn next(&mut self) -> Option<&[u8]> {
        let mut prefix = [0; 4];
        self.from.read_exact(&mut prefix).ok()?;
        let len = u32::from_le_bytes(prefix) as usize;
        self.buffer.clear();
        self.buffer.extend_from_slice(&prefix);
        let read = (&mut self.from).take(len as u64).read_to_end(&mut self.buffer).ok()?;
        if read != len {
            return None;
        }
        self.sum.write(&self.buffer);
        self.buffer.get(4..)
    }

    /// Whether every byte was read.
    fn at_end(&mut self) -> bool {
        self.from.read(&mut [0]).is_ok_and(|read| read == 0)
    }
}
