//! `/newsletter`, and the pages the links in our mail open: confirm and unsubscribe. Opening a
//! link changes nothing; the button on the page does (mail scanners follow links, not forms).

use super::api::{ConfirmSubscription, NewsletterError, Unsubscribe, CONFIRMED, UNSUBSCRIBED};
use super::submit::{FormInPlace, Outcome};
use crate::pages::StaticPageRoute;
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
    view! {
        <Title text="Confirm your subscription"/>
        <Meta name="robots" content="noindex"/>
        <article class="article site-page newsletter-flow" aria-labelledby="page-title">
            <h1 id="page-title">"Confirm your subscription"</h1>
            <TokenForm
                action=ConfirmSubscription::PATH
                success=CONFIRMED
                intro="Press the button to start getting the NourishVibes weekly health tips at the address this link was sent to."
                button="Confirm my subscription"
                pending="Confirming…"
            >
                <p class="fine-print">"Didn't ask for this? Close this page: nothing happens unless you press the button."</p>
            </TokenForm>
        </article>
    }
}

/// `/newsletter/unsubscribe?token=…`: a button that unsubscribes.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    view! {
        <Title text="Unsubscribe"/>
        <Meta name="robots" content="noindex"/>
        <article class="article site-page newsletter-flow" aria-labelledby="page-title">
            <h1 id="page-title">"Unsubscribe from the newsletter"</h1>
            <TokenForm
                action=Unsubscribe::PATH
                success=UNSUBSCRIBED
                intro="Press the button and we'll stop sending the NourishVibes newsletter to the address this link was sent to."
                button="Unsubscribe"
                pending="Unsubscribing…"
            />
            <p class="fine-print">"Changed your mind later? You can sign up again on the " <a href="/newsletter">"newsletter page"</a> "."</p>
        </article>
    }
}

/// The outcome, then (until it succeeds) `intro`, a form posting the link's token to `action`
/// with one button, and any `children`. Submitted in place by the [`FormInPlace`] island.
#[component]
fn TokenForm(
    action: &'static str,
    success: &'static str,
    intro: &'static str,
    button: &'static str,
    pending: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let (token, result) = token_and_outcome(success);
    let done = matches!(result, Some(Ok(_)));
    let rest = (!done).then(|| {
        view! {
            <div data-hide-on-success="">
                <p>{intro}</p>
                <form method="post" action=action class="token-form">
                    <input type="hidden" name="token" value=token/>
                    <button type="submit" class="button" data-pending=pending>{button}</button>
                </form>
                {children.map(|children| children())}
            </div>
        }
    });
    view! {
        <FormInPlace>
            <TokenOutcome result/>
            {rest}
        </FormInPlace>
    }
}

/// The live region that announces the outcome of a token form.
#[component]
fn TokenOutcome(result: Outcome) -> impl IntoView {
    let is_error = matches!(result, Some(Err(_)));
    let is_success = matches!(result, Some(Ok(_)));
    let message = result.map(|result| match result {
        Ok(text) | Err(text) => text,
    });
    view! {
        <p class="signup-status token-status" class:success=is_success class:error=is_error aria-live="polite">
            {message}
        </p>
    }
}
