//! The site header: brand and main navigation.
//!
//! One row at every width. Wide screens show the links themselves; phones show the brand, a
//! search icon, a "Menu" disclosure (`<details>`, so it opens by keyboard and screen reader
//! without JavaScript) holding the other links, and the theme toggle. The stylesheet picks which
//! of the two is shown; the hidden one is `display: none`, so assistive technology meets the
//! links once, all in the one "Main" navigation landmark.

use leptos::prelude::*;

/// The NourishVibes mark: a leaf in a bowl, drawn inline so it needs no request.
#[component]
pub fn BrandMark() -> impl IntoView {
    view! {
        <svg class="brand-mark" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
            <circle cx="16" cy="16" r="16" fill="#0f766e"/>
            <path d="M7 17h18a9 9 0 0 1-18 0z" fill="#ecfdf5"/>
            <path d="M16 15c0-5 3-8 8-9-1 5-3 8-8 9z" fill="#86efac"/>
            <path d="M16 15c-1-3-3-5-7-5 0 3 2 5 7 5z" fill="#bbf7d0"/>
        </svg>
    }
}

/// The main links but search, which has a place of its own on phones.
const LINKS: [(&str, &str); 2] = [("/", "Articles"), ("/newsletter", "Newsletter")];

/// Brand link home and the main navigation.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let links = |wide: bool| {
        LINKS
            .into_iter()
            .map(|(href, label)| view! { <li class:nav-wide=wide><a href=href>{label}</a></li> })
            .collect_view()
    };
    view! {
        <header class="site-header">
            <div class="site-header-inner">
                <a class="brand" href="/">
                    <BrandMark/>
                    <span class="brand-name">"NourishVibes"</span>
                </a>
                <nav class="site-nav" aria-label="Main">
                    <ul class="nav-list">
                        {links(true)}
                        <li>
                            <a class="nav-search" href="/search">
                                <svg class="nav-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                                    <circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" stroke-width="2.2"/>
                                    <path d="M15.5 15.5 21 21" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>
                                </svg>
                                <span class="nav-search-label">"Search"</span>
                            </a>
                        </li>
                    </ul>
                    <details class="nav-menu">
                        <summary>"Menu"</summary>
                        <ul class="nav-menu-list">{links(false)}</ul>
                    </details>
                </nav>
                <super::ThemeToggle/>
            </div>
        </header>
    }
}
