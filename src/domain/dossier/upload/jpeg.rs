//! # Images
//!
//! Metadata is removed, pixels are kept exactly as they are (no
//! re-encoding, no quality loss):
//!
//! - **JPEG**: segments are filtered with `img-parts`, keeping only what
//!   rendering needs: APP0 `JFIF`, APP2 `ICC_PROFILE` and APP14 `Adobe`
//!   (colour transform of CMYK/YCCK files). Every other APPn segment (APP1
//!   Exif with GPS position and camera serial, APP1 XMP, APP2 MPF, APP13
//!   IPTC/Photoshop, vendor segments…) and every COM segment is dropped.
//!   `img-parts` leaves everything after the first scan untouched, so a
//!   second pass walks the whole file: it drops such segments between scans
//!   too and cuts the file after its EOI marker (phones append "motion
//!   photo" videos and MPF secondary images after EOI; a polyglot hides
//!   there). A file without EOI is truncated → `Corrupt`.
//! - **PNG**: critical chunks stay; of the ancillary ones only those that
//!   affect rendering stay (`tRNS`, `gAMA`, `cHRM`, `sRGB`, `iCCP`, `sBIT`,
//!   `pHYs`, `bKGD`, `cICP`, `mDCV`, `cLLI`). Dropped: `eXIf`, `tEXt`,
//!   `zTXt`, `iTXt`, `tIME`, and any other (private or unknown) ancillary
//!   chunk; animation chunks too (an APNG becomes its default image). The
//!   file must end with `IEND` (data after it is dropped); chunk CRCs are
//!   checked.
//! - **Orientation**: the EXIF orientation tag goes with the EXIF segment;
//!   the pixels are NOT rotated. A phone photo taken upright may therefore
//!   show on its side; the agent's viewer should offer rotation.
//! - The sanitized bytes are then fully decoded with `image` (that proves
//!   that what is stored is a valid image; the original is not decoded a
//!   second time, its pixel data is the same). Decompression bombs: images
//!   with a side over [`MAX_IMAGE_SIDE`] px (enforced by `image::Limits`) or
//!   more than [`MAX_IMAGE_PIXELS`] pixels (checked from the header, before
//!   any pixel is decoded), or needing more than [`MAX_DECODE_BYTES`] to
//!   decode, are `Corrupt` (detail `file_corrupt`, whose message mentions
//!   the size limit).

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use img_parts::jpeg::Jpeg;
use img_parts::Bytes;

use super::{UploadError, MAX_DECODE_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE};

/// Fully decode `bytes` as `format` within the limits.
pub(super) fn decode_image(bytes: &[u8], format: ImageFormat) -> Result<(), UploadError> {
    let run = || -> Result<(), UploadError> {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_IMAGE_SIDE);
        limits.max_image_height = Some(MAX_IMAGE_SIDE);
        limits.max_alloc = Some(MAX_DECODE_BYTES);
        reader.limits(limits);
        let decoder = reader.into_decoder().map_err(|_| UploadError::Corrupt)?;
        let (width, height) = decoder.dimensions();
        if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS {
            return Err(UploadError::Corrupt);
        }
        DynamicImage::from_decoder(decoder).map_err(|_| UploadError::Corrupt)?;
        Ok(())
    };
    catch_unwind(AssertUnwindSafe(run)).unwrap_or(Err(UploadError::Corrupt))
}

pub(super) const APP0: u8 = 0xE0;
pub(super) const APP2: u8 = 0xE2;
pub(super) const APP14: u8 = 0xEE;
pub(super) const COM: u8 = 0xFE;
pub(super) const SOS: u8 = 0xDA;
pub(super) const EOI: u8 = 0xD9;

/// Whether a JPEG segment stays in the stored file.
pub(super) fn keep_jpeg_segment(marker: u8, contents: &[u8]) -> bool {
    match marker {
        APP0 => contents.starts_with(b"JFIF\0"),
        APP2 => contents.starts_with(b"ICC_PROFILE\0"),
        APP14 => contents.starts_with(b"Adobe"),
        0xE0..=0xEF | COM => false,
        _ => true,
    }
}

/// Copy a JPEG from SOI to EOI, dropping the segments
/// [`keep_jpeg_segment`] refuses wherever they are and anything after EOI.
/// `None` when the structure is broken or EOI is missing (truncated).
pub(super) fn jpeg_rebuild(b: &[u8]) -> Option<Vec<u8>> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let n = b.len();
    let mut out = Vec::with_capacity(n);
    out.extend_from_slice(&b[..2]);
    let mut i = 2;
    loop {
        // Skip anything up to the next marker, then its fill bytes.
        while i < n && b[i] != 0xFF {
            i += 1;
        }
        while i < n && b[i] == 0xFF {
            i += 1;
        }
        let marker = *b.get(i)?;
        i += 1;
        match marker {
            EOI => {
                out.extend_from_slice(&[0xFF, EOI]);
                return Some(out);
            }
            // Standalone markers (RSTn, TEM) carry no length.
            0xD0..=0xD7 | 0x01 => out.extend_from_slice(&[0xFF, marker]),
            // A stuffed zero or a second SOI cannot start a segment.
            0x00 | 0xD8 => return None,
            _ => {
                let len = usize::from(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]));
                if len < 2 || i + len > n {
                    return None;
                }
                let end = i + len;
                if keep_jpeg_segment(marker, &b[i + 2..end]) {
                    out.extend_from_slice(&[0xFF, marker]);
                    out.extend_from_slice(&b[i..end]);
                }
                i = end;
                if marker == SOS {
                    // Entropy-coded data runs to the next marker that is
                    // neither a stuffed zero nor a restart marker.
                    let start = i;
                    loop {
                        let byte = *b.get(i)?;
                        if byte == 0xFF {
                            let next = *b.get(i + 1)?;
                            if next != 0x00 && !(0xD0..=0xD7).contains(&next) {
                                break;
                            }
                            i += 2;
                        } else {
                            i += 1;
                        }
                    }
                    out.extend_from_slice(&b[start..i]);
                }
            }
        }
    }
}

pub(super) fn sanitize_jpeg(bytes: &[u8]) -> Result<Vec<u8>, UploadError> {
    let mut jpeg =
        Jpeg::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| UploadError::Corrupt)?;
    jpeg.segments_mut()
        .retain(|s| keep_jpeg_segment(s.marker(), s.contents()));
    let stripped = jpeg.encoder().bytes();
    let out = jpeg_rebuild(&stripped).ok_or(UploadError::Corrupt)?;
    decode_image(&out, ImageFormat::Jpeg)?;
    Ok(out)
}
