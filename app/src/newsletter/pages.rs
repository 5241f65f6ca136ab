//! `/newsletter`, and the pages the links in our mail open: confirm and unsubscribe. Opening a
//! link changes nothing; the button on the page does (mail scanners follow links, not forms).

use super::api::{ConfirmSubscription, NewsletterError, Unsubscribe, CONFIRMED, UNSUBSCRIBED};
use crate::pages::StaticPageRoute;
use super::submit::{post_in_place, Outcome};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// The newsletter page: its text from `content/pages/newsletter.md`, and the signup form.
#[component]
pub fn NewsletterPage() -> impl IntoView {
    view! { <StaticPageRoute slug="newsletter" signup=true/> }
}

/// The token in the link, and the outcome of a post made without JavaScript (`?result=`).
fn token_and_outcome(success: &str) -> (String, Outcome) {
    let query = use_query_map();
    let query = query.read_untracked();
    let redirected = query.get("result").map(|code| {
        if code == "ok" {
            Ok(success.to_string())
        } else {
            Err(NewsletterError::from_code(&code).to_string())
        }
    });
    (query.get("token").unwrap_or_default(), redirected)
}

/// `/newsletter/confirm?token=…`: a button that confirms the subscription.
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let (token, redirected) = token_and_outcome(CONFIRMED);
    view! {
        <Title text="Confirm your subscription"/>
        <Meta name="robots" content="noindex"/>
        <article class="article site-page newsletter-flow" aria-labelledby="page-title">
            <h1 id="page-title">"Confirm your subscription"</h1>
            <ConfirmForm token redirected/>
        </article>
    }
}

/// The confirm button and its outcome, submitted without a page load once hydrated.
#[component]
fn ConfirmForm(token: String, redirected: Outcome) -> impl IntoView {
    let pending = RwSignal::new(false);
    let submitted = RwSignal::new(None);
    let result = Memo::new(move |_| submitted.get().or_else(|| redirected.clone()));
    let submit = post_in_place(pending, submitted, CONFIRMED);
    let token = StoredValue::new(token);
    view! {
        <TokenOutcome result/>
        <Show when=move || result.get().is_none_or(|result| result.is_err())>
            <p>"Press the button to start getting the NourishVibes weekly health tips at the address this link was sent to."</p>
            <form method="post" action=ConfirmSubscription::PATH class="token-form" on:submit=submit.clone()>
                <input type="hidden" name="token" value=token.get_value()/>
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Confirming…" } else { "Confirm my subscription" }}
                </button>
            </form>
            <p class="fine-print">"Didn't ask for this? Close this page: nothing happens unless you press the button."</p>
        </Show>
    }
}

/// `/newsletter/unsubscribe?token=…`: a button that unsubscribes.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let (token, redirected) = token_and_outcome(UNSUBSCRIBED);
    view! {
        <Title text="Unsubscribe"/>
        <Meta name="robots" content="noindex"/>
        <article class="article site-page newsletter-flow" aria-labelledby="page-title">
            <h1 id="page-title">"Unsubscribe from the newsletter"</h1>
            <UnsubscribeForm token redirected/>
            <p class="fine-print">"Changed your mind later? You can sign up again on the " <a href="/newsletter">"newsletter page"</a> "."</p>
        </article>
    }
}

/// The unsubscribe button and its outcome, submitted without a page load once hydrated.
#[component]
fn UnsubscribeForm(token: String, redirected: Outcome) -> impl IntoView {
    let pending = RwSignal::new(false);
    let submitted = RwSignal::new(None);
    let result = Memo::new(move |_| submitted.get().or_else(|| redirected.clone()));
    let submit = post_in_place(pending, submitted, UNSUBSCRIBED);
    let token = StoredValue::new(token);
    view! {
        <TokenOutcome result/>
        <Show when=move || result.get().is_none_or(|result| result.is_err())>
            <p>"Press the button and we'll stop sending the NourishVibes newsletter to the address this link was sent to."</p>
            <form method="post" action=Unsubscribe::PATH class="token-form" on:submit=submit.clone()>
                <input type="hidden" name="token" value=token.get_value()/>
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Unsubscribing…" } else { "Unsubscribe" }}
                </button>
            </form>
        </Show>
    }
}

/// The live region that announces the outcome of a token form.
#[component]
fn TokenOutcome(result: Memo<Outcome>) -> impl IntoView {
    view! {
        <p
            class="signup-status token-status"
            class:success=move || matches!(result.get(), Some(Ok(_)))
            class:error=move || matches!(result.get(), Some(Err(_)))
            aria-live="polite"
        >
            {move || result.get().map(|result| match result {
                Ok(text) | Err(text) => text,
            })}
        </p>
    }
}
