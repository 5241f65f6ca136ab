#![recursion_limit = "512"]
//! The browser entry point. Pages are rendered on the server; only their islands (the parts
//! marked `#[island]` in `app`) run here, hydrated one by one by the page's hydration script.

// Links the `app` crate in: its islands' hydration functions are exported from there.
use app as _;

/// Starts the reactive system in islands mode; the hydration script then hydrates each island.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
