//! Reading the content folder's files: TOML, Markdown with `+++` front matter, the site pages.

use super::dates::Date;
use super::error::{toml_error, ContentError};
use super::front_matter::{split_front_matter, PageMatter};
use super::markdown;
use nv_model::content::{StaticPage, STATIC_PAGES};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub(super) fn read_toml<T: DeserializeOwned>(path: &Path, errors: &mut Vec<ContentError>) -> Option<T> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            errors.push(ContentError::new(path, "(file)", format!("cannot be read: {error}")));
            return None;
        }
    };
    toml::from_str(&text).map_err(|error| errors.push(toml_error(path, "file", &error))).ok()
}

/// Reads `content/pages/*.md`; every page in [`STATIC_PAGES`] must be there.
pub(super) fn load_static_pages(
    dir: &Path,
    site_url: &str,
    errors: &mut Vec<ContentError>,
) -> HashMap<String, StaticPage> {
    let mut pages = HashMap::new();
    for path in markdown_files(dir, errors) {
        let Some((matter, body)) = read_markdown_file::<PageMatter>(&path, errors) else {
            continue;
        };
        let updated = Date::parse(&matter.updated.as_text())
            .map_err(|error| errors.push(ContentError::new(&path, "updated", error.to_string())));
        let rendered = markdown::render(&body).map_err(|problems| {
            for problem in problems {
                errors.push(ContentError::new(&path, "body", problem));
            }
        });
        if let (Ok(updated), Ok(rendered)) = (updated, rendered) {
            let page = StaticPage {
                canonical_url: nv_model::urls::absolute(site_url, &nv_model::urls::static_page_path(&matter.slug)),
                slug: matter.slug.clone(),
                title: matter.title,
                description: matter.description,
                updated: updated.view(),
                body_html: rendered.html,
            };
            if pages.insert(matter.slug.clone(), page).is_some() {
                errors.push(ContentError::new(&path, "slug", format!("`{}` is used by another page", matter.slug)));
            }
        }
    }
    for required in STATIC_PAGES {
        if !pages.contains_key(required) && errors.iter().all(|error| !error.file.starts_with(dir)) {
            errors.push(ContentError::new(dir, "(folder)", format!("has no page with slug `{required}`")));
        }
    }
    pages
}

/// Reads a Markdown file and parses its `+++` front matter as `T`; returns it with the body.
pub(super) fn read_markdown_file<T: DeserializeOwned>(
    path: &Path,
    errors: &mut Vec<ContentError>,
) -> Option<(T, String)> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| errors.push(ContentError::new(path, "(file)", format!("cannot be read: {error}"))))
        .ok()?;
    let (matter, body) = parse_markdown(path, &text, errors)?;
    Some((matter, body.to_string()))
}

/// The front matter and body of `text`, the Markdown file at `path`.
pub(super) fn parse_markdown<'t, T: DeserializeOwned>(
    path: &Path,
    text: &'t str,
    errors: &mut Vec<ContentError>,
) -> Option<(T, &'t str)> {
    let (front, body) =
        split_front_matter(text).map_err(|reason| errors.push(ContentError::new(path, "front matter", reason))).ok()?;
    let matter = toml::from_str(front).map_err(|error| errors.push(toml_error(path, "front matter", &error))).ok()?;
    Some((matter, body))
}

pub(super) fn markdown_files(dir: &Path, errors: &mut Vec<ContentError>) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            errors.push(ContentError::new(dir, "(folder)", format!("cannot be read: {error}")));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    files.sort();
    if files.is_empty() {
        errors.push(ContentError::new(dir, "(folder)", "holds no `.md` files"));
    }
    files
}

/// The editors' search synonyms at `path` (`content/search/synonyms.toml`); none when the file
/// does not exist. Each mistake is an error with its line.
pub(super) fn read_synonyms(path: &Path, errors: &mut Vec<ContentError>) -> nv_search::Synonyms {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return nv_search::Synonyms::default(),
        Err(error) => {
            errors.push(ContentError::new(path, "file", format!("cannot be read: {error}")));
            return nv_search::Synonyms::default();
        }
    };
    nv_search::Synonyms::parse(&text).unwrap_or_else(|found| {
        errors.extend(
            found.into_iter().map(|error| ContentError::new(path, format!("line {}", error.line), error.reason)),
        );
        nv_search::Synonyms::default()
    })
}
