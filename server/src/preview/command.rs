//! `server preview …`: preview links for outside reviewers, made, listed and revoked by editors.

use super::expiry_text;
use clap::Subcommand;
use nv_content::dates::{unix_now, Date};
use nv_content::store::{ContentStore, Unpublished};
use nv_newsletter::previews::{DEFAULT_HOURS, MAX_HOURS};
use nv_newsletter::Store;

/// `server preview …`
#[derive(Subcommand, Debug)]
pub enum PreviewCommand {
    /// Prints a link to the unpublished article SLUG (a draft, or scheduled for later) for a
    /// reviewer outside the team: the article as it will look, under a preview banner. The link
    /// is the last line; it works on every server of the site until it expires or `revoke`.
    Link {
        /// The article's slug (its file's `slug`).
        slug: String,
        /// How long the link works, in hours (at most four weeks: 672).
        #[arg(long, default_value_t = DEFAULT_HOURS, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_HOURS)))]
        hours: u32,
    },
    /// Makes every link given out so far stop working at once (a new signing secret).
    Revoke,
    /// Lists the links given out that still work: slug, expiry, when made (never the link).
    List,
}

/// Runs `command`: `content` is the content folder as loaded now, `site_url` the site's.
pub async fn run(command: PreviewCommand, store: &Store, content: &ContentStore, site_url: &str) -> Result<(), String> {
    match command {
        PreviewCommand::Link { slug, hours } => {
            let (_, unpublished) = content
                .preview_article(&slug, Date::today_utc())
                .ok_or_else(|| format!("there is no article with the slug {slug:?} in the content folder"))?;
            let state = match unpublished {
                Unpublished::No => {
                    return Err(format!(
                        "{slug:?} is already published: readers can see it at {site_url}/articles/{slug}"
                    ))
                }
                Unpublished::Draft => "a draft".to_string(),
                Unpublished::Scheduled(date) => format!("scheduled for {}", date.display),
            };
            let (token, expires) =
                store.make_preview_link(&slug, hours).await.map_err(|error| format!("database: {error}"))?;
            println!("preview of {slug} ({state}), expires {}:", expiry_text(expires));
            println!("{site_url}/preview/{token}");
            Ok(())
        }
        PreviewCommand::Revoke => {
            let revoked = store.revoke_previews().await.map_err(|error| format!("database: {error}"))?;
            println!("revoked: every preview link given out so far stops working now ({revoked} still valid before)");
            Ok(())
        }
        PreviewCommand::List => {
            let links = store.preview_links().await.map_err(|error| format!("database: {error}"))?;
            if links.is_empty() {
                println!("no preview link works now");
            }
            let now = unix_now();
            for link in links {
                println!(
                    "{}  expires {}  made {} ago",
                    link.slug,
                    expiry_text(link.expires),
                    crate::age::age_text(now - link.created)
                );
            }
            Ok(())
        }
    }
}
