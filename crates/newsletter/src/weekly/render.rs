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

// Colours chosen to read in light mode and, through the media query, in dark mode; clients
// that ignore the query and invert colours themselves still get enough contrast.
const TEXT: &str = "color:#1f2937";
const MUTED: &str = "color:#4b5563";
const LINK: &str = "color:#0f766e";
const FONT: &str = "font-family:Helvetica,Arial,sans-serif";

/// The HTML part.
pub fn mail_html(issue: &Issue, identity: &MailIdentity) -> String {
    let mut html = String::with_capacity(16 * 1024);
    let title = escape(&issue.subject);
    html.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"supported-color-schemes\" content=\"light dark\">\n\
         <title>{title}</title>\n<style>\n\
         @media (prefers-color-scheme: dark) {{\n\
         .nv-body, .nv-card {{ background-color: #111827 !important; }}\n\
         .nv-text {{ color: #f3f4f6 !important; }}\n\
         .nv-muted {{ color: #d1d5db !important; }}\n\
         .nv-link {{ color: #5eead4 !important; }}\n}}\n</style>\n</head>\n\
         <body class=\"nv-body\" style=\"margin:0;padding:0;background-color:#f3f4f6\">\n"
    ));
    // The preheader: shown by inboxes after the subject, hidden in the mail itself.
    html.push_str(&format!(
        "<div style=\"display:none;max-height:0;overflow:hidden;opacity:0\">{}</div>\n",
        escape(&issue.preheader)
    ));
    html.push_str(
        "<table role=\"presentation\" style=\"width:100%;border-collapse:collapse;background-color:#f3f4f6\" class=\"nv-body\"><tr><td style=\"padding:16px 8px\">\n\
         <table role=\"presentation\" class=\"nv-card\" style=\"width:100%;max-width:600px;margin:0 auto;border-collapse:collapse;background-color:#ffffff\">\n",
    );
    let web = escape(&web_url(issue));
    html.push_str(&format!(
        "<tr><td style=\"padding:12px 24px;{FONT};font-size:13px;text-align:right\" class=\"nv-muted\"><a href=\"{web}\" class=\"nv-link\" style=\"{LINK}\">View in browser</a></td></tr>\n\
         <tr><td style=\"padding:8px 24px 0;{FONT}\"><h1 class=\"nv-text\" style=\"margin:0;font-size:24px;line-height:1.3;{TEXT}\">{title}</h1>\n\
         <p class=\"nv-muted\" style=\"margin:4px 0 0;font-size:14px;{MUTED}\">{} weekly · {}</p></td></tr>\n",
        escape(&identity.sender_name),
        escape(&issue.send_date.display())
    ));
    if let Some((intro_html, _)) = &issue.intro {
        html.push_str(&format!(
            "<tr><td class=\"nv-text\" style=\"padding:16px 24px 0;{FONT};font-size:16px;line-height:1.6;{TEXT}\">{}</td></tr>\n",
            absolute_links(intro_html, &issue.site_url)
        ));
    }
    let heading = if issue.from_archive { "From the archive" } else { "New this week" };
    html.push_str(&format!(
        "<tr><td style=\"padding:24px 24px 0;{FONT}\"><h2 class=\"nv-text\" style=\"margin:0;font-size:20px;{TEXT}\">{heading}</h2></td></tr>\n"
    ));
    for article in &issue.articles {
        let url = escape(&article.url);
        html.push_str(&format!(
            "<tr><td style=\"padding:16px 24px 0;{FONT}\">\
             <a href=\"{url}\"><img src=\"{}\" alt=\"{}\" width=\"552\" height=\"290\" style=\"display:block;width:100%;max-width:552px;height:auto;border:0\"></a>\
             <h3 style=\"margin:12px 0 4px;font-size:18px;line-height:1.3\"><a href=\"{url}\" class=\"nv-link\" style=\"{LINK};text-decoration:none\">{}</a></h3>\
             <p class=\"nv-text\" style=\"margin:0;font-size:15px;line-height:1.5;{TEXT}\">{}</p>\
             <p class=\"nv-muted\" style=\"margin:4px 0 0;font-size:13px;{MUTED}\">{} · {} min read · {}</p></td></tr>\n",
            escape(&article.image_url),
            escape(&article.image_alt),
            escape(&article.title),
            escape(&article.description),
            escape(&article.author),
            article.reading_minutes,
            escape(&article.published),
        ));
    }
    html.push_str(&format!(
        "<tr><td style=\"padding:24px 24px 0;{FONT}\"><h2 class=\"nv-text\" style=\"margin:0;font-size:20px;{TEXT}\">Daily tips for the week ahead</h2></td></tr>\n"
    ));
    for (day, tip) in &issue.tips {
        html.push_str(&format!(
            "<tr><td class=\"nv-text\" style=\"padding:8px 24px 0;{FONT};font-size:15px;line-height:1.5;{TEXT}\"><strong>{day} · {}:</strong> {} \
             <a href=\"{}\" class=\"nv-link\" style=\"{LINK}\">Learn more</a></td></tr>\n",
            escape(&tip.category),
            escape(&tip.text),
            escape(&urls::absolute(&issue.site_url, &tip.link)),
        ));
    }
    let site = escape(&issue.site_url);
    let unsubscribe = escape(&unsubscribe_url(&issue.site_url));
    html.push_str(&format!(
        "<tr><td class=\"nv-muted\" style=\"padding:32px 24px 24px;{FONT};font-size:12px;line-height:1.6;{MUTED};word-break:break-word\">\
         You get this because you subscribed to the {sender} weekly tips at <a href=\"{site}\" class=\"nv-link\" style=\"{LINK}\">{site}</a>. \
         This mail has no tracking pixel and its links are not redirected.<br>\
         <a href=\"{unsubscribe}\" class=\"nv-link\" style=\"{LINK}\">Unsubscribe</a> · \
         <a href=\"{web}\" class=\"nv-link\" style=\"{LINK}\">View in browser</a> · \
         <a href=\"{privacy}\" class=\"nv-link\" style=\"{LINK}\">Privacy</a><br>\
         {sender}, {address}</td></tr>\n</table>\n</td></tr></table>\n</body>\n</html>\n",
        sender = escape(&identity.sender_name),
        privacy = escape(&urls::absolute(&issue.site_url, &urls::static_page_path("privacy"))),
        address = escape(&identity.postal_address),
    ));
    html
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
