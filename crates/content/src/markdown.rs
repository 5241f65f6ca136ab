//! Article bodies: Markdown rendered once, at load, into sanitised HTML.

use nv_images::catalog::ImageCatalog;
use nv_model::content::HeroImage;
use nv_model::images::picture_html;
use nv_model::images::Shape;
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// A heading of the body, with the `id` its anchor links use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 2 for `##`, 3 for `###`, …
    pub level: u8,
    /// Stable anchor id derived from the heading text.
    pub id: String,
    /// The heading's plain text.
    pub text: String,
}

/// A stretch of body text with the anchor id that links to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Passage {
    /// Anchor id in the rendered HTML.
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// The body of an article, rendered.
#[derive(Clone, Debug, Default)]
pub struct RenderedBody {
    /// Sanitised HTML, safe to hand to `inner_html`.
    pub html: String,
    /// Words of reader-visible text (for reading time).
    pub word_count: usize,
    /// The headings in document order.
    pub headings: Vec<Heading>,
    /// Every paragraph, with its stable id (`p-1`, `p-2`, …).
    pub paragraphs: Vec<Passage>,
    /// Each `##` section: the heading's id and all text up to the next `##`.
    pub sections: Vec<Passage>,
    /// Text outside paragraphs, for search: each heading, tight list item and table row, with
    /// the id of the heading it is under (or is), empty before the first heading.
    pub loose: Vec<Passage>,
    /// The images it shows, in order.
    pub images: Vec<HeroImage>,
}

/// URL schemes a body link or image may use; anything else (e.g. `javascript:`) is refused.
const ALLOWED_SCHEMES: [&str; 3] = ["https:", "http:", "mailto:"];

/// Renders Markdown without images (newsletter notes, tests): any image is reported.
pub fn render(markdown: &str) -> Result<RenderedBody, Vec<String>> {
    render_with_images(markdown, &ImageCatalog::empty())
}

/// Renders Markdown to HTML. Raw HTML is escaped, never passed through; a level-1 heading
/// or a link with a disallowed scheme is reported as an error (the page's only `h1` is the title).
/// Images are files of `images` (`![what it shows](images/a.jpg)`), shown as responsive images.
pub fn render_with_images(markdown: &str, images: &ImageCatalog) -> Result<RenderedBody, Vec<String>> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    let mut problems = Vec::new();
    let mut body = RenderedBody::default();
    let mut used_ids = HashSet::new();

    let mut paragraph: Option<Passage> = None;
    // The heading id the text outside paragraphs is under, and that text so far.
    let (mut anchor, mut loose) = (String::new(), None::<Passage>);
    let mut index = 0;
    while index < events.len() {
        if let Event::Text(text) | Event::Code(text) = &events[index] {
            body.word_count += text.split_whitespace().count();
            match paragraph.as_mut() {
                Some(paragraph) => paragraph.text.push_str(text),
                None => {
                    loose.get_or_insert_with(|| Passage { id: anchor.clone(), text: String::new() }).text.push_str(text)
                }
            }
            // Sections are only matched against, never shown: a space keeps words apart.
            if let Some(section) = body.sections.last_mut() {
                section.text.push_str(text);
                section.text.push(' ');
            }
        }
        match &events[index] {
            Event::Html(raw) | Event::InlineHtml(raw) => {
                // Shown as text, so a stray tag can never inject markup or script.
                events[index] = Event::Text(raw.clone());
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::TableCell) => {
                for passage in paragraph.iter_mut().chain(loose.as_mut()).chain(body.sections.last_mut()) {
                    passage.text.push(' ');
                }
            }
            Event::End(TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead | TagEnd::Heading(_)) => {
                body.loose.extend(loose.take());
            }
            Event::Start(Tag::Paragraph) => {
                // Stable ids let the overview link each sentence to the paragraph supporting it.
                let id = format!("p-{}", body.paragraphs.len() + 1);
                events[index] = Event::Html(CowStr::from(format!("<p id=\"{id}\">")));
                paragraph = Some(Passage { id, text: String::new() });
            }
            Event::End(TagEnd::Paragraph) => {
                events[index] = Event::Html(CowStr::from("</p>\n"));
                body.paragraphs.extend(paragraph.take());
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let dest = dest_url.to_string();
                let end = image_end(&events, index);
                let alt = plain_text(&events[index + 1..end]);
                match body_image(&dest, &alt, images) {
                    Ok(image) => {
                        events[index] = Event::Html(CowStr::from(picture_html(
                            &image.src,
                            &image.alt,
                            image.width,
                            image.height,
                            image.derived.as_ref(),
                        )));
                        body.images.push(image);
                    }
                    Err(problem) => problems.push(problem),
                }
                // The alt text is in the markup already; the events inside are not shown again.
                let last = end.min(events.len() - 1);
                for event in &mut events[index + 1..=last] {
                    *event = Event::Html(CowStr::from(""));
                }
                index = end;
            }
            Event::Start(Tag::Link { dest_url, .. }) if !is_safe_url(dest_url) => {
                problems.push(format!("link to `{dest_url}` uses a scheme that is not allowed"));
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                // `## Title {#id .class}` is allowed; any other attribute (`{onmouseover=…}`)
                // would put markup of the editor's choosing into the page.
                for (name, _) in attrs {
                    problems.push(format!("heading attribute `{name}` is not allowed: only {{#id}} and {{.class}}"));
                }
                for name in id.iter().chain(classes) {
                    if !is_safe_name(name) {
                        problems
                            .push(format!("heading id or class `{name}` may use only letters, digits, `-` and `_`"));
                    }
                }
                let level = heading_level(*level);
                if level == 1 {
                    problems.push(
                        "a level-1 heading (`# …`) is not allowed: the title is the page's only h1; use `##`"
                            .to_string(),
                    );
                }
                let text = heading_text(&events[index + 1..]);
                let wanted = id.as_ref().map(|id| id.to_string()).unwrap_or_else(|| slugify(&text));
                let id = unique_id(&wanted, &mut used_ids);
                if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[index] {
                    *slot = Some(CowStr::from(id.clone()));
                }
                if level <= 2 {
                    body.sections.push(Passage { id: id.clone(), text: String::new() });
                }
                body.loose.extend(loose.take());
                anchor.clone_from(&id);
                body.headings.push(Heading { level, id, text });
            }
            _ => {}
        }
        index += 1;
    }

    body.loose.extend(loose.take());
    if !problems.is_empty() {
        return Err(problems);
    }
    html::push_html(&mut body.html, events.into_iter());
    Ok(body)
}

/// Turns heading text into a URL fragment: lowercase ASCII words joined by hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

fn unique_id(wanted: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = wanted.to_string();
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{wanted}-{n}");
        n += 1;
    }
    candidate
}

fn heading_text(rest: &[Event]) -> String {
    let mut text = String::new();
    for event in rest {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

/// Whether `name` is an id or class made of ASCII letters, digits, `-` and `_` only.
fn is_safe_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The index of the `End(Image)` closing the image that starts at `start`.
fn image_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0;
    for (offset, event) in events[start..].iter().enumerate() {
        match event {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    return start + offset;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// The text of `events` (an image's alt text).
fn plain_text(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
            Event::SoftBreak | Event::HardBreak => Some(" "),
            _ => None,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The body image at `dest` with `alt`: a file under `images/` with alt text.
fn body_image(dest: &str, alt: &str, images: &ImageCatalog) -> Result<HeroImage, String> {
    let src = dest.trim_start_matches('/');
    let local = src.starts_with("images/") && !src.contains("..") && !dest.contains("://") && !dest.starts_with("//");
    if !local {
        return Err(format!(
            "image `{dest}`: images must be files under `images/` in the content folder (pages load images only from this site)"
        ));
    }
    if alt.is_empty() {
        return Err(format!("image `{dest}` needs alt text saying what it shows: ![what it shows]({dest})"));
    }
    images.image(src, alt, None, Shape::Whole).map_err(|reason| format!("image {reason}"))
}

fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.find(':') {
        // A colon before any '/', '?' or '#' starts a scheme.
        Some(colon) if !lower[..colon].contains(['/', '?', '#']) => {
            ALLOWED_SCHEMES.iter().any(|scheme| lower.starts_with(scheme))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_common_markdown() {
        let body = render(
            "## Intro\n\nSome *emphasis* and a [link](https://example.org).\n\n\
             - one\n- two\n\n1. first\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        )
        .unwrap();
        for fragment in [
            "<h2 id=\"intro\">Intro</h2>",
            "<em>emphasis</em>",
            "<a href=\"https://example.org\">link</a>",
            "<ul>",
            "<ol>",
            "<blockquote>",
            "<table>",
        ] {
            assert!(body.html.contains(fragment), "missing {fragment} in {}", body.html);
        }
    }

    #[test]
    fn escapes_raw_html() {
        let body = render("Hello <script>alert(1)</script>\n\n<div onclick=\"x()\">hi</div>\n").unwrap();
        assert!(!body.html.contains("<script>"), "{}", body.html);
        assert!(!body.html.contains("<div"), "{}", body.html);
        assert!(body.html.contains("&lt;script&gt;"));
    }

    #[test]
    fn refuses_javascript_links() {
        let problems = render("[x](javascript:alert(1))").unwrap_err();
        assert!(problems[0].contains("javascript:alert(1)"), "{problems:?}");
        assert!(render("[x](/articles/a) [y](#top) [z](mailto:a@b.c)").is_ok());
    }

    #[test]
    fn refuses_a_second_h1() {
        let problems = render("# Another title\n").unwrap_err();
        assert!(problems[0].contains("level-1 heading"));
    }

    #[test]
    fn gives_headings_stable_unique_ids() {
        let body =
            render("## What the Research Shows\n\n## Dose & Timing?\n\n## Dose & Timing?\n\n### Custom {#my-id}\n")
                .unwrap();
        let ids: Vec<_> = body.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["what-the-research-shows", "dose-timing", "dose-timing-2", "my-id"]);
        assert_eq!(body.headings[3].level, 3);
        assert!(body.html.contains("<h2 id=\"dose-timing-2\">"));
    }

    #[test]
    fn heading_attributes_other_than_id_and_class_are_refused() {
        let problems = render("## Title {onmouseover=alert(1)}\n").unwrap_err();
        assert!(problems[0].contains("onmouseover"), "{problems:?}");
        let problems = render("## Title {#x .y style=color:red data-x}\n").unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        for unsafe_name in ["{#a\"b}", "{.c&d}", "{#a:b}"] {
            assert!(render(&format!("## Title {unsafe_name}\n")).is_err(), "{unsafe_name}");
        }
        let body = render("## Title {#the-id .note .wide_box}\n").unwrap();
        assert!(body.html.contains("<h2 id=\"the-id\" class=\"note wide_box\">Title</h2>"), "{}", body.html);
    }

    #[test]
    fn gives_paragraphs_ids_and_collects_sections() {
        let body = render("Intro text.\n\n## First\n\nOne *two*.\n\n## Second\n\n- item\n\nThree.").unwrap();
        assert!(body.html.contains("<p id=\"p-1\">Intro text.</p>"), "{}", body.html);
        assert!(body.html.contains("<p id=\"p-2\">One <em>two</em>.</p>"), "{}", body.html);
        let paragraphs: Vec<_> = body.paragraphs.iter().map(|p| (p.id.as_str(), p.text.as_str())).collect();
        assert_eq!(paragraphs, [("p-1", "Intro text."), ("p-2", "One two."), ("p-3", "Three.")]);
        let sections: Vec<_> = body.sections.iter().map(|s| (s.id.as_str(), s.text.as_str())).collect();
        assert_eq!(sections, [("first", "First One  two . "), ("second", "Second item Three. ")]);
    }

    #[test]
    fn counts_words_of_visible_text() {
        assert_eq!(render("## Two words\n\nThree more *words* here.").unwrap().word_count, 6);
    }
}
