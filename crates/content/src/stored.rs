//! How an article page is kept in memory between requests: measured on a 1,000-article
//! catalogue (`app/examples/content_memory.rs`), a page held 11.1 KB of body HTML, 2.4 KB of
//! related cards (three full copies of other articles' cards) and 1.5 KB of site-wide texts
//! (editorial sections, disclosures, newsletter call to action) that every page had a copy of.
//! Here the body is LZ4-compressed, related articles are indexes into the store's cards, and
//! the site-wide texts are kept once; [`StoredPage::assemble`] makes the full page again when a
//! page is rendered (once per page per day: the page cache keeps the result).

use nv_model::content::{ArticleCard, ArticlePage, NewsletterCta, TextBlock};
use std::sync::Arc;

/// Ids of the two disclosures an article may carry.
const AFFILIATE: &str = "affiliate-disclosure";
const MEDICAL: &str = "medical-disclaimer";

/// The texts every article page shows the same, kept once.
#[derive(Clone, Debug, Default)]
pub(super) struct SiteBlocks {
    /// "How We Researched This", "Real-World Experience".
    pub editorial: Vec<TextBlock>,
    /// The affiliate disclosure, for articles with affiliate links.
    pub affiliate: TextBlock,
    /// The medical disclaimer.
    pub medical: TextBlock,
    /// Newsletter call to action.
    pub newsletter: NewsletterCta,
}

impl SiteBlocks {
    /// The disclosures that apply, in page order.
    pub fn disclosures(&self, affiliate: bool, medical: bool) -> Vec<TextBlock> {
        [(affiliate, &self.affiliate), (medical, &self.medical)]
            .into_iter()
            .filter(|(applies, _)| *applies)
            .map(|(_, block)| block.clone())
            .collect()
    }
}

/// One article as the store keeps it. The page and body are shared, not copied, between the
/// stores before and after a reload that left the article's file unchanged.
#[derive(Clone, Debug)]
pub(super) struct StoredPage {
    /// The page without its body, related articles and site-wide texts (left empty).
    pub meta: Arc<ArticlePage>,
    /// The JSON-LD and then the body HTML, LZ4 with their length in front: both are read only
    /// when the page is rendered, and the JSON-LD (1.2 KB a page) compresses as well as the body.
    /// Its count of owners lives apart from the bytes, in a small allocation packed with the
    /// others: a reload that keeps 1,000 bodies touches a few pages of memory, not 1,000 pages
    /// untouched since the load (perf: 12% of a reload was that one increment, in `Arc<[u8]>`).
    body: Arc<Box<[u8]>>,
    /// Where the JSON-LD ends in the decompressed `body`.
    json_ld_len: u32,
    /// Related articles, best first: indexes into the store's cards.
    pub related: Box<[u32]>,
    affiliate: bool,
    medical: bool,
}

impl StoredPage {
    /// Keeps `page`, whose site-wide texts are those of the store's [`SiteBlocks`]; its related
    /// articles are set once every article is loaded.
    pub fn new(mut page: ArticlePage) -> StoredPage {
        let mut texts = std::mem::take(&mut page.json_ld);
        let json_ld_len = texts.len() as u32;
        texts.push_str(&std::mem::take(&mut page.body_html));
        let body = Arc::new(lz4_flex::compress_prepend_size(texts.as_bytes()).into_boxed_slice());
        let has = |id: &str| page.disclosures.iter().any(|block| block.id == id);
        let (affiliate, medical) = (has(AFFILIATE), has(MEDICAL));
        page.disclosures = Vec::new();
        page.editorial = Vec::new();
        page.newsletter = NewsletterCta::default();
        page.related = Vec::new();
        StoredPage { meta: Arc::new(page), body, json_ld_len, related: Box::default(), affiliate, medical }
    }

    /// The page without JSON-LD and body, those compressed, where the JSON-LD ends in them,
    /// and the disclosure flags (the content cache).
    pub fn cache_parts(&self) -> (&ArticlePage, &[u8], u32, bool, bool) {
        (&self.meta, &self.body, self.json_ld_len, self.affiliate, self.medical)
    }

    /// The page [`StoredPage::cache_parts`] gave; its related articles are set by the load.
    pub fn from_cache(
        meta: ArticlePage,
        body: Box<[u8]>,
        json_ld_len: u32,
        affiliate: bool,
        medical: bool,
    ) -> StoredPage {
        StoredPage {
            meta: Arc::new(meta),
            body: Arc::new(body),
            json_ld_len,
            related: Box::default(),
            affiliate,
            medical,
        }
    }

    /// The compressed body, and the rest (for measuring).
    pub fn into_parts(self) -> (Arc<Box<[u8]>>, Box<dyn std::any::Any>) {
        (self.body, Box::new((self.meta, self.related)))
    }

    /// The JSON-LD and the body HTML.
    fn texts(&self) -> (String, String) {
        let bytes = match lz4_flex::decompress_size_prepended(&self.body) {
            Ok(bytes) => bytes,
            Err(error) => {
                // Only a bug can get here: the bytes were compressed by `new`.
                tracing::error!(slug = %self.meta.slug, %error, "stored article body does not decompress");
                return Default::default();
            }
        };
        let mut json_ld =
            String::from_utf8(bytes).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
        let split = self.json_ld_len as usize;
        if !json_ld.is_char_boundary(split) {
            tracing::error!(slug = %self.meta.slug, "stored article texts do not split where the JSON-LD ends");
            return Default::default();
        }
        let body = json_ld.split_off(split);
        (json_ld, body)
    }

    /// The full page, with the related articles among `cards` that `keep` lets through.
    pub fn assemble(
        &self,
        blocks: &SiteBlocks,
        cards: &[ArticleCard],
        keep: impl Fn(&ArticleCard) -> bool,
    ) -> ArticlePage {
        let (json_ld, body_html) = self.texts();
        ArticlePage {
            json_ld,
            body_html,
            related: self
                .related
                .iter()
                .filter_map(|&i| cards.get(i as usize))
                .filter(|card| keep(card))
                .cloned()
                .collect(),
            editorial: blocks.editorial.clone(),
            disclosures: blocks.disclosures(self.affiliate, self.medical),
            newsletter: blocks.newsletter.clone(),
            ..(*self.meta).clone()
        }
    }
}
