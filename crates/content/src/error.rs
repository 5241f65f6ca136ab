//! Content errors: each names the file, the field and the reason, so an editor can fix it.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found in the content folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentError {
    /// The file at fault.
    pub file: PathBuf,
    /// The field (or part) of the file at fault, e.g. `hero.src` or `body`.
    pub field: String,
    /// What is wrong and, where it helps, how to fix it.
    pub reason: String,
}

impl ContentError {
    /// Builds an error for `file`, `field` and `reason`.
    pub fn new(file: &Path, field: impl Into<String>, reason: impl Into<String>) -> Self {
        ContentError { file: file.to_path_buf(), field: field.into(), reason: reason.into() }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: field `{}`: {}", self.file.display(), self.field, self.reason)
    }
}

/// Every problem found while loading content (loading reports all of them, not just the first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentErrors(pub Vec<ContentError>);

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} content error(s):", self.0.len())?;
        for error in &self.0 {
            writeln!(f, "  {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ContentErrors {}

/// Turns a TOML parse error into a field name and a one-line reason.
pub fn toml_error(file: &Path, part: &str, error: &toml::de::Error) -> ContentError {
    let message = error.message().to_string();
    // serde names the field in messages like "missing field `title`" or "unknown field `x`".
    let field = message.split('`').nth(1).filter(|_| message.contains("field")).unwrap_or(part).to_string();
    let place = error.span().map(|span| format!(" (at byte {} of the {part})", span.start)).unwrap_or_default();
    ContentError::new(file, field, format!("{message}{place}"))
}
