#![allow(clippy::unwrap_used)]

use super::jpeg::*;
use super::name::*;
use super::pdf_scan::*;
use super::*;
use image::{DynamicImage, ImageFormat};
use image::{ImageBuffer, Rgb};
use img_parts::jpeg::Jpeg;
use img_parts::jpeg::JpegSegment;
use img_parts::png::Png;
use img_parts::png::PngChunk;
use img_parts::Bytes;
use std::io::Cursor;
use std::time::{Duration, Instant};

const MB: u64 = 1024 * 1024;
const LIMIT: u64 = 6 * MB;

fn picture(w: u32, h: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(ImageBuffer::from_fn(w, h, |x, y| {
        Rgb([
            (x * 7 % 256) as u8,
            (y * 13 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    }))
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn jpeg() -> Vec<u8> {
    encode(&picture(64, 48), ImageFormat::Jpeg)
}

fn png() -> Vec<u8> {
    encode(&picture(64, 48), ImageFormat::Png)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

const GPS: &[u8] = b"GPSLatitude -6.2088 GPSLongitude 106.8456 SerialNumber CAM-4711";

/// A JPEG with an Exif APP1 (GPS-like bytes), an XMP APP1, an IPTC
/// APP13, a comment, an ICC profile segment, and bytes after EOI.
fn jpeg_with_metadata() -> Vec<u8> {
    let mut j = Jpeg::from_bytes(Bytes::from(jpeg())).unwrap();
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08".to_vec();
    exif.extend_from_slice(GPS);
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>".to_vec();
    xmp.extend_from_slice(b"<exif:GPSLatitude>6,12.5S</exif:GPSLatitude></x:xmpmeta>");
    let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
    icc.extend_from_slice(&[0u8; 32]);
    let segs = j.segments_mut();
    segs.insert(0, JpegSegment::new_with_contents(0xE1, Bytes::from(exif)));
    segs.insert(1, JpegSegment::new_with_contents(0xE1, Bytes::from(xmp)));
    segs.insert(
        2,
        JpegSegment::new_with_contents(
            0xED,
            Bytes::from_static(b"Photoshop 3.0\08BIM IPTC city=Jakarta"),
        ),
    );
    segs.insert(
        3,
        JpegSegment::new_with_contents(COM, Bytes::from_static(b"comment: owner Budi Santoso")),
    );
    segs.insert(4, JpegSegment::new_with_contents(APP2, Bytes::from(icc)));
    let mut out = j.encoder().bytes().to_vec();
    out.extend_from_slice(b"MotionPhoto_Data ftypmp42 trailing video with GPSLatitude");
    out
}

const PLAIN_PDF: &str = "%PDF-1.4
1 0 obj
<< /Type /Catalog /Pages 2 0 R >>
endobj
2 0 obj
<< /Type /Pages /Kids [3 0 R] /Count 1 >>
endobj
3 0 obj
<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>
endobj
4 0 obj
<< /Length 44 >>
stream
BT /F1 12 Tf 72 712 Td (Surat PHK) Tj ET
endstream
endobj
";

/// Append a correct xref table and trailer to the objects in `body`.
fn pdf(body: &str, extra_trailer: &str) -> Vec<u8> {
    pdf_bytes(body.as_bytes(), extra_trailer)
}

/// Objects 1, 2, 3… in order (binary stream data allowed).
fn pdf_bytes(body: &[u8], extra_trailer: &str) -> Vec<u8> {
    let mut out = body.to_vec();
    let mut offsets = Vec::new();
    let mut search = 0;
    for n in 1.. {
        let needle = format!("\n{n} 0 obj");
        let found = body[search..]
            .windows(needle.len())
            .position(|w| w == needle.as_bytes());
        match found {
            Some(p) => {
                offsets.push(search + p + 1);
                search += p + 1;
            }
            None => break,
        }
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {extra_trailer}>>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn plain_pdf() -> Vec<u8> {
    pdf(PLAIN_PDF, "")
}

fn with_catalog(catalog: &str, extra_objects: &str) -> Vec<u8> {
    let body = PLAIN_PDF.replace("<< /Type /Catalog /Pages 2 0 R >>", catalog);
    pdf(&format!("{body}{extra_objects}"), "")
}

// --- types and names ------------------------------------------------------

#[test]
fn accepts_plain_files() {
    let j = inspect(&jpeg(), "KTP Budi.JPG", LIMIT).unwrap();
    assert_eq!(j.file_type, FileType::Jpeg);
    assert_eq!(j.original_name, "KTP Budi.JPG");
    assert_eq!(j.file_type.content_type(), "image/jpeg");
    let j2 = inspect(&jpeg(), "foto.jpeg", LIMIT).unwrap();
    assert_eq!(j2.file_type, FileType::Jpeg);
    let p = inspect(&png(), "kk.png", LIMIT).unwrap();
    assert_eq!(p.file_type.content_type(), "image/png");
    let d = inspect(&plain_pdf(), "surat.PDF", LIMIT).unwrap();
    assert_eq!(d.file_type, FileType::Pdf);
    assert_eq!(d.bytes, plain_pdf(), "PDFs are stored unchanged");
    assert_eq!(d.file_type.content_type(), "application/pdf");
}

#[test]
fn sha256_is_of_the_stored_bytes() {
    let d = inspect(&plain_pdf(), "a.pdf", LIMIT).unwrap();
    assert_eq!(d.sha256, hex::encode(Sha256::digest(&d.bytes)));
    assert_eq!(d.sha256.len(), 64);
    let j = inspect(&jpeg_with_metadata(), "a.jpg", LIMIT).unwrap();
    assert_eq!(j.sha256, hex::encode(Sha256::digest(&j.bytes)));
    assert_ne!(j.sha256, hex::encode(Sha256::digest(jpeg_with_metadata())));
    assert_eq!(
        hex::encode(Sha256::digest(b"")),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn png_named_pdf_is_a_mismatch() {
    for (bytes, name) in [
        (png(), "scan.pdf"),
        (jpeg(), "scan.png"),
        (plain_pdf(), "scan.jpg"),
        (jpeg(), "scan.jpg.exe"),
        (jpeg(), "scan"),
        (jpeg(), "scan."),
        (jpeg(), ""),
        (jpeg(), "dir.jpg/scan"),
    ] {
        let got = inspect(&bytes, name, LIMIT);
        assert_eq!(got, Err(UploadError::TypeMismatch), "{name:?}");
    }
    let e = UploadError::TypeMismatch;
    assert_eq!((e.code().as_str(), e.http_status()), ("type_mismatch", 422));
}

#[test]
fn html_svg_and_others_are_unsupported_whatever_the_name() {
    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
    assert_eq!(
        inspect(html, "ktp.jpg", LIMIT),
        Err(UploadError::UnsupportedType)
    );
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#;
    assert_eq!(
        inspect(svg, "ktp.png", LIMIT),
        Err(UploadError::UnsupportedType)
    );
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    assert_eq!(
        inspect(gif, "a.gif", LIMIT),
        Err(UploadError::UnsupportedType)
    );
    let zip = b"PK\x03\x04\x14\x00\x00\x00";
    assert_eq!(
        inspect(zip, "a.pdf", LIMIT),
        Err(UploadError::UnsupportedType)
    );
    assert_eq!(
        inspect(b"hello", "a.txt", LIMIT),
        Err(UploadError::UnsupportedType)
    );
    // a PDF header that is not at the very start (HTML/PDF polyglot)
    let mut poly = b"<html>".to_vec();
    poly.extend_from_slice(&plain_pdf());
    assert_eq!(
        inspect(&poly, "a.pdf", LIMIT),
        Err(UploadError::UnsupportedType)
    );
    let e = UploadError::UnsupportedType;
    assert_eq!(
        (e.code().as_str(), e.http_status()),
        ("unsupported_type", 415)
    );
}

#[test]
fn file_names_are_sanitized() {
    let j = inspect(&jpeg(), "../../etc/passwd\u{0007}.jpg", LIMIT).unwrap();
    assert_eq!(j.original_name, "passwd.jpg");
    assert_eq!(
        sanitize_file_name("C:\\Users\\budi\\Desktop\\ktp.png"),
        "ktp.png"
    );
    assert_eq!(sanitize_file_name("  ktp\r\n.png \t"), "ktp.png");
    assert_eq!(sanitize_file_name("ktp\u{202E}gnp.exe"), "ktpgnp.exe");
    assert_eq!(sanitize_file_name("a\u{200B}b\u{FEFF}.pdf"), "ab.pdf");
    assert_eq!(sanitize_file_name("a/.."), "");
    assert_eq!(sanitize_file_name("dir/"), "");
    assert_eq!(
        sanitize_file_name("Surat keterangan ahli waris.pdf"),
        "Surat keterangan ahli waris.pdf"
    );
    // long names: at most 120 characters, extension kept
    let long = format!("{}.jpeg", "é".repeat(300));
    let s = sanitize_file_name(&long);
    assert_eq!(s.chars().count(), MAX_NAME_CHARS);
    assert!(s.ends_with("é.jpeg"));
    let no_ext = "x".repeat(200);
    assert_eq!(sanitize_file_name(&no_ext).chars().count(), MAX_NAME_CHARS);
    let long_ext = format!("a.{}", "y".repeat(200));
    assert_eq!(
        sanitize_file_name(&long_ext).chars().count(),
        MAX_NAME_CHARS
    );
    // the extension check uses the sanitized name
    assert_eq!(
        inspect(&jpeg(), &long, LIMIT).unwrap().file_type,
        FileType::Jpeg
    );
    assert_eq!(
        inspect(&jpeg(), "a.jp\u{0}g", LIMIT).unwrap().original_name,
        "a.jpg"
    );
}

#[test]
fn extensions() {
    assert_eq!(FileType::from_extension("JPG"), Some(FileType::Jpeg));
    assert_eq!(FileType::from_extension("jPeG"), Some(FileType::Jpeg));
    assert_eq!(FileType::from_extension("Png"), Some(FileType::Png));
    assert_eq!(FileType::from_extension("pdf"), Some(FileType::Pdf));
    assert_eq!(FileType::from_extension("jpe"), None);
    assert_eq!(FileType::from_extension(""), None);
    for t in FileType::ALL {
        assert_eq!(FileType::from_extension(t.extension()), Some(t));
    }
}

// --- size -------------------------------------------------------------------

#[test]
fn too_large_is_checked_first_and_fast() {
    // 7 MB that would be expensive to parse: a PNG signature then junk.
    let mut big = png();
    big.resize(7 * 1024 * 1024, 0xAB);
    let started = Instant::now();
    let e = inspect(&big, "big.png", LIMIT).unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(200));
    assert_eq!(e, UploadError::TooLarge { max: LIMIT });
    // even with a wrong name or type
    assert_eq!(
        inspect(&big, "big.exe", LIMIT),
        Err(UploadError::TooLarge { max: LIMIT })
    );
    // exactly the limit is fine (size-wise)
    let exact = vec![0u8; 100];
    assert_eq!(
        inspect(&exact, "a.jpg", 100),
        Err(UploadError::UnsupportedType)
    );
    assert_eq!(
        inspect(&exact, "a.jpg", 99),
        Err(UploadError::TooLarge { max: 99 })
    );
}

#[test]
fn empty_file() {
    assert_eq!(inspect(&[], "a.jpg", LIMIT), Err(UploadError::Empty));
}

// --- JPEG -------------------------------------------------------------------

#[test]
fn jpeg_metadata_is_removed_and_the_image_stays_intact() {
    let original = jpeg_with_metadata();
    assert!(contains(&original, GPS));
    let out = inspect(&original, "selfie.jpg", LIMIT).unwrap();
    for gone in [
        GPS,
        b"Exif\0\0".as_slice(),
        b"http://ns.adobe.com/xap",
        b"Photoshop 3.0",
        b"Budi Santoso",
        b"MotionPhoto",
        b"GPSLatitude",
    ] {
        assert!(
            !contains(&out.bytes, gone),
            "{:?} still there",
            String::from_utf8_lossy(gone)
        );
    }
    assert!(contains(&out.bytes, b"ICC_PROFILE\0"), "ICC profile kept");
    assert!(out.bytes.ends_with(&[0xFF, 0xD9]));
    let j = Jpeg::from_bytes(Bytes::from(out.bytes.clone())).unwrap();
    assert!(j
        .segments()
        .iter()
        .all(|s| s.marker() != 0xE1 && s.marker() != 0xED && s.marker() != COM));
    // same pixels as the plain encoding
    let a = image::load_from_memory(&out.bytes).unwrap().to_rgb8();
    let b = image::load_from_memory(&jpeg()).unwrap().to_rgb8();
    assert_eq!(a, b);
    // inspecting the result again changes nothing
    let again = inspect(&out.bytes, "selfie.jpg", LIMIT).unwrap();
    assert_eq!(again.bytes, out.bytes);
}

#[test]
fn jpeg_without_metadata_is_kept_byte_for_byte() {
    let plain = jpeg();
    let out = inspect(&plain, "a.jpg", LIMIT).unwrap();
    assert_eq!(out.bytes, plain);
}

#[test]
fn truncated_jpeg_is_corrupt() {
    let full = jpeg();
    for cut in [full.len() / 2, full.len() - 2, full.len() - 1, 20, 4] {
        assert_eq!(
            inspect(&full[..cut], "a.jpg", LIMIT),
            Err(UploadError::Corrupt),
            "cut at {cut}"
        );
    }
    assert_eq!(
        inspect(&[0xFF, 0xD8, 0xFF], "a.jpg", LIMIT),
        Err(UploadError::Corrupt)
    );
}

#[test]
fn damaged_jpeg_is_corrupt() {
    // a valid structure around garbage entropy data and no frame header
    let mut fake = vec![0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02];
    fake.extend_from_slice(&[0x11; 100]);
    fake.extend_from_slice(&[0xFF, 0xD9]);
    assert_eq!(inspect(&fake, "a.jpg", LIMIT), Err(UploadError::Corrupt));
}

#[test]
fn jpeg_rebuild_walks_scans() {
    let plain = jpeg();
    assert_eq!(jpeg_rebuild(&plain).unwrap(), plain);
    // metadata between scans is dropped too
    let sos = plain.windows(2).position(|w| w == [0xFF, SOS]).unwrap();
    let eoi = plain.len() - 2;
    let mut tricky = plain[..eoi].to_vec();
    tricky.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x08, b'E', b'x', b'i', b'f', 0, 0]);
    tricky.extend_from_slice(&[0xFF, COM, 0x00, 0x05, b'g', b'p', b's']);
    tricky.extend_from_slice(&plain[sos..]);
    let rebuilt = jpeg_rebuild(&tricky).unwrap();
    assert!(!contains(&rebuilt, b"Exif") && !contains(&rebuilt, b"gps"));
    assert!(jpeg_rebuild(&plain[..eoi]).is_none());
}

// --- PNG --------------------------------------------------------------------

#[test]
fn png_metadata_chunks_are_removed() {
    let mut p = Png::from_bytes(Bytes::from(png())).unwrap();
    let chunks = p.chunks_mut();
    // Each inserted right after IHDR, so they end up in reverse order.
    for (kind, contents) in [
        (b"eXIf", b"MM\0*GPSLatitude".as_slice()),
        (b"tEXt", b"Author\0Budi Santoso"),
        (b"iTXt", b"Comment\0\0\0\0\0secret"),
        (b"tIME", &[7, 234, 3, 2, 9, 0, 0]),
        (b"zTXt", b"Note\0\0x"),
        (b"caBX", b"c2pa claim"),
        (b"pHYs", &[0, 0, 11, 19, 0, 0, 11, 19, 1]),
    ] {
        chunks.insert(1, PngChunk::new(*kind, Bytes::from_static(contents)));
    }
    let mut bytes = p.encoder().bytes().to_vec();
    bytes.extend_from_slice(b"trailing garbage after IEND");
    let out = inspect(&bytes, "kk.png", LIMIT).unwrap();
    let kinds: Vec<[u8; 4]> = Png::from_bytes(Bytes::from(out.bytes.clone()))
        .unwrap()
        .chunks()
        .iter()
        .map(PngChunk::kind)
        .collect();
    for gone in [b"eXIf", b"tEXt", b"iTXt", b"tIME", b"zTXt", b"caBX"] {
        assert!(!kinds.contains(gone), "{}", String::from_utf8_lossy(gone));
    }
    assert!(kinds.contains(b"pHYs"));
    assert!(!contains(&out.bytes, b"Budi") && !contains(&out.bytes, b"trailing"));
    let a = image::load_from_memory(&out.bytes).unwrap().to_rgb8();
    let b = image::load_from_memory(&png()).unwrap().to_rgb8();
    assert_eq!(a, b);
}

#[test]
fn truncated_or_damaged_png_is_corrupt() {
    let full = png();
    for cut in [full.len() / 2, full.len() - 12, full.len() - 1, 12] {
        assert_eq!(
            inspect(&full[..cut], "a.png", LIMIT),
            Err(UploadError::Corrupt),
            "cut at {cut}"
        );
    }
    let mut bad_crc = full.clone();
    let mid = bad_crc.len() / 2;
    bad_crc[mid] ^= 0xFF;
    assert_eq!(inspect(&bad_crc, "a.png", LIMIT), Err(UploadError::Corrupt));
}

#[test]
fn decompression_bombs_are_refused() {
    // over 12,000 px on one side
    let wide = encode(&DynamicImage::new_luma8(12_001, 1), ImageFormat::Png);
    assert!(wide.len() < 1024 * 1024);
    assert_eq!(inspect(&wide, "a.png", LIMIT), Err(UploadError::Corrupt));
    let ok = encode(&DynamicImage::new_luma8(12_000, 1), ImageFormat::Png);
    assert!(inspect(&ok, "a.png", LIMIT).is_ok());
    // over 40 megapixels (7,000 × 6,000 = 42 MP): patch the IHDR of a
    // small PNG (a real one would compress to a few kilobytes)
    let mut p = Png::from_bytes(Bytes::from(png())).unwrap();
    let ihdr = p.chunks()[0].contents().to_vec();
    let mut patched = ihdr.clone();
    patched[0..4].copy_from_slice(&7_000u32.to_be_bytes());
    patched[4..8].copy_from_slice(&6_000u32.to_be_bytes());
    p.chunks_mut()[0] = PngChunk::new(*b"IHDR", Bytes::from(patched));
    let big = p.encoder().bytes().to_vec();
    let started = Instant::now();
    assert_eq!(inspect(&big, "a.png", LIMIT), Err(UploadError::Corrupt));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "refused from the header"
    );
}

// --- PDF --------------------------------------------------------------------

#[test]
fn each_kind_of_active_content_is_refused() {
    // (what the catalog adds, further objects)
    let cases = [
        // JavaScript run on open
        (
            "/OpenAction 5 0 R",
            "5 0 obj\n<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>\nendobj\n",
        ),
        // JavaScript in the names tree
        (
            "/Names << /JavaScript 5 0 R >>",
            concat!(
                "5 0 obj\n<< /Names [(a) 6 0 R] >>\nendobj\n",
                "6 0 obj\n<< /S /JavaScript /JS (x) >>\nendobj\n"
            ),
        ),
        // hex-escaped names
        ("/OpenAction << /S /Java#53cript /J#53 (x) >>", ""),
        // launch action
        ("/OpenAction << /S /Launch /F (cmd.exe) >>", ""),
        // additional actions
        (
            "/AA << /WC 5 0 R >>",
            "5 0 obj\n<< /S /GoTo /D [3 0 R /Fit] >>\nendobj\n",
        ),
        // embedded files
        (
            "/Names << /EmbeddedFiles 5 0 R >>",
            "5 0 obj\n<< /Names [] >>\nendobj\n",
        ),
        // an open action that opens a web page
        ("/OpenAction << /S /URI /URI (http://evil.example) >>", ""),
        // XFA form
        (
            "/AcroForm << /XFA 5 0 R /Fields [] >>",
            "5 0 obj\n<< >>\nendobj\n",
        ),
        // submit form
        ("/OpenAction << /S /SubmitForm /F (http://x) >>", ""),
    ];
    for (tail, extra) in cases {
        let catalog = format!("<< /Type /Catalog /Pages 2 0 R {tail} >>");
        let bytes = with_catalog(&catalog, extra);
        assert!(
            lopdf::Document::load_mem(&bytes).is_ok(),
            "the test PDF itself parses: {catalog}"
        );
        assert_eq!(
            inspect(&bytes, "a.pdf", LIMIT),
            Err(UploadError::PdfActiveContent),
            "{catalog}"
        );
    }
}

#[test]
fn harmless_pdf_features_are_accepted() {
    let ok = [
        // open on page 1, fit
        "<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>",
        // an explicit GoTo action
        "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] >> >>",
        // names that merely start like active ones, and text mentioning them
        "<< /Type /Catalog /Pages 2 0 R /JSON (x) /AAA 1 /Lang (id-ID /JavaScript) >>",
    ];
    for catalog in ok {
        let bytes = with_catalog(catalog, "");
        assert!(inspect(&bytes, "a.pdf", LIMIT).is_ok(), "{catalog}");
    }
}

#[test]
fn active_content_inside_a_compressed_object_stream_is_found() {
    // The object tree scan sees what the raw scan cannot: build the PDF
    // with lopdf, put the objects into object streams and compress them.
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content = Stream::new(dictionary! {}, b"BT ET".to_vec());
    let content_id = doc.add_object(content);
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let action_id = doc.add_object(
        dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert(1)") },
    );
    let catalog_id = doc.add_object(
        dictionary! { "Type" => "Catalog", "Pages" => pages_id, "OpenAction" => action_id },
    );
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_modern(&mut bytes).unwrap();
    assert!(
        !contains(&bytes, b"JavaScript"),
        "the name is compressed away"
    );
    assert!(contains(&bytes, b"ObjStm"));
    assert!(!lex_pdf(&bytes).active);
    assert_eq!(
        inspect(&bytes, "a.pdf", LIMIT),
        Err(UploadError::PdfActiveContent)
    );

    // the same document without the script is fine
    doc.objects.remove(&action_id);
    doc.get_dictionary_mut(catalog_id)
        .unwrap()
        .remove(b"OpenAction");
    let mut clean = Vec::new();
    doc.save_modern(&mut clean).unwrap();
    assert!(inspect(&clean, "a.pdf", LIMIT).is_ok());
}

#[test]
fn truncated_or_broken_pdf_is_corrupt() {
    let full = plain_pdf();
    for cut in [full.len() / 2, full.len() - 7, 40, 6] {
        assert_eq!(
            inspect(&full[..cut], "a.pdf", LIMIT),
            Err(UploadError::Corrupt),
            "cut at {cut}"
        );
    }
    // a header and an EOF marker around nothing
    assert_eq!(
        inspect(b"%PDF-1.7\n%%EOF\n", "a.pdf", LIMIT),
        Err(UploadError::Corrupt)
    );
    // no pages
    let no_pages = pdf("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "");
    assert_eq!(
        inspect(&no_pages, "a.pdf", LIMIT),
        Err(UploadError::Corrupt)
    );
}

#[test]
fn lexer_skips_strings_comments_and_streams() {
    let s = lex_pdf(b"(a /JS b) % /JavaScript\n<< /Length 3 >> stream\n/AA\nendstream /T");
    // (…) << /Length 3 >> stream /T: `<<` counts once per `<`
    assert_eq!(
        s,
        PdfScan {
            active: false,
            encrypted: false,
            tokens: 7,
        }
    );
    assert!(lex_pdf(b"<</S/JavaScript>>").active);
    assert!(lex_pdf(b"[/AA]").active);
    assert!(lex_pdf(b"(nested (paren\\) /x) still string) /Launch").active);
    assert!(!lex_pdf(b"/JSX /AAB /Laun#63hes").active);
    assert!(lex_pdf(b"/L#61unch").active);
    assert!(lex_pdf(b"trailer << /Encrypt 9 0 R >>").encrypted);
    assert_eq!(lex_pdf(b"[0 0 0 0]").tokens, 5);
    assert_eq!(decode_pdf_name(b"A#4"), b"A#4");
    assert_eq!(decode_pdf_name(b"#41#42C"), b"ABC");
}

/// The plain PDF plus one compressed object stream per entry of
/// `sizes`, each holding one array `[0 0 0 …]` of about that many bytes.
fn pdf_with_object_streams(sizes: &[usize]) -> Vec<u8> {
    let mut body = PLAIN_PDF.as_bytes().to_vec();
    for (k, size) in sizes.iter().enumerate() {
        let header = format!("{} 0 ", 100 + k);
        let mut content = header.clone().into_bytes();
        content.push(b'[');
        while content.len() < size - 1 {
            content.extend_from_slice(b"0 ");
        }
        content.push(b']');
        let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), content);
        stream.compress().unwrap();
        body.extend_from_slice(
            format!(
                concat!(
                    "{} 0 obj\n<< /Type /ObjStm /N 1 /First {} ",
                    "/Filter /FlateDecode /Length {} >>\nstream\n"
                ),
                5 + k,
                header.len(),
                stream.content.len()
            )
            .as_bytes(),
        );
        body.extend_from_slice(&stream.content);
        body.extend_from_slice(b"\nendstream\nendobj\n");
    }
    pdf_bytes(&body, "")
}

#[test]
fn pdf_memory_bombs_are_refused() {
    // a small object stream is fine
    let small = pdf_with_object_streams(&[10_000]);
    assert!(inspect(&small, "a.pdf", LIMIT).is_ok());
    // one stream over the per-stream limit (a 2 KB file)
    let big = pdf_with_object_streams(&[PDF_MAX_STREAM_BYTES + 1024]);
    assert!(big.len() < 20_000);
    let started = Instant::now();
    assert_eq!(inspect(&big, "a.pdf", LIMIT), Err(UploadError::Corrupt));
    assert!(started.elapsed() < Duration::from_secs(5));
    // within the per-stream limit, but too many tokens
    let tokens = pdf_with_object_streams(&[PDF_MAX_STREAM_BYTES - 1024]);
    assert_eq!(inspect(&tokens, "a.pdf", LIMIT), Err(UploadError::Corrupt));
    // many streams, each small, together too many tokens
    assert!(inspect(&pdf_with_object_streams(&[200_000; 2]), "a.pdf", LIMIT).is_ok());
    let many = pdf_with_object_streams(&[200_000; 6]);
    assert_eq!(inspect(&many, "a.pdf", LIMIT), Err(UploadError::Corrupt));
    // the budget is reset for the next file
    assert!(inspect(&small, "a.pdf", LIMIT).is_ok());
    // uncompressed: too many tokens outside streams
    let zeros = "0 ".repeat(PDF_MAX_TOKENS);
    let plain = pdf(&format!("{PLAIN_PDF}5 0 obj\n[{zeros}]\nendobj\n"), "");
    assert!(plain.len() < LIMIT as usize);
    assert_eq!(inspect(&plain, "a.pdf", LIMIT), Err(UploadError::Corrupt));
}

#[test]
fn indirect_stream_lengths_are_fine() {
    let body = PLAIN_PDF.replace("<< /Length 44 >>", "<< /Length 5 0 R >>");
    let bytes = pdf(&format!("{body}5 0 obj\n44\nendobj\n"), "");
    assert_eq!(find_indirect_lengths(&bytes).len(), 1);
    // also where a lexer would not look, and with escapes
    assert_eq!(
        find_indirect_lengths(b"% /Length 1 0 R\n(/L#65ngth 2 0 R) /Length 3 /Lengths 4 0 R"),
        [(10, 15), (27, 32)]
    );
    assert!(lopdf::Document::load_mem(&bytes).is_ok());
    assert!(inspect(&bytes, "a.pdf", LIMIT).is_ok());
    assert_eq!(reference_at(b" 12 0 R>>", 0), Some((1, 7)));
    assert_eq!(reference_at(b" 12 0 RG", 0), None);
    assert_eq!(reference_at(b" 12 >>", 0), None);
    assert_eq!(reference_at(b"", 0), None);
}

/// `pages` pages whose content stream has its `/Length` in an object
/// stream of its own, next to an array `[0 0 0 …]` of about `size`
/// bytes; with a cross-reference stream (needed for compressed entries).
fn pdf_with_lengths_in_object_streams(pages: u32, size: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut entries: Vec<(u32, u8, u32)> = Vec::new(); // (object, type, offset or container)
    let mut put = |out: &mut Vec<u8>, n: u32, body: &[u8]| {
        entries.push((n, 1, u32::try_from(out.len()).unwrap()));
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    let kids: Vec<String> = (0..pages).map(|k| format!("{} 0 R", 100 + k)).collect();
    put(&mut out, 1, b"<< /Type /Catalog /Pages 2 0 R >>");
    let tree = format!(
        "<< /Type /Pages /Kids [{}] /Count {pages} >>",
        kids.join(" ")
    );
    put(&mut out, 2, tree.as_bytes());
    let mut compressed = Vec::new();
    for k in 0..pages {
        let page = format!("<< /Type /Page /Parent 2 0 R /Contents {} 0 R >>", 200 + k);
        put(&mut out, 100 + k, page.as_bytes());
        let content = format!("<< /Length {} 0 R >>\nstream\nBT ET\nendstream", 1000 + k);
        put(&mut out, 200 + k, content.as_bytes());
        let header = format!("{} 0 {} 2 ", 1000 + k, 5000 + k);
        let mut data = format!("{header}5 [").into_bytes();
        while data.len() < size {
            data.extend_from_slice(b"0 ");
        }
        data.push(b']');
        let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), data);
        stream.compress().unwrap();
        let mut body = format!(
            "<< /Type /ObjStm /N 2 /First {} /Filter /FlateDecode /Length {} >>\nstream\n",
            header.len(),
            stream.content.len()
        )
        .into_bytes();
        body.extend_from_slice(&stream.content);
        body.extend_from_slice(b"\nendstream");
        put(&mut out, 500 + k, &body);
        compressed.push((1000 + k, 2, 500 + k));
    }
    let xref_at = out.len();
    entries.push((9000, 1, u32::try_from(xref_at).unwrap()));
    entries.extend(compressed);
    entries.sort();
    let index: Vec<String> = entries.iter().map(|(n, ..)| format!("{n} 1")).collect();
    let mut data = Vec::new();
    for (_, kind, field) in &entries {
        data.push(*kind);
        data.extend_from_slice(&field.to_be_bytes());
        data.extend_from_slice(&[0, 0]);
    }
    let dict = format!(
        "<< /Type /XRef /Size 9001 /Index [{}] /W [1 4 2] /Root 1 0 R /Length {} >>",
        index.join(" "),
        data.len()
    );
    out.extend_from_slice(format!("9000 0 obj\n{dict}\nstream\n").as_bytes());
    out.extend_from_slice(&data);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    out
}

#[test]
fn a_length_inside_an_object_stream_does_not_bypass_the_budget() {
    let small = pdf_with_lengths_in_object_streams(2, 1000);
    assert!(lopdf::Document::load_mem(&small).is_ok());
    assert!(inspect(&small, "a.pdf", LIMIT).is_ok());
    // 4 × 520,000 tokens: without the rewritten lengths lopdf would parse
    // them all (about 240 MB) before the budget filter saw any
    let bomb = pdf_with_lengths_in_object_streams(4, PDF_MAX_STREAM_BYTES - 64);
    assert!(bomb.len() < 40_000);
    assert_eq!(inspect(&bomb, "a.pdf", LIMIT), Err(UploadError::Corrupt));
}

#[test]
fn too_many_w_names_is_corrupt() {
    assert_eq!(count_w_names(b"/W [1 2] /W[ /Wx /#57 /#57x /W"), 3);
    let widths = "<< /W [1 [500]] >> ".repeat(PDF_MAX_W_NAMES + 1);
    let bytes = pdf(&format!("{PLAIN_PDF}5 0 obj\n[{widths}]\nendobj\n"), "");
    assert_eq!(inspect(&bytes, "a.pdf", LIMIT), Err(UploadError::Corrupt));
    let widths = "<< /W [1 [500]] >> ".repeat(PDF_MAX_W_NAMES);
    let bytes = pdf(&format!("{PLAIN_PDF}5 0 obj\n[{widths}]\nendobj\n"), "");
    assert!(inspect(&bytes, "a.pdf", LIMIT).is_ok());
}

#[test]
fn encrypted_pdf_is_refused() {
    let encrypted = pdf(
        &format!(
            "{PLAIN_PDF}5 0 obj\n{}\nendobj\n",
            "<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"
        ),
        "/Encrypt 5 0 R /ID [<01> <01>] ",
    );
    assert_eq!(
        inspect(&encrypted, "a.pdf", LIMIT),
        Err(UploadError::Corrupt)
    );
}

/// Each error's code, status and message key: the tests above compare
/// errors only, this says what each one reports.
#[test]
fn error_codes() {
    let all = [
        UploadError::Empty,
        UploadError::TooLarge { max: 1 },
        UploadError::UnsupportedType,
        UploadError::TypeMismatch,
        UploadError::Corrupt,
        UploadError::PdfActiveContent,
    ];
    let table: Vec<_> = all
        .iter()
        .map(|e| (e.code().as_str(), e.http_status(), e.detail()))
        .collect();
    assert_eq!(
        table,
        [
            ("corrupt_file", 422, "file_empty"),
            ("file_too_large", 413, "file_too_large"),
            ("unsupported_type", 415, "file_type_unsupported"),
            ("type_mismatch", 422, "file_extension_mismatch"),
            ("corrupt_file", 422, "file_corrupt"),
            ("pdf_active_content", 422, "pdf_active_content"),
        ]
    );
    assert_eq!(
        UploadError::TooLarge { max: 6 }.to_string(),
        "file_too_large (max 6 bytes)"
    );
}
