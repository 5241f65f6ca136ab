//! The "Key Takeaways" box.

use crate::content::api::SourcedText;
use leptos::prelude::*;

/// The article's key points, each linked to the section it summarises.
#[component]
pub fn KeyTakeaways(items: Vec<SourcedText>) -> impl IntoView {
    view! {
        <aside class="takeaways" aria-labelledby="takeaways-title">
            <h2 id="takeaways-title">
                <svg class="heading-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
                    <path d="M9 18h6M10 21h4M12 3a6 6 0 0 0-3.6 10.8c.6.5 1 1.2 1.1 2h5c.1-.8.5-1.5 1.1-2A6 6 0 0 0 12 3z"
                        fill="#fde68a" stroke="#b45309" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>
                </svg>
                "Key Takeaways"
            </h2>
            <ul>
                {items
                    .into_iter()
                    .map(|item| view! {
                        <li>
                            {item.text}
                            {item.source_id.map(|id| view! {
                                " "
                                <a class="takeaway-source" href=format!("#{id}") rel="external">
                                    "Read more"
                                    <span class="visually-hidden">" in the section this summarises"</span>
                                </a>
                            })}
                        </li>
                    })
                    .collect_view()}
            </ul>
        </aside>
    }
}
