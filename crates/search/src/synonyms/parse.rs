//! Reading the editors' synonyms file, with every mistake reported at its line at once, so an
//! editor fixes the file in one go instead of one error per save.

use super::Synonyms;
use crate::forms;
use std::collections::HashMap;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A mistake in the synonyms file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynonymError {
    /// Where it is, counting from 1.
    pub line: usize,
    /// What is wrong, for an editor.
    pub reason: String,
}

impl std::fmt::Display for SynonymError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for SynonymError {}

impl Synonyms {
    /// Reads a synonyms file: `same`, a list of groups of words or phrases that mean the same,
    /// and `[shorthand]`, short forms and what each stands for. Every mistake is reported, in
    /// line order; the file is not used unless it has none.
    pub fn parse(text: &str) -> Result<Synonyms, Vec<SynonymError>> {
        let (root, syntax) = DeTable::parse_recoverable(text);
        let mut reader = Reader { text, errors: Vec::new(), seen: HashMap::new() };
        if !syntax.is_empty() {
            // What the parser recovered may be missing pieces: checking it would add errors
            // that are not there. The TOML comes first.
            for error in &syntax {
                let message = error.message().trim().replace('\n', "; ");
                reader.error(error.span().unwrap_or(0..0), format!("not valid TOML: {message}"));
            }
            return Err(reader.errors);
        }
        let (mut groups, mut shorthand) = (Vec::new(), Vec::new());
        for (key, value) in root.get_ref().iter() {
            match key.get_ref().as_ref() {
                "same" => groups = reader.same(value),
                "shorthand" => shorthand = reader.shorthand(value),
                other => reader
                    .error(key.span(), format!("unknown key `{other}`: the file has `same = [...]` and `[shorthand]`")),
            }
        }
        if reader.errors.is_empty() {
            Ok(Synonyms::from_parts(groups, shorthand))
        } else {
            // Keys are visited alphabetically, not in file order.
            reader.errors.sort_by_key(|error| error.line);
            Err(reader.errors)
        }
    }
}

/// The file being read and what was found wrong so far.
struct Reader<'t> {
    text: &'t str,
    errors: Vec<SynonymError>,
    /// Every phrase named so far → the line of its group or shorthand: a phrase belongs to one
    /// place only, or what it means would depend on which entry won.
    seen: HashMap<Vec<String>, usize>,
}

impl Reader<'_> {
    /// The line holding byte `at`.
    fn line(&self, at: usize) -> usize {
        let before = self.text.as_bytes().get(..at).unwrap_or(self.text.as_bytes());
        before.iter().filter(|&&byte| byte == b'\n').count() + 1
    }

    fn error(&mut self, span: Range<usize>, reason: String) {
        let line = self.line(span.start);
        self.errors.push(SynonymError { line, reason });
    }

    /// The groups of `same`, each phrase as its words.
    fn same(&mut self, value: &Spanned<DeValue>) -> Vec<Vec<Vec<String>>> {
        let DeValue::Array(groups) = value.get_ref() else {
            let reason = r#"`same` must be a list of groups, like same = [["fiber", "fibre"]]"#;
            self.error(value.span(), reason.into());
            return Vec::new();
        };
        groups.iter().filter_map(|group| self.group(group)).collect()
    }

    /// One group of `same`, if it is one.
    fn group(&mut self, group: &Spanned<DeValue>) -> Option<Vec<Vec<String>>> {
        let DeValue::Array(entries) = group.get_ref() else {
            let reason = r#"a group must be a list in brackets, like ["fiber", "fibre"]"#;
            self.error(group.span(), reason.into());
            return None;
        };
        match entries.len() {
            0 => {
                self.error(group.span(), "an empty group: list two or more words or phrases that mean the same".into())
            }
            1 => self.error(group.span(), "a group of one: add another word or phrase that means the same".into()),
            _ => {}
        }
        let line = self.line(group.span().start);
        let mut phrases: Vec<Vec<String>> = Vec::new();
        for entry in entries.iter() {
            let Some((text, phrase)) = self.phrase(entry, "each entry") else { continue };
            if phrases.contains(&phrase) {
                self.error(entry.span(), format!("\"{text}\" is named twice in this group"));
                continue;
            }
            if self.claim(&phrase, line, entry.span(), &text) {
                phrases.push(phrase);
            }
        }
        (phrases.len() >= 2).then_some(phrases)
    }

    /// The shorthand table: each short form and the phrase it stands for.
    fn shorthand(&mut self, value: &Spanned<DeValue>) -> Vec<(Vec<String>, Vec<String>)> {
        let DeValue::Table(table) = value.get_ref() else {
            let reason = r#"`shorthand` must be a table: a line [shorthand], then lines like vit = "vitamin""#;
            self.error(value.span(), reason.into());
            return Vec::new();
        };
        let mut found = Vec::new();
        // The table comes sorted by key; in file order, a repeat is reported where it repeats.
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(key, _)| key.span().start);
        for (key, value) in entries {
            let short_text = key.get_ref().as_ref();
            let short = forms::words(short_text);
            if short.is_empty() {
                self.error(
                    key.span(),
                    format!("the shorthand \"{short_text}\" has no words, only spaces or punctuation"),
                );
                continue;
            }
            let what = format!("the shorthand `{short_text}`");
            let Some((_, long)) = self.phrase(value, &what) else { continue };
            if long == short {
                self.error(key.span(), format!("{what} stands for itself"));
                continue;
            }
            let line = self.line(key.span().start);
            if self.claim(&short, line, key.span(), short_text) {
                found.push((short, long));
            }
        }
        found
    }

    /// The words of a quoted word or phrase (`what` names it in errors), with its text.
    fn phrase(&mut self, value: &Spanned<DeValue>, what: &str) -> Option<(String, Vec<String>)> {
        let DeValue::String(text) = value.get_ref() else {
            self.error(value.span(), format!("{what} must be a word or phrase in quotes"));
            return None;
        };
        let words = forms::words(text);
        if words.is_empty() {
            let reason = if text.trim().is_empty() {
                format!("{what} is empty: write a word or phrase")
            } else {
                format!("{what}, \"{text}\", has no words, only punctuation")
            };
            self.error(value.span(), reason);
            return None;
        }
        Some((text.to_string(), words))
    }

    /// Records that `phrase` belongs to the entry on `line`; false, with an error at `span`,
    /// when another entry already has it.
    fn claim(&mut self, phrase: &[String], line: usize, span: Range<usize>, text: &str) -> bool {
        if let Some(&first) = self.seen.get(phrase) {
            let reason = if first == line {
                format!("\"{text}\" is named twice on this line")
            } else {
                format!("\"{text}\" is already on line {first}: a word or phrase belongs to one entry only")
            };
            self.error(span, reason);
            return false;
        }
        self.seen.insert(phrase.to_vec(), line);
        true
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
