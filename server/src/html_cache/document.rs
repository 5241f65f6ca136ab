//! One cached document: the page and its compressed copies, each with its response headers
//! built once, and the `ETag` browsers and CDNs revalidate with.

use super::PAGE_CACHE_CONTROL;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::io::Write;
use std::sync::Arc;

/// Heap bytes a small header map holds beyond its values: its index and entry tables, by its
/// number of headers (measured with a counting allocator, see `accounting_tests.rs`, and
/// rounded up).
fn header_map_bytes(headers: &HeaderMap) -> usize {
    384 + 128 * headers.len()
}

/// One encoding of a page: the body and every response header, built once so that serving it
/// is two reference-count increments and a header map copy.
struct Encoded {
    headers: HeaderMap,
    body: Bytes,
}

impl Encoded {
    fn new(headers: &HeaderMap, content_encoding: Option<&'static str>, body: Bytes) -> Encoded {
        let mut headers = headers.clone();
        if let Some(coding) = content_encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        Encoded { headers, body }
    }

    fn response(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// One rendered page in every encoding we serve.
pub struct CachedPage {
    pub(super) etag: HeaderValue,
    identity: Encoded,
    gzip: Option<Encoded>,
    brotli: Option<Encoded>,
    /// Headers of the 304 answer: the validators and caching rules, no body headers.
    not_modified: HeaderMap,
}

impl CachedPage {
    /// Compresses `html` once (brotli quality 5, gzip level 6) and fingerprints it.
    pub fn new(html: Bytes, content_type: HeaderValue) -> CachedPage {
        CachedPage::with_cache_control(html, content_type, PAGE_CACHE_CONTROL)
    }

    /// [`CachedPage::new`] for any document, with its own `Cache-Control`.
    pub fn with_cache_control(html: Bytes, content_type: HeaderValue, cache_control: &'static str) -> CachedPage {
        // A render's buffer grew as it was written and may be twice the page: keep an exact copy,
        // so that what the cache counts is what it holds.
        let html = Bytes::copy_from_slice(&html);
        let etag = crate::etag::etag(&html);
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        let gzip = gzip.write_all(&html).and_then(|()| gzip.finish()).unwrap_or_default();
        let mut brotli = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 5, 22);
            let _ = writer.write_all(&html);
        }
        let mut not_modified = HeaderMap::with_capacity(3);
        not_modified.insert(header::ETAG, etag.clone());
        not_modified.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
        not_modified.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        let mut body_headers = not_modified.clone();
        body_headers.insert(header::CONTENT_TYPE, content_type);
        // An empty copy means compression failed: that encoding is then not offered.
        let compressed = |coding, mut bytes: Vec<u8>| {
            (!bytes.is_empty()).then(|| {
                // The spare capacity of a grown buffer would be held, unused and uncounted.
                bytes.shrink_to_fit();
                Encoded::new(&body_headers, Some(coding), bytes.into())
            })
        };
        CachedPage {
            gzip: compressed("gzip", gzip),
            brotli: compressed("br", brotli),
            identity: Encoded::new(&body_headers, None, html),
            etag,
            not_modified,
        }
    }

    /// The `Content-Type` the page is served with.
    pub(super) fn content_type(&self) -> Option<&HeaderValue> {
        self.identity.headers.get(header::CONTENT_TYPE)
    }

    /// This page with `extra` added to the headers of every answer (those it has keep their value).
    pub(super) fn with_headers(&self, extra: &[(HeaderName, HeaderValue)]) -> CachedPage {
        let extended = |headers: &HeaderMap| {
            let mut headers = headers.clone();
            for (name, value) in extra {
                headers.entry(name).or_insert_with(|| value.clone());
            }
            headers
        };
        let encoded = |encoded: &Encoded| Encoded { headers: extended(&encoded.headers), body: encoded.body.clone() };
        CachedPage {
            etag: self.etag.clone(),
            identity: encoded(&self.identity),
            gzip: self.gzip.as_ref().map(encoded),
            brotli: self.brotli.as_ref().map(encoded),
            not_modified: extended(&self.not_modified),
        }
    }

    /// The response for a request with these headers: 304 when its `If-None-Match` matches,
    /// else the best encoding it accepts.
    pub fn respond(&self, request_headers: &HeaderMap) -> Response {
        if crate::etag::revalidates(request_headers, &self.etag) {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            *response.headers_mut() = self.not_modified.clone();
            return response;
        }
        let accepted = AcceptedEncodings::of(request_headers);
        let encoded = match (&self.brotli, &self.gzip) {
            (Some(brotli), _) if accepted.brotli => brotli,
            (_, Some(gzip)) if accepted.gzip => gzip,
            _ => &self.identity,
        };
        encoded.response()
    }

    /// [`CachedPage::respond`] for a handler that built and keeps the document itself (feeds):
    /// the response carries it, and [`super::store_rendered`] puts it in the cache as it is.
    pub fn respond_cacheable(self: &Arc<Self>, request_headers: &HeaderMap) -> Response {
        let mut response = self.respond(request_headers);
        response.extensions_mut().insert(Offered(self.clone()));
        response
    }

    /// Heap bytes this page holds: the page, its compressed copies, their header maps and the
    /// allocation of the page itself.
    pub fn held_bytes(&self) -> usize {
        let encodings = [Some(&self.identity), self.gzip.as_ref(), self.brotli.as_ref()];
        let bodies: usize = encodings.iter().flatten().map(|encoded| encoded.body.len()).sum();
        let maps: usize = encodings.iter().flatten().map(|encoded| header_map_bytes(&encoded.headers)).sum::<usize>()
            + header_map_bytes(&self.not_modified);
        // The ETag's bytes: one copy, shared by every map that carries it.
        std::mem::size_of::<CachedPage>() + bodies + maps + self.etag.len()
    }
}

/// A document a handler offers to the cache (see [`CachedPage::respond_cacheable`]).
#[derive(Clone)]
pub(super) struct Offered(pub(super) Arc<CachedPage>);

/// The compressed encodings a request accepts (`Accept-Encoding`, without `q=0`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct AcceptedEncodings {
    brotli: bool,
    gzip: bool,
}

impl AcceptedEncodings {
    /// Read without allocating: this runs on every cache hit.
    fn of(headers: &HeaderMap) -> AcceptedEncodings {
        let mut accepted = AcceptedEncodings::default();
        let items = headers
            .get_all(header::ACCEPT_ENCODING)
            .into_iter()
            .flat_map(|value| value.as_bytes().split(|&byte| byte == b','));
        for item in items {
            let mut parts = item.split(|&byte| byte == b';');
            let coding = parts.next().unwrap_or_default().trim_ascii();
            if parts.any(refuses) {
                continue;
            }
            if coding.eq_ignore_ascii_case(b"br") {
                accepted.brotli = true;
            } else if coding.eq_ignore_ascii_case(b"gzip") {
                accepted.gzip = true;
            }
        }
        accepted
    }
}

/// Whether an `Accept-Encoding` parameter is a zero weight (`q=0`, `q=0.0`, `Q=0.000`…).
fn refuses(parameter: &[u8]) -> bool {
    let parameter = parameter.trim_ascii();
    let Some(weight) = parameter.strip_prefix(b"q=").or_else(|| parameter.strip_prefix(b"Q=")) else {
        return false;
    };
    let weight = weight.trim_ascii();
    weight.first() == Some(&b'0') && weight[1..].iter().all(|&byte| byte == b'.' || byte == b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (header::HeaderName::from_static(name), HeaderValue::from_static(value)))
            .collect()
    }

    fn accepted(accept_encoding: &'static str) -> AcceptedEncodings {
        AcceptedEncodings::of(&headers(&[("accept-encoding", accept_encoding)]))
    }

    #[test]
    fn reads_accepted_encodings_and_respects_q_zero() {
        assert_eq!(accepted("gzip, deflate, br, zstd"), AcceptedEncodings { brotli: true, gzip: true });
        assert_eq!(accepted("gzip"), AcceptedEncodings { brotli: false, gzip: true });
        assert_eq!(accepted("br;q=0, gzip"), AcceptedEncodings { brotli: false, gzip: true });
        assert_eq!(accepted("BR ; q=0.000 , GZip;q=0.5"), AcceptedEncodings { brotli: false, gzip: true });
        assert_eq!(accepted("br;q=0.1"), AcceptedEncodings { brotli: true, gzip: false });
        assert_eq!(AcceptedEncodings::of(&headers(&[])), AcceptedEncodings::default());
    }

    #[test]
    fn serves_brotli_then_gzip_then_identity() {
        let html = Bytes::from("<!DOCTYPE html><p>".to_string() + &"Vitamin D3 and K2. ".repeat(200));
        let page = CachedPage::new(html.clone(), HeaderValue::from_static("text/html"));
        let encoding = |accept: &'static str| {
            let response = page.respond(&headers(&[("accept-encoding", accept)]));
            assert_eq!(response.headers().get(header::ETAG), Some(&page.etag));
            assert_eq!(response.headers().get(header::VARY).unwrap(), "accept-encoding");
            response.headers().get(header::CONTENT_ENCODING).map(|value| value.to_str().unwrap().to_string())
        };
        assert_eq!(encoding("gzip, br").as_deref(), Some("br"));
        assert_eq!(encoding("gzip").as_deref(), Some("gzip"));
        assert_eq!(encoding("identity"), None);
        assert_eq!(encoding("br;q=0, gzip;q=0"), None);
    }

    #[test]
    fn revalidates_with_the_etag_weak_or_strong() {
        let page = CachedPage::new(Bytes::from_static(b"<p>hi"), HeaderValue::from_static("text/html"));
        let etag = page.etag.to_str().unwrap().to_string();
        for value in [etag.clone(), format!("W/{etag}"), format!("\"other\", {etag}"), "*".to_string()] {
            let request = HeaderMap::from_iter([(header::IF_NONE_MATCH, HeaderValue::from_str(&value).unwrap())]);
            let response = page.respond(&request);
            assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{value}");
            assert!(response.headers().get(header::CONTENT_TYPE).is_none());
        }
        let stale = HeaderMap::from_iter([(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""))]);
        assert_eq!(page.respond(&stale).status(), StatusCode::OK);
    }

    #[test]
    fn the_compressed_copies_decompress_to_the_page_and_are_counted() {
        use std::io::Read;
        let html = Bytes::from("<!DOCTYPE html><p>".to_string() + &"Vitamin D3 and K2. ".repeat(200));
        let page = CachedPage::new(html.clone(), HeaderValue::from_static("text/html"));
        let gzip = &page.gzip.as_ref().expect("a gzip copy").body;
        let brotli = &page.brotli.as_ref().expect("a brotli copy").body;
        let mut gunzipped = String::new();
        flate2::read::GzDecoder::new(&gzip[..]).read_to_string(&mut gunzipped).unwrap();
        assert_eq!(gunzipped.as_bytes(), &html[..]);
        let mut unbrotlied = Vec::new();
        brotli::Decompressor::new(&brotli[..], 4096).read_to_end(&mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, html);
        assert!(brotli.len() < html.len() / 5);
        assert!(page.held_bytes() >= html.len() + gzip.len() + brotli.len(), "every copy is counted");
    }
}
