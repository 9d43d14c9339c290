//! PNG: critical chunks and rendering-relevant ancillary chunks stay,
//! everything else goes (see [`super::jpeg`] for the image rules).

use image::ImageFormat;
use img_parts::png::Png;
use img_parts::Bytes;

use super::jpeg::decode_image;
use super::UploadError;

/// Ancillary PNG chunks that affect rendering and carry no personal data.
pub(super) const PNG_KEEP_ANCILLARY: [&[u8; 4]; 11] = [
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs", b"bKGD", b"cICP", b"mDCV",
    b"cLLI",
];

pub(super) fn keep_png_chunk(kind: [u8; 4]) -> bool {
    // Bit 5 of the first byte clear (upper case) = critical chunk.
    kind[0] & 0x20 == 0 || PNG_KEEP_ANCILLARY.iter().any(|k| **k == kind)
}

pub(super) fn sanitize_png(bytes: &[u8]) -> Result<Vec<u8>, UploadError> {
    let mut png =
        Png::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| UploadError::Corrupt)?;
    let chunks = png.chunks();
    let starts_with_ihdr = chunks.first().is_some_and(|c| &c.kind() == b"IHDR");
    let ends_with_iend = chunks.last().is_some_and(|c| &c.kind() == b"IEND");
    if !starts_with_ihdr || !ends_with_iend {
        return Err(UploadError::Corrupt);
    }
    png.chunks_mut().retain(|c| keep_png_chunk(c.kind()));
    let out = png.encoder().bytes().to_vec();
    decode_image(&out, ImageFormat::Png)?;
    Ok(out)
}
