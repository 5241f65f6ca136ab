//! Starting the server, step by step: settings, the data dir, the Leptos options, the newsletter
//! and the shutdown signal. Every step that can fail says why in a [`Failure`], which `main`
//! turns into one message and one exit code.

use crate::config::Config;
use crate::settings::ReadSettings;
use leptos::prelude::{get_configuration, LeptosOptions};
use nv_content::live::LiveContent;
use nv_content::store::ContentStore;
use nv_newsletter::scheduler::Scheduler;
use nv_newsletter::{Database, DeliveryWorker, Mailer, Newsletter, RateLimiter, Store};
use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

/// Why the server or a command stopped before doing its work.
#[derive(Debug)]
pub enum Failure {
    /// Settings it cannot use, every one of them (exit 2, like a usage error).
    Settings(Vec<String>),
    /// Something it needs is missing or broken: the data dir, the content, the database (exit 1).
    Start(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Start(message)
    }
}

impl Failure {
    /// Says what went wrong on standard error; the exit code that goes with it.
    pub fn report(self) -> ExitCode {
        match self {
            Failure::Settings(problems) => {
                eprintln!("error: the server cannot start with these settings (server --help lists them all):");
                for problem in problems {
                    eprintln!("  {problem}");
                }
                ExitCode::from(2)
            }
            Failure::Start(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        }
    }
}

/// Opens the newsletter database and starts delivering its outbox (the worker's task, which
/// returns after [`Store::stop`]). In `production` a missing SMTP setting is warned about:
/// readers would never get their confirmation mail.
pub async fn start_newsletter(
    config: &Config,
    production: bool,
    content: &Arc<LiveContent>,
) -> Result<(Arc<Newsletter>, tokio::task::JoinHandle<()>), String> {
    let database = Database::open(&config.database)
        .await
        .map_err(|error| format!("cannot open the database ({}): {error}", config.database.describe()))?;
    tracing::info!("newsletter database: {}", config.database.describe());
    let identity = config.mail_identity()?;
    if let Some(dkim) = &config.dkim {
        tracing::info!("newsletter mail is signed with DKIM (selector {})", dkim.selector);
    }
    let mailer = match &config.smtp {
        Some(smtp) => {
            tracing::info!("newsletter mail goes through SMTP {}:{}", smtp.host, smtp.port);
            Mailer::smtp(smtp, identity)?
        }
        None => {
            let outbox = config.data_dir.join("outbox");
            if production {
                tracing::warn!(
                    "NO MAIL IS SENT: no SMTP server is configured (NV_SMTP_HOST), so newsletter mail is only written to files in {}. Readers will not get their confirmation links.",
                    outbox.display()
                );
            } else {
                tracing::info!("no SMTP configured (NV_SMTP_HOST): newsletter mail is written to {}", outbox.display());
            }
            Mailer::files(outbox, identity)
        }
    };
    let store = Store::new(database, &config.site_url, None).with_claim_lease(config.mail_claim_secs);
    let newsletter = Arc::new(Newsletter {
        store: store.clone(),
        limiter: RateLimiter::new(config.signup_limit, std::time::Duration::from_secs(600)),
        outbox_signal: Arc::default(),
        trusted_proxy_hops: config.trusted_proxy_hops,
        search_misses: Arc::default(),
        preview: config.show_drafts.then(|| config.weekly_settings()),
    });
    let worker = DeliveryWorker {
        store: store.clone(),
        mailer,
        signal: newsletter.outbox_signal.clone(),
        pace: config.mail_pace,
    };
    // The weekly issue (issue 14): stops with the store, like the worker.
    match config.newsletter_schedule.0 {
        Some(schedule) => {
            tracing::info!(
                "newsletter: weekly issue scheduled {schedule:?} (UTC), delivery paced at {:?}",
                config.mail_pace
            );
            let scheduler = Scheduler {
                store,
                content: content.clone(),
                settings: config.weekly_settings(),
                schedule,
                signal: newsletter.outbox_signal.clone(),
                clock: nv_newsletter::system_clock(),
            };
            tokio::spawn(scheduler.run());
        }
        None => tracing::info!("newsletter: automatic weekly issue off (NV_NEWSLETTER_SCHEDULE=off)"),
    }
    Ok((newsletter, tokio::spawn(worker.run())))
}

/// Creates the data dir if needed and makes sure files can be written there: the database, the
/// content cache and the derived images live in it, and finding out at the first signup (a read-only
/// mount, a wrong owner) would turn every signup away.
pub fn writable_data_dir(dir: &std::path::Path) -> Result<(), String> {
    let problem = |error: std::io::Error| {
        format!(
            "the data dir {} is not writable ({error}); the database, the content cache and derived images \
             are kept there: mount it read-write or set NV_DATA_DIR to a writable folder",
            dir.display()
        )
    };
    std::fs::create_dir_all(dir).map_err(problem)?;
    let probe = dir.join(format!(".write-check-{}", std::process::id()));
    std::fs::write(&probe, b"ok").map_err(problem)?;
    std::fs::remove_file(&probe).map_err(problem)
}

/// Leptos options: what cargo-leptos sets for its own use (output name, package dir, reload
/// port), with the address, site root and environment from the settings.
pub fn leptos_options(read: &ReadSettings) -> Result<LeptosOptions, String> {
    let address = read.given("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
    let address = address
        .parse()
        .map_err(|_| format!("LEPTOS_SITE_ADDR must be an address and port such as 127.0.0.1:3000, not {address:?}"))?;
    let mut options = get_configuration(None).map_err(|error| format!("Leptos configuration: {error}"))?.leptos_options;
    options.site_addr = address;
    options.site_root = read.given("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()).into();
    options.env = match read.given("LEPTOS_ENV").as_deref().map(str::to_ascii_uppercase).as_deref() {
        None | Some("DEV") | Some("DEVELOPMENT") => leptos::config::Env::DEV,
        Some("PROD") | Some("PRODUCTION") => leptos::config::Env::PROD,
        Some(_) => {
            return Err(format!(
                "LEPTOS_ENV must be DEV or PROD, not {:?}",
                read.given("LEPTOS_ENV").unwrap_or_default()
            ))
        }
    };
    Ok(options)
}

/// `server check`: loads all content as start-up would and reports every problem.
pub fn check(config: &Config) -> ExitCode {
    match ContentStore::load(&config.content_dir, &config.site_url) {
        Ok(content) => {
            for warning in content.warnings() {
                eprintln!("warning: {warning}");
            }
            // Newsletter notes (content/newsletter/) and [mail] in site.toml, as LiveContent loads them.
            let notes = match nv_newsletter::weekly::notes::check(&config.content_dir, &content) {
                Ok(notes) => notes,
                Err(errors) => {
                    eprintln!("{}", nv_content::error::ContentErrors(errors));
                    return ExitCode::FAILURE;
                }
            };
            println!("newsletter ok: {notes} editor's note(s)");
            println!(
                "content ok: {} article(s), {} daily tip(s) in {}",
                content.article_count(),
                content.tip_count(),
                config.content_dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            ExitCode::FAILURE
        }
    }
}

/// SIGINT (Ctrl-C) or SIGTERM (service managers, orchestrators), installed now: a handler that
/// cannot be installed is an error at start, not a shutdown the moment the server is up.
pub fn shutdown_signal() -> Result<impl Future<Output = ()>, String> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).map_err(|error| format!("cannot handle SIGINT: {error}"))?;
    let mut terminate = signal(SignalKind::terminate()).map_err(|error| format!("cannot handle SIGTERM: {error}"))?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutdown: no longer accepting; finishing the requests in flight");
    })
}
