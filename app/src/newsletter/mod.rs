//! Newsletter calls to action. The signup form itself arrives with the reader-interactions work;
//! `NewsletterCta` keeps its place in the page.

use crate::content::api::NewsletterCta as CtaTexts;
use leptos::prelude::*;

/// "Get Weekly Health Tips / Evidence-based nutrition in your inbox".
#[component]
pub fn NewsletterCta(cta: CtaTexts, #[prop(into)] id: String) -> impl IntoView {
    let heading_id = format!("{id}-title");
    let labelled_by = heading_id.clone();
    view! {
        <aside class="newsletter-cta" id=id aria-labelledby=labelled_by>
            <span class="cta-icon" aria-hidden="true">"✉"</span>
            <div>
                <h2 id=heading_id>{cta.heading}</h2>
                <p>{cta.text}</p>
            </div>
        </aside>
    }
}
