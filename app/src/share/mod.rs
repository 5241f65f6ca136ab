//! The share row: plain links built on the server, plus "Copy link" and "Share…" once hydrated.

#[cfg(feature = "hydrate")]
mod browser;
pub mod links;

use leptos::html::Input;
use leptos::prelude::*;
use links::{share_links, Shared};

/// What "Copy link" last did, shown and announced next to the buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// Only the browser build ever copies; the server renders the idle state.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum CopyState {
    Idle,
    Copied,
    /// The Clipboard API is missing or denied: the link is shown selected for manual copying.
    Manual,
}

/// "Share:" followed by a link per network, and the [`ShareActions`] island.
#[component]
pub fn ShareRow(url: String, title: String, description: String, image_url: String) -> impl IntoView {
    let links = share_links(&Shared { url: &url, title: &title, description: &description, image_url: &image_url });
    view! {
        <div class="share-row" role="group" aria-labelledby="share-label">
            <span id="share-label" class="share-label">"Share:"</span>
            <ul class="share-links">
                {links
                    .into_iter()
                    .map(|link| {
                        let is_web = link.href.starts_with("https://");
                        let name = if is_web { format!("Share on {}", link.network) } else { "Share by email".to_string() };
                        view! {
                            <li>
                                <a
                                    class=format!("share-link share-{}", link.key)
                                    href=link.href
                                    target=is_web.then_some("_blank")
                                    rel=is_web.then_some("noopener noreferrer")
                                    aria-label=name
                                >
                                    {link.network}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <ShareActions/>
        </div>
    }
}

/// "Copy link" and, where supported, "Share…": buttons that need JavaScript, so they appear
/// once hydrated. They share what the page's own link-preview tags name (canonical URL, title,
/// description), read when pressed, so the island needs no props.
#[island]
fn ShareActions() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    let can_share = RwSignal::new(false);
    Effect::new(move |_| {
        hydrated.set(true);
        #[cfg(feature = "hydrate")]
        can_share.set(browser::can_share());
    });

    let copy_state = RwSignal::new(CopyState::Idle);
    let manual_url = RwSignal::new(String::new());
    let manual_input = NodeRef::<Input>::new();
    Effect::new(move |_| {
        if copy_state.get() == CopyState::Manual {
            if let Some(input) = manual_input.get() {
                input.set_value(&manual_url.get_untracked());
                input.select();
                let _ = input.focus();
            }
        }
    });
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let url = browser::shared().url;
            let copied = browser::copy_text(&url).await;
            manual_url.set(url);
            copy_state.set(if copied { CopyState::Copied } else { CopyState::Manual });
        });
    };
    let share = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let page = browser::shared();
            // Cancelling the sheet is the reader's choice, not an error: nothing to say.
            let _ = browser::share(&page.title, &page.description, &page.url).await;
        });
    };
    let message = move || match copy_state.get() {
        CopyState::Idle => "",
        CopyState::Copied => "Link copied",
        CopyState::Manual => {
            "Copying isn't available here. The link is selected below: copy it with Ctrl+C, or long-press on a phone."
        }
    };

    view! {
        <Show when=move || hydrated.get()>
            <ul class="share-links share-actions">
                <li><button type="button" class="share-link share-copy" on:click=copy>"Copy link"</button></li>
                <Show when=move || can_share.get()>
                    <li><button type="button" class="share-link share-native" on:click=share>"Share…"</button></li>
                </Show>
            </ul>
        </Show>
        <p class="share-status" role="status" aria-live="polite">{message}</p>
        <Show when=move || copy_state.get() == CopyState::Manual>
            <label class="share-manual">
                <span>"Link to this article"</span>
                <input type="text" readonly node_ref=manual_input/>
            </label>
        </Show>
    }
}
