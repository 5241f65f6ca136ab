//! The editors' side of the newsletter in `content/`: one optional note per issue in
//! `content/newsletter/{YYYY}-W{WW}.md`, and the sender's name and postal address under
//! `[mail]` in `site.toml`. Read from disk when an issue is composed (so an edited note counts
//! without a restart) and checked by `server check` and at start-up.

use crate::error::{toml_error, ContentError};
use crate::front_matter::split_front_matter;
use crate::markdown;
use crate::store::ContentStore;
use crate::week::IsoWeek;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Front matter of an editor's note.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteMatter {
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    preheader: Option<String>,
    #[serde(default)]
    featured: Vec<String>,
    #[serde(default)]
    skip: bool,
}

/// An editor's note for one week's issue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditorNote {
    /// Subject line (required unless `skip`).
    pub subject: String,
    /// The preview line mail clients show after the subject.
    pub preheader: Option<String>,
    /// Article slugs to lead the issue with, in order.
    pub featured: Vec<String>,
    /// `skip = true`: nothing is sent that week.
    pub skip: bool,
    /// The body rendered to sanitised HTML (the intro).
    pub intro_html: String,
    /// The body as plain text for the text part (the Markdown source reads well as text).
    pub intro_text: String,
}

/// `[mail]` in site.toml: who the newsletter is from and the postal address the law asks for.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MailIdentity {
    /// The sender's display name, e.g. "NourishVibes".
    pub sender_name: String,
    /// The postal address printed in every issue's footer.
    pub postal_address: String,
}

/// Only the `[mail]` table of site.toml; the rest is the content store's.
#[derive(Deserialize)]
struct SiteMail {
    mail: Option<MailIdentity>,
}

/// Reads `[mail]` from `content_dir/site.toml`.
pub fn mail_identity(content_dir: &Path) -> Result<MailIdentity, ContentError> {
    let path = content_dir.join("site.toml");
    let text = std::fs::read_to_string(&path).map_err(|error| ContentError::new(&path, "file", error.to_string()))?;
    let site: SiteMail = toml::from_str(&text).map_err(|error| toml_error(&path, "mail", &error))?;
    let mail = site.mail.ok_or_else(|| {
        ContentError::new(
            &path,
            "mail",
            "add a [mail] table with sender_name and postal_address (printed in every newsletter)",
        )
    })?;
    if mail.sender_name.trim().is_empty() {
        return Err(ContentError::new(&path, "mail.sender_name", "must not be empty"));
    }
    if mail.postal_address.trim().is_empty() {
        return Err(ContentError::new(&path, "mail.postal_address", "must not be empty (anti-spam laws require it)"));
    }
    Ok(mail)
}

/// Every note under `content_dir/newsletter/`, by week; all problems if any file is wrong.
/// `content` is the loaded site, for checking the `featured` slugs.
pub fn load_notes(
    content_dir: &Path,
    content: &ContentStore,
) -> Result<BTreeMap<IsoWeek, EditorNote>, Vec<ContentError>> {
    let dir = content_dir.join("newsletter");
    let mut notes = BTreeMap::new();
    let mut errors = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(notes),
        Err(error) => return Err(vec![ContentError::new(&dir, "folder", error.to_string())]),
    };
    let mut paths: Vec<_> = entries.filter_map(|entry| entry.ok().map(|entry| entry.path())).collect();
    paths.sort();
    for path in paths {
        if path.extension().is_none_or(|extension| extension != "md") {
            continue;
        }
        let stem = path.file_stem().and_then(|stem| stem.to_str()).unwrap_or_default();
        let Some(week) = IsoWeek::parse(stem).filter(|week| week.to_string() == stem) else {
            errors.push(ContentError::new(&path, "file name", "must be the issue's ISO week, e.g. 2026-W48.md"));
            continue;
        };
        match read_note(&path, content) {
            Ok(note) => {
                notes.insert(week, note);
            }
            Err(mut problems) => errors.append(&mut problems),
        }
    }
    if errors.is_empty() {
        Ok(notes)
    } else {
        Err(errors)
    }
}

/// One note, checked.
fn read_note(path: &Path, content: &ContentStore) -> Result<EditorNote, Vec<ContentError>> {
    let text =
        std::fs::read_to_string(path).map_err(|error| vec![ContentError::new(path, "file", error.to_string())])?;
    let (front, body) =
        split_front_matter(&text).map_err(|reason| vec![ContentError::new(path, "front matter", reason)])?;
    let matter: NoteMatter = toml::from_str(front).map_err(|error| vec![toml_error(path, "front matter", &error)])?;
    let mut errors = Vec::new();
    let subject = matter.subject.unwrap_or_default().trim().to_string();
    if subject.is_empty() && !matter.skip {
        errors.push(ContentError::new(path, "subject", "is required (or set skip = true to send nothing that week)"));
    }
    if subject.chars().count() > 150 {
        errors.push(ContentError::new(path, "subject", "is longer than 150 characters; mail clients cut it"));
    }
    for slug in &matter.featured {
        if content.article_page(slug).is_none() {
            errors.push(ContentError::new(path, "featured", format!("no article has the slug `{slug}`")));
        }
    }
    let intro_html = match markdown::render(body) {
        Ok(rendered) => rendered.html,
        Err(problems) => {
            errors.extend(problems.into_iter().map(|problem| ContentError::new(path, "body", problem)));
            String::new()
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(EditorNote {
        subject,
        preheader: matter.preheader.map(|text| text.trim().to_string()).filter(|text| !text.is_empty()),
        featured: matter.featured,
        skip: matter.skip,
        intro_html,
        intro_text: body.trim().to_string(),
    })
}

/// `server check`'s newsletter part: the notes and `[mail]`, every problem found.
pub fn check(content_dir: &Path, content: &ContentStore) -> Result<usize, Vec<ContentError>> {
    let mut errors = Vec::new();
    if let Err(error) = mail_identity(content_dir) {
        errors.push(error);
    }
    match load_notes(content_dir, content) {
        Ok(notes) if errors.is_empty() => Ok(notes.len()),
        Ok(_) => Err(errors),
        Err(mut problems) => {
            errors.append(&mut problems);
            Err(errors)
        }
    }
}
