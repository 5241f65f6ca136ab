//! An issue rendered three ways: the mail's HTML part (the mail dialect: tables, inline styles,
//! at most 600 px, absolute URLs, readable in dark mode), its plain-text part, and the page of
//! the web archive (site classes, no inline styles: the site's CSP forbids them).
//!
//! The mail parts carry [`TOKEN`] where each recipient's unsubscribe token goes; the outbox fills
//! it in at delivery, so an issue is rendered once, not once per reader.

use super::compose::Issue;
use super::notes::MailIdentity;
use nv_model::escape::escape;
use nv_model::urls;

/// Stands for the recipient's unsubscribe token in the stored mail parts.
pub const TOKEN: &str = "{{token}}";

/// The archive URL of `issue` ("View in browser").
pub fn web_url(issue: &Issue) -> String {
    urls::absolute(&issue.site_url, &urls::issue_path(&issue.week.slug()))
}

/// The unsubscribe page for the recipient (with [`TOKEN`]).
pub fn unsubscribe_url(site_url: &str) -> String {
    urls::absolute(site_url, &urls::unsubscribe_path(TOKEN))
}

/// The RFC 8058 one-click URL for `List-Unsubscribe` (with [`TOKEN`]).
pub fn one_click_url(site_url: &str) -> String {
    urls::absolute(site_url, &urls::one_click_unsubscribe_path(TOKEN))
}

/// The HTML part's template (templates/weekly_mail.html), checked when the crate compiles.
#[derive(askama::Template)]
#[template(path = "weekly_mail.html")]
struct MailHtml<'a> {
    issue: &'a Issue,
    sender_name: &'a str,
    postal_address: &'a str,
    web_url: String,
    /// The editor's note with its links made absolute: HTML the server rendered, not escaped.
    intro_html: Option<String>,
    tips: Vec<MailTip<'a>>,
    unsubscribe_url: String,
    privacy_url: String,
}

/// A daily tip as the mail shows it, its link absolute.
struct MailTip<'a> {
    day: &'a str,
    category: &'a str,
    text: &'a str,
    url: String,
}

/// The escaper askama.toml gives the mail's template: the server's own (`&quot;`, `&#39;`),
/// so that the mail reads as it did when built by hand.
#[derive(Clone, Copy)]
pub struct MailEscaper;

impl askama::filters::Escaper for MailEscaper {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, string: &str) -> std::fmt::Result {
        dest.write_str(&escape(string))
    }
}

/// The HTML part. Fails only if the template cannot be written (a value's `Display` failing).
pub fn mail_html(issue: &Issue, identity: &MailIdentity) -> Result<String, askama::Error> {
    let tips = issue
        .tips
        .iter()
        .map(|(day, tip)| MailTip {
            day,
            category: &tip.category,
            text: &tip.text,
            url: urls::absolute(&issue.site_url, &tip.link),
        })
        .collect();
    let template = MailHtml {
        issue,
        sender_name: &identity.sender_name,
        postal_address: &identity.postal_address,
        web_url: web_url(issue),
        intro_html: issue.intro.as_ref().map(|(html, _)| absolute_links(html, &issue.site_url)),
        tips,
        unsubscribe_url: unsubscribe_url(&issue.site_url),
        privacy_url: urls::absolute(&issue.site_url, &urls::static_page_path("privacy")),
    };
    askama::Template::render(&template)
}

/// The plain-text part: reads well on its own, every link written out.
pub fn mail_text(issue: &Issue, identity: &MailIdentity) -> String {
    let mut text = format!("{}\n{} weekly, {}\n\n", issue.subject, identity.sender_name, issue.send_date.display());
    text.push_str(&format!("View in browser: {}\n\n", web_url(issue)));
    if let Some((_, intro)) = &issue.intro {
        text.push_str(intro);
        text.push_str("\n\n");
    }
    let heading = if issue.from_archive { "FROM THE ARCHIVE" } else { "NEW THIS WEEK" };
    text.push_str(&format!("{heading}\n\n"));
    for article in &issue.articles {
        text.push_str(&format!(
            "{}\n{}\n{}, {} min read\n{}\n\n",
            article.title, article.description, article.author, article.reading_minutes, article.url
        ));
    }
    text.push_str("DAILY TIPS FOR THE WEEK AHEAD\n\n");
    for (day, tip) in &issue.tips {
        let link = urls::absolute(&issue.site_url, &tip.link);
        text.push_str(&format!("{day} ({}): {}\n{link}\n\n", tip.category, tip.text));
    }
    text.push_str(&format!(
        "--\nYou get this because you subscribed to the {} weekly tips at {}.\nUnsubscribe: {}\nPrivacy: {}\n{}, {}\n",
        identity.sender_name,
        issue.site_url,
        unsubscribe_url(&issue.site_url),
        urls::absolute(&issue.site_url, &urls::static_page_path("privacy")),
        identity.sender_name,
        identity.postal_address
    ));
    text
}

/// The issue as a page of the site: the same content, the site's own classes.
pub fn web_html(issue: &Issue) -> String {
    let mut html = format!("<p class=\"issue-preheader\">{}</p>\n", escape(&issue.preheader));
    if let Some((intro_html, _)) = &issue.intro {
        html.push_str(&format!("<div class=\"issue-intro prose\">{intro_html}</div>\n"));
    }
    let heading = if issue.from_archive { "From the archive" } else { "New this week" };
    html.push_str(&format!("<h2>{heading}</h2>\n<ul class=\"issue-articles\">\n"));
    for article in &issue.articles {
        let path = article.url.strip_prefix(&issue.site_url).unwrap_or(&article.url);
        html.push_str(&format!(
            "<li><h3><a href=\"{}\">{}</a></h3><p>{}</p><p class=\"issue-meta\">{} · {} min read · {}</p></li>\n",
            escape(path),
            escape(&article.title),
            escape(&article.description),
            escape(&article.author),
            article.reading_minutes,
            escape(&article.published)
        ));
    }
    html.push_str("</ul>\n<h2>Daily tips for the week ahead</h2>\n<ul class=\"issue-tips\">\n");
    for (day, tip) in &issue.tips {
        html.push_str(&format!(
            "<li><strong>{day} · {}:</strong> {} <a href=\"{}\">Learn more</a></li>\n",
            escape(&tip.category),
            escape(&tip.text),
            escape(&tip.link)
        ));
    }
    html.push_str("</ul>\n");
    html
}

/// Site-relative links in the editor's note made absolute (mail has no base URL).
fn absolute_links(html: &str, site_url: &str) -> String {
    let root = urls::absolute(site_url, "/");
    html.replace("href=\"/", &format!("href=\"{root}")).replace("src=\"/", &format!("src=\"{root}"))
}
