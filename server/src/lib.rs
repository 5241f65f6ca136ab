//! The NourishVibes server: configuration, content loading and the axum router.
#![recursion_limit = "256"]

pub mod config;

use app::state::AppState;
use app::{shell, App};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::services::ServeDir;

/// Builds the whole HTTP application: pages, server functions, content images and static files.
pub fn build_router(state: AppState, content_images: &std::path::Path) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    Router::new()
        .leptos_routes(&state, routes, move || shell(leptos_options.clone()))
        .nest_service("/images", ServeDir::new(content_images))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
}
