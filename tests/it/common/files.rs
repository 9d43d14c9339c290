//! Test files, generated: small valid images (JPEG, PNG, with and without
//! metadata) and PDFs (one page, with extra objects, of an exact size).
//! Every module that uploads a file takes it from here.

use std::io::Cursor;

/// A `w`×`h` gradient.
pub fn rgb(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 5 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    })
}

fn encode(img: &image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format)
        .unwrap_or_else(|e| panic!("encode {format:?}: {e}"));
    out.into_inner()
}

/// A valid `w`×`h` JPEG.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(&rgb(w, h), image::ImageFormat::Jpeg)
}

/// A valid `w`×`h` PNG.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    encode(&rgb(w, h), image::ImageFormat::Png)
}

/// A JPEG marker segment.
fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len() + 2).expect("segment length");
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&len.to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// A JPEG carrying an EXIF APP1 segment (with GPS position and camera
/// serial), an XMP APP1 segment and a comment, right after the SOI marker.
pub fn jpeg_with_metadata() -> Vec<u8> {
    let plain = jpeg(64, 48);
    assert_eq!(&plain[..2], [0xFF, 0xD8]);
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
    exif.extend_from_slice(b"GPSLatitude -8.6705 GPSLongitude 115.2126 SerialNumber CAM-998877");
    let xmp: &[u8] =
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description GPSAltitude=\"12\"/></x:xmpmeta>";
    let mut out = plain[..2].to_vec();
    out.extend(segment(0xE1, &exif));
    out.extend(segment(0xE1, xmp));
    out.extend(segment(0xFE, b"secret comment"));
    out.extend_from_slice(&plain[2..]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG with a tEXt chunk right after IHDR.
pub fn png_with_text() -> Vec<u8> {
    let plain = png(40, 30);
    let ihdr_end = 8 + 4 + 4 + 13 + 4;
    assert_eq!(&plain[12..16], b"IHDR");
    let data: &[u8] = b"Comment\0GPS -8.6705 115.2126 owner Budi";
    let mut chunk = u32::try_from(data.len())
        .expect("len")
        .to_be_bytes()
        .to_vec();
    let mut typed = b"tEXt".to_vec();
    typed.extend_from_slice(data);
    chunk.extend_from_slice(&typed);
    chunk.extend_from_slice(&crc32(&typed).to_be_bytes());
    let mut out = plain[..ihdr_end].to_vec();
    out.extend(chunk);
    out.extend_from_slice(&plain[ihdr_end..]);
    out
}

/// A PDF from its numbered objects (1 is the catalog), with a correct
/// cross-reference table.
fn pdf_from_objects(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A one-page PDF; `catalog_extra` goes into the catalog dictionary and
/// `extra` objects are numbered from 5.
pub fn pdf_with(catalog_extra: &str, extra: &[Vec<u8>]) -> Vec<u8> {
    let content = "BT /F1 12 Tf 72 720 Td (Surat keterangan) Tj ET";
    let mut objects: Vec<Vec<u8>> = vec![
        format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra}>>").into_bytes(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        )
        .into_bytes(),
    ];
    objects.extend(extra.iter().cloned());
    pdf_from_objects(&objects)
}

pub fn pdf() -> Vec<u8> {
    pdf_with("", &[])
}

/// A valid PDF of exactly `size` bytes (a page plus a filler stream).
pub fn big_pdf(size: usize) -> Vec<u8> {
    let make = |n: usize| {
        let mut filler = format!("<< /Length {n} >>\nstream\n").into_bytes();
        filler.extend((0..n).map(|i| b"Antre JHT "[i % 10]));
        filler.extend_from_slice(b"\nendstream");
        pdf_with("", &[filler])
    };
    let base = make(0).len();
    // the Length digits change the size a little: adjust once
    let first = make(size - base);
    let out = make(size - base - (first.len() - size));
    assert_eq!(out.len(), size);
    out
}

/// A small PNG, different for each `seed` (distinct uploads of one kind).
pub fn png_seeded(seed: u32) -> Vec<u8> {
    // The width stays small whatever the seed (a shared counter runs high
    // late in the suite); the first pixel holds the seed itself.
    let img = image::RgbImage::from_fn(24 + seed % 512, 16, |x, y| match (x, y) {
        (0, 0) => {
            let [_, a, b, c] = seed.to_be_bytes();
            image::Rgb([a, b, c])
        }
        _ => image::Rgb([
            (x * 7 % 256) as u8,
            (y * 5 % 256) as u8,
            (seed * 40 % 256) as u8,
        ]),
    });
    encode(&img, image::ImageFormat::Png)
}
