//! The site header: brand and main navigation.

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

/// Brand link home and the main navigation.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="site-header-inner">
                <a class="brand" href="/">
                    <BrandMark/>
                    <span class="brand-name">"NourishVibes"</span>
                </a>
                <nav aria-label="Main">
                    <ul class="nav-list">
                        <li><a href="/">"Articles"</a></li>
                        <li><a href="/newsletter">"Newsletter"</a></li>
                        <li><a href="/search">"Search"</a></li>
                    </ul>
                </nav>
                <super::ThemeToggle/>
            </div>
        </header>
    }
}
