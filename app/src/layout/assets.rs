//! The stylesheet, JS module and WASM a page loads, the navigation script, and the script that
//! hydrates the islands only once the page has loaded, so that the WASM never competes with the
//! article for bandwidth (Leptos' `HydrationScripts` preloads it, which put it on the LCP path).

use leptos::prelude::*;

/// The hydration script, with `NV_JS_URL` and `NV_WASM_URL` where the asset URLs go.
const HYDRATION_SCRIPT: &str = include_str!("hydration.js");

/// The URLs of the built assets under `/pkg`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetUrls {
    /// The stylesheet.
    pub css: String,
    /// The wasm-bindgen JS module.
    pub js: String,
    /// The WASM module.
    pub wasm: String,
}

impl AssetUrls {
    /// Unversioned URLs for the output name (development and tests). cargo-leptos names the
    /// WASM `{name}.wasm`; a bare wasm-bindgen build names it `{name}_bg.wasm`.
    pub fn plain(pkg_dir: &str, output_name: &str) -> AssetUrls {
        let wasm_suffix = if option_env!("LEPTOS_OUTPUT_NAME").is_some() { "" } else { "_bg" };
        AssetUrls {
            css: format!("/{pkg_dir}/{output_name}.css"),
            js: format!("/{pkg_dir}/{output_name}.js"),
            wasm: format!("/{pkg_dir}/{output_name}{wasm_suffix}.wasm"),
        }
    }

    /// The inline module script that hydrates the page's islands after `load`, when the browser
    /// is idle (`hydration.js`, with these URLs in it). Only islands (`leptos-island` elements)
    /// run in the browser; the rest of the page is server-rendered HTML.
    pub fn hydration_script(&self) -> String {
        // JSON string literals are valid JS string literals, and escape quotes and `<`.
        let quote = |url: &str| format!("{url:?}").replace('<', "\\u003c");
        HYDRATION_SCRIPT.replace("NV_JS_URL", &quote(&self.js)).replace("NV_WASM_URL", &quote(&self.wasm))
    }
}

/// The inline scripts [`PageAssets`] puts in the page, exactly as rendered: the navigation
/// script and the hydration script. The server's Content-Security-Policy allows them by hash.
pub fn asset_scripts(assets: &AssetUrls) -> [String; 2] {
    [super::navigation::NAVIGATION_SCRIPT.to_string(), assets.hydration_script()]
}

/// The stylesheet link and the deferred hydration script for the `<head>`.
#[component]
pub fn PageAssets(
    /// Where the assets are served from.
    assets: AssetUrls,
) -> impl IntoView {
    // Islands mode: outside islands nothing is hydrated, so no resource data is serialized.
    #[cfg(feature = "ssr")]
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let [navigation, hydration] = asset_scripts(&assets);
    view! {
        <link rel="stylesheet" id="leptos" href=assets.css/>
        <script data-not-pages=super::navigation::not_pages_attribute() inner_html=navigation></script>
        <script type="module" inner_html=hydration></script>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_loads_the_named_module_and_wasm_after_load() {
        let urls =
            AssetUrls { css: "/pkg/a.css?v=1".into(), js: "/pkg/a.js?v=2".into(), wasm: "/pkg/a.wasm?v=3".into() };
        let script = urls.hydration_script();
        assert!(script.contains(r#"import("/pkg/a.js?v=2")"#), "{script}");
        assert!(script.contains(r#"module_or_path: "/pkg/a.wasm?v=3""#), "{script}");
        assert!(script.contains(r#"addEventListener("load""#), "{script}");
        assert!(!script.contains("NV_JS_URL") && !script.contains("NV_WASM_URL"), "{script}");
    }

    #[test]
    fn scripts_hold_no_hydration_marker() {
        // The server rewrites `<!>` markers everywhere in a page, which must not change a script.
        let urls = AssetUrls::plain("pkg", "nourishvibes");
        for script in asset_scripts(&urls).iter().chain([&crate::layout::THEME_SCRIPT.to_string()]) {
            assert!(!script.contains("<!>"), "{script}");
        }
    }

    #[test]
    fn urls_cannot_close_the_script_element() {
        let urls = AssetUrls { css: String::new(), js: "/pkg/</script>.js".into(), wasm: String::new() };
        assert!(!urls.hydration_script().contains("</script>"));
    }
}
