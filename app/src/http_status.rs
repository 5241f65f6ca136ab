//! The status and headers of the response being rendered, set from a component or a server
//! function through Leptos' `ResponseOptions`: the one place pages and the newsletter's
//! server functions set them.

/// Sets the HTTP status of the response being built (`404`, `500`, `303`…). Does nothing
/// outside a server request: in the browser, or for a code that is not a status.
pub fn set_response_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) =
        (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code))
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// Sets the header `name` of the response being built to `value`; nothing outside a server
/// request, or for a value a header cannot carry.
#[cfg(feature = "ssr")]
pub fn set_response_header(name: http::HeaderName, value: &str) {
    if let (Some(response), Ok(value)) =
        (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value))
    {
        response.insert_header(name, value);
    }
}
