//! What a full page load gives for free and client-side navigation must do itself: focus moves
//! to the new page (for screen readers), and back/forward return to where the reader was.

use leptos::prelude::*;

/// After hydration: moves focus to `<main>` on each client-side navigation and restores the
/// scroll position of pages reached with back or forward.
#[component]
pub fn NavigationEffects() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::install();
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::web_sys::{FocusOptions, HtmlElement};
    use leptos_router::hooks::use_location;
    use std::collections::HashMap;
    use std::time::Duration;
    use wasm_bindgen::JsCast;

    /// How long to keep trying to restore a position while the page's data loads.
    const RESTORE_FOR: Duration = Duration::from_millis(2000);
    /// How long a restored position is held against the router's own scroll to the top.
    const SETTLE: Duration = Duration::from_millis(600);

    pub fn install() {
        let location = use_location();
        // Scroll positions by URL; the URL of the page on screen; whether a navigation is under
        // way (its scrolling must not be recorded); whether it came from back/forward.
        let positions = StoredValue::new(HashMap::<String, f64>::new());
        let current = StoredValue::new(format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked()));
        let navigating = StoredValue::new(false);
        let popped = StoredValue::new(false);
        if let Ok(history) = window().history() {
            // The browser would restore before our content is back; we do it once it is.
            let _ = history.set_scroll_restoration(leptos::web_sys::ScrollRestoration::Manual);
        }
        let scroll = window_event_listener(leptos::ev::scroll, move |_| {
            if navigating.get_value() {
                return;
            }
            let y = window().scroll_y().unwrap_or(0.0);
            positions.update_value(|positions| {
                positions.insert(current.get_value(), y);
            });
        });
        let click = window_event_listener(leptos::ev::click, move |event| {
            let on_link = event
                .target()
                .and_then(|target| target.dyn_into::<leptos::web_sys::Element>().ok())
                .and_then(|element| element.closest("a[href]").ok().flatten())
                .is_some();
            if on_link {
                navigating.set_value(true);
                // A click that does not navigate must not stop the recording for good.
                set_timeout(move || navigating.set_value(false), Duration::from_millis(1500));
            }
        });
        let pop = window_event_listener(leptos::ev::popstate, move |_| {
            navigating.set_value(true);
            popped.set_value(true);
        });
        on_cleanup(move || {
            scroll.remove();
            click.remove();
            pop.remove();
        });

        let first = StoredValue::new(true);
        Effect::new(move |_| {
            let path = format!("{}{}", location.pathname.get(), location.search.get());
            if first.get_value() {
                first.set_value(false);
                return;
            }
            current.set_value(path.clone());
            focus_main();
            // The router may update the location before our `popstate` listener has run.
            set_timeout(
                move || {
                    let saved = positions.with_value(|positions| positions.get(&path).copied());
                    match saved.filter(|_| popped.get_value()) {
                        Some(y) => restore(y, 0, navigating),
                        None => set_timeout(move || navigating.set_value(false), Duration::from_millis(200)),
                    }
                    popped.set_value(false);
                },
                Duration::ZERO,
            );
        });
    }

    fn focus_main() {
        let main = document().get_element_by_id("main").and_then(|main| main.dyn_into::<HtmlElement>().ok());
        if let Some(main) = main {
            let options = FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = main.focus_with_options(&options);
        }
    }

    /// Scrolls to `y` and keeps it there while the new page's data loads and renders (the
    /// router scrolls to the top once it has rendered), then lets scrolling be recorded again.
    fn restore(y: f64, attempt: u32, navigating: StoredValue<bool>) {
        let reached = (window().scroll_y().unwrap_or(0.0) - y).abs() < 2.0;
        if !reached {
            window().scroll_to_with_x_and_y(0.0, y);
        }
        if attempt * 50 >= RESTORE_FOR.as_millis() as u32 || (reached && attempt * 50 >= SETTLE.as_millis() as u32) {
            navigating.set_value(false);
            return;
        }
        set_timeout(move || restore(y, attempt + 1, navigating), Duration::from_millis(50));
    }
}
