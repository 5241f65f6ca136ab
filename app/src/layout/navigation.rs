//! Client-side navigation between server-rendered pages, in a small script of our own rather
//! than in the WASM: pages are rendered on the server only (islands), so moving between them
//! means fetching the next page's HTML and swapping it in. The script works before the WASM has
//! loaded, and does what a page load gives for free: titles and meta tags, focus to `<main>`,
//! the top of the new page, and the reader's place on back and forward.

/// The navigation script, inlined in `<head>` so links work from the first paint.
pub const NAVIGATION_SCRIPT: &str = include_str!("navigation.js");

/// The value of the script element's `data-not-pages`: the prefixes of what is not a page
/// ([`crate::urls::NOT_PAGES`]), which the script leaves to the browser. An attribute, not
/// part of the script, so the script's hash (the Content-Security-Policy) stays one constant.
pub fn not_pages_attribute() -> String {
    crate::urls::NOT_PAGES.join(" ")
}

#[cfg(test)]
mod tests {
    use super::NAVIGATION_SCRIPT;

    #[test]
    fn cannot_close_its_script_element() {
        assert!(!NAVIGATION_SCRIPT.contains("</script"));
    }
}
