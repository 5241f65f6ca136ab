//! Colours as browsers read them. A photo's ICC profile is metadata like its EXIF and is not
//! served; browsers take an image without one as sRGB. A photo taken in a wider space (Display
//! P3 from phones, Adobe RGB from cameras) is therefore converted to sRGB first: otherwise its
//! colours would come out duller than the editor saw them.

use image::DynamicImage;
use moxcms::{ColorProfile, Layout, TransformOptions};

/// `image`'s pixels, described by the ICC profile `icc`, converted to sRGB (8 bits a channel).
/// A profile that cannot be read or used (a broken one, a printer's CMYK) leaves the pixels as
/// they are, taken as sRGB: the photo still shows, as it would in a browser ignoring it.
pub fn to_srgb(image: DynamicImage, icc: &[u8]) -> DynamicImage {
    let Ok(profile) = ColorProfile::new_from_slice(icc) else {
        return image;
    };
    let alpha = image.color().has_alpha();
    let layout = if alpha { Layout::Rgba } else { Layout::Rgb };
    let Ok(transform) =
        profile.create_transform_8bit(layout, &ColorProfile::new_srgb(), layout, TransformOptions::default())
    else {
        return image;
    };
    let (width, height) = (image.width(), image.height());
    let pixels = if alpha { image.into_rgba8().into_raw() } else { image.into_rgb8().into_raw() };
    let mut converted = vec![0u8; pixels.len()];
    let kept = if transform.transform(&pixels, &mut converted).is_ok() { converted } else { pixels };
    let rebuilt = if alpha {
        image::RgbaImage::from_raw(width, height, kept).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(width, height, kept).map(DynamicImage::ImageRgb8)
    };
    // The buffer has exactly width × height pixels: it was made from an image of that size.
    rebuilt.unwrap_or_else(|| DynamicImage::new_rgb8(width, height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;
    use image::ImageEncoder;

    /// A flat-coloured JPEG (quality 95) tagged with the ICC profile `icc`.
    fn tagged_jpeg(colour: [u8; 3], icc: Vec<u8>) -> Vec<u8> {
        let pixels = image::RgbImage::from_pixel(64, 64, image::Rgb(colour));
        let mut out = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut out, 95);
        encoder.set_icc_profile(icc).unwrap();
        encoder.write_image(pixels.as_raw(), 64, 64, image::ExtendedColorType::Rgb8).unwrap();
        out
    }

    fn near(pixel: &image::Rgb<u8>, expected: [u8; 3]) -> bool {
        pixel.0.iter().zip(expected).all(|(&got, want)| got.abs_diff(want) <= 4)
    }

    #[test]
    fn a_display_p3_photo_is_decoded_as_the_same_colours_in_srgb() {
        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        let jpeg = tagged_jpeg([200, 100, 50], p3);
        let image = crate::probe::decode(&jpeg).unwrap().into_rgb8();
        // Display P3 (200, 100, 50) is sRGB (215, 93, 31) (the published P3-to-sRGB matrix);
        // taken as sRGB numbers it would show duller.
        let pixel = image.get_pixel(32, 32);
        assert!(near(pixel, [215, 93, 31]), "{pixel:?}");
    }

    #[test]
    fn an_srgb_or_unusable_profile_leaves_the_colours_as_they_are() {
        let srgb = ColorProfile::new_srgb().encode().unwrap();
        for icc in [srgb, b"not a profile".to_vec()] {
            let image = crate::probe::decode(&tagged_jpeg([200, 100, 50], icc)).unwrap().into_rgb8();
            let pixel = image.get_pixel(32, 32);
            assert!(near(pixel, [200, 100, 50]), "{pixel:?}");
        }
    }
}
