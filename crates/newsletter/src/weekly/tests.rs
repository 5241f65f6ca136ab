//! Composition from the repository's content (copied, so notes can be added per test).

use super::*;
use nv_content::dates::Date;
use std::path::Path;

/// A copy of `content/` with `notes` (file name, text) under `newsletter/`.
fn content_with(notes: &[(&str, &str)]) -> (tempfile::TempDir, ContentStore) {
    let dir = tempfile::tempdir().unwrap();
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content"), dir.path());
    std::fs::create_dir_all(dir.path().join("newsletter")).unwrap();
    for (name, text) in notes {
        std::fs::write(dir.path().join("newsletter").join(name), text).unwrap();
    }
    let store = ContentStore::load(dir.path(), "https://nv.test").unwrap();
    (dir, store)
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn settings(dir: &Path) -> WeeklySettings {
    WeeklySettings {
        content_dir: dir.to_path_buf(),
        site_url: "https://nv.test".into(),
        schedule: None,
        send_time: Schedule::default(),
    }
}

fn week(text: &str) -> IsoWeek {
    IsoWeek::parse(text).unwrap()
}

#[test]
fn an_issue_carries_the_week_s_articles_tips_and_absolute_links() {
    // Two articles were published on Monday 2026-05-11; the issue of the next Monday has them.
    let (dir, content) = content_with(&[]);
    let rendered = prepare(&settings(dir.path()), &content, week("2026-W21"), false).unwrap();
    let issue = &rendered.issue;
    assert_eq!(issue.send_date, Date::parse("2026-05-18").unwrap());
    assert!(!issue.from_archive);
    let urls: Vec<&str> = issue.articles.iter().map(|article| article.url.as_str()).collect();
    assert_eq!(urls.len(), 2, "{urls:?}");
    assert!(urls.contains(&"https://nv.test/articles/caffeine-alcohol-and-sleep"));
    assert!(urls.contains(&"https://nv.test/articles/omega-3-fish-oil-supplements"));
    assert_eq!(issue.tips.len(), 7);
    assert_eq!(issue.tips[0].1, content.site_chrome(issue.send_date).tip);
    assert!(issue.subject.starts_with("This week: "), "{}", issue.subject);
    // The mail: absolute URLs only, raster images with alt text, the preheader, the footer.
    let html = &rendered.mail_html;
    assert!(!html.contains("href=\"/") && !html.contains("src=\"/"), "a relative URL in the mail");
    assert!(html.contains("https://nv.test/share/caffeine-alcohol-and-sleep.png"));
    assert_eq!(html.matches("<img ").count(), html.matches(" alt=\"").count());
    assert!(html.contains(&issue.preheader));
    assert!(html.contains("https://nv.test/newsletter/issues/2026-w21"), "view in browser");
    assert!(html.contains("https://nv.test/newsletter/unsubscribe?token={{token}}"));
    assert!(html.contains("max-width:600px"));
    assert!(html.contains("prefers-color-scheme: dark"));
    let identity = notes::mail_identity(dir.path()).unwrap();
    assert!(
        html.contains(&nv_model::escape::escape(&identity.postal_address))
            && rendered.mail_text.contains(&identity.postal_address)
    );
    assert!(rendered.mail_text.contains("Unsubscribe: https://nv.test/newsletter/unsubscribe?token={{token}}"));
    assert!(rendered.mail_text.contains("https://nv.test/articles/omega-3-fish-oil-supplements"));
}

#[test]
fn the_editor_s_note_sets_subject_preheader_intro_and_leads_with_featured() {
    let note = "+++\nsubject = \"Sleep, salt and you\"\npreheader = \"Three reads for a calmer week\"\nfeatured = [\"dietary-fiber-guide\", \"blood-pressure-and-salt\"]\n+++\n\nHello readers, see [our standards](/editorial-standards).\n";
    let (dir, content) = content_with(&[("2026-W21.md", note)]);
    let rendered = prepare(&settings(dir.path()), &content, week("2026-W21"), false).unwrap();
    let issue = &rendered.issue;
    assert_eq!(issue.subject, "Sleep, salt and you");
    assert_eq!(issue.preheader, "Three reads for a calmer week");
    assert_eq!(issue.articles[0].url, "https://nv.test/articles/dietary-fiber-guide");
    // Featured but published after the send day: left out, never a link that 404s.
    assert!(!issue.articles.iter().any(|article| article.url.ends_with("blood-pressure-and-salt")));
    assert_eq!(issue.articles.len(), 3);
    assert!(rendered.mail_html.contains("Hello readers"));
    assert!(rendered.mail_html.contains("href=\"https://nv.test/editorial-standards\""), "note links made absolute");
    assert!(rendered.web_html.contains("Hello readers"));
}

#[test]
fn skip_sends_nothing_and_an_empty_week_offers_the_archive() {
    let (dir, content) = content_with(&[("2026-W21.md", "+++\nskip = true\n+++\n")]);
    assert!(matches!(prepare(&settings(dir.path()), &content, week("2026-W21"), false), Err(IssueError::Skipped(_))));
    // No article was published in the seven days before 2026-11-23.
    let rendered = prepare(&settings(dir.path()), &content, week("2026-W48"), false).unwrap();
    let issue = &rendered.issue;
    assert!(issue.from_archive);
    assert!(!issue.articles.is_empty() && issue.articles.len() <= 3);
    // The picks are articles the week's tips come from.
    for article in &issue.articles {
        assert!(issue.tips.iter().any(|(_, tip)| article.url.ends_with(&tip.link)), "{}", article.url);
    }
    assert!(rendered.mail_html.contains("From the archive"));
    assert!(issue.subject.contains("Nov 23, 2026"), "{}", issue.subject);
}

#[test]
fn server_check_reports_bad_notes_by_file_and_field() {
    let (dir, content) = content_with(&[
        ("2026-W21.md", "+++\npreheader = \"no subject\"\nfeatured = [\"no-such-article\"]\n+++\n"),
        ("week-21.md", "+++\nsubject = \"x\"\n+++\n"),
        ("2026-W22.md", "+++\nsubject = \"x\"\ncolour = \"red\"\n+++\n"),
    ]);
    let errors = notes::check(dir.path(), &content).unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|error| error.contains("2026-W21.md") && error.contains("`subject`")), "{text:?}");
    assert!(text.iter().any(|error| error.contains("no-such-article")), "{text:?}");
    assert!(text.iter().any(|error| error.contains("week-21.md") && error.contains("ISO week")), "{text:?}");
    assert!(text.iter().any(|error| error.contains("2026-W22.md") && error.contains("colour")), "{text:?}");
    // And the repository's own content passes.
    let (clean, content) = content_with(&[]);
    assert!(notes::check(clean.path(), &content).is_ok());
}
