//! Renders the app's pages as valid HTML documents. Every page, the 404 page included, goes
//! through [`document`], which renders the whole document in order and hands it on in one piece:
//!
//! - without the resource scripts Leptos appends after `</html>` (`__RESOLVED_RESOURCES=…`):
//!   outside islands nothing is hydrated, the islands read no serialized data, and a script
//!   after `</html>` is invalid HTML as well as an inline script the CSP would have to allow;
//! - with tachys' `<!>` hydration markers written as `<!---->`, the same empty comment node in
//!   the DOM (so islands hydrate exactly as before) but valid HTML. tachys writes the markers
//!   whenever it escapes text (between adjacent text nodes, after every list, for every empty
//!   `Option`), hydrating or not, and offers no switch; the rendered document is the one place
//!   that sees them all, once per render, before the page cache stores the page.

use app::shell;
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter};
use axum::Router;
use futures::stream::{once, Stream, StreamExt};
use leptos::prelude::{provide_context, IntoView};
use leptos_axum::{AxumRouteListing, LeptosRoutes};
use std::future::Future;
use std::pin::Pin;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// A stream of HTML chunks, as Leptos' response builder takes it.
type HtmlStream = Pin<Box<dyn Stream<Item = String> + Send>>;

/// The marker tachys writes between nodes, and the valid comment written instead.
const MARKER: &[u8] = b"<!>";
const COMMENT: &str = "<!---->";

/// Adds the app's pages (`routes`) and its server functions to `router`.
pub fn page_routes(mut router: Router<AppState>, routes: Vec<AxumRouteListing>) -> Router<AppState> {
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        let Ok(filter) = MethodFilter::try_from(method.clone()) else {
            tracing::error!(path, %method, "server function with an HTTP method the router cannot route");
            continue;
        };
        router = router.route(path, on(filter, server_function));
    }
    router.leptos_routes_with_handler(routes, page)
}

/// Answers a server-function call with the application state provided, as pages have it.
async fn server_function(State(state): State<AppState>, request: Request) -> Response {
    let state = state.current();
    leptos_axum::handle_server_fns_with_context(move || provide_context(state.clone()), request).await.into_response()
}

/// Renders the page for `request` (status and headers as the page sets them).
pub async fn page(state: State<AppState>, request: Request) -> Response {
    page_with(state, request, None::<()>).await
}

/// [`page`] with `extra`, when given, in the render's context too (a preview's grant).
pub async fn page_with<T: Clone + Send + Sync + 'static>(
    State(state): State<AppState>,
    request: Request,
    extra: Option<T>,
) -> Response {
    // One snapshot of the content for the whole render (see `AppState::current`).
    let state = state.current();
    let options = state.leptos_options.clone();
    leptos_axum::handle_response_inner(
        move || {
            provide_context(state.clone());
            if let Some(extra) = extra.clone() {
                provide_context(extra);
            }
        },
        move || shell(options),
        request,
        document,
    )
    .await
}

/// A file of the site root (favicon, robots.txt) when there is one, else the rendered page
/// (the 404 page for a URL that names none).
pub async fn file_or_page(state: State<AppState>, request: Request) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut file_request = Request::new(Body::empty());
        *file_request.method_mut() = request.method().clone();
        *file_request.uri_mut() = request.uri().clone();
        *file_request.headers_mut() = request.headers().clone();
        let files = ServeDir::new(&*state.leptos_options.site_root).precompressed_br().precompressed_gzip();
        let response = files.oneshot(file_request).await.unwrap_or_else(|never| match never {});
        if response.status() == StatusCode::OK || response.status() == StatusCode::NOT_MODIFIED {
            return response.into_response();
        }
    }
    page(state, request).await
}

/// The stream builder for [`leptos_axum::handle_response_inner`]: the whole document, rendered
/// in order, markers made valid, and nothing after it.
fn document<IV>(
    app: IV,
    _resource_scripts: Box<dyn FnOnce() -> HtmlStream + Send>,
    _out_of_order: bool,
) -> Pin<Box<dyn Future<Output = HtmlStream> + Send>>
where
    IV: IntoView + 'static,
{
    Box::pin(async move {
        let html = app.to_html_stream_in_order().collect::<String>().await;
        Box::pin(once(async move { valid_markers(html) })) as HtmlStream
    })
}

/// `html` with every `<!>` marker written as `<!---->`. A page with none is returned as it is.
pub fn valid_markers(html: String) -> String {
    let mut found = memchr::memmem::find_iter(html.as_bytes(), MARKER).peekable();
    if found.peek().is_none() {
        return html;
    }
    let mut valid = String::with_capacity(html.len() + html.len() / 64);
    let mut copied = 0;
    for at in found {
        valid.push_str(&html[copied..at]);
        valid.push_str(COMMENT);
        copied = at + MARKER.len();
    }
    valid.push_str(&html[copied..]);
    valid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_become_empty_comments_and_nothing_else_changes() {
        assert_eq!(valid_markers("<p>a<!>b</p><!><!>".into()), "<p>a<!---->b</p><!----><!---->");
        assert_eq!(valid_markers("<!-- x --><!---->&lt;!&gt;".into()), "<!-- x --><!---->&lt;!&gt;");
        assert_eq!(valid_markers(String::new()), "");
    }
}
