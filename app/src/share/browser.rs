//! The browser APIs the share row uses, looked up at run time so a browser without them
//! (or a page without permission) gets a fallback instead of an exception.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What the share buttons share: the page's canonical URL, title and description, from the
/// link-preview tags in `<head>` (kept current by client-side navigation).
pub struct SharedPage {
    /// The canonical URL.
    pub url: String,
    /// The article's title.
    pub title: String,
    /// Its one-sentence description.
    pub description: String,
}

/// Reads [`SharedPage`] from the document; the address bar stands in for a missing canonical.
pub fn shared() -> SharedPage {
    let document = leptos::prelude::document();
    let read = |selector: &str, attribute: &str| {
        document.query_selector(selector).ok().flatten().and_then(|element| element.get_attribute(attribute))
    };
    SharedPage {
        url: read("link[rel=canonical]", "href")
            .unwrap_or_else(|| leptos::prelude::window().location().href().unwrap_or_default()),
        title: read("meta[property='og:title']", "content").unwrap_or_else(|| document.title()),
        description: read("meta[name=description]", "content").unwrap_or_default(),
    }
}

fn navigator() -> Option<JsValue> {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok().filter(|value| value.is_object())
}

fn method(target: &JsValue, name: &str) -> Option<js_sys::Function> {
    js_sys::Reflect::get(target, &JsValue::from_str(name)).ok()?.dyn_into().ok()
}

async fn call_promise(target: &JsValue, name: &str, argument: &JsValue) -> Result<JsValue, JsValue> {
    let function = method(target, name).ok_or(JsValue::UNDEFINED)?;
    let promise: js_sys::Promise = function.call1(target, argument)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// Whether the Web Share API exists here.
pub fn can_share() -> bool {
    navigator().and_then(|navigator| method(&navigator, "share")).is_some()
}

/// Writes `text` to the clipboard; `false` when the API is missing or permission is denied.
pub async fn copy_text(text: &str) -> bool {
    let Some(navigator) = navigator() else { return false };
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")) else {
        return false;
    };
    clipboard.is_object() && call_promise(&clipboard, "writeText", &JsValue::from_str(text)).await.is_ok()
}

/// How a Web Share request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareOutcome {
    /// The reader picked a target.
    Shared,
    /// The reader closed the share sheet: not an error.
    Cancelled,
    /// The browser refused.
    Failed,
}

/// Opens the system share sheet for the article.
pub async fn share(title: &str, text: &str, url: &str) -> ShareOutcome {
    let Some(navigator) = navigator() else { return ShareOutcome::Failed };
    let data = js_sys::Object::new();
    for (key, value) in [("title", title), ("text", text), ("url", url)] {
        let _ = js_sys::Reflect::set(&data, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    match call_promise(&navigator, "share", &data).await {
        Ok(_) => ShareOutcome::Shared,
        Err(error) => {
            let name = js_sys::Reflect::get(&error, &JsValue::from_str("name")).ok().and_then(|name| name.as_string());
            if name.as_deref() == Some("AbortError") {
                ShareOutcome::Cancelled
            } else {
                ShareOutcome::Failed
            }
        }
    }
}
