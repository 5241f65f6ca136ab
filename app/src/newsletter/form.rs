//! The signup form used in articles, the footer and on `/newsletter`.

use super::api::{NewsletterError, Subscribe, SIGNUP_ACCEPTED};
use super::email::{idn_placeholder, normalize};
use super::submit::{post_in_place, Outcome};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_location, use_query_map};

/// Email field, submit button and privacy line, posting to [`super::api::subscribe`].
/// Works as a plain form without JavaScript (the result comes back in the URL of the redirect).
/// `id` is the id of the block the form sits in, so results can come back to it.
#[component]
pub fn SignupForm(#[prop(into)] id: String, #[prop(into, default = "Subscribe".to_string())] button: String) -> impl IntoView {
    let return_to = use_location().pathname.get_untracked();
    // The result of a post made without JavaScript, read from `?result=…&form=…`.
    let query = use_query_map();
    let query = query.read_untracked();
    let redirected = (query.get("form").as_deref() == Some(id.as_str())).then(|| query.get("result")).flatten().map(|code| {
        if code == "ok" {
            Ok(SIGNUP_ACCEPTED.to_string())
        } else {
            Err(NewsletterError::from_code(&code).to_string())
        }
    });
    view! { <InteractiveSignupForm id button return_to redirected/> }
}

/// The form itself: the part that runs in the browser, checking the address as it is typed and
/// submitting without a page load.
#[island]
fn InteractiveSignupForm(id: String, button: String, return_to: String, redirected: Outcome) -> impl IntoView {
    let pending = RwSignal::new(false);
    let submitted = RwSignal::new(None::<Result<String, String>>);
    let input_id = format!("{id}-email");
    let status_id = format!("{id}-status");
    // Instant feedback on leaving the field, with the same rules the server applies.
    let browser_error = RwSignal::new(None::<String>);
    let check = move |value: String| {
        browser_error.set(match normalize(&value, idn_placeholder) {
            Err(error) if !value.trim().is_empty() => Some(error.to_string()),
            _ => None,
        });
    };
    // Editing the field after an error puts the message away until the next check.
    let redirect_dismissed = RwSignal::new(false);
    let message = Memo::new(move |_| {
        if let Some(error) = browser_error.get() {
            return Some(Err(error));
        }
        match submitted.get() {
            Some(result) => Some(result),
            None if redirect_dismissed.get() => None,
            None => redirected.clone(),
        }
    });
    let is_error = move || matches!(message.get(), Some(Err(_)));

    view! {
        <form
            method="post"
            action=Subscribe::PATH
            class="signup-form"
            novalidate
            on:submit=post_in_place(pending, submitted, SIGNUP_ACCEPTED)
        >
            <label class="signup-label" for=input_id.clone()>"Email address"</label>
            <div class="signup-row">
                <input
                    id=input_id
                    type="email"
                    name="email"
                    autocomplete="email"
                    inputmode="email"
                    spellcheck="false"
                    required
                    placeholder="you@example.com"
                    aria-describedby=status_id.clone()
                    aria-invalid=move || is_error().then_some("true")
                    on:blur=move |event| check(event_target_value(&event))
                    on:input=move |event| {
                        if matches!(submitted.get_untracked(), Some(Err(_))) {
                            submitted.set(None);
                        }
                        redirect_dismissed.set(true);
                        if browser_error.get_untracked().is_some() {
                            check(event_target_value(&event));
                        }
                    }
                />
                <button type="submit" class="button" disabled=move || pending.get() aria-busy=move || pending.get().then_some("true")>
                    {move || if pending.get() { "Subscribing…".to_string() } else { button.clone() }}
                </button>
            </div>
            <input type="hidden" name="form" value=id/>
            <input type="hidden" name="return_to" value=return_to/>
            <div class="signup-trap" aria-hidden="true">
                <label>"Leave this empty" <input type="text" name="company" tabindex="-1" autocomplete="off"/></label>
            </div>
            <p
                id=status_id
                class="signup-status"
                class:error=is_error
                class:success=move || matches!(message.get(), Some(Ok(_)))
                aria-live="polite"
            >
                {move || message.get().map(|message| match message {
                    Ok(text) | Err(text) => text,
                })}
            </p>
            <p class="signup-privacy">
                "We'll only use your address to send the newsletter; unsubscribe with one click. "
                <a href="/privacy">"How we handle your data"</a>
            </p>
        </form>
    }
}
