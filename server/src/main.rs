//! `server` runs the site; `server check` validates the content folder and exits.

use app::content::store::ContentStore;
use app::state::{AppState, SiteConfig};
use leptos::prelude::get_configuration;
use server::config::Config;
use std::process::ExitCode;
use std::sync::Arc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,server=info,app=info".into()),
        )
        .init();

    let leptos_options = match get_configuration(None) {
        Ok(configuration) => configuration.leptos_options,
        Err(error) => {
            eprintln!("error: Leptos configuration: {error}");
            return ExitCode::FAILURE;
        }
    };
    let address = leptos_options.site_addr;
    let config = Config::from_env(&address.to_string());

    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("check") => return check(&config),
        Some(other) => {
            eprintln!("error: unknown command `{other}`. Usage: server [check]");
            return ExitCode::from(2);
        }
        None => {}
    }

    let content = match ContentStore::load(&config.content_dir) {
        Ok(content) => content,
        Err(errors) => {
            eprintln!("error: the site cannot start because of its content.\n{errors}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = std::fs::create_dir_all(&config.data_dir) {
        eprintln!("error: cannot create data dir {}: {error}", config.data_dir.display());
        return ExitCode::FAILURE;
    }
    tracing::info!(articles = content.article_count(), "content loaded");

    let state = AppState {
        leptos_options,
        content: Arc::new(content),
        config: Arc::new(SiteConfig { site_url: config.site_url.clone() }),
    };
    let router = server::build_router(state, &config.content_dir.join("images"));

    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
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

/// `server check`: loads all content as start-up would and reports every problem.
fn check(config: &Config) -> ExitCode {
    match ContentStore::load(&config.content_dir) {
        Ok(content) => {
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
