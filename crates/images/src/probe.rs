//! Reading an editor's image file: its kind, its upright size, and its pixels, within limits
//! that a hostile or broken file cannot get past (its header is read before any pixel is).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Most pixels an image may have (a 50-megapixel camera; 150 MB decoded). More is refused.
pub const MAX_PIXELS: u64 = 50_000_000;
/// Longest side accepted, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// Most memory one decode may take.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// Longer side of the inline placeholder, in pixels (blurred by the page's stylesheet).
const PLACEHOLDER_SIDE: u32 = 12;

/// What kind of image a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An SVG illustration, served as it is.
    Svg,
    /// A JPEG, PNG or WebP photo or graphic, served as derived images.
    Raster {
        /// Whether it has an alpha channel (its fallback is PNG, not JPEG).
        alpha: bool,
    },
}

/// A file's kind and upright size, read without decoding its pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probed {
    /// SVG or raster.
    pub kind: Kind,
    /// Width as shown (after the EXIF orientation); 0 for an SVG without a size.
    pub width: u32,
    /// Height as shown.
    pub height: u32,
}

/// The kind and size of the image in `bytes`; the reason when it is none we can serve.
pub fn probe(bytes: &[u8]) -> Result<Probed, String> {
    if looks_like_svg(bytes) {
        let (width, height) = svg_size(bytes).unwrap_or((0, 0));
        return Ok(Probed { kind: Kind::Svg, width, height });
    }
    let mut decoder = decoder(bytes)?;
    let (width, height) = decoder.dimensions();
    let alpha = decoder.color_type().has_alpha();
    let orientation = decoder.orientation().map_err(|error| format!("cannot be read: {error}"))?;
    let (width, height) = match orientation {
        image::metadata::Orientation::Rotate90
        | image::metadata::Orientation::Rotate270
        | image::metadata::Orientation::Rotate90FlipH
        | image::metadata::Orientation::Rotate270FlipH => (height, width),
        _ => (width, height),
    };
    Ok(Probed { kind: Kind::Raster { alpha }, width, height })
}

/// The pixels of the raster image in `bytes`, turned upright by its EXIF orientation and in
/// sRGB (see [`crate::colour`]). Every piece of metadata stays behind: only pixels come out.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut decoder = decoder(bytes)?;
    let orientation = decoder.orientation().map_err(|error| format!("cannot be read: {error}"))?;
    // A profile that cannot be read is as good as none: the pixels are taken as sRGB.
    let profile = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|error| format!("cannot be decoded: {error}"))?;
    image.apply_orientation(orientation);
    Ok(match profile {
        Some(icc) => crate::colour::to_srgb(image, &icc),
        None => image,
    })
}

/// A decoder for `bytes` with the limits set, once the header shows a size we accept.
fn decoder(bytes: &[u8]) -> Result<Box<dyn ImageDecoder + '_>, String> {
    let format = image::guess_format(bytes).map_err(|_| "is not a JPEG, PNG, WebP or SVG file".to_string())?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) {
        return Err(format!("is a {format:?} file; use JPEG, PNG, WebP or SVG"));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|error| format!("cannot be read as {format:?}: {error}"))?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err("has no pixels".to_string());
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(format!(
            "is {width} × {height} pixels ({} megapixels); the most accepted is {} megapixels",
            pixels / 1_000_000,
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(Box::new(decoder))
}

/// A few-pixel copy of `image` as a PNG `data:` URL (a few hundred bytes), for the page to show
/// blurred while the image itself loads.
pub fn placeholder(image: &DynamicImage) -> String {
    let (width, height) = (u64::from(image.width().max(1)), u64::from(image.height().max(1)));
    let side = u64::from(PLACEHOLDER_SIDE);
    let (small_width, small_height) =
        if width >= height { (side, (height * side / width).max(1)) } else { ((width * side / height).max(1), side) };
    let small = image.thumbnail_exact(small_width as u32, small_height as u32).to_rgb8();
    let mut png = Vec::new();
    match small.write_to(&mut Cursor::new(&mut png), ImageFormat::Png) {
        Ok(()) => format!("data:image/png;base64,{}", STANDARD.encode(&png)),
        Err(_) => String::new(),
    }
}

/// Whether `bytes` start like an SVG document (after an optional BOM, XML declaration or comment).
fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    head.contains("<svg")
}

/// The size an SVG declares: its `width` and `height` in pixels, or else its `viewBox`.
pub fn svg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attribute = |name: &str| {
        let at = tag.find(&format!(" {name}=")).or_else(|| tag.find(&format!("\n{name}=")))?;
        let rest = &tag[at + name.len() + 2..];
        let quote = rest.chars().next()?;
        let value = &rest[1..];
        Some(value[..value.find(quote)?].trim().to_string())
    };
    let pixels = |value: String| -> Option<u32> {
        let number = value.strip_suffix("px").unwrap_or(&value);
        let parsed: f64 = number.parse().ok()?;
        (parsed >= 1.0).then_some(parsed.round() as u32)
    };
    if let (Some(width), Some(height)) = (attribute("width").and_then(pixels), attribute("height").and_then(pixels)) {
        return Some((width, height));
    }
    let view_box = attribute("viewBox")?;
    let numbers: Vec<f64> =
        view_box.split([' ', ',']).filter(|part| !part.is_empty()).filter_map(|part| part.parse().ok()).collect();
    match numbers.as_slice() {
        [_, _, width, height] if *width >= 1.0 && *height >= 1.0 => Some((width.round() as u32, height.round() as u32)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{jpeg_with_exif, Exif};

    #[test]
    fn svg_sizes_come_from_width_and_height_or_the_view_box() {
        assert_eq!(
            svg_size(br#"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">"#),
            Some((1200, 630))
        );
        assert_eq!(svg_size(br#"<?xml version="1.0"?><svg viewBox="0 0 800 450" width="100%">"#), Some((800, 450)));
        assert_eq!(svg_size(br#"<svg xmlns="http://www.w3.org/2000/svg">"#), None);
    }

    #[test]
    fn a_portrait_photo_stored_sideways_probes_and_decodes_upright() {
        // Stored 60 wide and 40 high, with "rotate 90° clockwise to show".
        let jpeg = jpeg_with_exif(60, 40, &Exif { orientation: 6, gps: true });
        let probed = probe(&jpeg).unwrap();
        assert_eq!((probed.width, probed.height), (40, 60));
        assert_eq!(probed.kind, Kind::Raster { alpha: false });
        let image = decode(&jpeg).unwrap();
        assert_eq!((image.width(), image.height()), (40, 60));
    }

    #[test]
    fn files_we_cannot_serve_say_why() {
        assert!(probe(b"GIF89a\x01\x00\x01\x00").unwrap_err().contains("use JPEG, PNG, WebP or SVG"));
        assert!(probe(b"not an image").unwrap_err().contains("is not a JPEG, PNG, WebP or SVG"));
        // A JPEG start with no frame after it.
        let broken = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9";
        assert!(probe(broken).is_err() || decode(broken).is_err());
    }

    #[test]
    fn a_header_claiming_too_many_pixels_is_refused_before_decoding() {
        // A PNG header for 20,000 × 20,000 pixels with no pixel data.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&20_000u32.to_be_bytes());
        png.extend_from_slice(&20_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        png.extend_from_slice(&crc32(&png[12..]).to_be_bytes());
        let reason = probe(&png).unwrap_err();
        assert!(reason.contains("20000") || reason.contains("limit") || reason.contains("megapixels"), "{reason}");
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
}
