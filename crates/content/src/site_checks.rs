//! The site-wide files: the texts every article shows, and the checks of `site.toml` and `tips.toml`.

use super::error::ContentError;
use super::front_matter::{BlockMatter, SiteFile, TipsFile};
use super::markdown;
use super::stored::SiteBlocks;
use nv_model::content::{DailyTip, NewsletterCta, TextBlock, STATIC_PAGES};
use std::collections::HashSet;
use std::path::Path;

/// The texts of `site` every article shows.
pub(super) fn site_blocks(site: &SiteFile) -> SiteBlocks {
    let block = |id: String, block: &BlockMatter| TextBlock {
        id,
        title: block.title.clone(),
        text: block.text.clone(),
        link: block_link(block),
    };
    SiteBlocks {
        editorial: site
            .editorial
            .iter()
            .map(|editorial| block(markdown::slugify(&editorial.title), editorial))
            .collect(),
        affiliate: block("affiliate-disclosure".into(), &site.disclosures.affiliate),
        medical: block("medical-disclaimer".into(), &site.disclosures.medical),
        newsletter: NewsletterCta { heading: site.newsletter.heading.clone(), text: site.newsletter.text.clone() },
    }
}

pub(super) fn block_link(block: &BlockMatter) -> Option<(String, String)> {
    Some((block.link.clone()?, block.link_text.clone().unwrap_or_else(|| "Read more".to_string())))
}

pub(super) fn check_site(path: &Path, site: &SiteFile, errors: &mut Vec<ContentError>) {
    let blocks = site.editorial.iter().chain([&site.disclosures.affiliate, &site.disclosures.medical]);
    for (i, block) in blocks.enumerate() {
        let internal_page =
            |link: &str| link == "/" || STATIC_PAGES.iter().any(|slug| link == nv_model::urls::static_page_path(slug));
        if let Some(link) = block.link.as_deref().filter(|link| !internal_page(link)) {
            errors.push(ContentError::new(
                path,
                format!("block {} (`{}`).link", i + 1, block.title),
                format!("`{link}` is not one of the site pages (/{})", STATIC_PAGES.join(", /")),
            ));
        }
    }
    if site.editorial.is_empty() {
        errors.push(ContentError::new(path, "editorial", "needs at least one section"));
    }
    if site.community.benefits.is_empty() {
        errors.push(ContentError::new(path, "community.benefits", "needs at least one benefit"));
    }
}

pub(super) fn check_tips(
    path: &Path,
    file: TipsFile,
    slugs: &HashSet<String>,
    errors: &mut Vec<ContentError>,
) -> Vec<DailyTip> {
    if file.tips.is_empty() {
        errors.push(ContentError::new(path, "tips", "needs at least one tip"));
    }
    for (i, tip) in file.tips.iter().enumerate() {
        // Every tip links to the article it comes from.
        let links_to_page = tip.link.strip_prefix("/articles/").is_some_and(|slug| slugs.contains(slug));
        if !links_to_page {
            errors.push(ContentError::new(
                path,
                format!("tips[{i}].link"),
                format!("`{}` is not `/articles/{{slug}}` of an existing article", tip.link),
            ));
        }
        if tip.text.trim().is_empty() || tip.category.trim().is_empty() {
            errors.push(ContentError::new(path, format!("tips[{i}]"), "text and category must not be empty"));
        }
    }
    file.tips.into_iter().map(|tip| DailyTip { category: tip.category, text: tip.text, link: tip.link }).collect()
}
