//! The dark theme toggle. The choice lives in `localStorage` and is applied by a tiny inline
//! script in `<head>` before the first paint, so a reload never flashes the wrong theme.

use leptos::prelude::*;

/// `theme.js`: runs in `<head>` before the stylesheet, sets `data-theme` on `<html>` from the
/// saved choice or the system preference, and exposes `nvTheme.get()/set()` to the toggle.
pub const THEME_SCRIPT: &str = include_str!("theme.js");

/// "Dark theme" toggle button (`aria-pressed`), shown once hydrated since it needs JavaScript.
/// On phones only its icon shows; the words stay its accessible name.
#[island]
pub fn ThemeToggle() -> impl IntoView {
    let dark = RwSignal::new(None::<bool>);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        dark.set(Some(browser::is_dark()));
    });
    let button = move || {
        dark.get().map(|is_dark| {
            view! {
                <button
                    type="button"
                    class="theme-toggle"
                    aria-pressed=if is_dark { "true" } else { "false" }
                    on:click=move |_| {
                        #[cfg(feature = "hydrate")]
                        browser::set_dark(!is_dark);
                        dark.set(Some(!is_dark));
                    }
                >
                    <span aria-hidden="true">{if is_dark { "☾" } else { "☀" }}</span>
                    <span class="theme-toggle-text">"Dark theme"</span>
                </button>
            }
        })
    };
    view! { <span class="theme-toggle-slot">{button}</span> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::{JsCast, JsValue};

    fn theme_api() -> Option<JsValue> {
        let window = js_sys::global();
        js_sys::Reflect::get(&window, &JsValue::from_str("nvTheme")).ok().filter(|api| api.is_object())
    }

    fn call(method: &str, argument: Option<&str>) -> Option<JsValue> {
        let api = theme_api()?;
        let function =
            js_sys::Reflect::get(&api, &JsValue::from_str(method)).ok()?.dyn_into::<js_sys::Function>().ok()?;
        match argument {
            Some(argument) => function.call1(&api, &JsValue::from_str(argument)).ok(),
            None => function.call0(&api).ok(),
        }
    }

    /// Whether the dark theme is on now.
    pub fn is_dark() -> bool {
        call("get", None).and_then(|theme| theme.as_string()).is_some_and(|theme| theme == "dark")
    }

    /// Switches theme and remembers the choice.
    pub fn set_dark(dark: bool) {
        call("set", Some(if dark { "dark" } else { "light" }));
    }
}
