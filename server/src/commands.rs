//! The command line: `server` runs the site; the subcommands check content and let editors and
//! operators run the newsletter. Every command opens the same database as a running server and
//! only uses short transactions, so it is safe beside one. Exit codes: 0 done, 1 failed, 2 usage.

use crate::age::age_text;
use crate::config::Config;
use clap::{Parser, Subcommand};
use nv_content::dates::unix_now;
use nv_content::store::ContentStore;
use nv_newsletter::weekly::render::one_click_url;
use nv_newsletter::weekly::{prepare, IsoWeek, RenderedIssue};
use nv_newsletter::{sqlite_backup, Database, DatabaseUrl, IssueParts, Mailer, Store};
use std::path::PathBuf;

/// NourishVibes: without a command, runs the site. Every setting below is a flag or an
/// environment variable (a flag wins); `server config` shows the values in effect.
#[derive(Parser, Debug)]
#[command(name = "server", version)]
pub struct Cli {
    /// What to do instead of running the site.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The settings (also read by every command).
    #[command(flatten)]
    pub settings: crate::settings::Settings,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Checks the content folder (articles, tips, pages, newsletter notes) and exits.
    Check,
    /// Prints every setting in effect, where each came from (default, environment, flag) and
    /// whether it is valid; secrets are masked. Exits 2 if a setting is invalid.
    Config,
    /// The weekly newsletter: preview, test, send, status.
    #[command(subcommand)]
    Newsletter(NewsletterCommand),
    /// A reader's data rights: export or erase what is stored about an address.
    #[command(subcommand)]
    Subscriber(SubscriberCommand),
    /// Photos' derived images: make them now, or write a sample photo to try them with.
    #[command(subcommand)]
    Images(ImagesCommand),
    /// The database: back it up while the site runs, or restore a backup.
    #[command(subcommand)]
    Db(DbCommand),
    /// What readers searched for and did not find.
    #[command(subcommand)]
    Search(crate::search_misses::SearchCommand),
    /// Preview links to unpublished articles, for reviewers outside the team.
    #[command(subcommand)]
    Preview(crate::preview::command::PreviewCommand),
}

/// `server db …`
#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Writes a consistent copy of the SQLite database to FILE while the server runs and writes
    /// (VACUUM INTO), checks it (PRAGMA integrity_check) and only then gives it its name. FILE
    /// must not exist. For PostgreSQL it prints the pg_dump command to use instead.
    Backup {
        /// Where to write the copy, e.g. /var/backups/nourishvibes-2026-12-06.sqlite3.
        file: PathBuf,
    },
    /// Replaces the SQLite database with a checked copy of the backup FILE. Refused while a
    /// server uses the database: stop it first. The replaced database is kept beside it.
    Restore {
        /// The backup to restore.
        file: PathBuf,
    },
}

/// `server images …`
#[derive(Subcommand, Debug)]
pub enum ImagesCommand {
    /// Makes every photo's missing derived images now (a running server makes them in the
    /// background; this is for a deploy that should serve them made) and prints the time each took.
    Make,
    /// Writes a camera-like JPEG (texture, EXIF orientation, camera serial number and GPS
    /// position) to FILE, to try the image pipeline with.
    Sample {
        /// Where to write it.
        file: PathBuf,
        /// Width in pixels.
        #[arg(long, default_value_t = 4000)]
        width: u32,
        /// Height in pixels.
        #[arg(long, default_value_t = 2667)]
        height: u32,
    },
}

/// `server newsletter …`
#[derive(Subcommand, Debug)]
pub enum NewsletterCommand {
    /// Writes a week's issue (HTML and text parts) to files and prints their paths.
    Preview {
        /// The ISO week, e.g. 2026-W48 (default: the issue that goes out next).
        #[arg(long)]
        week: Option<String>,
        /// Folder for the files (default: NV_DATA_DIR/preview).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include drafts and scheduled articles (they are never sent).
        #[arg(long)]
        drafts: bool,
    },
    /// Sends a week's issue to one address now, outside the subscriber list (its unsubscribe
    /// link unsubscribes nobody).
    SendTest {
        /// Where to send it.
        #[arg(long)]
        to: String,
        /// The ISO week, e.g. 2026-W48 (default: the issue that goes out next).
        #[arg(long)]
        week: Option<String>,
    },
    /// Queues a week's issue to every confirmed subscriber, exactly as the schedule does; the
    /// running server delivers it. Sending a week again queues nobody twice.
    Send {
        /// The ISO week, e.g. 2026-W48 (default: the current week).
        #[arg(long)]
        week: Option<String>,
    },
    /// Subscribers by status, recent issues (queued / sent / failed) and the outbox backlog.
    Status,
}

/// `server subscriber …`
#[derive(Subcommand, Debug)]
pub enum SubscriberCommand {
    /// Prints everything stored about ADDRESS as JSON.
    Export {
        /// The email address.
        address: String,
    },
    /// Removes the personal data of ADDRESS and says what was kept and why.
    Erase {
        /// The email address.
        address: String,
    },
}

/// Runs a newsletter, subscriber, images or database command; what went wrong, for `main` to
/// report (exit 1).
pub async fn run(command: Command, config: &Config) -> Result<(), String> {
    match command {
        Command::Check | Command::Config => Err("`check` and `config` are run by main".to_string()),
        Command::Newsletter(command) => newsletter(command, config).await,
        Command::Subscriber(command) => subscriber(command, config).await,
        Command::Images(command) => images(command, config),
        Command::Db(command) => database(command, config).await,
        Command::Search(command) => crate::search_misses::run(command, &store(config).await?, unix_now()).await,
        Command::Preview(command) => {
            let content = load_content(config)?;
            crate::preview::command::run(command, &store(config).await?, &content, &config.site_url).await
        }
    }
}

/// What to say instead of a SQLite backup or restore on PostgreSQL: its own tools do it.
fn postgres_instead(url: &str) -> String {
    let shown = DatabaseUrl::Postgres(url.to_string()).describe();
    format!(
        "the database is PostgreSQL ({shown}): back it up with its own tools, e.g.\n  \
         pg_dump --format=custom --file=nourishvibes.dump \"$NV_DATABASE_URL\"\n\
         and restore into an empty database with\n  \
         pg_restore --clean --if-exists --no-owner --dbname=\"$NV_DATABASE_URL\" nourishvibes.dump"
    )
}

async fn database(command: DbCommand, config: &Config) -> Result<(), String> {
    let file = match &config.database {
        DatabaseUrl::Sqlite(file) => file,
        DatabaseUrl::Postgres(url) => return Err(postgres_instead(url)),
    };
    match command {
        DbCommand::Backup { file: target } => {
            let report = sqlite_backup::backup(file, &target).await?;
            println!(
                "backed up {} to {}: {} subscriber(s), {} bytes, integrity ok, in {} ms",
                file.display(),
                target.display(),
                report.subscribers,
                report.bytes,
                report.took.as_millis()
            );
        }
        DbCommand::Restore { file: backup } => {
            let (subscribers, kept) = sqlite_backup::restore(file, &backup).await?;
            if let Some(kept) = kept {
                println!("the database it replaced is kept as {}", kept.display());
            }
            println!(
                "restored {} from {}: {subscribers} subscriber(s), integrity ok",
                file.display(),
                backup.display()
            );
        }
    }
    Ok(())
}

/// `--week`, or the default.
fn week_or(week: Option<&str>, default: IsoWeek) -> Result<IsoWeek, String> {
    match week {
        None => Ok(default),
        Some(text) => IsoWeek::parse(text).ok_or_else(|| format!("--week {text:?} is not an ISO week like 2026-W48")),
    }
}

fn load_content(config: &Config) -> Result<ContentStore, String> {
    ContentStore::load(&config.content_dir, &config.site_url)
        .map_err(|errors| format!("the content has problems:\n{errors}"))
}

async fn store(config: &Config) -> Result<Store, String> {
    let database = Database::open(&config.database)
        .await
        .map_err(|error| format!("cannot open the database ({}): {error}", config.database.describe()))?;
    Ok(Store::new(database, &config.site_url, None))
}

fn rendered(config: &Config, week: IsoWeek, drafts: bool) -> Result<RenderedIssue, String> {
    let content = load_content(config)?.showing_unpublished(drafts);
    prepare(&config.weekly_settings(), &content, week, drafts).map_err(|error| error.to_string())
}

async fn newsletter(command: NewsletterCommand, config: &Config) -> Result<(), String> {
    let coming = config.newsletter_schedule.1.coming_week(unix_now());
    match command {
        NewsletterCommand::Preview { week, out, drafts } => {
            let week = week_or(week.as_deref(), coming)?;
            let issue = rendered(config, week, drafts)?;
            let out = out.unwrap_or_else(|| config.data_dir.join("preview"));
            std::fs::create_dir_all(&out).map_err(|error| format!("cannot create {}: {error}", out.display()))?;
            let token = "0".repeat(64);
            for (extension, text) in [("html", &issue.mail_html), ("txt", &issue.mail_text)] {
                let path = out.join(format!("newsletter-{week}.{extension}"));
                let text = text.replace(nv_newsletter::weekly::render::TOKEN, &token);
                std::fs::write(&path, text).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
                println!("{}", path.display());
            }
            eprintln!("subject: {}\npreheader: {}", issue.issue.subject, issue.issue.preheader);
            Ok(())
        }
        NewsletterCommand::SendTest { to, week } => {
            let week = week_or(week.as_deref(), coming)?;
            let issue = rendered(config, week, false)?;
            let identity = config.mail_identity()?;
            let mailer = match &config.smtp {
                Some(smtp) => Mailer::smtp(smtp, identity)?,
                None => Mailer::files(config.data_dir.join("outbox"), identity),
            };
            let parts = IssueParts {
                subject: issue.issue.subject.clone(),
                mail_html: issue.mail_html,
                mail_text: issue.mail_text,
                sender_name: issue.sender_name,
            };
            let address = to.trim().to_ascii_lowercase();
            mailer
                .send_test(&address, &parts, &one_click_url(&config.site_url))
                .await
                .map_err(|error| format!("sending to {address} failed: {error}"))?;
            match &config.smtp {
                Some(smtp) => println!("sent the {week} issue to {address} through {}:{}", smtp.host, smtp.port),
                None => println!(
                    "no SMTP configured (NV_SMTP_HOST): the {week} issue was written to {}",
                    config.data_dir.join("outbox").display()
                ),
            }
            Ok(())
        }
        NewsletterCommand::Send { week } => {
            let week = week_or(week.as_deref(), IsoWeek::containing(nv_content::dates::Date::today_utc()))?;
            let content = load_content(config)?;
            let store = store(config).await?;
            let report = nv_newsletter::scheduler::send_week(&store, &config.weekly_settings(), &content, week)
                .await
                .map_err(|error| error.to_string())?;
            if report.already_sent {
                println!("the {week} issue was sent before: nothing queued");
            } else {
                println!("queued the {week} issue to {} subscriber(s); the running server delivers it", report.queued);
            }
            Ok(())
        }
        NewsletterCommand::Status => {
            let status = store(config).await?.status().await.map_err(|error| format!("database: {error}"))?;
            println!("subscribers:");
            for (state, count) in &status.subscribers {
                println!("  {state:<13} {count}");
            }
            println!("recent issues (queued / sent / failed):");
            if status.issues.is_empty() {
                println!("  none yet");
            }
            for (week, subject, queued, sent, failed) in &status.issues {
                println!("  {week}  {queued} / {sent} / {failed}  {subject}");
            }
            let (waiting, oldest) = status.backlog;
            match oldest {
                Some(age) => println!("outbox: {waiting} mail(s) waiting, the oldest for {}", age_text(age)),
                None => println!("outbox: empty"),
            }
            Ok(())
        }
    }
}

async fn subscriber(command: SubscriberCommand, config: &Config) -> Result<(), String> {
    let store = store(config).await?;
    match command {
        SubscriberCommand::Export { address } => {
            let data = store.export(address.trim()).await.map_err(|error| format!("database: {error}"))?;
            let data = data.ok_or_else(|| format!("no subscriber has the address {:?}", address.trim()))?;
            println!("{}", serde_json::to_string_pretty(&data).map_err(|error| error.to_string())?);
            Ok(())
        }
        SubscriberCommand::Erase { address } => {
            let erased = store.erase(address.trim()).await.map_err(|error| format!("database: {error}"))?;
            let erased = erased.ok_or_else(|| format!("no subscriber has the address {:?}", address.trim()))?;
            println!(
                "erased {:?}: the address is gone from the subscriber list and from {} mail record(s), {} token(s) deleted, unsent mail dropped.\n\
                 kept: {} consent event(s) (signup / confirm / unsubscribe: when, through which form, which privacy notice), now without any address, \
                 as the record that mail was only ever sent with consent (GDPR art. 7(1)); and the count of issues delivered.",
                address.trim(),
                erased.mails,
                erased.tokens,
                erased.consent_events_kept
            );
            Ok(())
        }
    }
}

fn images(command: ImagesCommand, config: &Config) -> Result<(), String> {
    match command {
        ImagesCommand::Make => {
            let cache = config.data_dir.join(crate::CONTENT_CACHE_FILE);
            let (content, _) = ContentStore::load_cached(&config.content_dir, &config.site_url, &cache)
                .map_err(|errors| format!("the content has problems:\n{errors}"))?;
            let store = content.images().store();
            let started = std::time::Instant::now();
            let photos = content.photos_in_use();
            for (file, derived) in &photos {
                let one = std::time::Instant::now();
                let made = nv_images::derive::derive_missing(file, derived, store, || ())
                    .map_err(|reason| format!("{}: {reason}", file.display()))?;
                let shape = match derived.shape {
                    nv_model::images::Shape::Whole => "whole",
                    nv_model::images::Shape::Banner(_) => "banner",
                };
                println!("{} ({shape}): {made} images made in {} ms", file.display(), one.elapsed().as_millis());
            }
            println!("{} photos, {} ms", photos.len(), started.elapsed().as_millis());
            Ok(())
        }
        ImagesCommand::Sample { file, width, height } => {
            if !(16..=8000).contains(&width) || !(16..=8000).contains(&height) {
                return Err("--width and --height must be between 16 and 8000".to_string());
            }
            let exif = nv_images::testing::Exif { orientation: 1, gps: true };
            let jpeg = nv_images::testing::jpeg_with_exif(width, height, &exif);
            std::fs::write(&file, jpeg).map_err(|error| format!("cannot write {}: {error}", file.display()))?;
            println!("{}", file.display());
            Ok(())
        }
    }
}
