//! The daily health tip banner.

use crate::content::api::DailyTip;
use leptos::prelude::*;

/// "Daily Health Tip • {category}", the tip, and "Learn More".
#[component]
pub fn TipBanner(tip: Option<DailyTip>) -> impl IntoView {
    tip.map(|tip| {
        view! {
            <aside class="tip-banner" aria-labelledby="tip-title">
                <div class="tip-banner-inner">
                    <p id="tip-title" class="tip-label">
                        "Daily Health Tip • " {tip.category}
                    </p>
                    <p class="tip-text">{tip.text}</p>
                    <a class="tip-link" href=tip.link>
                        "Learn More" <span class="visually-hidden">" about today's tip"</span>
                    </a>
                </div>
            </aside>
        }
    })
}
