//! `server` runs the site; its subcommands (`server --help`) check content and run the newsletter.
#![recursion_limit = "512"]

use nv_content::live::{CacheFile, ContentSource, LiveContent};
use nv_newsletter::sqlite_backup::ServerLock;
use nv_newsletter::DatabaseUrl;
use server::commands::{Cli, Command};
use server::config::Config;
use server::serve::ServeSettings;
use server::settings::ReadSettings;
use server::startup::{self, Failure};
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

/// Runs the command or the site; every failure leaves through [`Failure::report`].
#[tokio::main]
async fn run() -> ExitCode {
    match run_or_fail().await {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

async fn run_or_fail() -> Result<ExitCode, Failure> {
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
    let leptos_options = startup::leptos_options(&read).map_err(|error| problems.push(error)).ok();
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
        return Ok(if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) });
    }
    let (Some(config), Some(settings), Some(leptos_options), true) =
        (config, settings, leptos_options, problems.is_empty())
    else {
        return Err(Failure::Settings(problems));
    };
    if let (Some(addr), None) = (metrics_addr, &cli.command) {
        // Before anything records: a handle taken earlier would count into nothing.
        server::telemetry::install_metrics(addr)?;
        tracing::info!("metrics on http://{addr}/metrics");
    }
    if let Some(command) = cli.command {
        return Ok(match command {
            Command::Check => startup::check(&config),
            other => {
                server::commands::run(other, &config).await?;
                ExitCode::SUCCESS
            }
        });
    }
    let address = leptos_options.site_addr;

    startup::writable_data_dir(&config.data_dir)?;
    let source = ContentSource {
        dir: config.content_dir.clone(),
        site_url: config.site_url.clone(),
        show_unpublished: config.show_drafts,
        cache: Some(CacheFile {
            path: config.data_dir.join(server::CONTENT_CACHE_FILE),
            written: server::memory::release_freed,
        }),
    };
    let live = Arc::new(
        LiveContent::load(source)
            .map_err(|errors| format!("the site cannot start because of its content.\n{errors}"))?,
    );
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
        DatabaseUrl::Sqlite(file) => Some(ServerLock::acquire(file).map_err(|held| {
            format!("{held}: SQLite serves one server at a time (several servers share PostgreSQL)")
        })?),
        DatabaseUrl::Postgres(_) => None,
    };
    let (newsletter, worker) = startup::start_newsletter(&config, production, &live).await?;
    let state = server::build_state(leptos_options, live.clone(), config.site_url.clone(), newsletter.clone());
    // Served without an outer router: cache hits are answered before any routing.
    let cache = Arc::new(server::html_cache::HtmlCache::new(config.page_cache));
    let app = server::build_app_with_cache(state, &config.content_dir, cache.clone());
    if metrics_addr.is_some() {
        tokio::spawn(server::telemetry::poll_levels(newsletter.store.clone(), live.clone(), cache.clone()));
    }
    tokio::spawn(server::search_misses::flush_every_minute(newsletter.clone()));
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

    let listener = server::serve::listen(address).map_err(|error| format!("cannot listen on {address}: {error}"))?;
    let shutdown = startup::shutdown_signal()?;
    tracing::info!(
        "listening on http://{address} (site URL {}); at most {} connections, timeouts: header {:?}, idle {:?}, body {:?}, shutdown {:?}",
        config.site_url,
        settings.max_connections,
        settings.header_timeout,
        settings.idle_timeout,
        settings.body_timeout,
        settings.shutdown_timeout,
    );
    let stopped = server::serve::serve(listener, app, &settings, shutdown).await;
    if stopped.cut_off > 0 {
        tracing::warn!("shutdown: {} connection(s) still busy at the deadline were cut off", stopped.cut_off);
    }
    // Whatever the HTTP side left of the deadline is for the signups and the mail in hand.
    let store = newsletter.store.clone();
    let finished = tokio::time::timeout_at(stopped.deadline, async move {
        server::search_misses::flush(&newsletter).await;
        store.stop().await;
        let _ = worker.await;
        store.database().close().await;
    })
    .await;
    match finished {
        Ok(()) => tracing::info!("shutdown complete"),
        Err(_) => tracing::warn!("shutdown: the newsletter did not stop within the deadline; queued signups not acknowledged are lost, mail waits in the outbox"),
    }
    Ok(ExitCode::SUCCESS)
}
