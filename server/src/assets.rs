//! The built stylesheet, JS module and WASM under `/pkg`. In production their URLs carry a
//! hash of their content (`?v=`), so browsers and CDNs keep them for a year and a deploy still
//! takes effect at once. Brotli and gzip copies written at build time
//! (`cargo leptos build --release --precompress`) are sent as they are, never recompressed.

use app::layout::AssetUrls;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use leptos::config::{Env, LeptosOptions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::Layer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// `Cache-Control` for a URL whose version matches the file: it can never change.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
/// `Cache-Control` for anything else under `/pkg`: revalidate every time (cheap, with 304s).
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");

/// The `/pkg` files, with the version of each file name the pages link to.
#[derive(Clone, Debug)]
pub struct PkgAssets {
    dir: PathBuf,
    urls: AssetUrls,
    /// File name → the `v` its URL carries.
    versions: Arc<HashMap<String, String>>,
}

impl PkgAssets {
    /// Reads the built files once: in production each URL gets `?v=` and the file's
    /// fingerprint ([`crate::etag::fingerprint`]); in development URLs stay plain (files change under
    /// `cargo leptos watch` without a restart).
    pub fn new(options: &LeptosOptions) -> PkgAssets {
        let dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let mut urls = AssetUrls::plain(&options.site_pkg_dir, &options.output_name);
        // cargo-leptos names the module `{name}.wasm`, a bare wasm-bindgen build
        // `{name}_bg.wasm`: link what was built.
        if let Some(built) = ["", "_bg"]
            .map(|suffix| format!("/{}/{}{suffix}.wasm", options.site_pkg_dir, options.output_name))
            .into_iter()
            .find(|url| dir.join(file_name(url)).exists())
        {
            urls.wasm = built;
        }
        let mut versions = HashMap::new();
        if options.env == Env::PROD {
            for url in [&mut urls.css, &mut urls.js, &mut urls.wasm] {
                let name = file_name(url).to_string();
                match std::fs::read(dir.join(&name)) {
                    Ok(bytes) => {
                        let version = crate::etag::fingerprint(&bytes);
                        url.push_str("?v=");
                        url.push_str(&version);
                        versions.insert(name, version);
                    }
                    Err(error) => tracing::warn!("{}: {error}; its URL stays unversioned", dir.join(&name).display()),
                }
            }
        }
        PkgAssets { dir, urls, versions: Arc::new(versions) }
    }

    /// The URLs pages link to.
    pub fn urls(&self) -> AssetUrls {
        self.urls.clone()
    }

    /// Serves the folder, preferring the `.br` and `.gz` copies next to each file.
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        let files = ServeDir::new(&self.dir).precompressed_br().precompressed_gzip();
        Router::new()
            .fallback_service(files)
            .layer(axum::middleware::from_fn_with_state(self.versions.clone(), cache_control))
    }
}

/// `Cache-Control` for article images: their names are not versioned, so a day, then served
/// stale while a fresh copy is fetched (an editor replacing an image sees it within a day).
const IMAGE_CACHE: HeaderValue = HeaderValue::from_static("public, max-age=86400, stale-while-revalidate=604800");

/// Serves the content folder's SVG illustrations with [`IMAGE_CACHE`]. Photos are not served
/// as the editor's file (it may carry the camera's EXIF, GPS position included): only as their
/// derived images (`/img/…`, server/src/images.rs).
pub fn content_images(dir: &Path) -> Router {
    let files = SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, IMAGE_CACHE).layer(ServeDir::new(dir));
    Router::new().fallback_service(files).layer(axum::middleware::from_fn(only_svg))
}

/// Lets requests for `.svg` files through; anything else under `/images/` is a 404.
async fn only_svg(request: Request, next: Next) -> Response {
    if request.uri().path().to_ascii_lowercase().ends_with(".svg") {
        next.run(request).await
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// The last path segment of a URL path.
fn file_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

/// Marks a response immutable when the requested `v` is the served file's current version.
async fn cache_control(State(versions): State<Arc<HashMap<String, String>>>, request: Request, next: Next) -> Response {
    let requested = request
        .uri()
        .query()
        .and_then(|query| query.split('&').find_map(|pair| pair.strip_prefix("v=")))
        .map(str::to_owned);
    let current = versions.get(file_name(request.uri().path())).cloned();
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let fresh = requested.is_some() && requested == current;
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, if fresh { IMMUTABLE } else { REVALIDATE });
        // The same URL may be answered with the brotli, gzip or plain copy.
        if !headers.contains_key(header::VARY) {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    response
}
