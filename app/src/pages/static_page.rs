//! Site pages written in Markdown: about, editorial standards, privacy.

use crate::content::api::get_static_page;
use crate::newsletter::SignupForm;
use crate::pages::{LoadFailed, NotFound};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// The page with `slug`, rendered from `content/pages/{slug}.md`; `signup` adds the newsletter
/// signup form after the text.
#[component]
pub fn StaticPageRoute(slug: &'static str, #[prop(optional)] signup: bool) -> impl IntoView {
    match get_static_page(slug) {
        Ok(Some(page)) => view! {
            <Title text=page.title.clone()/>
            <Link rel="canonical" href=page.canonical_url.clone()/>
            <Meta name="description" content=page.description/>
            <article class="article site-page" aria-labelledby="page-title">
                <h1 id="page-title">{page.title}</h1>
                <p class="article-meta">
                    "Last updated " <time datetime=page.updated.iso>{page.updated.display}</time>
                </p>
                <div class="prose" inner_html=page.body_html></div>
                {signup.then(|| view! {
                    <section class="newsletter-cta page-signup" id="newsletter-page" aria-label="Sign up">
                        <SignupForm id="newsletter-page" button="Subscribe for free"/>
                    </section>
                })}
            </article>
        }
        .into_any(),
        Ok(None) => view! { <NotFound/> }.into_any(),
        Err(_) => view! { <LoadFailed/> }.into_any(),
    }
}
