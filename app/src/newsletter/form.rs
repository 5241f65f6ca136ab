//! The signup form used in articles, the footer and on `/newsletter`.

use super::api::{NewsletterError, Subscribe, SIGNUP_ACCEPTED};
use super::submit::FormInPlace;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_location, use_query_map};

/// Email field, submit button and privacy line, posting to [`super::api::subscribe`].
/// Works as a plain form without JavaScript (the result comes back in the URL of the redirect);
/// the [`FormInPlace`] island around it checks and submits it in place once hydrated.
/// `id` is the id of the block the form sits in, so results can come back to it.
#[component]
pub fn SignupForm(
    #[prop(into)] id: String,
    #[prop(into, default = "Subscribe".to_string())] button: String,
) -> impl IntoView {
    let return_to = use_location().pathname.get_untracked();
    // The result of a post made without JavaScript, read from `?result=…&form=…`.
    let query = use_query_map();
    let query = query.read_untracked();
    let redirected =
        (query.get("form").as_deref() == Some(id.as_str())).then(|| query.get("result")).flatten().map(|code| {
            if code == "ok" {
                Ok(SIGNUP_ACCEPTED.to_string())
            } else {
                Err(NewsletterError::from_code(&code).to_string())
            }
        });
    let input_id = format!("{id}-email");
    let status_id = format!("{id}-status");
    let is_error = matches!(redirected, Some(Err(_)));
    let is_success = matches!(redirected, Some(Ok(_)));
    let message = redirected.map(|message| match message {
        Ok(text) | Err(text) => text,
    });

    view! {
        <FormInPlace>
            <form method="post" action=Subscribe::PATH class="signup-form" novalidate>
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
                        aria-invalid=is_error.then_some("true")
                    />
                    <button type="submit" class="button" data-pending="Subscribing…">{button}</button>
                </div>
                <input type="hidden" name="form" value=id/>
                <input type="hidden" name="return_to" value=return_to/>
                <div class="signup-trap" aria-hidden="true">
                    <label>"Leave this empty" <input type="text" name="company" tabindex="-1" autocomplete="off"/></label>
                </div>
                <p id=status_id class="signup-status" class:error=is_error class:success=is_success aria-live="polite">
                    {message}
                </p>
                <p class="signup-privacy">
                    "We'll only use your address to send the newsletter; unsubscribe with one click. "
                    <a href="/privacy">"How we handle your data"</a>
                </p>
            </form>
        </FormInPlace>
    }
}
