//! `server` runs the site; `server check` validates the content folder and exits.
#![recursion_limit = "512"]

use app::content::store::ContentStore;
use app::newsletter::server::{open_database, DeliveryWorker, Mailer, Newsletter, RateLimiter, Store};
use app::layout::AssetUrls;
use app::state::{AppState, SiteConfig};
use axum::serve::ListenerExt;
use axum::ServiceExt;
use leptos::prelude::{get_configuration, LeptosOptions};
use server::config::Config;
use std::process::ExitCode;
use std::sync::Arc;

/// The allocator for the whole server (see server/Cargo.toml for why).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Set before the runtime starts any thread, so no thread can read the environment meanwhile.
    if std::env::var_os("LEPTOS_OUTPUT_NAME").is_none() && option_env!("LEPTOS_OUTPUT_NAME").is_none() {
        std::env::set_var("LEPTOS_OUTPUT_NAME", "nourishvibes");
    }
    run()
}

#[tokio::main]
async fn run() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,server=info,app=info".into()),
        )
        .init();

    let mut args = std::env::args().skip(1);
    let command = args.next();
    if command.as_deref() == Some("check") {
        return match Config::from_env("127.0.0.1:3000") {
            Ok(config) => check(&config),
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        };
    }
    if let Some(other) = command {
        eprintln!("error: unknown command `{other}`. Usage: server [check]");
        return ExitCode::from(2);
    }

    let leptos_options = match leptos_options() {
        Ok(options) => options,
        Err(error) => {
            eprintln!("error: Leptos configuration: {error}");
            return ExitCode::FAILURE;
        }
    };
    let address = leptos_options.site_addr;
    let config = match Config::from_env(&address.to_string()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };

    let content = match ContentStore::load(&config.content_dir, &config.site_url) {
        Ok(content) => content.showing_unpublished(config.show_drafts),
        Err(errors) => {
            eprintln!("error: the site cannot start because of its content.\n{errors}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = std::fs::create_dir_all(&config.data_dir) {
        eprintln!("error: cannot create data dir {}: {error}", config.data_dir.display());
        return ExitCode::FAILURE;
    }
    for warning in content.warnings() {
        tracing::warn!("content: {warning}");
    }
    tracing::info!(articles = content.article_count(), "content loaded");

    let newsletter = match start_newsletter(&config).await {
        Ok(newsletter) => newsletter,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let state = AppState {
        leptos_options,
        content: Arc::new(content),
        config: Arc::new(SiteConfig { site_url: config.site_url.clone() }),
        newsletter,
        // Replaced by the versioned URLs when the router is built.
        assets: Arc::new(AssetUrls::plain("pkg", "nourishvibes")),
    };
    // Served without an outer router: cache hits are answered before any routing.
    let cache = Arc::new(server::html_cache::HtmlCache::new(config.page_cache));
    let app = server::build_app_with_cache(state, &config.content_dir, cache);
    let router = ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<std::net::SocketAddr>(app);

    let listener = match tokio::net::TcpListener::bind(address).await {
        // Responses go out as soon as they are written, as nginx does with `tcp_nodelay on`.
        Ok(listener) => listener.tap_io(|stream| {
            if let Err(error) = stream.set_nodelay(true) {
                tracing::debug!("TCP_NODELAY not set: {error}");
            }
        }),
        Err(error) => {
            eprintln!("error: cannot listen on {address}: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!("listening on http://{address} (site URL {})", config.site_url);
    if let Err(error) = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
    {
        eprintln!("error: server stopped: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Opens the newsletter database and starts delivering its outbox.
async fn start_newsletter(config: &Config) -> Result<Arc<Newsletter>, String> {
    let pool = open_database(&config.data_dir)
        .await
        .map_err(|error| format!("cannot open the database in {}: {error}", config.data_dir.display()))?;
    let mailer = match &config.smtp {
        Some(smtp) => {
            tracing::info!("newsletter mail goes through SMTP {}:{}", smtp.host, smtp.port);
            Mailer::smtp(smtp)?
        }
        None => {
            let outbox = config.data_dir.join("outbox");
            tracing::info!("no SMTP configured (NV_SMTP_HOST): newsletter mail is written to {}", outbox.display());
            Mailer::Files(outbox)
        }
    };
    let store = Store::new(pool, &config.site_url, None);
    let newsletter = Arc::new(Newsletter {
        store: store.clone(),
        limiter: RateLimiter::new(config.signup_limit, std::time::Duration::from_secs(600)),
        outbox_signal: Arc::default(),
        trust_forwarded_for: config.trust_forwarded_for,
    });
    let worker = DeliveryWorker { store, mailer, signal: newsletter.outbox_signal.clone() };
    tokio::spawn(worker.run());
    Ok(newsletter)
}

/// Leptos options from the environment cargo-leptos sets, with defaults that let the built
/// binary run from the repository root without it.
fn leptos_options() -> Result<LeptosOptions, String> {
    let mut options = get_configuration(None).map_err(|error| error.to_string())?.leptos_options;
    if std::env::var_os("LEPTOS_SITE_ROOT").is_none() {
        options.site_root = "target/site".into();
    }
    Ok(options)
}

/// `server check`: loads all content as start-up would and reports every problem.
fn check(config: &Config) -> ExitCode {
    match ContentStore::load(&config.content_dir, &config.site_url) {
        Ok(content) => {
            for warning in content.warnings() {
                eprintln!("warning: {warning}");
            }
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
}
