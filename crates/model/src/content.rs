//! What pages show of the content, and the reads that get it during a server render (plain
//! functions, not server functions: no browser code asks for page data, so none of it is an
//! endpoint). Everything here is plain data, already rendered on the server.

use serde::{Deserialize, Serialize};

/// A date as the page shows it: ISO for `<time datetime>`, plus the reader-facing text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateView {
    /// `2026-02-15`
    pub iso: String,
    /// `Feb 15, 2026`
    pub display: String,
}

/// A content image: an article's lead image, or one in its body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeroImage {
    /// Where the editor's file is, e.g. `/images/vitamin-d3-k2.svg` (SVGs are served from there;
    /// photos only through their derived images).
    pub src: String,
    /// Alternative text.
    pub alt: String,
    /// Intrinsic width in pixels (reserves space; no layout shift).
    pub width: u32,
    /// Intrinsic height in pixels.
    pub height: u32,
    /// A photo's responsive images; `None` for an SVG, which is served as it is.
    pub derived: Option<crate::images::Derived>,
}

/// The author as shown in the byline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorView {
    /// Key in `authors.toml`.
    pub id: String,
    /// Display name, e.g. "Dr. Sarah Johnson".
    pub name: String,
    /// Degrees and certifications.
    pub credentials: String,
    /// One or two sentences about the author.
    pub bio: String,
    /// The letter shown in the avatar circle.
    pub initial: String,
}

/// A titled block of site-wide text (editorial sections, disclosures).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextBlock {
    /// Stable id, used for the heading anchor.
    pub id: String,
    /// Heading or lead-in label.
    pub title: String,
    /// The paragraph.
    pub text: String,
    /// An optional follow-up link: (path, link text).
    pub link: Option<(String, String)>,
}

/// One entry of an article's revision history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionView {
    /// When the change was published.
    pub date: DateView,
    /// What changed.
    pub note: String,
}

/// The newsletter call to action shown inside articles.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsletterCta {
    /// "Get Weekly Health Tips"
    pub heading: String,
    /// "Evidence-based nutrition in your inbox"
    pub text: String,
}

/// Everything the article page shows, rendered once at content load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticlePage {
    /// URL slug: `/articles/{slug}`.
    pub slug: String,
    /// Absolute canonical URL, built from the configured site URL at load.
    pub canonical_url: String,
    /// Absolute URL of the 1200×630 PNG link-preview image.
    pub share_image_url: String,
    /// Schema.org JSON-LD for the page, already escaped for a `<script>` element.
    pub json_ld: String,
    /// The headline (the page's only h1).
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Category key, e.g. `gut-health` (its page is `/topics/{category}`).
    pub category: String,
    /// Category display name, e.g. "Gut Health".
    pub category_name: String,
    /// Topic tags.
    pub tags: Vec<String>,
    /// Lead image.
    pub hero: HeroImage,
    /// Every image the article shows (hero first) and the key of its file when loaded:
    /// an article is loaded again when one of its images changes.
    pub images: Vec<(String, String)>,
    /// Who wrote it.
    pub author: AuthorView,
    /// Medical review, if any.
    pub review: Option<ReviewView>,
    /// The date after which the article is due for review.
    pub review_by: Option<DateView>,
    /// True when `review_by` has passed (worked out per request).
    pub due_for_review: bool,
    /// Not public: a draft, or scheduled for later (shown only in development).
    pub unpublished_note: Option<String>,
    /// True when the body links to products we may earn from (disclosed before the body).
    pub has_affiliate_links: bool,
    /// First publication.
    pub published: DateView,
    /// Last substantive update.
    pub updated: DateView,
    /// Estimated minutes to read the body.
    pub reading_minutes: u32,
    /// The "Quick Summary / AI Overview", sentence by sentence, each linked to its source.
    pub overview: Vec<SourcedText>,
    /// True when the overview was quoted from the body because the article has no summary.
    pub overview_generated: bool,
    /// Key takeaways, each linked to the section it summarises.
    pub key_takeaways: Vec<SourcedText>,
    /// The body as sanitised HTML made on the server from the article's Markdown.
    pub body_html: String,
    /// "How We Researched This", "Real-World Experience".
    pub editorial: Vec<TextBlock>,
    /// Affiliate and medical disclosures that apply to this article.
    pub disclosures: Vec<TextBlock>,
    /// Revision history, newest first.
    pub revisions: Vec<RevisionView>,
    /// Newsletter call to action texts.
    pub newsletter: NewsletterCta,
    /// Numbered sources the body cites.
    pub sources: Vec<SourceView>,
    /// Table of contents: the h2 sections.
    pub toc: Vec<TocEntry>,
    /// Related articles: same category or shared tags, best first.
    pub related: Vec<ArticleCard>,
}

/// A medical review of an article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    /// The reviewer.
    pub reviewer: AuthorView,
    /// When they last reviewed it.
    pub last_reviewed: DateView,
}

/// One numbered source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceView {
    /// Its number, as cited: `[1]`.
    pub number: usize,
    /// Title.
    pub title: String,
    /// Journal or organisation.
    pub publisher: String,
    /// Year.
    pub year: u16,
    /// Link (a DOI goes through doi.org).
    pub url: String,
    /// Kind of evidence, e.g. "Meta-analysis".
    pub kind: String,
    /// Ids of the markers in the body that cite it (for back-links).
    pub cited_at: Vec<String>,
}

/// An entry of the table of contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    /// Heading id.
    pub id: String,
    /// Heading text.
    pub title: String,
}

/// A sentence of the overview or a takeaway, with the body anchor that supports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcedText {
    /// The text as written (or quoted).
    pub text: String,
    /// Id of the paragraph or section that supports it, if one is similar enough.
    pub source_id: Option<String>,
}

/// A site page written in Markdown: about, privacy, editorial standards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticPage {
    /// Served at `/{slug}`.
    pub slug: String,
    /// Absolute canonical URL.
    pub canonical_url: String,
    /// Heading and title.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Last change.
    pub updated: DateView,
    /// Sanitised HTML made on the server from the page's Markdown.
    pub body_html: String,
}

/// The site pages every deployment has; `server check` fails if one is missing.
pub const STATIC_PAGES: [&str; 4] = ["about", "editorial-standards", "privacy", "newsletter"];

/// An article as a card in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleCard {
    /// URL slug.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// One-sentence description.
    pub description: String,
    /// Category key.
    pub category: String,
    /// Category display name.
    pub category_name: String,
    /// Topic tags.
    pub tags: Vec<String>,
    /// Lead image.
    pub hero: HeroImage,
    /// Author key.
    pub author_id: String,
    /// Author's display name.
    pub author_name: String,
    /// First publication.
    pub published: DateView,
    /// Last update.
    pub updated: DateView,
    /// Estimated minutes to read.
    pub reading_minutes: u32,
}

/// A piece of a search snippet; `marked` pieces matched the query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetPart {
    /// Plain text.
    pub text: String,
    /// True when this word matched.
    pub marked: bool,
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The article.
    pub card: ArticleCard,
    /// Id of the paragraph that matches best, to link straight to it.
    pub anchor: Option<String>,
    /// Text around the match.
    pub snippet: Vec<SnippetPart>,
}

/// The answer to a search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The query as searched (trimmed).
    pub query: String,
    /// Best first.
    pub hits: Vec<SearchHit>,
    /// The reader asked for exactly what they typed: no typo was corrected.
    pub exact: bool,
    /// The query with its typos corrected, when the hits come from correcting it.
    pub corrected: Option<String>,
    /// Nothing found for exactly what was typed: the corrected query, if a correction exists.
    pub suggestion: Option<String>,
    /// Nothing found: the topics to browse instead.
    pub topics: Vec<CategoryView>,
}

/// Longest search query, in characters, that the search page searches and shows (in its title,
/// field and heading); the rest is cut off. Real queries are a few words.
pub const MAX_QUERY_CHARS: usize = 100;

/// A topic (category).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryView {
    /// Key, used in `/topics/{key}`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// One sentence about the topic.
    pub description: String,
}

/// The tip of the day shown in the banner.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyTip {
    /// e.g. "Nutrition".
    pub category: String,
    /// The tip itself.
    pub text: String,
    /// Where "Learn More" goes.
    pub link: String,
}

/// The footer's "Join the community" block.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityBlock {
    /// "Join the NourishVibes Community"
    pub heading: String,
    /// What subscribers get.
    pub text: String,
    /// "We respect your privacy. Unsubscribe anytime."
    pub privacy: String,
    /// Short benefit lines shown with a check mark.
    pub benefits: Vec<String>,
}

/// Site-wide parts every page shows around its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteChrome {
    /// Today's tip (UTC date).
    pub tip: DailyTip,
    /// Footer signup block.
    pub community: CommunityBlock,
}

/// A card with the given slug and placeholder fields, for tests of lists and search.
pub fn test_card(slug: &str) -> ArticleCard {
    let date = DateView { iso: "2026-01-01".into(), display: "Jan 1, 2026".into() };
    ArticleCard {
        slug: slug.into(),
        title: slug.into(),
        description: String::new(),
        category: String::new(),
        category_name: String::new(),
        tags: Vec::new(),
        hero: HeroImage { src: String::new(), alt: String::new(), width: 1, height: 1, derived: None },
        author_id: String::new(),
        author_name: String::new(),
        published: date.clone(),
        updated: date,
        reading_minutes: 1,
    }
}

/// The file extension of an article's link-preview image: a JPEG for a photo hero (a PNG of a
/// photo is several times larger), a PNG for SVG art (flat colour and text stay crisp).
pub fn share_image_extension(hero: &HeroImage) -> &'static str {
    if hero.derived.is_some() {
        "jpg"
    } else {
        "png"
    }
}
