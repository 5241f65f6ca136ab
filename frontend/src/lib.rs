#![recursion_limit = "512"]
//! The browser entry point: hydrates the server-rendered page and nothing else.

/// Attaches the Leptos app to the server-rendered HTML.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
