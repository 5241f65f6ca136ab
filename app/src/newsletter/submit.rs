//! What the newsletter forms do once their island is hydrated. The forms themselves are plain
//! server-rendered HTML that posts and comes back without JavaScript; the island wraps one and
//! adds an instant check of the address (with the rules the server applies), submission
//! without a page load, a pending state on the button and the outcome in the live region.
//!
//! The island takes no props and posts through the islands' HTTP helper (`island_http`) rather
//! than Leptos' `ActionForm`: island props and the server-function client would each bring a JSON parser
//! into the WASM, for forms whose answer is a status and, when refused, an error code in a
//! header ([`ERROR_HEADER`](super::api::ERROR_HEADER)).

use leptos::prelude::*;

/// What a form shows in its live region: nothing yet, the success text, or why it was refused.
pub type Outcome = Option<Result<String, String>>;

/// Wraps one newsletter form (signup, confirm or unsubscribe) with its live region.
#[island]
pub fn FormInPlace(children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    // Instant feedback on leaving the field; what the last post answered; whether the reader
    // has edited the field since (which puts a message from before away).
    let checked = RwSignal::new(None::<String>);
    let submitted = RwSignal::new(None::<Result<String, String>>);
    let edited = RwSignal::new(false);
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let pending = RwSignal::new(false);
    // Written into the live region by an effect, which only the browser runs.
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let message = Memo::new(move |_| match (checked.get(), submitted.get()) {
        (Some(error), _) => Some(Some(Err(error))),
        (None, Some(result)) => Some(Some(result)),
        // Until the reader acts, the server-rendered message (after a plain post) stays.
        (None, None) => edited.get().then_some(None),
    });
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let (Some(root), Some(message)) = (root.get(), message.get()) else { return };
        browser::show(&root, &message);
    });
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(root) = root.get() {
            browser::set_pending(&root, pending.get());
        }
    });
    let on_focusout = move |_event: leptos::ev::FocusEvent| {
        #[cfg(feature = "hydrate")]
        if let Some(value) = browser::email_value(&_event) {
            checked.set(check(&value));
        }
    };
    let on_input = move |_event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(value) = browser::email_value(&_event) {
            if matches!(submitted.get_untracked(), Some(Err(_))) {
                submitted.set(None);
            }
            edited.set(true);
            if checked.get_untracked().is_some() {
                checked.set(check(&value));
            }
        }
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if pending.get_untracked() {
                return;
            }
            let Some(form) =
                event.target().and_then(|target| target.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            pending.set(true);
            leptos::task::spawn_local(async move {
                let result = browser::post(&form).await;
                pending.set(false);
                let success = browser::success_text(&form);
                submitted.set(Some(result.map(|()| success.to_string()).map_err(|error| error.to_string())));
            });
        }
    };
    view! {
        <div class="form-in-place" node_ref=root on:submit=on_submit on:focusout=on_focusout on:input=on_input>
            {children()}
        </div>
    }
}

/// The message for a typed address, if it breaks a rule (an empty field is not an error yet).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn check(value: &str) -> Option<String> {
    match super::email::normalize(value, super::email::idn_placeholder) {
        Err(error) if !value.trim().is_empty() => Some(error.to_string()),
        _ => None,
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::island_http::{send, RequestError};
    use crate::newsletter::api::{
        ConfirmSubscription, NewsletterError, Subscribe, Unsubscribe, CONFIRMED, ERROR_HEADER, SIGNUP_ACCEPTED,
        UNSUBSCRIBED,
    };
    use leptos::server_fn::ServerFn;
    use leptos::web_sys::{Element, Event, HtmlButtonElement, HtmlElement, HtmlFormElement, HtmlInputElement};
    use wasm_bindgen::JsCast;

    /// Marks what a token form hides once its request went through (the button and its text).
    const HIDE_ON_SUCCESS: &str = "data-hide-on-success";

    /// The value of the email field the event came from, if it did.
    pub fn email_value(event: &Event) -> Option<String> {
        let input = event.target()?.dyn_into::<HtmlInputElement>().ok()?;
        (input.type_() == "email").then(|| input.value())
    }

    /// What the form's server function answers when it accepts.
    pub fn success_text(form: &HtmlFormElement) -> &'static str {
        let action = form.action();
        if action.ends_with(ConfirmSubscription::PATH) {
            CONFIRMED
        } else if action.ends_with(Unsubscribe::PATH) {
            UNSUBSCRIBED
        } else {
            debug_assert!(action.ends_with(Subscribe::PATH));
            SIGNUP_ACCEPTED
        }
    }

    /// Writes `message` into the live region, and marks the field and the region as in error
    /// or not. A token form that went through hides its button.
    pub fn show(root: &HtmlElement, message: &super::Outcome) {
        let Ok(Some(status)) = root.query_selector("[aria-live]") else { return };
        let (text, error) = match message {
            Some(Ok(text)) => (text.as_str(), false),
            Some(Err(text)) => (text.as_str(), true),
            None => ("", false),
        };
        status.set_text_content(Some(text));
        let classes = status.class_list();
        let _ = classes.toggle_with_force("error", error);
        let _ = classes.toggle_with_force("success", matches!(message, Some(Ok(_))));
        if let Ok(Some(field)) = root.query_selector("input[type=email]") {
            let _ = if error {
                field.set_attribute("aria-invalid", "true")
            } else {
                field.remove_attribute("aria-invalid")
            };
        }
        if matches!(message, Some(Ok(_))) {
            if let Ok(hidden) = root.query_selector_all(&format!("[{}]", HIDE_ON_SUCCESS)) {
                for index in 0..hidden.length() {
                    if let Some(element) = hidden.item(index).and_then(|node| node.dyn_into::<Element>().ok()) {
                        let _ = element.set_attribute("hidden", "");
                    }
                }
            }
        }
    }

    /// Disables the submit button while a post is under way, and says so on it.
    pub fn set_pending(root: &HtmlElement, pending: bool) {
        let Some(button) = root
            .query_selector("button[type=submit]")
            .ok()
            .flatten()
            .and_then(|b| b.dyn_into::<HtmlButtonElement>().ok())
        else {
            return;
        };
        button.set_disabled(pending);
        let _ = if pending { button.set_attribute("aria-busy", "true") } else { button.remove_attribute("aria-busy") };
        // The button's two labels: its own, and `data-pending` while posting.
        let dataset = button.dataset();
        if pending {
            if let (Some(label), Some(pending_label)) = (button.text_content(), dataset.get("pending")) {
                let _ = dataset.set("label", &label);
                button.set_text_content(Some(&pending_label));
            }
        } else if let Some(label) = dataset.get("label") {
            button.set_text_content(Some(&label));
        }
    }

    /// Posts the form's fields, URL-encoded as the plain form would be, asking for JSON (which
    /// tells the server not to redirect). A refusal is read from its status and error header.
    pub async fn post(form: &HtmlFormElement) -> Result<(), NewsletterError> {
        let response = send(&form.action(), "application/json", Some(form)).await.map_err(|error| match error {
            RequestError::Malformed => NewsletterError::Malformed,
            RequestError::Network => NewsletterError::Network,
        })?;
        if response.ok() {
            return Ok(());
        }
        let code = response.headers().get(ERROR_HEADER);
        Err(code.map_or(NewsletterError::Unavailable, |code| NewsletterError::from_code(&code)))
    }
}
