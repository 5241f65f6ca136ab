//! `/newsletter`, and the pages the links in our mail open: confirm and unsubscribe. Opening a
//! link changes nothing; the button on the page does (mail scanners follow links, not forms).

use super::api::{ConfirmSubscription, NewsletterError, Unsubscribe, CONFIRMED, UNSUBSCRIBED};
use crate::pages::StaticPageRoute;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// The newsletter page: its text from `content/pages/newsletter.md`, and the signup form.
#[component]
pub fn NewsletterPage() -> impl IntoView {
    view! { <StaticPageRoute slug="newsletter" signup=true/> }
}

/// Result of a token form: from the hydrated action, or from `?result=` after a plain post.
fn token_result(action_value: Option<Result<String, NewsletterError>>, query_result: Option<String>, success: &str) -> Option<Result<String, String>> {
    action_value
        .or_else(|| {
            query_result.map(|code| if code == "ok" { Ok(success.to_string()) } else { Err(NewsletterError::from_code(&code)) })
        })
        .map(|result| result.map_err(|error| error.to_string()))
}

/// `/newsletter/confirm?token=…`: a button that confirms the subscription.
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let action = ServerAction::<ConfirmSubscription>::new();
    let query = use_query_map();
    let token = StoredValue::new(query.read_untracked().get("token").unwrap_or_default());
    let result = move || token_result(action.value().get(), query.read().get("result"), CONFIRMED);
    view! {
        <Title text="Confirm your subscription"/>
        <Meta name="robots" content="noindex"/>
        <article class="article site-page newsletter-flow" aria-labelledby="page-title">
            <h1 id="page-title">"Confirm your subscription"</h1>
            <TokenOutcome result/>
            <Show when=move || result().is_none_or(|result| result.is_err())>
                <p>"Press the button to start getting the NourishVibes weekly health tips at the address this link was sent to."</p>
                <ActionForm action=action attr:class="token-form">
                    <input type="hidden" name="token" value=token.get_value()/>
                    <button type="submit" class="button" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Confirming…" } else { "Confirm my subscription" }}
                    </button>
                </ActionForm>
                <p class="fine-print">"Didn't ask for this? Close this page: nothing happens unless you press the button."</p>
            </Show>
        </article>
    }
}

/// `/newsletter/unsubscribe?token=…`: a button that unsubscribes.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let action = ServerAction::<Unsubscribe>::new();
    let query = use_query_map();
    let token = StoredValue::new(query.read_untracked().get("token").unwrap_or_default());
    let result = move || token_result(action.value().get(), query.read().get("result"), UNSUBSCRIBED);
    view! {
        <Title text="Unsubscribe"/>
        <Meta name="robots" content="noindex"/>
        <article class="article site-page newsletter-flow" aria-labelledby="page-title">
            <h1 id="page-title">"Unsubscribe from the newsletter"</h1>
            <TokenOutcome result/>
            <Show when=move || result().is_none_or(|result| result.is_err())>
                <p>"Press the button and we'll stop sending the NourishVibes newsletter to the address this link was sent to."</p>
                <ActionForm action=action attr:class="token-form">
                    <input type="hidden" name="token" value=token.get_value()/>
                    <button type="submit" class="button" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Unsubscribing…" } else { "Unsubscribe" }}
                    </button>
                </ActionForm>
            </Show>
            <p class="fine-print">"Changed your mind later? You can sign up again on the " <a href="/newsletter">"newsletter page"</a> "."</p>
        </article>
    }
}

/// The live region that announces the outcome of a token form.
#[component]
fn TokenOutcome(result: impl Fn() -> Option<Result<String, String>> + Send + Sync + Copy + 'static) -> impl IntoView {
    view! {
        <p
            class="signup-status token-status"
            class:success=move || matches!(result(), Some(Ok(_)))
            class:error=move || matches!(result(), Some(Err(_)))
            aria-live="polite"
        >
            {move || result().map(|result| match result {
                Ok(text) | Err(text) => text,
            })}
        </p>
    }
}
