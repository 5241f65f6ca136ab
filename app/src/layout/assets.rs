//! The stylesheet, JS module and WASM a page loads, the navigation script, and the script that
//! hydrates the islands only once the page has loaded, so that the WASM never competes with the
//! article for bandwidth (Leptos' `HydrationScripts` preloads it, which put it on the LCP path).

use leptos::prelude::*;

/// How long hydration waits for `load` at most (a slow image must not keep the page inert).
const LOAD_WAIT_MS: u32 = 4000;

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
    /// is idle. Only islands (`leptos-island` elements) run in the browser; the rest of the page
    /// is server-rendered HTML. Instantiation and each island's hydration run in tasks of their
    /// own: short tasks block input less than one long one (Lighthouse's total blocking time).
    /// `window.nvIslands` hydrates the islands of pages that client-side navigation swaps in, and
    /// `main` is marked once the page is interactive.
    pub fn hydration_script(&self) -> String {
        // JSON string literals are valid JS string literals, and escape quotes and `<`.
        let quote = |url: &str| format!("{url:?}").replace('<', "\\u003c");
        format!(
            "let started=false;const tick=()=>new Promise(next=>setTimeout(next,0));\
             const islands=m=>async root=>{{const main=root.querySelector('#main');\
             for(const el of root.querySelectorAll('leptos-island')){{if(el.nvHydrated)continue;el.nvHydrated=true;\
             await tick();if(!el.isConnected)continue;const f=m[el.dataset.component];\
             if(f)f(el);else console.error('no WASM function for island',el.dataset.component);}}\
             if(main&&main.isConnected)main.dataset.hydrated='true';}};\
             const start=()=>{{if(started)return;started=true;\
             import({js}).then(m=>m.default({{module_or_path:{wasm}}})\
             .then(tick).then(()=>{{m.hydrate();\
             window.nvIslands=islands(m);window.nvIslands(document.body);}}));}};\
             const idle=()=>'requestIdleCallback' in window?requestIdleCallback(start,{{timeout:2000}}):setTimeout(start,1);\
             if(document.readyState==='complete')idle();\
             else{{addEventListener('load',idle,{{once:true}});setTimeout(start,{LOAD_WAIT_MS});}}",
            js = quote(&self.js),
            wasm = quote(&self.wasm),
        )
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
        assert!(script.contains(r#"module_or_path:"/pkg/a.wasm?v=3""#), "{script}");
        assert!(script.contains("addEventListener('load'"), "{script}");
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
