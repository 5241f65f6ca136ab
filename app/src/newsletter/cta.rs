//! "Get Weekly Health Tips" call to action with its signup form.

use super::SignupForm;
use crate::content::api::NewsletterCta as CtaTexts;
use leptos::prelude::*;

/// "Get Weekly Health Tips / Evidence-based nutrition in your inbox".
#[component]
pub fn NewsletterCta(cta: CtaTexts, #[prop(into)] id: String) -> impl IntoView {
    let heading_id = format!("{id}-title");
    let labelled_by = heading_id.clone();
    let form_id = id.clone();
    view! {
        <aside class="newsletter-cta" id=id aria-labelledby=labelled_by>
            <span class="cta-icon" aria-hidden="true">
                <svg viewBox="0 0 24 24" width="22" height="22" focusable="false">
                    <rect x="3" y="5" width="18" height="14" rx="2" fill="#fffbeb" stroke="#b45309" stroke-width="1.6"/>
                    <path d="M4 7l8 6 8-6" fill="none" stroke="#b45309" stroke-width="1.6" stroke-linecap="round"/>
                </svg>
            </span>
            <div>
                <h2 id=heading_id>{cta.heading}</h2>
                <p>{cta.text}</p>
                <SignupForm id=form_id/>
            </div>
        </aside>
    }
}
