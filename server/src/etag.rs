//! The one rule for validators: a file's or document's fingerprint is the first 64 bits of its
//! SHA-256 in hex, the `?v=` of a versioned asset URL; its `ETag` is that fingerprint quoted.
//! Cached pages, feeds and the sitemap, and share images all revalidate through [`revalidates`].

use axum::http::{header, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};

/// The fingerprint of `bytes`: 16 hex digits of their SHA-256 (a collision among one site's
/// documents is out of reach; nobody gains by forging one).
pub fn fingerprint(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().take(8).map(|byte| format!("{byte:02x}")).collect()
}

/// The strong `ETag` of `bytes`: their [`fingerprint`], quoted.
pub fn etag(bytes: &[u8]) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{}\"", fingerprint(bytes))).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// Whether the request's `If-None-Match` names `etag` (strong or weak, alone or in a list) or
/// is `*`: the answer is then a 304.
pub fn revalidates(request_headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let etag = etag.as_bytes();
    request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .flat_map(|value| value.as_bytes().split(|&byte| byte == b','))
        .any(|candidate| {
            let candidate = candidate.trim_ascii();
            candidate == b"*" || candidate.strip_prefix(b"W/").unwrap_or(candidate) == etag
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_etag_is_the_quoted_fingerprint() {
        assert_eq!(fingerprint(b"a").len(), 16);
        assert_ne!(fingerprint(b"a"), fingerprint(b"b"));
        assert_eq!(etag(b"a").to_str().unwrap(), format!("\"{}\"", fingerprint(b"a")));
    }

    #[test]
    fn revalidates_weak_strong_listed_or_any() {
        let etag = etag(b"page");
        let tag = etag.to_str().unwrap().to_string();
        for value in [tag.clone(), format!("W/{tag}"), format!("\"other\", {tag}"), "*".to_string()] {
            let request = HeaderMap::from_iter([(header::IF_NONE_MATCH, HeaderValue::from_str(&value).unwrap())]);
            assert!(revalidates(&request, &etag), "{value}");
        }
        let stale = HeaderMap::from_iter([(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""))]);
        assert!(!revalidates(&stale, &etag));
        assert!(!revalidates(&HeaderMap::new(), &etag));
    }
}
