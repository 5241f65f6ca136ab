//! "Get Weekly Health Tips" call to action with its signup form.

use super::SignupForm;
use crate::content::api::NewsletterCta as CtaTexts;
use leptos::prelude::*;

/// "Get Weekly Health Tips / Evidence-based nutrition in your inbox".
///
/// The box is a complementary landmark named by its heading. A page that shows it twice gives
/// the second a `place` ("end of article"): it joins the heading in that landmark's name, from
/// an element that is never shown, so each landmark has a name of its own and the page looks
/// and reads the same.
#[component]
pub fn NewsletterCta(
    cta: CtaTexts,
    #[prop(into)] id: String,
    #[prop(optional)] place: Option<&'static str>,
) -> impl IntoView {
    let heading_id = format!("{id}-title");
    let place_id = format!("{id}-place");
    let labelled_by = match place {
        Some(_) => format!("{heading_id} {place_id}"),
        None => heading_id.clone(),
    };
    let form_id = id.clone();
    view! {
        <aside class="newsletter-cta" id=id aria-labelledby=labelled_by>
            {place.map(|place| view! { <span id=place_id hidden>"(" {place} ")"</span> })}
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
