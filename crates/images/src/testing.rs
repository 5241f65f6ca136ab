//! Camera-like photos for tests and the bench: a JPEG with texture (so it compresses like a
//! photo, not like a flat colour), a red band along its stored top edge (so a test can tell
//! which way up it came out), and the EXIF a phone writes: orientation, camera make, serial
//! number and a GPS position.

use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, RgbImage};

/// What the photo's EXIF says.
#[derive(Clone, Copy, Debug, Default)]
pub struct Exif {
    /// The EXIF orientation (1 = upright, 6 = turn 90° clockwise to show, …); 0 writes none.
    pub orientation: u16,
    /// Whether to write a GPS position (51.5° N, 0.12° W).
    pub gps: bool,
}

/// The camera serial number written into every test photo: no served image may carry it.
pub const SERIAL: &str = "NV-SERIAL-4711";

/// A `width` × `height` JPEG (quality 92, as cameras save) carrying `exif`.
pub fn jpeg_with_exif(width: u32, height: u32, exif: &Exif) -> Vec<u8> {
    let image = photo_pixels(width, height);
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, 92);
    // The encoder in use always accepts EXIF; without it the photo is only less realistic.
    let _ = encoder.set_exif_metadata(exif_block(exif));
    if encoder.write_image(image.as_raw(), width, height, image::ExtendedColorType::Rgb8).is_err() {
        return Vec::new();
    }
    out
}

/// Pixels like a landscape photo: sky and ground gradients with detail at every scale (value
/// noise from 4 to 256 pixels, like foliage, clouds and texture), so that it keeps detail when
/// shrunk as a photo does, and a red band along the top tenth of the stored image.
pub fn photo_pixels(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        if y * 10 < height {
            return image::Rgb([220, 30, 30]);
        }
        let fy = y as f32 / height as f32;
        let detail = [(256, 40.0), (64, 30.0), (16, 22.0), (4, 14.0)]
            .iter()
            .map(|&(cell, amplitude)| (value_noise(x, y, cell) - 0.5) * amplitude)
            .sum::<f32>();
        let grain = (hash(x, y, 1) % 9) as f32 - 4.0;
        let channel = |base: f32, spread: f32, tint: f32| -> u8 {
            (base + spread * fy + detail * tint + grain).clamp(0.0, 255.0) as u8
        };
        if fy < 0.55 {
            image::Rgb([channel(90.0, 80.0, 0.6), channel(150.0, 60.0, 0.7), channel(230.0, -40.0, 0.5)])
        } else {
            image::Rgb([channel(70.0, 40.0, 1.0), channel(120.0, -30.0, 1.3), channel(40.0, 10.0, 0.8)])
        }
    })
}

/// Smooth noise in 0..1 with features about `cell` pixels across (bilinear between hashed corners).
fn value_noise(x: u32, y: u32, cell: u32) -> f32 {
    let (cx, cy) = (x / cell, y / cell);
    let (tx, ty) = ((x % cell) as f32 / cell as f32, (y % cell) as f32 / cell as f32);
    let corner = |dx: u32, dy: u32| (hash(cx + dx, cy + dy, cell) % 1024) as f32 / 1023.0;
    let top = corner(0, 0) + (corner(1, 0) - corner(0, 0)) * tx;
    let bottom = corner(0, 1) + (corner(1, 1) - corner(0, 1)) * tx;
    top + (bottom - top) * ty
}

/// A well-mixed hash of a grid point (deterministic: the same photo every time).
fn hash(x: u32, y: u32, seed: u32) -> u64 {
    let mut h = u64::from(x).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(y).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    h ^= u64::from(seed).wrapping_mul(0x1656_67b1_9e37_79f9);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// A little-endian TIFF block as JPEG's APP1 `Exif` segment holds it: IFD0 with the orientation,
/// make, serial number and a pointer to the GPS IFD.
fn exif_block(exif: &Exif) -> Vec<u8> {
    // Entries are (tag, type, count, inline value or offset); types: 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL.
    let make = b"NourishCam\0".to_vec();
    let serial = format!("{SERIAL}\0").into_bytes();
    let mut ifd0: Vec<(u16, u16, u32, Vec<u8>)> = vec![(0x010f, 2, make.len() as u32, make)];
    if exif.orientation != 0 {
        ifd0.push((0x0112, 3, 1, exif.orientation.to_le_bytes().to_vec()));
    }
    ifd0.push((0xa431, 2, serial.len() as u32, serial));
    let rational = |numbers: [(u32, u32); 3]| -> Vec<u8> {
        numbers.iter().flat_map(|(n, d)| n.to_le_bytes().into_iter().chain(d.to_le_bytes())).collect()
    };
    let gps: Vec<(u16, u16, u32, Vec<u8>)> = vec![
        (0x0001, 2, 2, b"N\0".to_vec()),
        (0x0002, 5, 3, rational([(51, 1), (30, 1), (2634, 100)])),
        (0x0003, 2, 2, b"W\0".to_vec()),
        (0x0004, 5, 3, rational([(0, 1), (7, 1), (3960, 100)])),
    ];
    if exif.gps {
        ifd0.push((0x8825, 4, 1, vec![0; 4]));
    }
    ifd0.sort_by_key(|entry| entry.0);

    let ifd_len = |entries: usize| 2 + entries * 12 + 4;
    let ifd0_at = 8;
    let gps_at = ifd0_at + ifd_len(ifd0.len());
    let data_at = gps_at + if exif.gps { ifd_len(gps.len()) } else { 0 };
    let mut data = Vec::new();
    let mut write_ifd = |out: &mut Vec<u8>, entries: &[(u16, u16, u32, Vec<u8>)], gps_pointer: Option<usize>| {
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, count, value) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            if *tag == 0x8825 {
                out.extend_from_slice(&(gps_pointer.unwrap_or(0) as u32).to_le_bytes());
            } else if value.len() <= 4 {
                let mut inline = value.clone();
                inline.resize(4, 0);
                out.extend_from_slice(&inline);
            } else {
                out.extend_from_slice(&((data_at + data.len()) as u32).to_le_bytes());
                data.extend_from_slice(value);
            }
        }
        out.extend_from_slice(&0u32.to_le_bytes());
    };
    let mut tiff = b"II\x2a\x00".to_vec();
    tiff.extend_from_slice(&(ifd0_at as u32).to_le_bytes());
    write_ifd(&mut tiff, &ifd0, exif.gps.then_some(gps_at));
    if exif.gps {
        write_ifd(&mut tiff, &gps, None);
    }
    tiff.extend_from_slice(&data);
    tiff
}

/// Whether `bytes` carry any EXIF, XMP or the test camera's serial number anywhere.
pub fn carries_metadata(bytes: &[u8]) -> bool {
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|window| window == needle);
    contains(b"Exif\0") || contains(b"EXIF") || contains(b"http://ns.adobe.com/xap") || contains(SERIAL.as_bytes())
}

/// The width and height an AVIF file declares (its `ispe` property), `None` for anything that
/// is not an AVIF: no decoder for AV1 is built here, so tests read the container.
pub fn avif_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(4..12)? != b"ftypavif" {
        return None;
    }
    let at = bytes.windows(4).position(|window| window == b"ispe")?;
    let number = |from: usize| Some(u32::from_be_bytes(bytes.get(from..from + 4)?.try_into().ok()?));
    // After the box type: 4 bytes of version and flags, then width and height.
    Some((number(at + 8)?, number(at + 12)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_photo_carries_what_a_camera_writes() {
        let jpeg = jpeg_with_exif(64, 48, &Exif { orientation: 6, gps: true });
        assert!(carries_metadata(&jpeg));
        let mut decoder = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&jpeg)).unwrap();
        use image::ImageDecoder;
        assert_eq!(decoder.orientation().unwrap(), image::metadata::Orientation::Rotate90);
    }
}
