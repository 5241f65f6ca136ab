//! The home page: the featured article, the latest ones and a section per topic.

use super::card::Card;
use crate::content::lists::{get_home, HomeData};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// `/`: introduction, featured article, latest articles, then each topic's newest.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <Meta
            name="description"
            content="NourishVibes: evidence-based nutrition and health articles, written and reviewed by professionals."
        />
        <section class="home-intro" aria-labelledby="home-title">
            <h1 id="home-title">"Evidence-based nutrition, explained simply"</h1>
            <p>"Articles written by health professionals, with the research behind every claim."</p>
        </section>
        {match get_home() {
            Ok(home) => view! { <HomeLists home/> }.into_any(),
            Err(_) => view! {
                <p role="alert">"Articles could not be loaded. Please try again in a moment."</p>
            }.into_any(),
        }}
    }
}

#[component]
fn HomeLists(home: HomeData) -> impl IntoView {
    let HomeData { canonical_url, featured, latest, sections } = home;
    view! {
        <Link rel="canonical" href=canonical_url/>
        {featured.map(|card| view! {
            <section class="featured" aria-labelledby="featured-title">
                <h2 id="featured-title" class="section-label">"Featured"</h2>
                <Card card featured=true/>
            </section>
        })}
        <section class="card-list" aria-labelledby="latest-title">
            <h2 id="latest-title">"Latest articles"</h2>
            <ul class="cards">
                {latest.into_iter().map(|card| view! { <li><Card card/></li> }).collect_view()}
            </ul>
        </section>
        {sections
            .into_iter()
            .map(|section| {
                let heading_id = format!("topic-{}", section.category.key);
                let labelled_by = heading_id.clone();
                view! {
                    <section class="card-list topic-section" aria-labelledby=labelled_by>
                        <div class="section-head">
                            <h2 id=heading_id>{section.category.name.clone()}</h2>
                            <a href=crate::urls::topic_path(&section.category.key)>
                                "All " {section.category.name} " articles"
                            </a>
                        </div>
                        <ul class="cards">
                            {section.cards.into_iter().map(|card| view! { <li><Card card/></li> }).collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()}
    }
}
