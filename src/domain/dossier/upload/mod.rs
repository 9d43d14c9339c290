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
//!
//! Images: [`jpeg`], [`png`] (metadata stripped, pixels kept); PDFs: [`pdf`]
//! (active content refused); display names: [`name`].
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

use crate::domain::Code;
mod jpeg;
mod name;
mod pdf;
mod pdf_scan;
mod png;
#[cfg(test)]
mod tests;

use sha2::{Digest, Sha256};

use jpeg::sanitize_jpeg;
use name::extension;
pub use name::sanitize_file_name;
use pdf::check_pdf;
use png::sanitize_png;

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
    pub const fn code(&self) -> Code {
        match self {
            UploadError::Empty | UploadError::Corrupt => Code::CorruptFile,
            UploadError::TooLarge { .. } => Code::FileTooLarge,
            UploadError::UnsupportedType => Code::UnsupportedType,
            UploadError::TypeMismatch => Code::TypeMismatch,
            UploadError::PdfActiveContent => Code::PdfActiveContent,
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
