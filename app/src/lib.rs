//! NourishVibes: the pages, components and server functions shared by the server (`ssr`)
//! and the browser (`hydrate`).
#![recursion_limit = "512"]

pub mod article;
pub mod content;
pub mod http_status;
pub mod images;
#[cfg(feature = "hydrate")]
mod island_http;
pub mod layout;
pub mod newsletter;
pub mod pages;
pub mod share;
#[cfg(feature = "ssr")]
pub mod state;
pub use nv_model::urls;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0f766e"/>
                <script inner_html=layout::THEME_SCRIPT></script>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="alternate" type="application/atom+xml" title="NourishVibes" href="/feed.xml"/>
                <layout::PageAssets assets=page_assets(&options)/>
                <AutoReload options/>
                <layout::LiveContentScript/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The text of every inline script the shell puts in a page, exactly as rendered: the theme
/// script, the navigation and hydration scripts, and in development (`cargo leptos watch`) the
/// live-reload script. The server's Content-Security-Policy allows these by hash, and no other.
#[cfg(feature = "ssr")]
pub fn inline_scripts(options: &LeptosOptions, assets: &layout::AssetUrls) -> Vec<String> {
    let mut scripts = vec![layout::THEME_SCRIPT.to_string()];
    scripts.extend(layout::asset_scripts(assets));
    scripts.extend(live_reload_script(options));
    scripts
}

/// Whether pages carry Leptos' live-reload script (under `cargo leptos watch` only), which
/// connects to the reload port: the Content-Security-Policy must then allow that socket.
#[cfg(feature = "ssr")]
pub fn live_reload_active(options: &LeptosOptions) -> bool {
    live_reload_script(options).is_some()
}

/// The script `AutoReload` renders, when it renders one (only under `cargo leptos watch`).
#[cfg(feature = "ssr")]
fn live_reload_script(options: &LeptosOptions) -> Option<String> {
    let options = options.clone();
    let html = Owner::new().with(|| view! { <AutoReload options/> }.to_html());
    let (_, rest) = html.split_once("<script")?;
    let (_, body) = rest.split_once('>')?;
    let (script, _) = body.rsplit_once("</script>")?;
    Some(script.to_string())
}

/// The asset URLs the server chose at start-up (versioned in production).
#[cfg(feature = "ssr")]
fn page_assets(options: &LeptosOptions) -> layout::AssetUrls {
    state::app_state()
        .ok()
        .map(|state| (*state.assets).clone())
        .unwrap_or_else(|| layout::AssetUrls::plain(&options.site_pkg_dir, &options.output_name))
}

/// In the browser the shell is never rendered; plain URLs keep the signature shared.
#[cfg(not(feature = "ssr"))]
fn page_assets(options: &LeptosOptions) -> layout::AssetUrls {
    layout::AssetUrls::plain(&options.site_pkg_dir, &options.output_name)
}

/// The whole site: chrome around the routed page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The tip of the day and the footer's signup block.
    let (tip, community) = content::api::get_site_chrome().ok().map(|chrome| (chrome.tip, chrome.community)).unzip();

    view! {
        <Title formatter=|title: String| {
            if title.is_empty() { "NourishVibes".to_string() } else { format!("{title} | NourishVibes") }
        }/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <layout::ContentProblems/>
            <layout::SiteHeader/>
            <layout::TipBanner tip/>
            // The hydration script marks `main` with `data-hydrated` once the islands are interactive.
            <main id="main" tabindex="-1">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/articles/:slug") view=article::ArticleRoute ssr=SsrMode::Async/>
                    <Route path=path!("/preview/:token") view=article::PreviewRoute ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=pages::SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/topics/:category") view=pages::TopicRoute ssr=SsrMode::Async/>
                    <Route path=path!("/authors/:author") view=pages::AuthorRoute ssr=SsrMode::Async/>
                    <Route path=path!("/about") view=|| view! { <pages::StaticPageRoute slug="about"/> } ssr=SsrMode::Async/>
                    <Route
                        path=path!("/editorial-standards")
                        view=|| view! { <pages::StaticPageRoute slug="editorial-standards"/> }
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/privacy") view=|| view! { <pages::StaticPageRoute slug="privacy"/> } ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter") view=newsletter::NewsletterPage ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter/confirm") view=newsletter::ConfirmPage/>
                    <Route path=path!("/newsletter/unsubscribe") view=newsletter::UnsubscribePage/>
                    <Route path=path!("/newsletter/issues") view=newsletter::IssuesPage ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter/issues/:slug") view=newsletter::IssueRoute ssr=SsrMode::Async/>
                </Routes>
            </main>
            <layout::SiteFooter community/>
        </Router>
    }
}
