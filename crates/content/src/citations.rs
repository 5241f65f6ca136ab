//! Source citations: `[^N]` markers in the body become superscript links to the numbered
//! "Sources" list, and each source learns which markers cite it (for its back-links).

/// The rendered body with its markers linked, and for each source (index N-1) the ids of the
/// markers that cite it.
#[derive(Debug, PartialEq, Eq)]
pub struct LinkedCitations {
    /// Body HTML with every `[^N]` replaced by a link.
    pub html: String,
    /// `citations[n]` lists the marker ids citing source n+1, in reading order.
    pub citations: Vec<Vec<String>>,
}

/// Links every `[^N]` in `html` to `#source-N`; a marker naming no listed source is an error.
pub fn link_citations(html: &str, source_count: usize) -> Result<LinkedCitations, Vec<String>> {
    let mut out = String::with_capacity(html.len() + 64);
    let mut citations = vec![Vec::new(); source_count];
    let mut problems = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("[^") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || !after[digits..].starts_with(']') {
            out.push_str("[^");
            rest = after;
            continue;
        }
        let number: usize = after[..digits].parse().unwrap_or(0);
        rest = &after[digits + 1..];
        if number == 0 || number > source_count {
            problems.push(format!(
                "cites [^{number}] but the front matter lists {source_count} source(s) under [[sources]]"
            ));
            continue;
        }
        let id = format!("cite-{number}-{}", citations[number - 1].len() + 1);
        out.push_str(&format!(
            r##"<sup class="cite"><a href="#source-{number}" id="{id}" rel="external" aria-label="Source {number}">[{number}]</a></sup>"##
        ));
        citations[number - 1].push(id);
    }
    out.push_str(rest);
    if problems.is_empty() {
        Ok(LinkedCitations { html: out, citations })
    } else {
        Err(problems)
    }
}

/// Hosts of the `https://` links in rendered HTML, in order.
pub fn link_hosts(html: &str) -> Vec<String> {
    html.match_indices("href=\"")
        .filter_map(|(at, marker)| {
            let url = &html[at + marker.len()..];
            let url = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
            let end = url.find(['/', '"', '?', '#', ':']).unwrap_or(url.len());
            Some(url[..end].to_ascii_lowercase())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_become_links_and_sources_learn_their_citations() {
        let linked = link_citations("<p>Vitamin K2 helps.[^2] Also D.[^1][^2]</p>", 2).unwrap();
        assert!(linked.html.contains(
            r##"helps.<sup class="cite"><a href="#source-2" id="cite-2-1" rel="external" aria-label="Source 2">[2]</a></sup>"##
        ));
        assert_eq!(
            linked.citations,
            vec![vec!["cite-1-1".to_string()], vec!["cite-2-1".to_string(), "cite-2-2".to_string()]]
        );
        assert!(!linked.html.contains("[^"));
    }

    #[test]
    fn citing_an_undefined_source_is_an_error() {
        let problems = link_citations("<p>A.[^1] B.[^3] C.[^0]</p>", 2).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(problems[0].contains("cites [^3] but the front matter lists 2 source(s)"), "{problems:?}");
    }

    #[test]
    fn text_that_only_looks_like_a_marker_is_left_alone() {
        let linked = link_citations("<p>x[^a] and [^ and [1]</p>", 1).unwrap();
        assert_eq!(linked.html, "<p>x[^a] and [^ and [1]</p>");
    }

    #[test]
    fn finds_link_hosts() {
        let html = r#"<a href="https://www.Amazon.com/dp/1?tag=x">a</a> <a href="/articles/x">b</a> <a href="http://iherb.com">c</a>"#;
        assert_eq!(link_hosts(html), vec!["www.amazon.com", "iherb.com"]);
    }
}
