//! `server` runs the site; its subcommands (`server --help`) check content and run the newsletter.
#![recursion_limit = "512"]

use app::content::server::live::{CacheFile, ContentSource, LiveContent};
use app::content::server::store::ContentStore;
use app::newsletter::server::scheduler::Scheduler;
use app::newsletter::server::sqlite_backup::ServerLock;
use app::newsletter::server::weekly::WeeklySettings;
use app::newsletter::server::{Database, DatabaseUrl, DeliveryWorker, Mailer, Newsletter, RateLimiter, Store};
use leptos::prelude::{get_configuration, LeptosOptions};
use server::commands::{Cli, Command};
use server::config::Config;
use server::serve::ServeSettings;
use server::settings::ReadSettings;

use std::process::ExitCode;
use std::sync::Arc;

/// The allocator for the whole server (see server/Cargo.toml for why).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    server::memory::disable_transparent_huge_pages();
    // Set before the runtime starts any thread, so no thread can read the environment meanwhile.
    if std::env::var_os("LEPTOS_OUTPUT_NAME").is_none() && option_env!("LEPTOS_OUTPUT_NAME").is_none() {
        std::env::set_var("LEPTOS_OUTPUT_NAME", "nourishvibes");
    }
    run()
}

#[tokio::main]
async fn run() -> ExitCode {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let read = ReadSettings::from_matches(&matches);
    let mut problems = Vec::new();
    if let Err(problem) = server::telemetry::init_logs(read.given("RUST_LOG"), read.given("NV_LOG_FORMAT")) {
        problems.push(problem);
    }
    let metrics_addr = match read.given("NV_METRICS_ADDR").map(|addr| (addr.parse::<std::net::SocketAddr>(), addr)) {
        None => None,
        Some((Ok(addr), _)) => Some(addr),
        Some((Err(_), addr)) => {
            problems.push(format!("NV_METRICS_ADDR must be an address and port such as 127.0.0.1:9464, not {addr:?}"));
            None
        }
    };
    let leptos_options = leptos_options(&read).map_err(|error| problems.push(error)).ok();
    let address =
        leptos_options.as_ref().map_or_else(|| "127.0.0.1:3000".into(), |options| options.site_addr.to_string());
    let config = Config::from_settings(&read, &address).map_err(|errors| problems.extend(errors)).ok();
    let open_files = server::serve::raise_open_files_limit();
    let settings = read
        .build(|lookup| ServeSettings::from_lookup(lookup, open_files))
        .map_err(|errors| problems.extend(errors))
        .ok();

    if let Some(Command::Config) = cli.command {
        print!("{}", server::settings::report(&read, &problems));
        return if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) };
    }
    let (Some(config), Some(settings), Some(leptos_options), true) =
        (config, settings, leptos_options, problems.is_empty())
    else {
        eprintln!("error: the server cannot start with these settings (server --help lists them all):");
        for problem in &problems {
            eprintln!("  {problem}");
        }
        return ExitCode::from(2);
    };
    if let (Some(addr), None) = (metrics_addr, &cli.command) {
        // Before anything records: a handle taken earlier would count into nothing.
        if let Err(error) = server::telemetry::install_metrics(addr) {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
        tracing::info!("metrics on http://{addr}/metrics");
    }
    if let Some(command) = cli.command {
        return match command {
            Command::Check => check(&config),
            other => server::commands::run(other, &config).await,
        };
    }
    let address = leptos_options.site_addr;

    if let Err(error) = writable_data_dir(&config.data_dir) {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    let source = ContentSource {
        dir: config.content_dir.clone(),
        site_url: config.site_url.clone(),
        show_unpublished: config.show_drafts,
        cache: Some(CacheFile {
            path: config.data_dir.join(server::CONTENT_CACHE_FILE),
            written: server::memory::release_freed,
        }),
    };
    let live = match LiveContent::load(source) {
        Ok(live) => Arc::new(live),
        Err(errors) => {
            eprintln!("error: the site cannot start because of its content.\n{errors}");
            return ExitCode::FAILURE;
        }
    };
    {
        // A snapshot only for these lines: kept, it would hold the first content after a reload.
        let content = live.current();
        for warning in content.warnings() {
            tracing::warn!("content: {warning}");
        }
        tracing::info!(articles = content.article_count(), "content loaded");
    }
    // The load peaks far above what the store keeps: give the difference back (server/src/memory.rs).
    server::memory::release_freed();

    let production = leptos_options.env == leptos::config::Env::PROD;
    // Held while the server runs: `server db restore` refuses to replace the file under it.
    let _database_lock = match &config.database {
        DatabaseUrl::Sqlite(file) => match ServerLock::acquire(file) {
            Ok(lock) => Some(lock),
            Err(held) => {
                eprintln!("error: {held}: SQLite serves one server at a time (several servers share PostgreSQL)");
                return ExitCode::FAILURE;
            }
        },
        DatabaseUrl::Postgres(_) => None,
    };
    let (newsletter, worker) = match start_newsletter(&config, production, &live).await {
        Ok(started) => started,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let state = server::build_state(leptos_options, live.clone(), config.site_url.clone(), newsletter.clone());
    // Served without an outer router: cache hits are answered before any routing.
    let cache = Arc::new(server::html_cache::HtmlCache::new(config.page_cache));
    let app = server::build_app_with_cache(state, &config.content_dir, cache.clone());
    if metrics_addr.is_some() {
        tokio::spawn(server::telemetry::poll_levels(newsletter.store.clone(), live.clone(), cache.clone()));
    }
    // Photos' derived images, made beside serving (a request makes any it needs first).
    server::images::DerivedImages::new(&live).spawn_background();
    let reloader = server::reload::Reloader::new(live, cache);
    tokio::spawn(server::reload::reload_on_sighup(reloader.clone()));
    // Kept for as long as the server runs: dropping it stops the watching.
    let _watcher = match config.watch_content {
        false => None,
        true => match server::reload::watch(reloader) {
            Ok(watcher) => Some(watcher),
            Err(error) => {
                tracing::error!(
                    "cannot watch {} for changes (edits need a reload or restart): {error}",
                    config.content_dir.display()
                );
                None
            }
        },
    };

    let listener = match server::serve::listen(address) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {address}: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        "listening on http://{address} (site URL {}); at most {} connections, timeouts: header {:?}, idle {:?}, body {:?}, shutdown {:?}",
        config.site_url,
        settings.max_connections,
        settings.header_timeout,
        settings.idle_timeout,
        settings.body_timeout,
        settings.shutdown_timeout,
    );
    let stopped = server::serve::serve(listener, app, &settings, shutdown_signal()).await;
    if stopped.cut_off > 0 {
        tracing::warn!("shutdown: {} connection(s) still busy at the deadline were cut off", stopped.cut_off);
    }
    // Whatever the HTTP side left of the deadline is for the signups and the mail in hand.
    let store = newsletter.store.clone();
    let finished = tokio::time::timeout_at(stopped.deadline, async move {
        store.stop().await;
        let _ = worker.await;
        store.database().close().await;
    })
    .await;
    match finished {
        Ok(()) => tracing::info!("shutdown complete"),
        Err(_) => tracing::warn!("shutdown: the newsletter did not stop within the deadline; queued signups not acknowledged are lost, mail waits in the outbox"),
    }
    ExitCode::SUCCESS
}

/// Opens the newsletter database and starts delivering its outbox (the worker's task, which
/// returns after [`Store::stop`]). In `production` a missing SMTP setting is warned about:
/// readers would never get their confirmation mail.
async fn start_newsletter(
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
        preview: config.show_drafts.then(|| WeeklySettings {
            content_dir: config.content_dir.clone(),
            site_url: config.site_url.clone(),
            schedule: config.newsletter_schedule.0,
            send_time: config.newsletter_schedule.1,
        }),
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
                settings: WeeklySettings {
                    content_dir: config.content_dir.clone(),
                    site_url: config.site_url.clone(),
                    schedule: Some(schedule),
                    send_time: schedule,
                },
                schedule,
                signal: newsletter.outbox_signal.clone(),
                clock: app::newsletter::server::system_clock(),
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
fn writable_data_dir(dir: &std::path::Path) -> Result<(), String> {
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
fn leptos_options(read: &ReadSettings) -> Result<LeptosOptions, String> {
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
fn check(config: &Config) -> ExitCode {
    match ContentStore::load(&config.content_dir, &config.site_url) {
        Ok(content) => {
            for warning in content.warnings() {
                eprintln!("warning: {warning}");
            }
            // Newsletter notes (content/newsletter/) and [mail] in site.toml, as LiveContent loads them.
            let notes = match app::newsletter::server::weekly::notes::check(&config.content_dir, &content) {
                Ok(notes) => notes,
                Err(errors) => {
                    eprintln!("{}", app::content::server::error::ContentErrors(errors));
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

/// SIGINT (Ctrl-C) or SIGTERM (service managers, orchestrators).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown: no longer accepting; finishing the requests in flight");
}
