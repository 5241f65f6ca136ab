//! The islands' one HTTP helper, on gloo-net's fetch wrapper (its `http` feature only, so no
//! JSON parser reaches the WASM): the newsletter forms post their fields with it, and live
//! search gets result pages with it. Browser only (`hydrate`).

use gloo_net::http::{Request, Response};
use leptos::web_sys::{FormData, HtmlFormElement, UrlSearchParams};

/// Why a request got no response.
#[derive(Debug)]
pub enum RequestError {
    /// The request could not be made (the form's fields could not be read).
    Malformed,
    /// The request failed on the way (offline, refused, blocked).
    Network,
}

/// The fields of `form`, URL-encoded as the browser would post them without JavaScript.
fn fields(form: &HtmlFormElement) -> Result<UrlSearchParams, RequestError> {
    let data = FormData::new_with_form(form).map_err(|_| RequestError::Malformed)?;
    UrlSearchParams::new_with_str_sequence_sequence(&data).map_err(|_| RequestError::Malformed)
}

/// Sends a request asking for `accept`: a `GET` of `url`, or, given a `form`, a `POST` of its
/// fields to `url`. Any HTTP status is a response; only a failed request is an error.
pub async fn send(url: &str, accept: &str, form: Option<&HtmlFormElement>) -> Result<Response, RequestError> {
    let request = match form {
        Some(form) => Request::post(url).header("Accept", accept).body(fields(form)?),
        None => Request::get(url).header("Accept", accept).build(),
    };
    request.map_err(|_| RequestError::Malformed)?.send().await.map_err(|_| RequestError::Network)
}
