//! Loading one article: its front matter checked field by field, its body rendered, its
//! citations linked, its overview and takeaways grounded in the body, its search entry made.

use super::citations::{link_citations, link_hosts};
use super::dates::Date;
use super::error::ContentError;
use super::files::parse_markdown;
use super::front_matter::{AuthorMatter, AuthorsFile, CategoriesFile, DateInput, FrontMatter, SiteFile};
use super::grounding::{extract_overview, split_sentences, term_counts, Grounded, PassageIndex};
use super::search::SearchDoc;
use super::stored::SiteBlocks;
use super::{markdown, reading, trust};
use nv_images::catalog::ImageCatalog;
use nv_model::content::{
    ArticleCard, ArticlePage, AuthorView, HeroImage, ReviewView, RevisionView, SourcedText, TocEntry,
};
use nv_model::images::{Focus, Shape};
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashSet;
use std::path::{Component, Path};

/// The files an article refers to.
pub(super) struct Known<'a> {
    pub(super) authors: &'a AuthorsFile,
    pub(super) categories: &'a CategoriesFile,
    pub(super) site: Option<&'a SiteFile>,
    pub(super) blocks: &'a SiteBlocks,
    pub(super) images: &'a ImageCatalog,
}

/// Loads one article; returns it with its draft flag.
pub(super) fn load_article(
    path: &Path,
    text: &str,
    known: &Known,
    named_slugs: &mut HashSet<String>,
    errors: &mut Vec<ContentError>,
    warnings: &mut Vec<ContentError>,
) -> Option<(ArticlePage, bool, SearchDoc)> {
    let (authors, site) = (known.authors, known.site);
    let (matter, body): (FrontMatter, &str) = parse_markdown(path, text, errors)?;
    named_slugs.insert(matter.slug.clone());
    let before = errors.len();
    let mut fail = |field: &str, reason: String| errors.push(ContentError::new(path, field, reason));

    if matter.slug.is_empty() || !matter.slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        fail("slug", format!("`{}` must be lowercase letters, digits and hyphens", matter.slug));
    }
    for (field, value) in [
        ("title", &matter.title),
        ("description", &matter.description),
        ("category", &matter.category),
        ("hero.alt", &matter.hero.alt),
    ] {
        if value.trim().is_empty() {
            fail(field, "must not be empty".to_string());
        }
    }
    if matter.summary.as_ref().is_some_and(|summary| summary.trim().is_empty()) {
        fail("summary", "is empty: write one, or remove the field to quote one from the body".to_string());
    }
    if matter.description.chars().count() > 200 {
        fail("description", "is over 200 characters; search results cut it off".to_string());
    }
    let author = authors.get(&matter.author);
    if author.is_none() {
        fail("author", format!("`{}` is not a key in authors.toml", matter.author));
    }
    let category = known.categories.get(&matter.category);
    if category.is_none() {
        let keys: Vec<&str> = known.categories.keys().map(String::as_str).collect();
        fail("category", format!("`{}` is not a key in categories.toml ({})", matter.category, keys.join(", ")));
    }
    for (field, reason) in trust::reviewer_problems(&matter, authors) {
        fail(&field, reason);
    }
    let mut date = |field: &str, input: &DateInput| match Date::parse(&input.as_text()) {
        Ok(date) => Some(date),
        Err(error) => {
            fail(field, error.to_string());
            None
        }
    };
    let published = date("published", &matter.published);
    let updated = date("updated", &matter.updated);
    let last_reviewed = matter.last_reviewed.as_ref().and_then(|input| date("last_reviewed", input));
    let review_by = matter.review_by.as_ref().and_then(|input| date("review_by", input));
    let revision_dates: Vec<Option<Date>> = matter
        .revisions
        .iter()
        .enumerate()
        .map(|(i, revision)| date(&format!("revisions[{i}].date"), &revision.date))
        .collect();
    if let (Some(published), Some(updated)) = (published, updated) {
        if updated < published {
            fail("updated", format!("{updated} is before published ({published})"));
        }
    }
    if matter.revisions.is_empty() {
        fail("revisions", "needs at least one entry (the initial publication)".to_string());
    }
    let dated: Vec<Date> = revision_dates.iter().flatten().copied().collect();
    if dated.windows(2).any(|pair| pair[0] < pair[1]) {
        fail("revisions", "must be listed newest first".to_string());
    }
    if let (Some(newest), Some(updated)) = (dated.first(), updated) {
        if *newest > updated {
            fail("revisions[0].date", format!("{newest} is after `updated` ({updated})"));
        }
    }
    if matter.key_takeaways.is_empty() || matter.key_takeaways.iter().any(|t| t.trim().is_empty()) {
        fail("key_takeaways", "needs at least one takeaway, none empty".to_string());
    }
    let focus = matter.hero.focus.as_deref().map_or(Ok(Focus::CENTER), Focus::named);
    let hero = match (check_hero_path(&matter.hero.src), matter.hero.width.zip(matter.hero.height), focus) {
        (Err(reason), _, _) => Err(("hero.src", reason)),
        (_, _, Err(reason)) => Err(("hero.focus", reason)),
        (Ok(()), Some((0, _) | (_, 0)), _) => Err(("hero.width", "width and height must be above zero".to_string())),
        (Ok(()), size, Ok(focus)) => known
            .images
            .image(&matter.hero.src, &matter.hero.alt, size, Shape::Banner(focus))
            .map_err(|reason| ("hero.src", reason)),
    };
    let hero = match hero {
        Ok(hero) => {
            warnings.extend(image_advice(path, "hero.src", &hero, HERO_MIN_WIDTH, known.images));
            Some(hero)
        }
        Err((field, reason)) => {
            fail(field, reason);
            None
        }
    };
    if let (Some(reviewed), Some(due)) = (last_reviewed, review_by) {
        if due <= reviewed {
            fail("review_by", format!("{due} must be after last_reviewed ({reviewed})"));
        }
    }
    let rendered = match markdown::render_with_images(body, known.images) {
        Ok(rendered) => Some(rendered),
        Err(problems) => {
            for problem in problems {
                fail("body", problem);
            }
            None
        }
    };
    let mut sources = Vec::new();
    let mut body_html = String::new();
    let mut has_affiliate_links = false;
    if let Some(rendered) = &rendered {
        match link_citations(&rendered.html, matter.sources.len()) {
            Ok(linked) => {
                body_html = linked.html;
                match trust::source_views(&matter.sources, linked.citations) {
                    Ok(views) => sources = views,
                    Err(problems) => problems.into_iter().for_each(|(field, reason)| fail(&field, reason)),
                }
            }
            Err(problems) => problems.into_iter().for_each(|problem| fail("body", problem)),
        }
        let affiliate_hosts = site.map(|site| site.affiliate_hosts.as_slice()).unwrap_or_default();
        has_affiliate_links =
            link_hosts(&rendered.html).iter().any(|host| trust::is_affiliate_host(host, affiliate_hosts));
        if let Some(category) = category {
            for (field, reason) in trust::rule_violations(&matter, category, author, has_affiliate_links) {
                fail(&field, reason);
            }
        }
    }

    // Grounding the overview and indexing for search both need each paragraph's stemmed words:
    // counted once, here.
    let stemmer = Stemmer::create(Algorithm::English);
    let paragraph_terms: Vec<super::grounding::FastMap<String, f64>> = rendered
        .as_ref()
        .map(|rendered| rendered.paragraphs.iter().map(|p| term_counts(&stemmer, &p.text)).collect())
        .unwrap_or_default();
    let search_doc = rendered.as_ref().map(|rendered| {
        let mut summary_texts: Vec<&str> = vec![matter.description.as_str()];
        summary_texts.extend(matter.summary.as_deref());
        summary_texts.extend(matter.key_takeaways.iter().map(String::as_str));
        SearchDoc::with_paragraph_terms(
            &matter.slug,
            &matter.title,
            &summary_texts,
            &rendered.paragraphs,
            &rendered.loose,
            &paragraph_terms,
        )
    });
    let (overview, takeaways) = match &rendered {
        Some(rendered) => ground(path, &matter, rendered, paragraph_terms, errors, warnings),
        None => (Vec::new(), Vec::new()),
    };
    if errors.len() > before {
        return None;
    }
    let (author, _site, published, updated, rendered, category, search_doc, hero) =
        (author?, site?, published?, updated?, rendered?, category?, search_doc?, hero?);
    for image in &rendered.images {
        warnings.extend(image_advice(path, "body", image, BODY_MIN_WIDTH, known.images));
    }
    let images = std::iter::once(&hero)
        .chain(&rendered.images)
        .map(|image| {
            let src = image.src.trim_start_matches('/');
            (src.to_string(), known.images.key_of(src).unwrap_or_default().to_string())
        })
        .collect();
    let review = matter.reviewed_by.as_ref().and_then(|key| {
        Some(ReviewView { reviewer: author_view(key, authors.get(key)?), last_reviewed: last_reviewed?.view() })
    });
    let toc = rendered
        .headings
        .iter()
        .filter(|heading| heading.level == 2)
        .map(|heading| TocEntry { id: heading.id.clone(), title: heading.text.clone() })
        .collect();
    let draft = matter.draft;
    let disclosures = known.blocks.disclosures(matter.disclosures.affiliate, matter.disclosures.medical);
    let page = ArticlePage {
        canonical_url: String::new(),
        share_image_url: String::new(),
        json_ld: String::new(),
        slug: matter.slug,
        title: matter.title,
        description: matter.description,
        category: matter.category,
        category_name: category.name.clone(),
        tags: matter.tags,
        review,
        review_by: review_by.map(Date::view),
        due_for_review: false,
        unpublished_note: None,
        has_affiliate_links,
        sources,
        toc,
        related: Vec::new(),
        hero,
        images,
        author: author_view(&matter.author, author),
        published: published.view(),
        updated: updated.view(),
        reading_minutes: reading::reading_minutes(rendered.word_count),
        overview_generated: matter.summary.is_none(),
        overview,
        key_takeaways: takeaways,
        body_html,
        editorial: known.blocks.editorial.clone(),
        disclosures,
        revisions: matter
            .revisions
            .into_iter()
            .zip(revision_dates)
            .filter_map(|(revision, date)| Some(RevisionView { date: date?.view(), note: revision.note }))
            .collect(),
        newsletter: known.blocks.newsletter.clone(),
    };
    Some((page, draft, search_doc))
}

/// Links the overview's sentences to paragraphs and the takeaways to sections; quotes an
/// overview from the body when the front matter has no summary. `paragraph_terms` are the
/// paragraphs' [`term_counts`].
pub(super) fn ground(
    path: &Path,
    matter: &FrontMatter,
    body: &markdown::RenderedBody,
    paragraph_terms: Vec<super::grounding::FastMap<String, f64>>,
    errors: &mut Vec<ContentError>,
    warnings: &mut Vec<ContentError>,
) -> (Vec<SourcedText>, Vec<SourcedText>) {
    let overview = match &matter.summary {
        Some(summary) => {
            PassageIndex::with_term_counts(&body.paragraphs, paragraph_terms).ground(&split_sentences(summary))
        }
        None => extract_overview(&body.paragraphs, 3),
    };
    if overview.is_empty() {
        errors.push(ContentError::new(
            path,
            "summary",
            "is missing and the body has too few full sentences to quote an overview from",
        ));
    }
    let takeaways = PassageIndex::new(&body.sections).ground(&matter.key_takeaways);
    let mut sourced = |field: &str, grounded: Vec<Grounded>| -> Vec<SourcedText> {
        grounded
            .into_iter()
            .map(|item| {
                if item.source_id.is_none() {
                    warnings.push(ContentError::new(
                        path,
                        field,
                        format!("no part of the body supports \"{}\"", item.text),
                    ));
                }
                SourcedText { text: item.text, source_id: item.source_id }
            })
            .collect()
    };
    (sourced("summary", overview), sourced("key_takeaways", takeaways))
}

/// Hero images live under `images/` in the content folder.
pub(super) fn check_hero_path(src: &str) -> Result<(), String> {
    let relative = Path::new(src);
    let inside_images =
        relative.starts_with("images") && relative.components().all(|part| matches!(part, Component::Normal(_)));
    if !inside_images {
        return Err(format!("`{src}` must be a path under `images/` in the content folder"));
    }
    Ok(())
}

/// Narrowest hero photo that stays sharp: the article column on a large screen at 2× density,
/// and the 1200-pixel share card.
const HERO_MIN_WIDTH: u32 = 1200;
/// Narrowest photo in a body that stays sharp on a phone at 2×.
const BODY_MIN_WIDTH: u32 = 800;
/// A photo file larger than this is more than any camera needs to give (warned, still served).
const LARGE_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// What `server check` says about a usable photo: too small for where it is shown, or a file
/// far larger than it needs to be.
fn image_advice(
    path: &Path,
    field: &str,
    image: &HeroImage,
    min_width: u32,
    catalog: &ImageCatalog,
) -> Vec<ContentError> {
    let mut advice = Vec::new();
    if image.derived.is_none() {
        return advice;
    }
    if image.width < min_width {
        advice.push(ContentError::new(
            path,
            field,
            format!(
                "`{}` is {} pixels wide; it shows blurred on large or sharp screens: use one at least {min_width} wide",
                image.src.trim_start_matches('/'),
                image.width
            ),
        ));
    }
    let len = catalog.get(&image.src).map_or(0, |entry| entry.len);
    if len > LARGE_FILE_BYTES {
        advice.push(ContentError::new(
            path,
            field,
            format!(
                "`{}` is {} MB; readers get small copies, but a file this large is slow to process: export it at most 20 MB",
                image.src.trim_start_matches('/'),
                len / (1024 * 1024)
            ),
        ));
    }
    advice
}

pub(super) fn author_view(key: &str, author: &AuthorMatter) -> AuthorView {
    AuthorView {
        id: key.to_string(),
        name: author.name.clone(),
        credentials: author.credentials.clone(),
        bio: author.bio.clone(),
        initial: author.avatar_initial.clone(),
    }
}

pub(super) fn card_of(page: &ArticlePage) -> ArticleCard {
    ArticleCard {
        slug: page.slug.clone(),
        title: page.title.clone(),
        description: page.description.clone(),
        category: page.category.clone(),
        category_name: page.category_name.clone(),
        tags: page.tags.clone(),
        hero: page.hero.clone(),
        author_id: page.author.id.clone(),
        author_name: page.author.name.clone(),
        published: page.published.clone(),
        updated: page.updated.clone(),
        reading_minutes: page.reading_minutes,
    }
}
