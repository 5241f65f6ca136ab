//! The NourishVibes server: configuration, content loading and the axum router.
#![recursion_limit = "512"]

pub mod age;
pub mod assets;
pub mod commands;
pub mod config;
pub mod cross_site;
pub mod etag;
pub mod feeds;
pub mod health;
pub mod html_cache;
pub mod images;
pub mod memory;
pub mod newsletter;
pub mod observe;
pub mod preview;
pub mod reload;
pub mod render;
pub mod search_misses;
pub mod security_headers;
pub mod serve;
pub mod settings;
pub mod share_image;
pub mod startup;
pub mod telemetry;

use app::state::AppState;
use app::App;
use axum::routing::get;
use axum::Router;
use html_cache::{CachedPages, HtmlCache};
use leptos::prelude::LeptosOptions;
use leptos_axum::generate_route_list_with_exclusions_and_ssg_and_context;
use nv_content::live::LiveContent;
use nv_newsletter::Newsletter;
use security_headers::{SecurityHeaders, SecurityHeadersLayer, SecurityPolicy};
use std::sync::Arc;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;

/// The content cache's file name in the data dir (see app/src/content/load_cache.rs); photos'
/// derived images are kept beside it, in `derived-images/`.
pub const CONTENT_CACHE_FILE: &str = "content-cache.bin";

/// Largest request body accepted (forms are a few hundred bytes); larger gets 413.
pub const MAX_BODY_BYTES: usize = 8 * 1024;

/// Builds the whole HTTP application: pages, server functions, content and share images and
/// static files. `content_dir` holds `images/`.
pub fn build_router(state: AppState, content_dir: &std::path::Path) -> Router {
    Router::new().fallback_service(build_app(state, content_dir))
}

/// [`build_router`] storing pages in `cache`, which the caller can look into (tests).
pub fn build_router_with_cache(state: AppState, content_dir: &std::path::Path, cache: Arc<HtmlCache>) -> Router {
    Router::new().fallback_service(build_app_with_cache(state, content_dir, cache))
}

/// The state the server and its tests run on: `live` content for a site at `site_url`, with the
/// URLs of the files built under `leptos_options`' site root (versioned in production).
pub fn build_state(
    leptos_options: LeptosOptions,
    live: Arc<LiveContent>,
    site_url: String,
    newsletter: Arc<Newsletter>,
) -> AppState {
    let assets = assets::PkgAssets::new(&leptos_options).urls();
    AppState::new(leptos_options, live, site_url, newsletter, assets)
}

/// The application as the server runs it: the security headers around everything; cached pages
/// answered in front of the rest (no routing, compression, body limit or handler runs for a
/// hit); every other request goes to the router with its layers, where rendered pages are
/// stored into the cache.
pub fn build_app(state: AppState, content_dir: &std::path::Path) -> Site {
    build_app_with_cache(state, content_dir, Arc::new(HtmlCache::default()))
}

/// The whole application, as [`build_app`] makes it.
pub type Site = observe::Observe<SecurityHeaders<CachedPages<Router>>>;

/// [`build_app`] with the page cache given.
pub fn build_app_with_cache(state: AppState, content_dir: &std::path::Path, cache: Arc<HtmlCache>) -> Site {
    // The built files, served under the versions the state's URLs carry (see `build_state`).
    let pkg = assets::PkgAssets::new(&state.leptos_options);
    let security = security_policy(&state);
    // The app reads its state while the route list is walked, as it does in every render.
    let route_state = state.current();
    // Preview links are checked before their render (preview.rs), so the route is not a page's.
    let excluded = Some(vec![preview::ROUTE.to_string()]);
    let (routes, _) = generate_route_list_with_exclusions_and_ssg_and_context(App, excluded, move || {
        leptos::prelude::provide_context(route_state.clone())
    });
    let site_origin = cross_site::SiteOrigin::new(&state.config.site_url);
    let share_images = share_image::ShareImages::new(&state.live, content_dir);
    let share_routes = Router::new().route("/{file}", axum::routing::get(share_image::serve)).with_state(share_images);
    let image_routes =
        Router::new().route("/{file}", get(images::serve)).with_state(images::DerivedImages::new(&state.live));
    let router = render::page_routes(Router::new(), routes)
        .nest("/pkg", pkg.router())
        .nest_service("/images", assets::content_images(&content_dir.join("images")))
        .nest_service("/img", image_routes)
        .nest_service("/share", share_routes)
        .merge(feeds::routes())
        .merge(health::routes())
        .merge(reload::routes())
        .route("/newsletter/unsubscribe/one-click", get(newsletter::one_click_page).post(newsletter::one_click))
        .route(preview::ROUTE, get(preview::page))
        .fallback(render::file_or_page)
        // Inside compression: pages are stored uncompressed and compressed once by the cache.
        .layer(axum::middleware::from_fn_with_state(cache.clone(), html_cache::store_rendered))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // Posts from other sites are refused before anything reads them.
        .layer(axum::middleware::from_fn_with_state(site_origin, cross_site::refuse_cross_site))
        // Whatever is not cached already compressed is compressed cheaply per response.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        // Outermost in the router: the route pattern and the outcome, for the log and the metrics.
        .layer(axum::middleware::from_fn(observe::label_route))
        .with_state(state);
    let security_headers = SecurityHeadersLayer::new(&security);
    cache.add_to_every_copy(security_headers.sets());
    observe::Observe::new(tower::Layer::layer(&security_headers, CachedPages::new(cache, router)))
}

/// The security headers for the site's URL and the inline scripts its pages carry.
fn security_policy(state: &AppState) -> SecurityPolicy {
    let options = &state.leptos_options;
    let scripts = app::inline_scripts(options, &state.assets);
    let mut policy = SecurityPolicy::new(&state.config.site_url, scripts);
    // Under `cargo leptos watch`, pages connect to live reload on a port of its own: allowed
    // exactly when Leptos renders that script, as Leptos decides it (no setting read here).
    if app::live_reload_active(options) {
        policy.reload_port = Some(options.reload_external_port.unwrap_or(options.reload_port));
    }
    policy
}
