//! The article page: every part of a NourishVibes article, in reading order.

mod header;
mod overview;
mod takeaways;
mod trust;

use crate::content::api::{get_article, ArticlePage};
use crate::newsletter::NewsletterCta;
use crate::pages::{LoadFailed, NotFound};
use crate::share::ShareRow;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

/// `/articles/:slug`: loads the article and renders it, or the 404 page.
#[component]
pub fn ArticleRoute() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let article = Resource::new(slug, get_article);

    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading article…"</p> }>
            {move || Suspend::new(async move {
                match article.await {
                    Ok(Some(page)) => view! { <ArticleView page/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(_) => view! { <LoadFailed/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One article, laid out like the reference page.
#[component]
pub fn ArticleView(page: ArticlePage) -> impl IntoView {
    let ArticlePage {
        slug: _,
        canonical_url,
        share_image_url,
        json_ld,
        title,
        description,
        category,
        hero,
        author,
        published,
        updated,
        reading_minutes,
        overview,
        overview_generated,
        key_takeaways,
        body_html,
        editorial,
        disclosures,
        revisions,
        newsletter,
    } = page;

    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Link rel="canonical" href=canonical_url.clone()/>
        <Meta property="og:type" content="article"/>
        <Meta property="og:title" content=title.clone()/>
        <Meta property="og:description" content=description.clone()/>
        <Meta property="og:url" content=canonical_url.clone()/>
        <Meta property="og:site_name" content="NourishVibes"/>
        <Meta property="og:image" content=share_image_url.clone()/>
        <Meta property="og:image:type" content="image/png"/>
        <Meta property="og:image:width" content="1200"/>
        <Meta property="og:image:height" content="630"/>
        <Meta property="og:image:alt" content=hero.alt.clone()/>
        <Meta property="article:published_time" content=published.iso.clone()/>
        <Meta property="article:modified_time" content=updated.iso.clone()/>
        <Meta property="article:author" content=author.name.clone()/>
        <Meta property="article:section" content=category.clone()/>
        <Meta name="twitter:card" content="summary_large_image"/>
        <Meta name="twitter:title" content=title.clone()/>
        <Meta name="twitter:description" content=description.clone()/>
        <Meta name="twitter:image" content=share_image_url.clone()/>
        <Meta name="twitter:image:alt" content=hero.alt.clone()/>
        <script type="application/ld+json" inner_html=json_ld></script>
        <article class="article">
            <header::HeroFigure hero/>
            <header::ArticleHeader
                category
                title=title.clone()
                author
                published
                updated
                reading_minutes
            />
            <overview::Overview sentences=overview generated=overview_generated/>
            <ShareRow url=canonical_url.clone() title=title.clone() description=description.clone() image_url=share_image_url.clone()/>
            <takeaways::KeyTakeaways items=key_takeaways/>
            <NewsletterCta cta=newsletter.clone() id="newsletter-inline"/>
            <div class="article-body prose" inner_html=body_html></div>
            <trust::EditorialSections blocks=editorial/>
            <trust::Disclosures blocks=disclosures/>
            <trust::RevisionHistory revisions/>
            <NewsletterCta cta=newsletter id="newsletter-end"/>
        </article>
    }
}
