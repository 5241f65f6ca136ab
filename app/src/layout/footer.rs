//! The site footer with the "Join the NourishVibes Community" block.

use super::header::BrandMark;
use crate::content::api::CommunityBlock;
use crate::newsletter::SignupForm;
use leptos::prelude::*;

/// Community signup block and the closing footer bar.
#[component]
pub fn SiteFooter(community: Option<CommunityBlock>) -> impl IntoView {
    view! {
        <footer class="site-footer">
            {community.map(|community| {
                view! {
                    <section class="community" id="community" aria-labelledby="community-title">
                        <h2 id="community-title">{community.heading}</h2>
                        <p>{community.text}</p>
                        <SignupForm id="community" button="Join"/>
                        <p class="privacy-line">{community.privacy}</p>
                        <ul class="benefits">
                            {community
                                .benefits
                                .into_iter()
                                .map(|benefit| view! {
                                    <li><span class="check" aria-hidden="true">"✓"</span>{benefit}</li>
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })}
            <div class="footer-bar">
                <a class="brand" href="/"><BrandMark/><span class="brand-name">"NourishVibes"</span></a>
                <p>"Evidence-based nutrition and health, reviewed by professionals."</p>
                <nav aria-label="Footer">
                    <ul class="footer-links">
                        <li><a href="/about">"About"</a></li>
                        <li><a href="/editorial-standards">"Editorial standards"</a></li>
                        <li><a href="/newsletter">"Newsletter"</a></li>
                        <li><a href="/privacy">"Privacy"</a></li>
                    </ul>
                </nav>
                <p class="copyright">"© 2026 NourishVibes. Educational content, not medical advice."</p>
            </div>
        </footer>
    }
}
