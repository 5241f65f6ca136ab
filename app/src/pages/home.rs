//! The home page: the featured article, the latest ones and a section per topic.

use super::card::Card;
use crate::content::api::{ArticleCard, CategoryView};
use crate::content::lists::{get_home, HomeData, TopicSection};
use leptos::prelude::*;
use leptos::server::codee::string::JsonSerdeCodec;
use leptos::server::codee::{Decoder, Encoder};
use leptos_meta::{Link, Meta, Title};
use serde::{Deserialize, Serialize};

/// `/`: introduction, featured article, latest articles, then each topic's newest.
#[component]
pub fn HomePage() -> impl IntoView {
    // The hydration data names each card once (see `HomeHydration`).
    let home = Resource::<_, HomeHydration>::new_with_options(|| (), |_| get_home(), false);
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
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading articles…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(home) => view! { <HomeLists home/> }.into_any(),
                    Err(_) => view! {
                        <p role="alert">"Articles could not be loaded. Please try again in a moment."</p>
                    }.into_any(),
                }
            })}
        </Suspense>
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
                            <a href=format!("/topics/{}", section.category.key)>
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

/// What [`get_home`] answers.
type HomeResult = Result<HomeData, ServerFnError>;

/// How the home lists travel in the page's hydration data: every card once, and the featured
/// article, the latest list and the topic sections as positions in that list. Most cards appear
/// twice on the page (in "Latest" and in their topic), and the hydration data is escaped twice
/// on the server, so this halves the largest cost of rendering the page after the HTML itself.
struct HomeHydration;

/// [`HomeData`] with the cards listed once (serialized side, borrowing).
#[derive(Serialize)]
struct HomeWireOut<'a> {
    canonical_url: &'a str,
    cards: Vec<&'a ArticleCard>,
    featured: Option<usize>,
    latest: Vec<usize>,
    sections: Vec<(&'a CategoryView, Vec<usize>)>,
}

/// [`HomeData`] with the cards listed once (deserialized side).
#[derive(Deserialize)]
struct HomeWireIn {
    canonical_url: String,
    cards: Vec<ArticleCard>,
    featured: Option<usize>,
    latest: Vec<usize>,
    sections: Vec<(CategoryView, Vec<usize>)>,
}

impl<'a> HomeWireOut<'a> {
    fn new(home: &'a HomeData) -> HomeWireOut<'a> {
        let mut cards: Vec<&ArticleCard> = Vec::new();
        // A few dozen cards at most: a linear search beats hashing.
        let mut position = |card: &'a ArticleCard| match cards.iter().position(|known| known.slug == card.slug) {
            Some(index) => index,
            None => {
                cards.push(card);
                cards.len() - 1
            }
        };
        let featured = home.featured.as_ref().map(&mut position);
        let latest = home.latest.iter().map(&mut position).collect();
        let sections = home
            .sections
            .iter()
            .map(|section| (&section.category, section.cards.iter().map(&mut position).collect()))
            .collect();
        HomeWireOut { canonical_url: &home.canonical_url, cards, featured, latest, sections }
    }
}

impl HomeWireIn {
    /// The lists, or `None` if a position points past the cards.
    fn into_home(self) -> Option<HomeData> {
        let cards = self.cards;
        let card = |index: usize| cards.get(index).cloned();
        let featured = match self.featured {
            Some(index) => Some(card(index)?),
            None => None,
        };
        let latest = self.latest.into_iter().map(card).collect::<Option<_>>()?;
        let sections = self
            .sections
            .into_iter()
            .map(|(category, indices)| Some(TopicSection { category, cards: indices.into_iter().map(card).collect::<Option<_>>()? }))
            .collect::<Option<_>>()?;
        Some(HomeData { canonical_url: self.canonical_url, featured, latest, sections })
    }
}

impl Encoder<HomeResult> for HomeHydration {
    type Error = <JsonSerdeCodec as Encoder<HomeResult>>::Error;
    type Encoded = String;

    fn encode(value: &HomeResult) -> Result<String, Self::Error> {
        JsonSerdeCodec::encode(&value.as_ref().map(HomeWireOut::new))
    }
}

impl Decoder<HomeResult> for HomeHydration {
    type Error = <JsonSerdeCodec as Decoder<HomeResult>>::Error;
    type Encoded = str;

    fn decode(encoded: &str) -> Result<HomeResult, Self::Error> {
        use serde::de::Error as _;
        let wire: Result<HomeWireIn, ServerFnError> = JsonSerdeCodec::decode(encoded)?;
        match wire {
            Ok(wire) => wire.into_home().map(Ok).ok_or_else(|| <Self as Decoder<HomeResult>>::Error::custom("a card position past the list")),
            Err(error) => Ok(Err(error)),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::content::dates::Date;

    #[test]
    fn hydration_data_names_each_card_once_and_restores_the_lists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let content = crate::content::store::ContentStore::load(&dir, "https://nourishvibes.example").expect("content loads");
        let home = crate::content::lists::server::home(&content, "https://nourishvibes.example", Date::today_utc());
        let featured = home.featured.clone().expect("a featured article");
        assert!(home.latest.iter().chain(home.sections.iter().flat_map(|section| &section.cards)).any(|card| card.slug != featured.slug));
        let encoded = HomeHydration::encode(&Ok(home.clone())).expect("encodes");
        let plain = JsonSerdeCodec::encode(&Ok::<_, ServerFnError>(home.clone())).expect("encodes");
        assert!(encoded.len() < plain.len() * 3 / 4, "{} vs {} bytes", encoded.len(), plain.len());
        assert_eq!(encoded.matches(&format!("\"slug\":\"{}\"", featured.slug)).count(), 1);
        let decoded = HomeHydration::decode(&encoded).expect("decodes");
        assert_eq!(decoded.ok(), Some(home));
        assert!(HomeHydration::decode(r#"{"Ok":{"canonical_url":"/","cards":[],"featured":3,"latest":[],"sections":[]}}"#).is_err());
    }
}
