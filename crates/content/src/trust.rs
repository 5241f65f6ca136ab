//! Trust metadata: reviewers, review dates, numbered sources and the per-category content rules.

use super::front_matter::{AuthorMatter, AuthorsFile, CategoryMatter, FrontMatter, SourceMatter};
use nv_model::content::SourceView;

/// Minimum number of sources for an article in a health category.
pub const MIN_HEALTH_SOURCES: usize = 2;

/// The content rules an article breaks, as (field, "rule `name`: reason"). `affiliate_link` is
/// true when the body links to an affiliate host.
pub fn rule_violations(
    matter: &FrontMatter,
    category: &CategoryMatter,
    author: Option<&AuthorMatter>,
    affiliate_link: bool,
) -> Vec<(String, String)> {
    let mut broken = Vec::new();
    let mut rule =
        |field: &str, name: &str, reason: String| broken.push((field.to_string(), format!("rule `{name}`: {reason}")));
    if category.health {
        if !matter.disclosures.medical {
            rule(
                "disclosures.medical",
                "health-disclaimer",
                format!(
                    "articles in the health category `{}` must show the medical disclaimer (set medical = true)",
                    matter.category
                ),
            );
        }
        let credentialed = author.is_some_and(|author| !author.credentials.trim().is_empty());
        if matter.reviewed_by.is_none() && !credentialed {
            rule(
                "reviewed_by",
                "health-expert",
                format!("articles in `{}` need a medical reviewer or an author with credentials", matter.category),
            );
        }
        if matter.sources.len() < MIN_HEALTH_SOURCES {
            rule(
                "sources",
                "health-sources",
                format!(
                    "articles in `{}` need at least {MIN_HEALTH_SOURCES} sources; this one lists {}",
                    matter.category,
                    matter.sources.len()
                ),
            );
        }
    }
    if affiliate_link && !matter.disclosures.affiliate {
        rule(
            "disclosures.affiliate",
            "affiliate-disclosure",
            "the body links to an affiliate site, so the affiliate disclosure must be shown before it (set affiliate = true)".into(),
        );
    }
    broken
}

/// Problems with `reviewed_by` (must be a reviewer in authors.toml, not the author).
pub fn reviewer_problems(matter: &FrontMatter, authors: &AuthorsFile) -> Vec<(String, String)> {
    let Some(key) = &matter.reviewed_by else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    match authors.get(key) {
        None => problems.push(("reviewed_by".into(), format!("`{key}` is not a key in authors.toml"))),
        Some(reviewer) if !reviewer.reviewer => {
            problems.push(("reviewed_by".into(), format!("`{key}` is not marked `reviewer = true` in authors.toml")))
        }
        Some(_) if *key == matter.author => {
            problems.push(("reviewed_by".into(), "the reviewer must be someone other than the author".into()))
        }
        Some(_) => {}
    }
    if matter.last_reviewed.is_none() {
        problems.push(("last_reviewed".into(), "is required when `reviewed_by` is set".into()));
    }
    problems
}

/// The numbered source list, or the problems of each source as (field, reason).
pub fn source_views(
    sources: &[SourceMatter],
    cited_at: Vec<Vec<String>>,
) -> Result<Vec<SourceView>, Vec<(String, String)>> {
    let mut problems = Vec::new();
    let mut views = Vec::new();
    for (i, (source, cited_at)) in sources.iter().zip(cited_at).enumerate() {
        let field = format!("sources[{i}]");
        if source.title.trim().is_empty() || source.publisher.trim().is_empty() {
            problems.push((field.clone(), "title and publisher must not be empty".into()));
        }
        let url = match (&source.url, &source.doi) {
            (Some(url), None) if url.starts_with("https://") => url.clone(),
            (Some(url), None) => {
                problems.push((format!("{field}.url"), format!("`{url}` must be an https:// address")));
                continue;
            }
            (None, Some(doi)) if doi.starts_with("10.") => format!("https://doi.org/{doi}"),
            (None, Some(doi)) => {
                problems.push((format!("{field}.doi"), format!("`{doi}` is not a DOI (they start with `10.`)")));
                continue;
            }
            _ => {
                problems.push((field, "needs exactly one of `url` or `doi`".into()));
                continue;
            }
        };
        if cited_at.is_empty() {
            problems.push((
                field.clone(),
                format!("source {} is never cited in the body (cite it as [^{}])", i + 1, i + 1),
            ));
        }
        views.push(SourceView {
            number: i + 1,
            title: source.title.clone(),
            publisher: source.publisher.clone(),
            year: source.year,
            url,
            kind: source.kind.label().to_string(),
            cited_at,
        });
    }
    if problems.is_empty() {
        Ok(views)
    } else {
        Err(problems)
    }
}

/// True when `host` is one of `affiliate_hosts` or a subdomain of one.
pub fn is_affiliate_host(host: &str, affiliate_hosts: &[String]) -> bool {
    affiliate_hosts.iter().any(|affiliate| host == affiliate || host.ends_with(&format!(".{affiliate}")))
}
