//! The TOML files editors write: article front matter, authors, tips and site-wide texts.

use serde::Deserialize;
use std::collections::BTreeMap;

/// A date written either as a TOML date (`2026-02-15`) or a string (`"2026-02-15"`).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum DateInput {
    /// A bare TOML date or datetime.
    Toml(toml::value::Datetime),
    /// A quoted string.
    Text(String),
}

impl DateInput {
    /// The date as text, to be parsed and checked by [`super::dates::Date::parse`].
    pub fn as_text(&self) -> String {
        match self {
            DateInput::Toml(datetime) => datetime.to_string(),
            DateInput::Text(text) => text.clone(),
        }
    }
}

/// The `+++` block at the top of `content/articles/*.md`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// URL slug, lowercase letters, digits and hyphens.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// Meta description, one or two sentences.
    pub description: String,
    /// Key into `categories.toml`, e.g. "supplements".
    pub category: String,
    /// Topic tags (related articles share them).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Key into `authors.toml`.
    pub author: String,
    /// Medical reviewer: a key into `authors.toml` marked `reviewer = true`.
    #[serde(default)]
    pub reviewed_by: Option<String>,
    /// When the reviewer last reviewed it (required with `reviewed_by`).
    #[serde(default)]
    pub last_reviewed: Option<DateInput>,
    /// After this date the page says it is due for review.
    #[serde(default)]
    pub review_by: Option<DateInput>,
    /// Not shown, listed, fed or mapped in production.
    #[serde(default)]
    pub draft: bool,
    /// First publication date.
    pub published: DateInput,
    /// Last update date.
    pub updated: DateInput,
    /// The "Quick Summary / AI Overview" text; without it, one is quoted from the body.
    #[serde(default)]
    pub summary: Option<String>,
    /// Key takeaways.
    pub key_takeaways: Vec<String>,
    /// Lead image.
    pub hero: HeroMatter,
    /// Which disclosures the article needs.
    #[serde(default)]
    pub disclosures: DisclosureFlags,
    /// Revision history, newest first.
    pub revisions: Vec<RevisionMatter>,
    /// Numbered sources, cited in the body as `[^1]`, `[^2]`…
    #[serde(default)]
    pub sources: Vec<SourceMatter>,
}

/// `[[sources]]` in front matter.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceMatter {
    /// Title of the paper, guideline or page.
    pub title: String,
    /// Journal or organisation.
    pub publisher: String,
    /// Year of publication (or of the version cited).
    pub year: u16,
    /// Where to read it (one of `url` or `doi`).
    #[serde(default)]
    pub url: Option<String>,
    /// DOI, linked through doi.org.
    #[serde(default)]
    pub doi: Option<String>,
    /// The kind of evidence.
    pub kind: EvidenceKind,
}

/// How strong a kind of evidence a source is.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// Pooled analysis of several studies.
    MetaAnalysis,
    /// Systematic review.
    SystematicReview,
    /// Randomised controlled trial.
    Rct,
    /// Cohort (observational) study.
    Cohort,
    /// Narrative review.
    Review,
    /// Clinical or public-health guideline.
    Guideline,
    /// Fact sheet from a public body.
    FactSheet,
}

impl EvidenceKind {
    /// The label shown next to the source.
    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::MetaAnalysis => "Meta-analysis",
            EvidenceKind::SystematicReview => "Systematic review",
            EvidenceKind::Rct => "Randomized controlled trial",
            EvidenceKind::Cohort => "Cohort study",
            EvidenceKind::Review => "Review",
            EvidenceKind::Guideline => "Guideline",
            EvidenceKind::FactSheet => "Fact sheet",
        }
    }
}

/// One topic in `content/categories.toml` (a table per category key).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryMatter {
    /// Display name, e.g. "Gut Health".
    pub name: String,
    /// One sentence for the topic page.
    pub description: String,
    /// Health advice: articles need the medical disclaimer, a reviewer or credentialed
    /// author, and at least two sources.
    #[serde(default)]
    pub health: bool,
}

/// `content/categories.toml`: category key → category, in file order.
pub type CategoriesFile = BTreeMap<String, CategoryMatter>;

/// The `+++` block of `content/pages/*.md` (about, privacy, editorial standards).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMatter {
    /// URL path segment: the page is served at `/{slug}`.
    pub slug: String,
    /// Page heading and title.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Last change.
    pub updated: DateInput,
}

/// `[hero]` in front matter.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeroMatter {
    /// Path relative to the content folder, under `images/`.
    pub src: String,
    /// Alternative text.
    pub alt: String,
    /// Width in pixels: only for an SVG that declares no size (a photo's is read from the file).
    #[serde(default)]
    pub width: Option<u32>,
    /// Height in pixels, with `width`.
    #[serde(default)]
    pub height: Option<u32>,
    /// Which part of a photo the hero box keeps (`"top"`, `"bottom left"`, …; the middle when
    /// unset): see [`nv_model::images::Focus::named`].
    #[serde(default)]
    pub focus: Option<String>,
}

/// `[disclosures]` in front matter.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureFlags {
    /// The article links to products we may earn from.
    #[serde(default)]
    pub affiliate: bool,
    /// The article gives health information (shows the medical disclaimer).
    #[serde(default)]
    pub medical: bool,
}

/// `[[revisions]]` in front matter.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionMatter {
    /// When.
    pub date: DateInput,
    /// What changed.
    pub note: String,
}

/// One author in `content/authors.toml` (a table per author key).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorMatter {
    /// Display name.
    pub name: String,
    /// Degrees and certifications.
    pub credentials: String,
    /// Short biography.
    pub bio: String,
    /// The single letter in the avatar circle.
    pub avatar_initial: String,
    /// May be named in `reviewed_by` (a medical reviewer).
    #[serde(default)]
    pub reviewer: bool,
}

/// `content/authors.toml`: author key → author.
pub type AuthorsFile = BTreeMap<String, AuthorMatter>;

/// `content/tips.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TipsFile {
    /// The rotation of daily tips.
    pub tips: Vec<TipMatter>,
}

/// One daily tip.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TipMatter {
    /// e.g. "Nutrition".
    pub category: String,
    /// The tip.
    pub text: String,
    /// Internal path "Learn More" goes to.
    pub link: String,
}

/// `content/site.toml`: texts shown on every article or page.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    /// Inline newsletter call to action.
    pub newsletter: CtaMatter,
    /// Footer community block.
    pub community: CommunityMatter,
    /// Editorial sections shown on every article, in order.
    pub editorial: Vec<BlockMatter>,
    /// Disclosures, shown according to each article's flags.
    pub disclosures: DisclosureTexts,
    /// Link hosts that make a link an affiliate link (the article then needs the disclosure).
    #[serde(default)]
    pub affiliate_hosts: Vec<String>,
    /// `[mail]`: the newsletter's sender name and postal address. Read and checked by
    /// `newsletter::server::weekly::notes` (issue 14); kept opaque here.
    #[serde(default)]
    pub mail: Option<toml::Table>,
}

/// `[newsletter]` in site.toml.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CtaMatter {
    /// Heading.
    pub heading: String,
    /// Line under the heading.
    pub text: String,
}

/// `[community]` in site.toml.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityMatter {
    /// Heading.
    pub heading: String,
    /// Paragraph.
    pub text: String,
    /// Privacy line.
    pub privacy: String,
    /// Benefit lines.
    pub benefits: Vec<String>,
}

/// A titled paragraph in site.toml.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockMatter {
    /// Heading or label.
    pub title: String,
    /// Paragraph.
    pub text: String,
    /// Internal path of a page that says more, e.g. `/editorial-standards`.
    #[serde(default)]
    pub link: Option<String>,
    /// Text of that link.
    #[serde(default)]
    pub link_text: Option<String>,
}

/// `[disclosures]` in site.toml.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureTexts {
    /// Shown when an article sets `affiliate = true`.
    pub affiliate: BlockMatter,
    /// Shown when an article sets `medical = true`.
    pub medical: BlockMatter,
}

/// Splits a Markdown file into its `+++` TOML front matter and its body.
pub fn split_front_matter(file_text: &str) -> Result<(&str, &str), String> {
    let text = file_text.strip_prefix('\u{feff}').unwrap_or(file_text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
        .ok_or("the file must start with a `+++` line opening the TOML front matter")?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Ok((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err("no closing `+++` line ends the front matter".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_from_body() {
        let (front, body) = split_front_matter("+++\ntitle = \"A\"\n+++\n\nBody text\n").unwrap();
        assert_eq!(front, "title = \"A\"\n");
        assert_eq!(body, "\nBody text\n");
    }

    #[test]
    fn reports_missing_fences() {
        assert!(split_front_matter("title = 1\n").unwrap_err().contains("must start with"));
        assert!(split_front_matter("+++\ntitle = 1\n").unwrap_err().contains("closing"));
    }

    #[test]
    fn accepts_dates_as_toml_dates_or_strings() {
        #[derive(Deserialize)]
        struct Dates {
            a: DateInput,
            b: DateInput,
        }
        let dates: Dates = toml::from_str("a = 2026-02-15\nb = \"2026-02-24\"").unwrap();
        assert_eq!(dates.a.as_text(), "2026-02-15");
        assert_eq!(dates.b.as_text(), "2026-02-24");
    }
}
