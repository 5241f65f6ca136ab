//! What pages show of the content (the types, in `nv_model::content`), and the reads that get
//! it during a server render: plain functions, not server functions, as no browser code asks
//! for page data, so none of it is an endpoint.

use crate::pages::PageDataError;
pub use nv_model::content::*;

/// Searches titles, descriptions, summaries and bodies for `q` (cut to [`MAX_QUERY_CHARS`]);
/// at most 20 results. `exact`: search exactly what was typed, no typo corrected. A query that
/// finds nothing is counted for the editors (`server search misses`), and its page is not kept
/// in the page cache, so that every such search is counted.
pub fn search_articles(q: &str, exact: bool) -> Result<SearchResults, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::pages::render_state()?;
        let query: String = q.trim().chars().take(MAX_QUERY_CHARS).collect();
        let query = query.trim_end().to_string();
        let found = state.content.search(&query, nv_content::dates::Date::today_utc(), 20, !exact);
        let nothing = found.hits.is_empty() && !query.is_empty();
        if nothing {
            state.newsletter.search_misses.record(&query, nv_content::dates::unix_now());
            crate::http_status::set_response_header(http::header::CACHE_CONTROL, "no-store");
        }
        Ok(SearchResults {
            query,
            hits: found.hits,
            exact,
            corrected: found.corrected,
            suggestion: found.suggestion,
            topics: if nothing { state.content.categories().to_vec() } else { Vec::new() },
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (q, exact);
        Err(PageDataError::NotOnServer)
    }
}

/// The article for a slug, or `None` when there is no such article (or it is not public).
pub fn get_article(slug: &str) -> Result<Option<ArticlePage>, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::pages::render_state()?;
        Ok(state.content.visible_article(slug, nv_content::dates::Date::today_utc()))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = slug;
        Err(PageDataError::NotOnServer)
    }
}

/// The article `slug` for a reviewer's preview link, published or not, and its publication
/// date when it is scheduled; `None` when there is no such article.
pub fn get_preview_article(slug: &str) -> Result<Option<(ArticlePage, Option<DateView>)>, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        use nv_content::store::Unpublished;
        let state = crate::pages::render_state()?;
        let found = state.content.preview_article(slug, nv_content::dates::Date::today_utc());
        Ok(found.map(|(page, unpublished)| {
            let scheduled = match unpublished {
                Unpublished::Scheduled(date) => Some(date),
                Unpublished::No | Unpublished::Draft => None,
            };
            (page, scheduled)
        }))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = slug;
        Err(PageDataError::NotOnServer)
    }
}

/// The site page at `/{slug}`, or `None`.
pub fn get_static_page(slug: &str) -> Result<Option<StaticPage>, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::pages::render_state()?;
        Ok(state.content.static_page(slug).cloned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = slug;
        Err(PageDataError::NotOnServer)
    }
}

/// The tip of the day and the other site-wide texts.
pub fn get_site_chrome() -> Result<SiteChrome, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::pages::render_state()?;
        Ok(state.content.site_chrome(nv_content::dates::Date::today_utc()))
    }
    #[cfg(not(feature = "ssr"))]
    Err(PageDataError::NotOnServer)
}
