//! Submitting a newsletter form from an island: the form's own fields, posted to its own
//! `action` (the server function's URL) without a page load. The same form posts as plain HTML
//! before the WASM has loaded, and without JavaScript.
//!
//! This is a small client of our own rather than Leptos' `ActionForm`: the server function
//! client would bring a JSON parser and query-string encoder into the WASM, for three forms
//! whose answers are a status and, when refused, an error code in a header.

use leptos::prelude::*;

/// What a form shows under its button: nothing yet, the success text, or why it was refused.
pub type Outcome = Option<Result<String, String>>;

/// An `on:submit` handler that posts the form and puts the outcome in `outcome` (`success` when
/// accepted), with `pending` set while the request is under way.
pub fn post_in_place(
    pending: RwSignal<bool>,
    outcome: RwSignal<Outcome>,
    success: &'static str,
) -> impl Fn(leptos::ev::SubmitEvent) + Clone + 'static {
    move |event| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = event.target().and_then(|target| target.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            pending.set(true);
            leptos::task::spawn_local(async move {
                let result = browser::post(&form).await;
                pending.set(false);
                outcome.set(Some(result.map(|()| success.to_string()).map_err(|error| error.to_string())));
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (outcome, success);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::newsletter::api::{NewsletterError, ERROR_HEADER};
    use leptos::prelude::window;
    use leptos::web_sys::{FormData, Headers, HtmlFormElement, RequestInit, Response, UrlSearchParams};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    /// Posts the form's fields, URL-encoded as the plain form would be, asking for JSON (which
    /// tells the server not to redirect). A refusal is read from its status and error header.
    pub async fn post(form: &HtmlFormElement) -> Result<(), NewsletterError> {
        let fields = FormData::new_with_form(form).map_err(|_| NewsletterError::Malformed)?;
        let body = UrlSearchParams::new_with_str_sequence_sequence(&fields).map_err(|_| NewsletterError::Malformed)?;
        let headers = Headers::new().map_err(|_| NewsletterError::Malformed)?;
        headers.set("Accept", "application/json").map_err(|_| NewsletterError::Malformed)?;
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&body);
        let response: Response = JsFuture::from(window().fetch_with_str_and_init(&form.action(), &init))
            .await
            .map_err(|_| NewsletterError::Network)?
            .unchecked_into();
        if response.ok() {
            return Ok(());
        }
        let code = response.headers().get(ERROR_HEADER).ok().flatten();
        Err(code.map_or(NewsletterError::Unavailable, |code| NewsletterError::from_code(&code)))
    }
}
