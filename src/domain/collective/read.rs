//! Reading a batch file ([`read_rows`]).
//!
//! The file name's extension decides, case-insensitively:
//!
//! | extension | read as |
//! |---|---|
//! | `.xlsx` | XLSX; must start with the ZIP signature `PK\x03\x04` and open, else `bad_spreadsheet` |
//! | `.csv`, `.txt` | CSV |
//! | none | XLSX when the bytes start with the ZIP signature, CSV otherwise |
//! | anything else (`.pdf`, `.xls`, `.ods`, `.xlsm`, …) | `unsupported_type` |
//!
//! Then, for both: no bytes at all, or nothing but blank lines / empty
//! cells → `empty_file`; more than `max_rows` non-blank data rows →
//! `too_many_rows` (reading stops there, so memory stays bounded).
//!
//! **CSV**: UTF-8, with or without a byte-order mark. A NUL byte or an
//! invalid UTF-8 sequence → `not_text` (a binary file, a UTF-16 "Unicode
//! text" export, or a legacy Windows-1252 "CSV (Comma delimited)" export
//! with accented characters: the message asks for "CSV UTF-8"). The
//! delimiter is sniffed from the first non-blank line: `;` when it has more
//! semicolons than commas outside quotes (what Excel writes in the
//! Indonesian locale), `,` otherwise. Quoting is Excel's: fields with the
//! delimiter, quotes or line breaks are in `"…"` with `""` for a quote.
//! Read with the `csv` crate's streaming reader straight over the bytes.
//! A row with fewer cells than the header is padded with blanks; extra
//! cells are ignored. Line numbers are the file's: the line on which the
//! record starts (a quoted line break inside a cell makes the next record
//! start further down).
//!
//! **XLSX**: the first worksheet, read cell by cell with calamine's
//! streaming cell reader. Before calamine touches it the ZIP directory is
//! checked: at most [`XLSX_MAX_ENTRIES`] entries declaring at most
//! [`XLSX_MAX_UNCOMPRESSED`] bytes in all (the zip reader refuses to inflate
//! an entry past its declared size), so a zip bomb is a `bad_spreadsheet`,
//! not an out-of-memory. Cells become strings:
//!
//! - text as is; booleans `TRUE` / `FALSE`; error cells as Excel shows them
//!   (`#N/A`);
//! - a number formatted as a date → `YYYY-MM-DD` (the time of day dropped);
//! - whole numbers without `.0`, exactly (`3174015508900012`, `14`);
//! - whole numbers that Excel may have rounded are written in scientific
//!   notation (`3.17401550890012E15`) so that [`validate`] refuses them as
//!   `excel_rounded_number`: at or above 2^53 (no longer exact in a
//!   double), or with 16 or more digits ending in `0` (Excel keeps only 15
//!   significant digits: a 16-digit NIK typed into a General cell comes back
//!   with its last digit replaced by `0`; a program that writes the exact
//!   number produces a last digit that is not always `0`, which is kept);
//! - other numbers in their shortest exact decimal form (`12.5`).
//!
//! Leading zeros of identifiers typed into numeric cells are lost before
//! the file reaches us (an account `0123456789` becomes `123456789`, a
//! phone `0812…` becomes `812…`); [`validate`] then reports the wrong length
//! or form. The template's advice: format these columns as Text. Bank
//! codes are the exception: `14` is read as `014`.
//!
//! For both types every cell is trimmed, cells beyond column
//! [`MAX_COLUMNS`] are ignored, and rows whose cells are all blank are
//! skipped (line numbers still count them). The header is the first
//! non-blank row.

use super::{xlsx::*, *};
use crate::domain::Code;

pub(super) const ZIP_SIGNATURE: &[u8] = b"PK\x03\x04";
pub(super) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

// ---------------------------------------------------------------------------
// Reading the file
// ---------------------------------------------------------------------------

/// Why a batch file could not be read as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    /// Neither `.csv` / `.txt` nor `.xlsx` (nor extension-less).
    UnsupportedType,
    /// A CSV that is not UTF-8 text (NUL bytes or invalid UTF-8).
    NotText,
    /// An `.xlsx` that does not open as a workbook (or would unpack too large).
    BadSpreadsheet,
    /// No bytes, or no non-blank row (so no header).
    Empty,
    /// More than `max` data rows.
    TooManyRows { max: usize },
}

impl FileError {
    /// Stable API error code.
    pub fn code(&self) -> Code {
        match self {
            FileError::UnsupportedType => Code::UnsupportedType,
            FileError::NotText => Code::NotText,
            FileError::BadSpreadsheet => Code::BadSpreadsheet,
            FileError::Empty => Code::EmptyFile,
            FileError::TooManyRows { .. } => Code::TooManyRows,
        }
    }

    /// Message-catalog key of the sentence for people.
    pub fn detail(&self) -> &'static str {
        match self {
            FileError::UnsupportedType => "batch_unsupported_type",
            FileError::NotText => "batch_not_text",
            FileError::BadSpreadsheet => "batch_bad_spreadsheet",
            FileError::Empty => "batch_empty_file",
            FileError::TooManyRows { .. } => "batch_too_many_rows",
        }
    }

    /// Suggested HTTP status: 415 for a type we do not read, 413 for too
    /// many rows, 422 otherwise.
    pub fn http_status(&self) -> u16 {
        match self {
            FileError::UnsupportedType => 415,
            FileError::TooManyRows { .. } => 413,
            FileError::NotText | FileError::BadSpreadsheet | FileError::Empty => 422,
        }
    }
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::TooManyRows { max } => write!(f, "{} (max {max})", self.code().as_str()),
            _ => f.write_str(self.code().as_str()),
        }
    }
}

impl std::error::Error for FileError {}

/// A batch file as strings: the header cells and the non-blank data rows,
/// each with its line number in the file (the header's line is 1 unless
/// blank lines precede it; for XLSX the worksheet row number). Cells are
/// trimmed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Csv,
    Xlsx,
}

/// The lowercased extension of the last path component, if any.
pub(super) fn extension(file_name: &str) -> Option<String> {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .trim();
    let (_, ext) = base.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

pub(super) fn kind(bytes: &[u8], file_name: &str) -> Result<Kind, FileError> {
    match extension(file_name).as_deref() {
        Some("xlsx") => Ok(Kind::Xlsx),
        Some("csv") | Some("txt") => Ok(Kind::Csv),
        None | Some("") if bytes.starts_with(ZIP_SIGNATURE) => Ok(Kind::Xlsx),
        None | Some("") => Ok(Kind::Csv),
        Some(_) => Err(FileError::UnsupportedType),
    }
}

/// Read a batch file (see the module docs for the rules). `max_rows` is
/// the most data rows accepted (the header not counted).
pub fn read_rows(bytes: &[u8], file_name: &str, max_rows: usize) -> Result<Table, FileError> {
    let kind = kind(bytes, file_name)?;
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    match kind {
        Kind::Csv => read_csv(bytes, max_rows),
        Kind::Xlsx => read_xlsx(bytes, max_rows, XLSX_MAX_UNCOMPRESSED),
    }
}

/// `;` when the first non-blank line has more semicolons than commas
/// outside double quotes, `,` otherwise.
pub(super) fn sniff_delimiter(text: &[u8]) -> u8 {
    let (mut commas, mut semicolons) = (0usize, 0usize);
    let mut in_quotes = false;
    let mut seen_content = false;
    for &b in text {
        match b {
            b'"' => {
                in_quotes = !in_quotes;
                seen_content = true;
            }
            b'\n' | b'\r' if !in_quotes => {
                if seen_content {
                    break;
                }
            }
            b',' if !in_quotes => {
                commas += 1;
                seen_content = true;
            }
            b';' if !in_quotes => {
                semicolons += 1;
                seen_content = true;
            }
            b' ' | b'\t' => {}
            _ => seen_content = true,
        }
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

pub(super) fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.is_empty())
}

pub(super) fn read_csv(bytes: &[u8], max_rows: usize) -> Result<Table, FileError> {
    let text = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if text.contains(&0) || std::str::from_utf8(text).is_err() {
        return Err(FileError::NotText);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text);
    let mut record = csv::StringRecord::new();
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            // Only invalid UTF-8 or I/O can fail here, and neither can
            // happen on checked bytes in memory.
            Err(_) => return Err(FileError::NotText),
        }
        let line = record
            .position()
            .and_then(|p| usize::try_from(p.line()).ok())
            .unwrap_or(0);
        let cells: Vec<String> = record
            .iter()
            .take(MAX_COLUMNS)
            .map(|c| c.trim().to_owned())
            .collect();
        if is_blank(&cells) {
            continue;
        }
        if headers.is_none() {
            headers = Some(cells);
            continue;
        }
        if rows.len() >= max_rows {
            return Err(FileError::TooManyRows { max: max_rows });
        }
        rows.push((line, cells));
    }
    let headers = headers.ok_or(FileError::Empty)?;
    Ok(Table { headers, rows })
}
