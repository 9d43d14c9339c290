//! Inspecting one uploaded claim document: bytes in, sanitized bytes out.
//! No I/O: the caller stores [`Inspected::bytes`] (under its own name, never
//! under `original_name`) and records `file_type`, `sha256` and the size.
//!
//! # Order of the checks ([`inspect`])
//!
//! 1. nothing uploaded → [`UploadError::Empty`];
//! 2. more than `max_bytes` → [`UploadError::TooLarge`], before anything
//!    else looks at the content;
//! 3. the type comes from the content signature only: JPEG `FF D8 FF`, PNG
//!    `89 50 4E 47 0D 0A 1A 0A`, PDF `%PDF-` at offset 0. Anything else
//!    (HTML, SVG, GIF, WebP, HEIC, ZIP, text, a PDF with junk before its
//!    header…) → [`UploadError::UnsupportedType`], whatever its name;
//! 4. the file name's extension (case-insensitive: `.jpg`/`.jpeg`, `.png`,
//!    `.pdf`) must name that same type; another extension or none →
//!    [`UploadError::TypeMismatch`] (a PNG named `scan.pdf`, `ktp.exe`);
//! 5. the content must be a whole, readable file of that type, else
//!    [`UploadError::Corrupt`]; a PDF with active content →
//!    [`UploadError::PdfActiveContent`] (see below).
//!
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
//!
//! # PDFs: active content is refused
//!
//! CS agents open the documents inline in their browser, on office machines
//! connected to the internal network, and they open hundreds a day: a PDF
//! that runs script, launches a program, carries an attachment, submits
//! data or acts on opening is an attack vector against the agents and the
//! back office, and no genuine claim document (a scan, a letter, a
//! certificate) needs any of it. Such a PDF is refused
//! ([`UploadError::PdfActiveContent`], detail `pdf_active_content`); the
//! participant is asked to upload a scan or a "print to PDF" copy. Refused
//! when any of these names appears as a dictionary key or a name value
//! anywhere in the document: `/JS`, `/JavaScript`, `/Launch`,
//! `/EmbeddedFile`, `/EmbeddedFiles`, `/EF`, `/FileAttachment`, `/AA`
//! (additional actions), `/RichMedia`, `/XFA` (its scripts live inside XML
//! streams where no name scan can see them), `/SubmitForm`, `/ImportData`,
//! `/GoToR`, `/GoToE`; and an `/OpenAction` that is an action other than
//! `/GoTo` (an `/OpenAction` destination that just opens a page is fine).
//! Names are compared after `#xx` decoding (`/Java#53cript`).
//!
//! Scanned three ways, so that a parser difference between `lopdf` and the
//! agent's viewer is less likely to hide anything: the raw bytes (outside
//! stream bodies, strings and comments), the inflated content of every
//! object stream, and every object `lopdf` loaded plus the trailer.
//!
//! PDF bytes are stored unchanged: rewriting a PDF risks damaging it, and
//! its document metadata (`/Info`, XMP) is left as is. Otherwise `Corrupt`
//! unless the PDF:
//!
//! - has `%%EOF` in its last 1024 bytes (a truncated upload has not);
//! - is not encrypted (`/Encrypt`), not even with an owner password only:
//!   its objects cannot be checked before decryption, and `lopdf` does not
//!   apply the memory budget below to encrypted files. Indonesian upload
//!   portals commonly ask for unprotected PDFs; the participant can print
//!   to PDF or photograph the document;
//! - stays within the memory budget: at most [`PDF_MAX_TOKENS`] tokens
//!   (objects), each object or
//!   cross-reference stream inflating to at most [`PDF_MAX_STREAM_BYTES`],
//!   all object streams together to at most [`PDF_MAX_INFLATED_BYTES`], at
//!   most [`PDF_MAX_W_NAMES`] `/W` names (one per cross-reference stream).
//!   Without it, a 9 KB file whose object stream inflates to 8 MB of
//!   `0 0 0 …` makes `lopdf` allocate about 500 MB. A `lopdf` load filter
//!   charges every object `lopdf` keeps to the token budget, and inflates,
//!   scans and counts each object stream before `lopdf` may parse it.
//!   `lopdf` itself gets a view of the file where every indirect `/Length`
//!   (`/Length 12 0 R`, found by a plain byte search) reads `0`, so that it
//!   finds each stream's end by its `endstream` keyword: resolving such a
//!   length that lives in an object stream would make `lopdf` parse that
//!   whole object stream behind the filter's back (measured: 1 GB for an
//!   18 KB file). The stored bytes are not changed;
//! - loads with `lopdf` (lenient parsing), including every object its
//!   cross-reference table places in an object stream;
//! - has at least one page.
//!
//! PDF checks run one at a time per process (a static lock, which also
//! holds the budget state `lopdf`'s object filter needs). `lopdf` and
//! `image` run under `catch_unwind`: a panic on hostile input is `Corrupt`.
//!
//! Measured: loading within the budget takes at most about 130 MB. Residual
//! risk: one object that the lexical scan cannot see (hidden in a comment
//! or a stream body, reached through the cross-reference table) is parsed
//! before the filter counts it, about 60 bytes per byte of it (360 MB for
//! a 6 MB file) before the file is refused. For stronger isolation, run
//! the inspection in a worker process with a memory limit.
//!
//! Decoding is CPU- and memory-heavy (a 40-megapixel image needs about
//! 160 MB): call [`inspect`] from a blocking thread (`spawn_blocking`),
//! one or two at a time.
//!
//! # File name ([`sanitize_file_name`])
//!
//! For display only: the part after the last `/` or `\`, without control
//! characters and invisible formatting characters (bidi overrides such as
//! U+202E that make `exe.jpg` look like `gpj.exe`, zero-width characters),
//! trimmed, at most [`MAX_NAME_CHARS`] characters (the extension is kept
//! when shortening). The extension check uses this name.
//!
//! # Codes ([`UploadError::code`], HTTP status, [`UploadError::detail`])
//!
//! | error | code | status | detail key |
//! |---|---|---|---|
//! | `Empty` | `corrupt_file` | 422 | `file_empty` |
//! | `TooLarge` | `file_too_large` | 413 | `file_too_large` |
//! | `UnsupportedType` | `unsupported_type` | 415 | `file_type_unsupported` |
//! | `TypeMismatch` | `type_mismatch` | 422 | `file_extension_mismatch` |
//! | `Corrupt` | `corrupt_file` | 422 | `file_corrupt` |
//! | `PdfActiveContent` | `pdf_active_content` | 422 | `pdf_active_content` |

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use img_parts::jpeg::Jpeg;
use img_parts::png::Png;
use img_parts::Bytes;
use sha2::{Digest, Sha256};

/// Images with more pixels than this are refused (decompression bombs).
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

/// Images wider or taller than this are refused.
pub const MAX_IMAGE_SIDE: u32 = 12_000;

/// At most this much memory for decoding one image (40 MP at 16-bit RGBA).
pub const MAX_DECODE_BYTES: u64 = MAX_IMAGE_PIXELS * 8;

/// At most this many bytes per compressed PDF stream that is inflated while
/// loading (object streams, cross-reference streams).
pub const PDF_MAX_STREAM_BYTES: usize = 1024 * 1024;

/// At most this many `/W` names in the raw bytes of a PDF. Every
/// cross-reference stream has one (so do CID font width arrays); this
/// bounds how many cross-reference streams `lopdf` may inflate.
pub const PDF_MAX_W_NAMES: usize = 32;

/// At most this many bytes inflated from all object streams of one PDF.
pub const PDF_MAX_INFLATED_BYTES: usize = 16 * 1024 * 1024;

/// At most this many PDF objects (tokens) per file: in the raw bytes
/// outside stream bodies, in each object stream before it is parsed, and in
/// everything `lopdf` keeps. Each is about 120 bytes in memory (twice,
/// briefly, while the load filter copies it), so this bounds loading to
/// roughly 130 MB.
pub const PDF_MAX_TOKENS: usize = 500_000;

/// `original_name` is at most this many characters.
pub const MAX_NAME_CHARS: usize = 120;

/// A file type Antre accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    Jpeg,
    Png,
    Pdf,
}

impl FileType {
    pub const ALL: [FileType; 3] = [FileType::Jpeg, FileType::Png, FileType::Pdf];

    /// The MIME type to store and to serve the file with.
    pub const fn content_type(self) -> &'static str {
        match self {
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Pdf => "application/pdf",
        }
    }

    /// The file name extensions (lower case, without the dot) that name
    /// this type; the first one is the canonical one.
    pub const fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Jpeg => &["jpg", "jpeg"],
            FileType::Png => &["png"],
            FileType::Pdf => &["pdf"],
        }
    }

    /// The canonical extension: `jpg`, `png` or `pdf`.
    pub const fn extension(self) -> &'static str {
        match self {
            FileType::Jpeg => "jpg",
            FileType::Png => "png",
            FileType::Pdf => "pdf",
        }
    }

    /// The type named by a file name extension (without the dot),
    /// case-insensitive.
    pub fn from_extension(ext: &str) -> Option<FileType> {
        Self::ALL
            .into_iter()
            .find(|t| t.extensions().iter().any(|e| e.eq_ignore_ascii_case(ext)))
    }

    /// The type from the content signature, if it is one Antre accepts.
    pub fn sniff(bytes: &[u8]) -> Option<FileType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileType::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileType::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(FileType::Pdf)
        } else {
            None
        }
    }
}

/// An accepted upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    pub file_type: FileType,
    /// The bytes to store: images without metadata, PDFs unchanged.
    pub bytes: Vec<u8>,
    /// Lower-case hex SHA-256 of `bytes`.
    pub sha256: String,
    /// The uploaded name, for display only ([`sanitize_file_name`]).
    pub original_name: String,
}

/// Why an upload was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadError {
    /// No bytes.
    Empty,
    /// More than `max` bytes.
    TooLarge { max: u64 },
    /// Not a JPEG, PNG or PDF by content.
    UnsupportedType,
    /// The name's extension does not match the content (or there is none).
    TypeMismatch,
    /// Truncated, damaged, unreadable, password-protected or too many pixels.
    Corrupt,
    /// A PDF with script, launch/submit actions, attachments or actions on
    /// opening.
    PdfActiveContent,
}

impl UploadError {
    /// The API error code.
    pub const fn code(&self) -> &'static str {
        match self {
            UploadError::Empty | UploadError::Corrupt => "corrupt_file",
            UploadError::TooLarge { .. } => "file_too_large",
            UploadError::UnsupportedType => "unsupported_type",
            UploadError::TypeMismatch => "type_mismatch",
            UploadError::PdfActiveContent => "pdf_active_content",
        }
    }

    /// The HTTP status: 413, 415 or 422.
    pub const fn http_status(&self) -> u16 {
        match self {
            UploadError::TooLarge { .. } => 413,
            UploadError::UnsupportedType => 415,
            UploadError::Empty
            | UploadError::TypeMismatch
            | UploadError::Corrupt
            | UploadError::PdfActiveContent => 422,
        }
    }

    /// The message catalog key.
    pub const fn detail(&self) -> &'static str {
        match self {
            UploadError::Empty => "file_empty",
            UploadError::TooLarge { .. } => "file_too_large",
            UploadError::UnsupportedType => "file_type_unsupported",
            UploadError::TypeMismatch => "file_extension_mismatch",
            UploadError::Corrupt => "file_corrupt",
            UploadError::PdfActiveContent => "pdf_active_content",
        }
    }
}

impl std::fmt::Display for UploadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UploadError::TooLarge { max } => write!(f, "{} (max {max} bytes)", self.code()),
            _ => write!(f, "{} ({})", self.code(), self.detail()),
        }
    }
}

impl std::error::Error for UploadError {}

/// Inspect one uploaded file (see the module doc for the rules).
pub fn inspect(bytes: &[u8], file_name: &str, max_bytes: u64) -> Result<Inspected, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if u64::try_from(bytes.len()).map_or(true, |len| len > max_bytes) {
        return Err(UploadError::TooLarge { max: max_bytes });
    }
    let file_type = FileType::sniff(bytes).ok_or(UploadError::UnsupportedType)?;
    let original_name = sanitize_file_name(file_name);
    if extension(&original_name).and_then(FileType::from_extension) != Some(file_type) {
        return Err(UploadError::TypeMismatch);
    }
    let bytes = match file_type {
        FileType::Jpeg => sanitize_jpeg(bytes)?,
        FileType::Png => sanitize_png(bytes)?,
        FileType::Pdf => {
            check_pdf(bytes)?;
            bytes.to_vec()
        }
    };
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(Inspected {
        file_type,
        bytes,
        sha256,
        original_name,
    })
}

// --- File names ---------------------------------------------------------------

/// The extension of a name (after the last dot), if any.
fn extension(name: &str) -> Option<&str> {
    name.rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|e| !e.is_empty())
}

/// Invisible characters that change how a name reads: bidi controls,
/// zero-width characters, the byte order mark, soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// The uploaded file name made safe for display (see the module doc).
/// May be empty.
pub fn sanitize_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|&c| !c.is_control() && !is_invisible(c))
        .collect();
    let name = cleaned.trim();
    if name == "." || name == ".." {
        return String::new();
    }
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= MAX_NAME_CHARS {
        return name.to_owned();
    }
    // Keep a short extension (with its dot) and shorten the stem.
    let ext_start = chars
        .iter()
        .rposition(|&c| c == '.')
        .filter(|&dot| chars.len() - dot <= 16);
    match ext_start {
        Some(dot) => {
            let ext_len = chars.len() - dot;
            let stem: String = chars[..MAX_NAME_CHARS - ext_len].iter().collect();
            let ext: String = chars[dot..].iter().collect();
            format!("{}{ext}", stem.trim_end())
        }
        None => chars[..MAX_NAME_CHARS].iter().collect(),
    }
}

// --- Images -------------------------------------------------------------------

/// Fully decode `bytes` as `format` within the limits.
fn decode_image(bytes: &[u8], format: ImageFormat) -> Result<(), UploadError> {
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

const APP0: u8 = 0xE0;
const APP2: u8 = 0xE2;
const APP14: u8 = 0xEE;
const COM: u8 = 0xFE;
const SOS: u8 = 0xDA;
const EOI: u8 = 0xD9;

/// Whether a JPEG segment stays in the stored file.
fn keep_jpeg_segment(marker: u8, contents: &[u8]) -> bool {
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
fn jpeg_rebuild(b: &[u8]) -> Option<Vec<u8>> {
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

fn sanitize_jpeg(bytes: &[u8]) -> Result<Vec<u8>, UploadError> {
    let mut jpeg =
        Jpeg::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| UploadError::Corrupt)?;
    jpeg.segments_mut()
        .retain(|s| keep_jpeg_segment(s.marker(), s.contents()));
    let stripped = jpeg.encoder().bytes();
    let out = jpeg_rebuild(&stripped).ok_or(UploadError::Corrupt)?;
    decode_image(&out, ImageFormat::Jpeg)?;
    Ok(out)
}

/// Ancillary PNG chunks that affect rendering and carry no personal data.
const PNG_KEEP_ANCILLARY: [&[u8; 4]; 11] = [
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs", b"bKGD", b"cICP", b"mDCV",
    b"cLLI",
];

fn keep_png_chunk(kind: [u8; 4]) -> bool {
    // Bit 5 of the first byte clear (upper case) = critical chunk.
    kind[0] & 0x20 == 0 || PNG_KEEP_ANCILLARY.iter().any(|k| **k == kind)
}

fn sanitize_png(bytes: &[u8]) -> Result<Vec<u8>, UploadError> {
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

// --- PDF ----------------------------------------------------------------------

/// Names that make a PDF "active" (see the module doc).
const PDF_ACTIVE_NAMES: [&[u8]; 14] = [
    b"JS",
    b"JavaScript",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"EF",
    b"FileAttachment",
    b"AA",
    b"RichMedia",
    b"XFA",
    b"SubmitForm",
    b"ImportData",
    b"GoToR",
    b"GoToE",
];

fn is_active_name(name: &[u8]) -> bool {
    PDF_ACTIVE_NAMES.contains(&name)
}

/// One PDF check at a time per process: bounds the memory of the worst
/// case and guards the budget below.
static PDF_LOCK: Mutex<()> = Mutex::new(());
/// Budget of the PDF being loaded, spent by [`pdf_budget_filter`] (a plain
/// `fn`, so the state lives in statics, under [`PDF_LOCK`]).
static PDF_INFLATE_LEFT: AtomicUsize = AtomicUsize::new(0);
static PDF_TOKENS_LEFT: AtomicUsize = AtomicUsize::new(0);
static PDF_OVER_BUDGET: AtomicBool = AtomicBool::new(false);
static PDF_ACTIVE_INSIDE: AtomicBool = AtomicBool::new(false);

/// Objects (nodes) in `object`, counting dictionary keys; a stream counts
/// its dictionary only (its bytes are bounded by the file and the
/// inflation limits).
fn pdf_nodes(object: &lopdf::Object) -> usize {
    use lopdf::Object;
    let dict_nodes = |dict: &lopdf::Dictionary| -> usize {
        dict.iter().map(|(_, value)| 1 + pdf_nodes(value)).sum()
    };
    1 + match object {
        Object::Array(items) => items.iter().map(pdf_nodes).sum(),
        Object::Dictionary(dict) => dict_nodes(dict),
        Object::Stream(stream) => dict_nodes(&stream.dict),
        _ => 0,
    }
}

/// Take `n` tokens from the budget; `false` (and flagged) when there are
/// not that many left.
fn spend_pdf_tokens(n: usize) -> bool {
    let spent = PDF_TOKENS_LEFT
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
            left.checked_sub(n)
        })
        .is_ok();
    if !spent {
        PDF_OVER_BUDGET.store(true, Ordering::SeqCst);
    }
    spent
}

/// Called by `lopdf` for every object it loads, whether read from the file
/// or from an object stream. Every object is charged to the token budget
/// (so what `lopdf` keeps is bounded whatever the lexical scan missed). An
/// object stream is inflated here first, within what is left of the
/// budget, scanned, and its tokens must fit before `lopdf` may parse it;
/// `lopdf` gets the inflated bytes (so it does not inflate them again).
/// Over budget: drop the object and everything after it, and flag it.
fn pdf_budget_filter(
    id: lopdf::ObjectId,
    object: &mut lopdf::Object,
) -> Option<(lopdf::ObjectId, lopdf::Object)> {
    if PDF_OVER_BUDGET.load(Ordering::SeqCst) || !spend_pdf_tokens(pdf_nodes(object)) {
        return None;
    }
    if let lopdf::Object::Stream(stream) = object {
        if stream.dict.has_type(b"ObjStm") {
            let left = PDF_INFLATE_LEFT.load(Ordering::SeqCst);
            match stream.get_plain_content_with_limit(left.min(PDF_MAX_STREAM_BYTES)) {
                Ok(content) => {
                    let scan = lex_pdf(&content);
                    if scan.tokens > PDF_TOKENS_LEFT.load(Ordering::SeqCst) {
                        PDF_OVER_BUDGET.store(true, Ordering::SeqCst);
                        return None;
                    }
                    let used = content.len();
                    // Always `Ok`: the closure never refuses.
                    let _ =
                        PDF_INFLATE_LEFT.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| {
                            Some(l.saturating_sub(used))
                        });
                    if scan.active {
                        PDF_ACTIVE_INSIDE.store(true, Ordering::SeqCst);
                    }
                    stream.set_plain_content(content);
                }
                Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                    ..
                })) => {
                    PDF_OVER_BUDGET.store(true, Ordering::SeqCst);
                    return None;
                }
                // Undecodable: lopdf skips it, and the check of the
                // cross-reference entries in `check_pdf` notices.
                Err(_) => {}
            }
        }
    }
    Some((id, object.clone()))
}

fn check_pdf(bytes: &[u8]) -> Result<(), UploadError> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(UploadError::Corrupt);
    }
    let raw = lex_pdf(bytes);
    if raw.active {
        return Err(UploadError::PdfActiveContent);
    }
    if raw.encrypted || raw.tokens > PDF_MAX_TOKENS || count_w_names(bytes) > PDF_MAX_W_NAMES {
        return Err(UploadError::Corrupt);
    }
    // `lopdf` resolves an indirect `/Length` while it parses a stream, and
    // when that object sits in an object stream it inflates and parses the
    // whole object stream then and there, past the budget filter. So `lopdf`
    // gets a view of the file where every indirect `/Length` reads `0`: it
    // then finds each stream's end by its `endstream` keyword instead. The
    // stored bytes are not changed.
    let indirect_lengths = find_indirect_lengths(bytes);
    let view: std::borrow::Cow<'_, [u8]> = if indirect_lengths.is_empty() {
        std::borrow::Cow::Borrowed(bytes)
    } else {
        let mut copy = bytes.to_vec();
        for &(start, end) in &indirect_lengths {
            copy[start..end].fill(b' ');
            copy[start] = b'0';
        }
        std::borrow::Cow::Owned(copy)
    };

    let _one_at_a_time = PDF_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    PDF_INFLATE_LEFT.store(PDF_MAX_INFLATED_BYTES, Ordering::SeqCst);
    PDF_TOKENS_LEFT.store(PDF_MAX_TOKENS, Ordering::SeqCst);
    PDF_OVER_BUDGET.store(false, Ordering::SeqCst);
    PDF_ACTIVE_INSIDE.store(false, Ordering::SeqCst);
    let load = || {
        let options = lopdf::LoadOptions {
            max_decompressed_size: Some(PDF_MAX_STREAM_BYTES),
            filter: Some(pdf_budget_filter),
            ..lopdf::LoadOptions::default()
        };
        lopdf::Document::load_mem_with_options(&view, options)
    };
    let loaded = catch_unwind(AssertUnwindSafe(load));
    if PDF_OVER_BUDGET.load(Ordering::SeqCst) {
        return Err(UploadError::Corrupt);
    }
    let doc = match loaded {
        Ok(Ok(doc)) => doc,
        _ => return Err(UploadError::Corrupt),
    };
    if PDF_ACTIVE_INSIDE.load(Ordering::SeqCst) {
        return Err(UploadError::PdfActiveContent);
    }
    if doc.encryption_state.is_some() {
        return Err(UploadError::Corrupt);
    }
    let all_compressed_loaded = doc.reference_table.entries.iter().all(|(id, entry)| {
        !matches!(entry, lopdf::xref::XrefEntry::Compressed { .. })
            || doc.objects.contains_key(&(*id, 0))
    });
    let has_pages = catch_unwind(AssertUnwindSafe(|| !doc.get_pages().is_empty())).unwrap_or(false);
    if !all_compressed_loaded || !has_pages {
        return Err(UploadError::Corrupt);
    }
    let trailer = lopdf::Object::Dictionary(doc.trailer.clone());
    let active = std::iter::once(&trailer)
        .chain(doc.objects.values())
        .any(|o| object_is_active(&doc, o));
    if active {
        return Err(UploadError::PdfActiveContent);
    }
    Ok(())
}

/// Whether an object (recursively, not following references) holds an
/// active name or an `/OpenAction` that is not a plain go-to.
fn object_is_active(doc: &lopdf::Document, object: &lopdf::Object) -> bool {
    use lopdf::Object;
    match object {
        Object::Name(name) => is_active_name(name),
        Object::Array(items) => items.iter().any(|o| object_is_active(doc, o)),
        Object::Dictionary(dict) => dict_is_active(doc, dict),
        Object::Stream(stream) => dict_is_active(doc, &stream.dict),
        _ => false,
    }
}

fn dict_is_active(doc: &lopdf::Document, dict: &lopdf::Dictionary) -> bool {
    dict.iter().any(|(key, value)| {
        is_active_name(key)
            || (key.as_slice() == b"OpenAction" && open_action_is_active(doc, value))
            || object_is_active(doc, value)
    })
}

/// An `/OpenAction` may be a destination (an array, or a named destination)
/// or an action dictionary; only a `/GoTo` action is allowed.
fn open_action_is_active(doc: &lopdf::Document, value: &lopdf::Object) -> bool {
    use lopdf::Object;
    let resolved = match value {
        Object::Reference(id) => doc.objects.get(id),
        other => Some(other),
    };
    match resolved {
        Some(Object::Dictionary(action)) => {
            !matches!(action.get(b"S"), Ok(Object::Name(s)) if s.as_slice() == b"GoTo")
        }
        Some(Object::Array(_) | Object::Name(_) | Object::String(..)) => false,
        // A dangling reference or anything else: refuse rather than guess.
        _ => true,
    }
}

/// What the lexical scan of PDF bytes found.
#[derive(Debug, Default, PartialEq, Eq)]
struct PdfScan {
    /// An active name ([`PDF_ACTIVE_NAMES`]).
    active: bool,
    /// The name `/Encrypt`.
    encrypted: bool,
    /// Tokens (names, numbers, keywords, strings, `[`, `<<`…), each of which
    /// becomes an object in memory when parsed.
    tokens: usize,
}

/// Byte ranges of the values of indirect `/Length` entries (`12 0 R`),
/// found without any parsing (so that no structure can hide one): every
/// `/` starts a name candidate, decoded with its `#xx` escapes.
fn find_indirect_lengths(b: &[u8]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (slash, _) in b.iter().enumerate().filter(|(_, &c)| c == b'/') {
        let start = slash + 1;
        let end = start
            + b[start..]
                .iter()
                .take_while(|&&c| is_pdf_regular(c))
                .count();
        if end - start <= 3 * b"Length".len() && decode_pdf_name(&b[start..end]) == b"Length" {
            found.extend(reference_at(b, end));
        }
    }
    found
}

/// If `b[i..]` starts (after whitespace) with a reference `N G R`, the
/// range of the reference.
fn reference_at(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    let skip_space = |mut i: usize| {
        while b.get(i).copied().is_some_and(is_pdf_whitespace) {
            i += 1;
        }
        i
    };
    let digits = |i: usize| {
        let end = i + b[i.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        (end > i).then_some(end)
    };
    i = skip_space(i);
    let start = i;
    i = skip_space(digits(i)?);
    i = skip_space(digits(i)?);
    if b.get(i) != Some(&b'R') || b.get(i + 1).copied().is_some_and(is_pdf_regular) {
        return None;
    }
    Some((start, i + 1))
}

/// The `/W` names in the raw bytes, counted without any parsing (so that no
/// structure can hide one): `/W` or `/#57` followed by a non-name byte.
fn count_w_names(b: &[u8]) -> usize {
    let plain = b
        .windows(3)
        .filter(|w| w[..2] == *b"/W" && !is_pdf_regular(w[2]))
        .count();
    let escaped = b
        .windows(5)
        .filter(|w| w[..4] == *b"/#57" && !is_pdf_regular(w[4]))
        .count();
    plain + escaped
}

fn is_pdf_whitespace(c: u8) -> bool {
    matches!(c, 0 | 9 | 10 | 12 | 13 | 32)
}

fn is_pdf_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_pdf_regular(c: u8) -> bool {
    !is_pdf_whitespace(c) && !is_pdf_delimiter(c)
}

/// Decode `#xx` escapes in a raw name.
fn decode_pdf_name(raw: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' {
            if let (Some(h), Some(l)) = (
                raw.get(i + 1).copied().and_then(hex),
                raw.get(i + 2).copied().and_then(hex),
            ) {
                // Two hex digits: at most 0xFF.
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'#'));
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// Scan PDF syntax for names and count tokens, skipping comments, the
/// inside of literal strings and stream bodies (`stream` … `endstream`).
fn lex_pdf(b: &[u8]) -> PdfScan {
    let mut scan = PdfScan::default();
    let n = b.len();
    let mut i = 0;
    while i < n {
        match b[i] {
            b'%' => {
                while i < n && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => {
                scan.tokens += 1;
                let mut depth = 1usize;
                i += 1;
                while i < n && depth > 0 {
                    match b[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'/' => {
                scan.tokens += 1;
                let start = i + 1;
                i = start;
                while i < n && is_pdf_regular(b[i]) {
                    i += 1;
                }
                let name = decode_pdf_name(&b[start..i]);
                scan.active |= is_active_name(&name);
                scan.encrypted |= name == b"Encrypt";
            }
            c if is_pdf_regular(c) => {
                scan.tokens += 1;
                let start = i;
                while i < n && is_pdf_regular(b[i]) {
                    i += 1;
                }
                if &b[start..i] == b"stream" {
                    i = b[i..]
                        .windows(9)
                        .position(|w| w == b"endstream")
                        .map_or(n, |p| i + p + 9);
                }
            }
            b'[' | b'<' | b'{' => {
                scan.tokens += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    scan
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb};
    use img_parts::jpeg::JpegSegment;
    use img_parts::png::PngChunk;
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
        assert_eq!(
            inspect(&png(), "scan.pdf", LIMIT),
            Err(UploadError::TypeMismatch)
        );
        assert_eq!(
            inspect(&jpeg(), "scan.png", LIMIT),
            Err(UploadError::TypeMismatch)
        );
        assert_eq!(
            inspect(&plain_pdf(), "scan.jpg", LIMIT),
            Err(UploadError::TypeMismatch)
        );
        assert_eq!(
            inspect(&jpeg(), "scan.jpg.exe", LIMIT),
            Err(UploadError::TypeMismatch)
        );
        assert_eq!(
            inspect(&jpeg(), "scan", LIMIT),
            Err(UploadError::TypeMismatch)
        );
        assert_eq!(
            inspect(&jpeg(), "scan.", LIMIT),
            Err(UploadError::TypeMismatch)
        );
        assert_eq!(inspect(&jpeg(), "", LIMIT), Err(UploadError::TypeMismatch));
        assert_eq!(
            inspect(&jpeg(), "dir.jpg/scan", LIMIT),
            Err(UploadError::TypeMismatch)
        );
        let e = UploadError::TypeMismatch;
        assert_eq!((e.code(), e.http_status()), ("type_mismatch", 422));
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
        assert_eq!((e.code(), e.http_status()), ("unsupported_type", 415));
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
        assert_eq!(
            (e.code(), e.http_status(), e.detail()),
            ("file_too_large", 413, "file_too_large")
        );
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
        let e = inspect(&[], "a.jpg", LIMIT).unwrap_err();
        assert_eq!(e, UploadError::Empty);
        assert_eq!(
            (e.code(), e.http_status(), e.detail()),
            ("corrupt_file", 422, "file_empty")
        );
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
            let e = inspect(&full[..cut], "a.jpg", LIMIT).unwrap_err();
            assert_eq!(e, UploadError::Corrupt, "cut at {cut}");
            assert_eq!(
                (e.code(), e.http_status(), e.detail()),
                ("corrupt_file", 422, "file_corrupt")
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
        let at = 1;
        chunks.insert(
            at,
            PngChunk::new(*b"eXIf", Bytes::from_static(b"MM\0*GPSLatitude")),
        );
        chunks.insert(
            at,
            PngChunk::new(*b"tEXt", Bytes::from_static(b"Author\0Budi Santoso")),
        );
        chunks.insert(
            at,
            PngChunk::new(*b"iTXt", Bytes::from_static(b"Comment\0\0\0\0\0secret")),
        );
        chunks.insert(
            at,
            PngChunk::new(*b"tIME", Bytes::from_static(&[7, 234, 3, 2, 9, 0, 0])),
        );
        chunks.insert(
            at,
            PngChunk::new(*b"zTXt", Bytes::from_static(b"Note\0\0x")),
        );
        chunks.insert(
            at,
            PngChunk::new(*b"caBX", Bytes::from_static(b"c2pa claim")),
        );
        chunks.insert(
            at,
            PngChunk::new(
                *b"pHYs",
                Bytes::from_static(&[0, 0, 11, 19, 0, 0, 11, 19, 1]),
            ),
        );
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
    fn pdf_with_javascript_and_open_action_is_refused() {
        let js = with_catalog(
            "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
            "5 0 obj\n<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>\nendobj\n",
        );
        assert!(
            lopdf::Document::load_mem(&js).is_ok(),
            "the test PDF itself parses"
        );
        let e = inspect(&js, "surat.pdf", LIMIT).unwrap_err();
        assert_eq!(e, UploadError::PdfActiveContent);
        assert_eq!(
            (e.code(), e.http_status(), e.detail()),
            ("pdf_active_content", 422, "pdf_active_content")
        );
    }

    #[test]
    fn each_kind_of_active_content_is_refused() {
        // (what the catalog adds, further objects)
        let cases = [
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
        out.extend_from_slice(
            format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes(),
        );
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
            .map(|e| (e.code(), e.http_status(), e.detail()))
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
}
