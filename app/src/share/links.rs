//! Share links for each network, built from the canonical URL with exact percent-encoding.

/// Percent-encodes `text` for a URL query value: everything but RFC 3986 unreserved characters.
pub fn encode_component(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len() * 3);
    crate::urls::percent_encode_into(&mut encoded, text, crate::urls::Encoding::Component);
    encoded
}

/// What a share link needs to know about the article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared<'a> {
    /// Canonical absolute URL.
    pub url: &'a str,
    /// Headline.
    pub title: &'a str,
    /// One-sentence description.
    pub description: &'a str,
    /// Absolute URL of the image networks should show (Pinterest).
    pub image_url: &'a str,
}

/// One network's share link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareLink {
    /// Network name, used in the accessible name ("Share on X").
    pub network: &'static str,
    /// CSS modifier and icon key.
    pub key: &'static str,
    /// Where the link goes.
    pub href: String,
}

/// Links for X, Facebook, LinkedIn, WhatsApp, Pinterest and email, in that order.
pub fn share_links(shared: &Shared) -> Vec<ShareLink> {
    let url = encode_component(shared.url);
    let title = encode_component(shared.title);
    let link = |network, key, href: String| ShareLink { network, key, href };
    vec![
        link("X", "x", format!("https://x.com/intent/post?url={url}&text={title}")),
        link("Facebook", "facebook", format!("https://www.facebook.com/sharer/sharer.php?u={url}")),
        link("LinkedIn", "linkedin", format!("https://www.linkedin.com/sharing/share-offsite/?url={url}")),
        link("WhatsApp", "whatsapp", format!("https://wa.me/?text={title}%20{url}")),
        link(
            "Pinterest",
            "pinterest",
            format!(
                "https://pinterest.com/pin/create/button/?url={url}&media={}&description={title}",
                encode_component(shared.image_url)
            ),
        ),
        link(
            "Email",
            "email",
            format!(
                "mailto:?subject={title}&body={}",
                encode_component(&format!("{}\n\n{}", shared.description, shared.url))
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_but_unreserved_characters() {
        assert_eq!(
            encode_component("Vitamin D3 + K2: The Perfect Pair"),
            "Vitamin%20D3%20%2B%20K2%3A%20The%20Perfect%20Pair"
        );
        assert_eq!(encode_component("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode_component("https://x.y/a?b=c&d"), "https%3A%2F%2Fx.y%2Fa%3Fb%3Dc%26d");
        assert_eq!(encode_component("café"), "caf%C3%A9");
        assert_eq!(encode_component("100%"), "100%25");
    }

    #[test]
    fn builds_exact_links_for_every_network() {
        let links = share_links(&Shared {
            url: "https://nourishvibes.com/articles/vitamin-d3-k2",
            title: "D3 + K2 & you",
            description: "Why it matters.",
            image_url: "https://nourishvibes.com/images/hero.png",
        });
        let hrefs: Vec<_> = links.iter().map(|l| (l.network, l.href.as_str())).collect();
        let url = "https%3A%2F%2Fnourishvibes.com%2Farticles%2Fvitamin-d3-k2";
        assert_eq!(hrefs[0], ("X", &*format!("https://x.com/intent/post?url={url}&text=D3%20%2B%20K2%20%26%20you")));
        assert_eq!(hrefs[1], ("Facebook", &*format!("https://www.facebook.com/sharer/sharer.php?u={url}")));
        assert_eq!(hrefs[2], ("LinkedIn", &*format!("https://www.linkedin.com/sharing/share-offsite/?url={url}")));
        assert_eq!(hrefs[3], ("WhatsApp", &*format!("https://wa.me/?text=D3%20%2B%20K2%20%26%20you%20{url}")));
        assert_eq!(
            hrefs[4],
            ("Pinterest", &*format!("https://pinterest.com/pin/create/button/?url={url}&media=https%3A%2F%2Fnourishvibes.com%2Fimages%2Fhero.png&description=D3%20%2B%20K2%20%26%20you"))
        );
        assert_eq!(
            hrefs[5],
            ("Email", &*format!("mailto:?subject=D3%20%2B%20K2%20%26%20you&body=Why%20it%20matters.%0A%0A{url}"))
        );
    }
}
