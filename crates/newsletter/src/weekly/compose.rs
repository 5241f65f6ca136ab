//! What goes into one week's issue, from the site's own content.
//!
//! An issue is named after the ISO week it goes out in. It carries the articles published in the
//! seven days before its send day (so every link is public when the mail arrives, and consecutive
//! issues cover consecutive weeks without gaps or repeats), the daily tips of the seven days from
//! the send day on, and the editor's note if there is one. A week without new articles offers
//! "From the archive": the articles the week's tips come from (at most three), or failing that
//! the three newest articles.

use super::notes::EditorNote;
use super::week::IsoWeek;
use nv_content::dates::Date;
use nv_content::store::ContentStore;
use nv_model::content::{ArticleCard, DailyTip};
use nv_model::urls;

/// Most articles an issue carries.
const MAX_ARTICLES: usize = 8;
/// Most archive articles a week without new ones offers.
const ARCHIVE_PICKS: usize = 3;

/// One article as the issue shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueArticle {
    /// Headline.
    pub title: String,
    /// One or two sentences.
    pub description: String,
    /// Minutes to read.
    pub reading_minutes: u32,
    /// Author's name.
    pub author: String,
    /// Absolute URL of the article.
    pub url: String,
    /// Absolute URL of a PNG (mail clients do not show SVG): the article's share image.
    pub image_url: String,
    /// Text for the image's `alt`.
    pub image_alt: String,
    /// Publication date, e.g. "Nov 24, 2026".
    pub published: String,
}

/// A composed issue, ready to render as mail or as a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// The week it goes out in.
    pub week: IsoWeek,
    /// The day it goes out.
    pub send_date: Date,
    /// Subject line.
    pub subject: String,
    /// The preview text after the subject.
    pub preheader: String,
    /// The editor's note as HTML and as text, if any.
    pub intro: Option<(String, String)>,
    /// Articles, featured first.
    pub articles: Vec<IssueArticle>,
    /// Whether `articles` are picks from the archive (no new articles that week).
    pub from_archive: bool,
    /// The daily tips of the week ahead, each with its day, e.g. "Mon".
    pub tips: Vec<(String, DailyTip)>,
    /// The site's absolute URL (no trailing slash).
    pub site_url: String,
}

/// Composes the issue for `week`, going out on `send_date`; `None` if the note says `skip`.
/// Only articles public on `send_date` count, unless `include_unpublished` (a development
/// preview whose content store shows drafts).
pub fn compose(
    content: &ContentStore,
    note: Option<&EditorNote>,
    week: IsoWeek,
    send_date: Date,
    site_url: &str,
    include_unpublished: bool,
) -> Option<Issue> {
    if note.is_some_and(|note| note.skip) {
        return None;
    }
    let site_url = site_url.trim_end_matches('/');
    let first = send_date.add_days(-7);
    let (from, to) = (first.iso(), first.add_days(6).iso());
    // A store showing drafts lists them as visible; what is really public has no note.
    let public = |card: &ArticleCard| {
        include_unpublished
            || content.visible_article(&card.slug, send_date).is_some_and(|page| page.unpublished_note.is_none())
    };
    let visible: Vec<&ArticleCard> = content.visible_cards(send_date).filter(|card| public(card)).collect();
    let mut chosen: Vec<&ArticleCard> = Vec::new();
    for slug in note.map(|note| note.featured.as_slice()).unwrap_or_default() {
        match visible.iter().find(|card| &card.slug == slug) {
            Some(card) => chosen.push(card),
            None => {
                tracing::warn!("newsletter {week}: featured article `{slug}` is not public on {send_date}; left out")
            }
        }
    }
    // The week's new articles, oldest first, so the issue reads in publication order.
    let mut new: Vec<&ArticleCard> =
        visible.iter().copied().filter(|card| card.published.iso >= from && card.published.iso <= to).collect();
    new.reverse();
    let from_archive = new.is_empty();
    let tips: Vec<(String, DailyTip)> = (0..7)
        .map(|offset| {
            let day = send_date.add_days(offset);
            (day.weekday_short(), content.site_chrome(day).tip)
        })
        .collect();
    if from_archive {
        new = archive_picks(&visible, &tips);
    }
    for card in new {
        if chosen.len() < MAX_ARTICLES && !chosen.iter().any(|known| known.slug == card.slug) {
            chosen.push(card);
        }
    }
    let articles: Vec<IssueArticle> = chosen.iter().map(|card| issue_article(card, site_url)).collect();
    let subject = match note.map(|note| note.subject.as_str()).filter(|subject| !subject.is_empty()) {
        Some(subject) => subject.to_string(),
        None => match articles.first() {
            Some(article) if !from_archive => format!("This week: {}", article.title),
            _ => format!("Your weekly health tips for {}", send_date.display()),
        },
    };
    let preheader = note.and_then(|note| note.preheader.clone()).unwrap_or_else(|| {
        let count = if from_archive { 0 } else { articles.len() };
        match count {
            0 => "Seven daily tips for the week ahead, and reading from our archive.".to_string(),
            1 => "One new evidence-based article and seven daily tips for the week ahead.".to_string(),
            n => format!("{n} new evidence-based articles and seven daily tips for the week ahead."),
        }
    });
    let intro =
        note.filter(|note| !note.intro_text.is_empty()).map(|note| (note.intro_html.clone(), note.intro_text.clone()));
    Some(Issue {
        week,
        send_date,
        subject,
        preheader,
        intro,
        articles,
        from_archive,
        tips,
        site_url: site_url.to_string(),
    })
}

/// A week without new articles: those the week's tips come from, else the newest.
fn archive_picks<'a>(visible: &[&'a ArticleCard], tips: &[(String, DailyTip)]) -> Vec<&'a ArticleCard> {
    let mut picks: Vec<&ArticleCard> = Vec::new();
    for (_, tip) in tips {
        let slug = tip.link.trim_start_matches("/articles/");
        if let Some(card) = visible.iter().find(|card| card.slug == slug) {
            if picks.len() < ARCHIVE_PICKS && !picks.iter().any(|known| known.slug == card.slug) {
                picks.push(card);
            }
        }
    }
    if picks.is_empty() {
        picks = visible.iter().copied().take(ARCHIVE_PICKS).collect();
    }
    picks
}

fn issue_article(card: &ArticleCard, site_url: &str) -> IssueArticle {
    IssueArticle {
        title: card.title.clone(),
        description: card.description.clone(),
        reading_minutes: card.reading_minutes,
        author: card.author_name.clone(),
        url: urls::absolute(site_url, &urls::article_path(&card.slug)),
        image_url: urls::absolute(
            site_url,
            &urls::share_image_path(&card.slug, nv_model::content::share_image_extension(&card.hero)),
        ),
        image_alt: if card.hero.alt.is_empty() { card.title.clone() } else { card.hero.alt.clone() },
        published: card.published.display.clone(),
    }
}
