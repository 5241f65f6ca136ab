//! The "Key Takeaways" box.

use leptos::prelude::*;

/// The article's key points as a list.
#[component]
pub fn KeyTakeaways(items: Vec<String>) -> impl IntoView {
    view! {
        <aside class="takeaways" aria-labelledby="takeaways-title">
            <h2 id="takeaways-title">
                <span aria-hidden="true">"💡 "</span>
                "Key Takeaways"
            </h2>
            <ul>{items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul>
        </aside>
    }
}
