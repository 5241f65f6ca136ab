//! Photos as readers get them: `/img/{key}-{width}.{ext}`, each derived image made once and kept
//! on disk under the data dir, cached by browsers for a year (the key changes with the file).
//!
//! A background thread makes every photo's images after start-up and after each reload, one
//! step at a time and at low priority; a request for one not made yet makes just that one.
//! Both take the same turn (`turn.rs`), so at most one photo is decoded at once for its derived
//! images (memory stays bounded: a 50-megapixel photo is the largest accepted; share cards have
//! their own one-at-a-time turn, and a load decodes each new photo once for its placeholder);
//! requests go first, so a request waits at most for the one step in progress (a decode, a
//! resize or an encoding).

mod turn;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use nv_content::live::LiveContent;
use nv_images::derive::{derive_missing, derived_path, write_atomically, Source};
use nv_model::images::{parse_derived_name, Format};
use std::sync::Arc;
use std::time::{Duration, Instant};
use turn::{Asker, Turn};

/// Derived images never change under their URL.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

/// How often the background thread looks for a new content generation.
const POLL: Duration = Duration::from_secs(2);

/// What can go wrong answering for a derived image.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// Not an image the content has (or had, made).
    #[error("no such image")]
    NotFound,
    /// The photo could not be read, decoded, encoded or kept.
    #[error("the image could not be made: {0}")]
    Failed(String),
}

impl IntoResponse for ImageError {
    fn into_response(self) -> Response {
        match self {
            ImageError::NotFound => StatusCode::NOT_FOUND.into_response(),
            ImageError::Failed(reason) => {
                tracing::error!(%reason, "derived image failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "The image could not be made.").into_response()
            }
        }
    }
}

/// One turn at making an image for the whole process, for the router's requests and the
/// background thread.
static TURN: Turn = Turn::new();

/// The derived images of the content in use.
#[derive(Clone)]
pub struct DerivedImages {
    live: Arc<LiveContent>,
}

impl DerivedImages {
    /// Derived images of `live`'s photos.
    pub fn new(live: &Arc<LiveContent>) -> DerivedImages {
        DerivedImages { live: live.clone() }
    }

    /// Makes the missing images of every photo the content in use shows; returns (photos in a
    /// shape, images made).
    pub fn derive_all(&self) -> (usize, usize) {
        let content = self.live.current();
        let (photos, store) = (content.photos_in_use(), content.images().store().to_path_buf());
        drop(content);
        let mut made = 0;
        // Photos this pass has still to look at (their images made or found): 0 once done.
        let pending = metrics::gauge!("nv_derived_images_pending_photos");
        pending.set(photos.len() as f64);
        for (file, derived) in &photos {
            match derive_missing(file, derived, &store, || TURN.take(Asker::Background)) {
                Ok(count) => made += count,
                Err(reason) => tracing::warn!(file = %file.display(), %reason, "cannot make derived images"),
            }
            pending.decrement(1.0);
        }
        (photos.len(), made)
    }

    /// Starts the background thread that makes every photo's images after start-up and after
    /// each reload.
    pub fn spawn_background(&self) {
        let images = self.clone();
        let spawned = std::thread::Builder::new().name("derived-images".into()).spawn(move || {
            lower_priority();
            let mut done_generation = None;
            loop {
                let generation = images.live.current().generation();
                if done_generation != Some(generation) {
                    let started = Instant::now();
                    let span = tracing::info_span!("derived_images", generation);
                    let (photos, made) = span.in_scope(|| images.derive_all());
                    if made > 0 {
                        tracing::info!(
                            photos,
                            made,
                            took_ms = started.elapsed().as_millis() as u64,
                            "derived images made"
                        );
                    }
                    done_generation = Some(generation);
                }
                std::thread::sleep(POLL);
            }
        });
        if let Err(error) = spawned {
            tracing::warn!(%error, "cannot start making derived images in the background (requests still make them)");
        }
    }
}

/// The background work yields the processor to requests: nice 10 for this thread only (on
/// Linux a thread has its own nice value).
fn lower_priority() {
    // SAFETY: setpriority only reads its arguments; 0 means the calling thread.
    let result = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
    if result != 0 {
        tracing::debug!("cannot lower the derived-images thread's priority");
    }
}

/// `GET /img/{key}-{width}.{ext}`.
pub async fn serve(State(images): State<DerivedImages>, Path(file): Path<String>) -> Result<Response, ImageError> {
    let (key, width, format) = parse_derived_name(&file).ok_or(ImageError::NotFound)?;
    let catalog = images.live.current().images().clone();
    let path = derived_path(catalog.store(), key, width, format);
    // Made already: also an image of a photo since edited, which pages cached before still name.
    if let Ok(bytes) = tokio::fs::read(&path).await {
        return Ok(image_response(bytes, format));
    }
    let (_, entry, derived) = catalog.by_key(key).ok_or(ImageError::NotFound)?;
    if !derived.widths.contains(&width) || !derived.formats().contains(&format) {
        return Err(ImageError::NotFound);
    }
    let (file, shape) = (entry.file.clone(), derived.shape);
    let made = tokio::task::spawn_blocking(move || {
        let _turn = TURN.take(Asker::Request);
        // Made by the background thread or another request while this one waited.
        if let Ok(bytes) = std::fs::read(&path) {
            return Ok(bytes);
        }
        // Shrunk straight to the width asked for: one resize, not two.
        let bytes = Source::read(&file, shape, width)?.encode(width, format)?;
        write_atomically(&path, &bytes).map_err(|error| format!("cannot be kept: {error}"))?;
        Ok::<_, String>(bytes)
    })
    .await
    .map_err(|error| ImageError::Failed(error.to_string()))?
    .map_err(ImageError::Failed)?;
    Ok(image_response(made, format))
}

fn image_response(bytes: Vec<u8>, format: Format) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.mime()));
    headers.insert(header::CACHE_CONTROL, IMMUTABLE);
    response
}
