//! The lists pages show (home, topics, authors; types in `nv_model::lists`), read during a
//! server render.

use crate::pages::PageDataError;
pub use nv_model::lists::*;

/// The home page lists.
pub fn get_home() -> Result<HomeData, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::pages::render_state()?;
        Ok(nv_content::lists::home(&state.content, &state.config.site_url, nv_content::dates::Date::today_utc()))
    }
    #[cfg(not(feature = "ssr"))]
    Err(PageDataError::NotOnServer)
}

/// The newest public article (for the 404 page's suggestion), `None` before the first one.
pub fn get_newest() -> Result<Option<nv_model::content::ArticleCard>, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::pages::render_state()?;
        // Newest first, so only the cards of scheduled articles are passed over.
        let newest = state.content.visible_cards(nv_content::dates::Date::today_utc()).next().cloned();
        Ok(newest)
    }
    #[cfg(not(feature = "ssr"))]
    Err(PageDataError::NotOnServer)
}

/// Page `page` of the topic `category`, or `None` if there is no such topic or page.
pub fn get_topic(category: &str, page: usize) -> Result<Option<TopicPage>, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::pages::render_state()?;
        Ok(nv_content::lists::topic(
            &state.content,
            &state.config.site_url,
            category,
            page,
            nv_content::dates::Date::today_utc(),
        ))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (category, page);
        Err(PageDataError::NotOnServer)
    }
}

/// Page `page` of the author `author`'s articles, or `None` if there is no such author or page.
pub fn get_author(author: &str, page: usize) -> Result<Option<AuthorPage>, PageDataError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::pages::render_state()?;
        Ok(nv_content::lists::author(
            &state.content,
            &state.config.site_url,
            author,
            page,
            nv_content::dates::Date::today_utc(),
        ))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (author, page);
        Err(PageDataError::NotOnServer)
    }
}
