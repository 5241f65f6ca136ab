//! Making a photo's derived images: decoded once (upright, every piece of metadata left behind),
//! cut to its shape, shrunk to the widest width served, then resized and encoded per width and
//! format, each file written whole under the derived-images folder (`{store}/{key}/{width}.{ext}`).

use crate::probe;
use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::{DynamicImage, ExtendedColorType, ImageEncoder};
use nv_model::images::{Derived, Format, Shape, WIDTHS};
use std::io::Write;
use std::path::{Path, PathBuf};

/// WebP quality: 70, a little under the usual 75, as most readers' screens are dense enough to
/// show the image smaller than it is.
const WEBP_QUALITY: f32 = 70.0;
/// AVIF quality (ravif's scale): measured here on a camera-like photo, 60 matches the WebP's
/// SSIM (0.917 against 0.916) in a quarter fewer bytes (the 750-px banner: 8.2 against 11.0 KB).
const AVIF_QUALITY: f32 = 60.0;
/// AVIF encoder speed, 1-10: at 10 a 750-px image takes about 0.25 s (one core), at 8 three
/// times that for 11% fewer bytes; images are made in the background, but also on a request
/// that comes first.
const AVIF_SPEED: u8 = 10;
/// JPEG quality of the fallback.
const JPEG_QUALITY: u8 = 80;

/// A photo's pixels, upright, cut to its shape and no wider than the widest image wanted of it.
pub struct Source {
    pixels: Image<'static>,
    alpha: bool,
}

impl Source {
    /// Reads and decodes `file`, cuts it to `shape` and shrinks it at once to at most `widest`
    /// (the widest image to be made from it), so that at most one full-size decode is held, and
    /// only while this runs.
    pub fn read(file: &Path, shape: Shape, widest: u32) -> Result<Source, String> {
        let bytes = std::fs::read(file).map_err(|error| format!("cannot be read: {error}"))?;
        let mut image = probe::decode(&bytes)?;
        drop(bytes);
        let (left, top, kept_width, kept_height) = shape.cut(image.width(), image.height());
        if (kept_width, kept_height) != (image.width(), image.height()) {
            image = image.crop_imm(left, top, kept_width, kept_height);
        }
        let alpha = image.color().has_alpha();
        let (width, height) = (image.width(), image.height());
        let pixels = if alpha {
            Image::from_vec_u8(width, height, image.into_rgba8().into_raw(), PixelType::U8x4)
        } else {
            Image::from_vec_u8(width, height, DynamicImage::into_rgb8(image).into_raw(), PixelType::U8x3)
        }
        .map_err(|error| format!("cannot be resized: {error}"))?;
        let source = Source { pixels, alpha };
        if width <= widest {
            return Ok(source);
        }
        let pixels = source.resized(widest)?;
        Ok(Source { pixels, alpha })
    }

    /// The pixels at `width` (the height keeps the aspect ratio).
    fn resized(&self, width: u32) -> Result<Image<'static>, String> {
        let (source_width, source_height) = (self.pixels.width(), self.pixels.height());
        let height = ((u64::from(source_height) * u64::from(width) + u64::from(source_width) / 2)
            / u64::from(source_width.max(1)))
        .max(1) as u32;
        let mut resized = Image::new(width, height, self.pixels.pixel_type());
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        Resizer::new()
            .resize(&self.pixels, &mut resized, &options)
            .map_err(|error| format!("cannot be resized: {error}"))?;
        Ok(resized)
    }

    /// The image `width` pixels wide, encoded as `format`.
    pub fn encode(&self, width: u32, format: Format) -> Result<Vec<u8>, String> {
        let resized = self.resized_to(width)?;
        self.encode_pixels(resized.as_ref().unwrap_or(&self.pixels), format)
    }

    /// The pixels at `width` when that is not the width they have already (`None`: use them).
    fn resized_to(&self, width: u32) -> Result<Option<Image<'static>>, String> {
        if width == self.pixels.width() {
            return Ok(None);
        }
        self.resized(width).map(Some)
    }

    /// `pixels` (this photo's, at some width) encoded as `format`.
    fn encode_pixels(&self, pixels: &Image<'static>, format: Format) -> Result<Vec<u8>, String> {
        let (w, h, raw) = (pixels.width(), pixels.height(), pixels.buffer());
        let color = if self.alpha { ExtendedColorType::Rgba8 } else { ExtendedColorType::Rgb8 };
        let mut out = Vec::new();
        let failed = |error: image::ImageError| format!("cannot be encoded: {error}");
        match format {
            Format::Avif => out = avif(raw, w, h, self.alpha)?,
            Format::Webp => {
                let encoder =
                    if self.alpha { webp::Encoder::from_rgba(raw, w, h) } else { webp::Encoder::from_rgb(raw, w, h) };
                out.extend_from_slice(&encoder.encode(WEBP_QUALITY));
            }
            Format::Jpeg => out = jpeg(raw, w, h, self.alpha, JPEG_QUALITY)?,
            Format::Png => {
                PngEncoder::new_with_quality(&mut out, CompressionType::Best, PngFilter::Adaptive)
                    .write_image(raw, w, h, color)
                    .map_err(failed)?;
            }
        }
        Ok(out)
    }
}

/// RGB (or RGBA) pixels as an AVIF, 10-bit, in the calling thread (the crate's threading is off:
/// the background thread's lowered priority then covers the encoding).
fn avif(pixels: &[u8], width: u32, height: u32, alpha: bool) -> Result<Vec<u8>, String> {
    let (width, height) = (width as usize, height as usize);
    let encoder = ravif::Encoder::new().with_quality(AVIF_QUALITY).with_speed(AVIF_SPEED);
    // Always through `encode_rgba` (opaque pixels are encoded without alpha): `encode_rgb` is
    // `#[inline]` and generic inside, so the whole AV1 encoder would be compiled into this crate,
    // unoptimised in debug builds (measured: 20 times slower there).
    let rgba: Vec<ravif::RGBA8> = if alpha {
        pixels.chunks_exact(4).map(|p| ravif::RGBA8::new(p[0], p[1], p[2], p[3])).collect()
    } else {
        pixels.chunks_exact(3).map(|p| ravif::RGBA8::new(p[0], p[1], p[2], 255)).collect()
    };
    let encoded = encoder
        .encode_rgba(ravif::Img::new(&rgba[..], width, height))
        .map_err(|error| format!("cannot be encoded as AVIF: {error}"))?;
    Ok(encoded.avif_file)
}

/// Opaque RGBA pixels (`width` × `height`) as a JPEG of `quality` (share cards from photos).
pub fn jpeg_from_rgba(rgba: &[u8], width: u32, height: u32, quality: u8) -> Result<Vec<u8>, String> {
    jpeg(rgba, width, height, true, quality)
}

/// RGB (or RGBA, its alpha dropped) pixels as a baseline JPEG with 4:2:0 chroma: measured here
/// 3.5 times faster and 18% smaller than `image`'s encoder, which keeps full-resolution colour.
fn jpeg(pixels: &[u8], width: u32, height: u32, alpha: bool, quality: u8) -> Result<Vec<u8>, String> {
    let too_large = || format!("cannot be encoded as JPEG: {width} × {height} is too large");
    let (width, height) =
        (u16::try_from(width).map_err(|_| too_large())?, u16::try_from(height).map_err(|_| too_large())?);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    let color = if alpha { jpeg_encoder::ColorType::Rgba } else { jpeg_encoder::ColorType::Rgb };
    encoder.encode(pixels, width, height, color).map_err(|error| format!("cannot be encoded: {error}"))?;
    Ok(out)
}

/// The photo's image at least `width` wide (or its widest) in its fallback format, from
/// `store` or made now (not kept): what a share card embeds.
pub fn fallback_at_least(file: &Path, derived: &Derived, store: &Path, width: u32) -> Result<Vec<u8>, String> {
    let chosen =
        derived.widths.iter().copied().find(|&w| w >= width).or(derived.widths.last().copied()).unwrap_or(width);
    if let Ok(bytes) = std::fs::read(derived_path(store, &derived.key, chosen, derived.fallback)) {
        return Ok(bytes);
    }
    Source::read(file, derived.shape, chosen)?.encode(chosen, derived.fallback)
}

/// Where the derived image of the photo `key` at `width` in `format` is kept.
pub fn derived_path(store: &Path, key: &str, width: u32, format: Format) -> PathBuf {
    photo_dir(store, key).join(format!("{width}.{}", format.extension()))
}

/// Makes the photo's derived images that are not in `store` yet; returns how many it made.
/// `turn` is called before each step (the decode and first shrink, each width's resize, each
/// encoding) and its guard held meanwhile, so that the caller can let requests for single
/// images go between steps. Each width is resized once for all its formats.
pub fn derive_missing<G>(file: &Path, derived: &Derived, store: &Path, turn: impl Fn() -> G) -> Result<usize, String> {
    let missing: Vec<(u32, Vec<Format>)> = derived
        .widths
        .iter()
        .map(|&width| {
            let formats = derived
                .formats()
                .into_iter()
                .filter(|&format| !derived_path(store, &derived.key, width, format).is_file());
            (width, formats.collect::<Vec<_>>())
        })
        .filter(|(_, formats)| !formats.is_empty())
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    let source = {
        let _turn = turn();
        Source::read(
            file,
            derived.shape,
            missing.iter().map(|(width, _)| *width).max().unwrap_or(WIDTHS[WIDTHS.len() - 1]),
        )?
    };
    let mut made = 0;
    for (width, formats) in &missing {
        let resized = {
            let _turn = turn();
            // Requests may have made all of this width's images meanwhile.
            if formats.iter().all(|&format| derived_path(store, &derived.key, *width, format).is_file()) {
                continue;
            }
            source.resized_to(*width)?
        };
        let pixels = resized.as_ref().unwrap_or(&source.pixels);
        for &format in formats {
            let path = derived_path(store, &derived.key, *width, format);
            let _turn = turn();
            // A request may have made it while this waited for its turn.
            if path.is_file() {
                continue;
            }
            let bytes = source.encode_pixels(pixels, format)?;
            write_atomically(&path, &bytes).map_err(|error| format!("cannot be kept: {error}"))?;
            made += 1;
        }
    }
    Ok(made)
}

/// Writes `bytes` to `path` through a temporary file renamed into place: a reader (or a
/// server killed mid-write) never sees half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temporary = tempfile_in(dir)?;
    temporary.1.write_all(bytes)?;
    temporary.1.sync_all()?;
    std::fs::rename(&temporary.0, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary.0);
    })
}

/// A new file in `dir` with a name no other writer uses.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = format!(".tmp-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let path = dir.join(name);
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
    Ok((path, file))
}

/// The folder of one photo's derived images in `store`.
pub fn photo_dir(store: &Path, key: &str) -> PathBuf {
    store.join(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{avif_size, carries_metadata, jpeg_with_exif, Exif};

    /// The size of an encoded image, and its pixels when a decoder is built here (not AVIF).
    fn size_and_pixels(bytes: &[u8], format: Format) -> ((u32, u32), Option<image::RgbImage>) {
        if format == Format::Avif {
            return (avif_size(bytes).expect("an AVIF"), None);
        }
        let image = image::load_from_memory(bytes).unwrap().into_rgb8();
        ((image.width(), image.height()), Some(image))
    }

    #[test]
    fn derived_images_are_upright_sized_and_carry_no_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("photo.jpg");
        // Stored 900 × 600 with "turn 90° clockwise": shown 600 wide, 900 high, red band on the right.
        std::fs::write(&file, jpeg_with_exif(900, 600, &Exif { orientation: 6, gps: true })).unwrap();
        let source = Source::read(&file, Shape::Whole, 2000).unwrap();
        for format in [Format::Avif, Format::Webp, Format::Jpeg, Format::Png] {
            let bytes = source.encode(480, format).unwrap();
            assert!(!carries_metadata(&bytes), "{format:?}");
            let (size, pixels) = size_and_pixels(&bytes, format);
            assert_eq!(size, (480, 720), "{format:?}");
            if let Some(image) = pixels {
                let right = image.get_pixel(470, 360);
                let left = image.get_pixel(10, 360);
                assert!(right[0] > 150 && right[1] < 100, "{format:?}: the red band is on the right: {right:?}");
                assert!(left[0] < 150, "{format:?}: no red on the left: {left:?}");
            }
        }
    }

    #[test]
    fn banner_images_keep_the_middle_of_the_photo_in_the_hero_box() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("photo.jpg");
        // Shown 600 × 900 (a portrait), red band on the right: the banner is 600 × 315 of its middle.
        std::fs::write(&file, jpeg_with_exif(900, 600, &Exif { orientation: 6, gps: false })).unwrap();
        let source = Source::read(&file, Shape::Banner(nv_model::images::Focus::CENTER), 2000).unwrap();
        for format in [Format::Avif, Format::Webp, Format::Jpeg] {
            let bytes = source.encode(480, format).unwrap();
            let (size, pixels) = size_and_pixels(&bytes, format);
            assert_eq!(size, (480, 252), "{format:?}");
            if let Some(image) = pixels {
                let right = image.get_pixel(475, 126);
                assert!(right[0] > 150 && right[1] < 100, "{format:?}: the red band is still on the right: {right:?}");
            }
        }
    }

    #[test]
    fn a_banner_focused_on_the_top_keeps_the_top_edge() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("photo.jpg");
        // Upright 3:2 with a red band along the top tenth: the middle banner cuts it away.
        std::fs::write(&file, jpeg_with_exif(900, 600, &Exif::default())).unwrap();
        let top = nv_model::images::Focus::named("top").unwrap();
        for (focus, red_at_top) in [(nv_model::images::Focus::CENTER, false), (top, true)] {
            let bytes = Source::read(&file, Shape::Banner(focus), 480).unwrap().encode(480, Format::Jpeg).unwrap();
            let (_, pixels) = size_and_pixels(&bytes, Format::Jpeg);
            let pixel = *pixels.unwrap().get_pixel(240, 4);
            assert_eq!(pixel[0] > 150 && pixel[1] < 100, red_at_top, "{focus:?}: {pixel:?}");
        }
    }
}
