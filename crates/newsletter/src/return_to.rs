//! Where a form posted without JavaScript sends the reader back to. `return_to` comes from the
//! form, so anyone can forge it: it is resolved exactly as a browser would resolve it against
//! the site (the WHATWG URL parser drops tabs and newlines, reads `\` as `/`, takes `//host` as
//! a host), and only a path on the site's own origin is kept; anything else becomes `/`.

use percent_encoding::percent_decode_str;
use url::Url;

/// Where the reader goes when `return_to` does not name a page on the site.
pub const FALLBACK: &str = "/";

/// The path (no query, no fragment) `return_to` names on the site at `site_url`, or `/`.
pub fn resolve(site_url: &str, return_to: &str) -> String {
    on_site(site_url, return_to).unwrap_or_else(|| FALLBACK.to_string())
}

fn on_site(site_url: &str, return_to: &str) -> Option<String> {
    let site = Url::parse(site_url).ok()?;
    // An empty or scheme-only value resolves to the current page or another scheme: not a target.
    if return_to.trim().is_empty() {
        return None;
    }
    let target = site.join(return_to).ok()?;
    if target.origin() != site.origin() || target.cannot_be_a_base() {
        return None;
    }
    let path = target.path();
    // The path goes out in a `Location` header and may pass through a proxy or another server
    // that decodes it once more: refuse what would then read as another host or a backslash.
    let mut decoded = path.to_string();
    for _ in 0..3 {
        let once = percent_decode_str(&decoded).decode_utf8_lossy().into_owned();
        if once == decoded {
            break;
        }
        decoded = once;
    }
    let suspicious = |text: &str| {
        text.starts_with("//") || text.contains('\\') || text.chars().any(|c| c.is_control()) || !text.starts_with('/')
    };
    if suspicious(path) || suspicious(&decoded) {
        return None;
    }
    Some(path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "https://nourishvibes.example";

    #[test]
    fn only_paths_on_the_site_survive() {
        let table: &[(&str, &str)] = &[
            // Ordinary pages, as the forms send them.
            ("/articles/vitamin-d3-k2", "/articles/vitamin-d3-k2"),
            ("/", "/"),
            ("/topics/sleep?page=2#newsletter-end", "/topics/sleep"),
            ("https://nourishvibes.example/newsletter", "/newsletter"),
            ("HTTPS://NourishVibes.Example:443/about", "/about"),
            ("/articles/../about", "/about"),
            ("/search/caf%C3%A9", "/search/caf%C3%A9"),
            ("/café", "/caf%C3%A9"),
            // Another host, spelled every way a browser accepts.
            ("//evil.example", FALLBACK),
            ("//evil.example/path", FALLBACK),
            ("///evil.example", FALLBACK),
            ("/\t/evil.example", FALLBACK),
            ("/\n/evil.example", FALLBACK),
            ("/\r\n/evil.example", FALLBACK),
            ("\t//evil.example", FALLBACK),
            ("/\\evil.example", FALLBACK),
            ("\\\\evil.example", FALLBACK),
            ("\\/evil.example", FALLBACK),
            (" //evil.example", FALLBACK),
            ("https://evil.example/", FALLBACK),
            // A same-scheme relative reference: a path on the site, as in a browser.
            ("https:evil.example", "/evil.example"),
            ("https:", "/"),
            ("http://nourishvibes.example/", FALLBACK),
            ("https://nourishvibes.example:8443/", FALLBACK),
            ("https://nourishvibes.example.evil.example/", FALLBACK),
            ("https://nourishvibes.example@evil.example/", FALLBACK),
            ("//nourishvibes.example@evil.example", FALLBACK),
            // Other schemes.
            ("javascript:alert(1)", FALLBACK),
            ("JaVaScRiPt:alert(1)", FALLBACK),
            ("java\tscript:alert(1)", FALLBACK),
            ("data:text/html,<script>alert(1)</script>", FALLBACK),
            ("mailto:someone@example.com", FALLBACK),
            // Encoded slashes and backslashes that a second decoding would turn into a host.
            ("/%2F%2Fevil.example", FALLBACK),
            ("/%2f/evil.example", FALLBACK),
            ("/%5Cevil.example", FALLBACK),
            ("/%5cevil.example", FALLBACK),
            ("/%252F%252Fevil.example", FALLBACK),
            ("/%09/evil.example", FALLBACK),
            ("/%0d%0aSet-Cookie:x=1", FALLBACK),
            // Nothing at all.
            ("", FALLBACK),
            ("   ", FALLBACK),
        ];
        for (return_to, expected) in table {
            assert_eq!(resolve(SITE, return_to), *expected, "return_to = {return_to:?}");
        }
    }

    #[test]
    fn a_site_below_a_path_or_on_a_port_keeps_its_own_origin() {
        assert_eq!(resolve("http://127.0.0.1:3107", "/newsletter"), "/newsletter");
        assert_eq!(resolve("http://127.0.0.1:3107", "http://127.0.0.1:3107/about"), "/about");
        assert_eq!(resolve("http://127.0.0.1:3107", "http://127.0.0.1:3108/about"), FALLBACK);
        assert_eq!(resolve("not a url", "/about"), FALLBACK);
    }
}
