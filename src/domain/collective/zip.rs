//! Reading a ZIP of per-worker documents for a collective batch, without
//! trusting it: the central directory is read first (entry count, names,
//! links, declared sizes and ratios), and every entry is inflated through
//! a capped reader, so a lying header cannot make it grow past the cap.
//!
//! Entries are named `NIK_documentcode.ext`
//! (`3171014508900001_bank_book.pdf`). Nothing here touches the database
//! or the store: the caller gets each entry's bytes or a refusal code.

use crate::domain::Code;
use std::io::{Cursor, Read};

use serde::Serialize;
use utoipa::ToSchema;

/// An entry the upload refused, with its sentence.
#[derive(Serialize, ToSchema)]
pub struct RefusedEntry {
    pub entry: String,
    pub code: String,
    pub message: String,
}

/// What became of an uploaded ZIP.
#[derive(Serialize, ToSchema)]
pub struct ZipReport {
    /// Entries stored as documents.
    pub accepted: usize,
    pub refused: Vec<RefusedEntry>,
}

/// Largest ZIP accepted (bytes).
pub const MAX_ZIP_BYTES: u64 = 100 * 1024 * 1024;
/// Most entries in one ZIP.
pub const MAX_ZIP_ENTRIES: usize = 2_000;
/// Highest uncompressed-to-compressed ratio of an entry.
pub const MAX_RATIO: u64 = 100;
/// Entries smaller than this are not judged by their ratio (tiny files
/// compress oddly and cannot hurt).
const RATIO_FLOOR: u64 = 64 * 1024;
/// Most bytes inflated from one ZIP, all entries together.
pub const MAX_TOTAL_UNCOMPRESSED: u64 = 1024 * 1024 * 1024;

/// Why the whole ZIP is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZipRefusal {
    /// Not a readable ZIP archive.
    NotZip,
    /// More than [`MAX_ZIP_ENTRIES`] entries.
    TooManyEntries,
}

impl ZipRefusal {
    pub const fn code(self) -> Code {
        match self {
            ZipRefusal::NotZip => Code::ZipCorrupt,
            ZipRefusal::TooManyEntries => Code::ZipTooManyEntries,
        }
    }
}

/// One entry of the ZIP: its bytes, or the code it is refused with.
#[derive(Debug)]
pub struct Entry {
    /// The name as stored (lossily decoded), for the report.
    pub name: String,
    pub outcome: Result<Vec<u8>, &'static str>,
}

/// A worker document named by the entry: (NIK, document code).
pub fn parse_entry_name(name: &str) -> Option<(&str, &str)> {
    let (stem, ext) = name.rsplit_once('.')?;
    if !matches!(
        ext.to_ascii_lowercase().as_str(),
        "pdf" | "jpg" | "jpeg" | "png"
    ) {
        return None;
    }
    let (nik, code) = stem.split_once('_')?;
    let valid_nik = nik.len() == 16 && nik.bytes().all(|b| b.is_ascii_digit());
    let valid_code = !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    (valid_nik && valid_code).then_some((nik, code))
}

/// A name with a directory part, a drive, a parent step or a control
/// character: a "zip-slip" attempt or a folder, never a worker document.
pub(super) fn is_path(name: &str) -> bool {
    name.is_empty()
        || name.contains(['/', '\\', ':'])
        || name.contains("..")
        || name.chars().any(char::is_control)
}

/// The entry count from the end-of-central-directory record, read before
/// the archive is parsed so that a huge directory is refused cheaply.
/// `None` when there is no record (not a ZIP) or it defers to ZIP64.
pub(super) fn declared_entries(bytes: &[u8]) -> Option<usize> {
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let tail = &bytes[tail_start..];
    let at = tail
        .windows(4)
        .rposition(|w| w == [0x50, 0x4b, 0x05, 0x06])?;
    let n = tail.get(at + 10..at + 12)?;
    let n = u16::from_le_bytes([n[0], n[1]]);
    (n != u16::MAX).then_some(usize::from(n))
}

/// Reads every entry of `bytes`, inflating at most `max_entry + 1` bytes
/// of each, and hands them to `visit` one at a time (so that only one
/// entry's bytes are held at once).
pub fn for_each_entry(
    bytes: &[u8],
    max_entry: u64,
    mut visit: impl FnMut(Entry),
) -> Result<(), ZipRefusal> {
    if declared_entries(bytes).is_some_and(|n| n > MAX_ZIP_ENTRIES) {
        return Err(ZipRefusal::TooManyEntries);
    }
    let mut archive = ::zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ZipRefusal::NotZip)?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(ZipRefusal::TooManyEntries);
    }
    let mut inflated_total: u64 = 0;
    for i in 0..archive.len() {
        // The central directory's word first, without inflating.
        let (name, declared) = match archive.by_index_raw(i) {
            Ok(f) => {
                let name = String::from_utf8_lossy(f.name_raw()).into_owned();
                let verdict = if is_path(&name) || f.is_dir() {
                    Err("zip_entry_path")
                } else if f.is_symlink() || !f.is_file() {
                    Err("zip_entry_link")
                } else if f.encrypted() {
                    Err("zip_entry_encrypted")
                } else if suspicious_ratio(f.size(), f.compressed_size()) {
                    Err("zip_entry_ratio")
                } else if f.size() > max_entry {
                    Err("file_too_large")
                } else {
                    Ok((f.size(), f.compressed_size()))
                };
                (name, verdict)
            }
            Err(_) => (format!("#{}", i + 1), Err("zip_entry_corrupt")),
        };
        let outcome = match declared {
            Err(code) => Err(code),
            Ok(_) if inflated_total >= MAX_TOTAL_UNCOMPRESSED => Err("zip_total_too_large"),
            Ok((_, compressed)) => inflate(&mut archive, i, max_entry, compressed).inspect(|b| {
                inflated_total = inflated_total.saturating_add(b.len() as u64);
            }),
        };
        visit(Entry { name, outcome });
    }
    Ok(())
}

pub(super) fn suspicious_ratio(size: u64, compressed: u64) -> bool {
    size > RATIO_FLOOR && size / compressed.max(1) > MAX_RATIO
}

/// Inflates one entry through a cap; the actual size and ratio are judged
/// again, since the declared ones may lie.
pub(super) fn inflate(
    archive: &mut ::zip::ZipArchive<Cursor<&[u8]>>,
    i: usize,
    max_entry: u64,
    compressed: u64,
) -> Result<Vec<u8>, &'static str> {
    let file = archive.by_index(i).map_err(|_| "zip_entry_corrupt")?;
    let mut out = Vec::new();
    file.take(max_entry + 1)
        .read_to_end(&mut out)
        .map_err(|_| "zip_entry_corrupt")?;
    let size = out.len() as u64;
    if suspicious_ratio(size, compressed) {
        return Err("zip_entry_ratio");
    }
    if size > max_entry {
        return Err("file_too_large");
    }
    Ok(out)
}
