//! The article page: every part of a NourishVibes article, in reading order.

mod extras;
mod header;
mod overview;
mod preview;
mod takeaways;
mod trust;

use crate::content::api::{get_article, ArticlePage};
use crate::images::{Format, Place};
use crate::newsletter::NewsletterCta;
use crate::pages::{LoadFailed, NotFound};
use crate::share::ShareRow;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;
pub use preview::{PreviewBanner, PreviewGrant, PreviewRoute};

/// `/articles/:slug`: loads the article and renders it, or the 404 page.
#[component]
pub fn ArticleRoute() -> impl IntoView {
    let slug = use_params_map().read_untracked().get("slug").unwrap_or_default();
    match get_article(&slug) {
        Ok(Some(page)) => view! { <ArticleView page/> }.into_any(),
        Ok(None) => view! { <NotFound/> }.into_any(),
        Err(_) => view! { <LoadFailed/> }.into_any(),
    }
}

/// One article, laid out like the reference page; as a reviewer's preview under its `preview`
/// banner, without the share buttons.
#[component]
pub fn ArticleView(page: ArticlePage, #[prop(optional)] preview: Option<PreviewBanner>) -> impl IntoView {
    let ArticlePage {
        slug: _,
        images: _,
        canonical_url,
        share_image_url,
        json_ld,
        title,
        description,
        category,
        category_name,
        tags: _,
        hero,
        author,
        review,
        review_by,
        due_for_review,
        unpublished_note,
        has_affiliate_links,
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
        sources,
        toc,
        related,
    } = page;
    // When the body links to affiliate sites, the disclosure also comes before the body.
    let affiliate_notice = has_affiliate_links
        .then(|| disclosures.iter().find(|block| block.id == "affiliate-disclosure").cloned())
        .flatten();

    let share_image_type = match crate::content::api::share_image_extension(&hero) {
        "jpg" => "image/jpeg",
        _ => "image/png",
    };
    // A photo hero is asked for as soon as the head is read, before the body reaches its <img>.
    let hero_preload = hero.derived.as_ref().map(|derived| {
        let srcset = derived.srcset(Format::Avif);
        view! {
            <Link
                rel="preload"
                as_="image"
                type_=Format::Avif.mime()
                imagesrcset=srcset
                imagesizes=Place::Article.sizes()
                fetchpriority="high"
            />
        }
    });

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
        <Meta property="og:image:type" content=share_image_type/>
        <Meta property="og:image:width" content="1200"/>
        <Meta property="og:image:height" content="630"/>
        <Meta property="og:image:alt" content=hero.alt.clone()/>
        <Meta property="article:published_time" content=published.iso.clone()/>
        <Meta property="article:modified_time" content=updated.iso.clone()/>
        <Meta property="article:author" content=author.name.clone()/>
        <Meta property="article:section" content=category_name.clone()/>
        <Meta name="twitter:card" content="summary_large_image"/>
        <Meta name="twitter:title" content=title.clone()/>
        <Meta name="twitter:description" content=description.clone()/>
        <Meta name="twitter:image" content=share_image_url.clone()/>
        <Meta name="twitter:image:alt" content=hero.alt.clone()/>
        {hero_preload}
        <script type="application/ld+json" inner_html=json_ld></script>
        <extras::Breadcrumbs category=category.clone() category_name=category_name.clone() title=title.clone()/>
        <article class="article">
            {preview.clone().map(|banner| view! { <preview::PreviewNotice banner/> })}
            <extras::StatusNotices unpublished=unpublished_note due_for_review review_by/>
            <header::HeroFigure hero/>
            <header::ArticleHeader
                category
                category_name
                title=title.clone()
                author
                review
                published
                updated
                reading_minutes
            />
            <overview::Overview sentences=overview generated=overview_generated/>
            {preview.is_none().then(|| view! {
                <ShareRow url=canonical_url.clone() title=title.clone() description=description.clone() image_url=share_image_url.clone()/>
            })}
            <takeaways::KeyTakeaways items=key_takeaways/>
            <NewsletterCta cta=newsletter.clone() id="newsletter-inline"/>
            {(toc.len() >= 2).then(|| view! { <extras::TableOfContents entries=toc/> })}
            {affiliate_notice.map(|block| view! {
                <p class="notice notice-affiliate" role="note"><strong>{block.title} ": "</strong>{block.text}</p>
            })}
            <div class="article-body prose" inner_html=body_html></div>
            <extras::SourcesList sources/>
            <trust::EditorialSections blocks=editorial/>
            <trust::Disclosures blocks=disclosures/>
            <trust::RevisionHistory revisions/>
            <NewsletterCta cta=newsletter id="newsletter-end" place="end of article"/>
        </article>
        <extras::RelatedArticles cards=related/>
    }
}
