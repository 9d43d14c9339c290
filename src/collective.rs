//! Collective claims (channel 3 of DOMAIN.md): reading and checking the
//! batch file an employer's HR representative uploads for the workers it
//! laid off, and the 30% eligibility rule.
//!
//! Pure functions only: bytes in, data out. No database, no HTTP, no
//! clock (the caller passes `today`), no file system. The server stores
//! the batch, adds the company's earlier accepted batches to the laid-off
//! count, checks open claims, and turns the detail keys below into
//! sentences with the message catalog.
//!
//! # Steps
//!
//! 1. [`read_rows`]: the uploaded bytes and file name → a [`Table`] of
//!    strings (header cells and data rows with their line numbers), or a
//!    [`FileError`] when the file as a whole cannot be read.
//! 2. [`validate`]: the table and today's date → [`Validated`]: the rows
//!    that passed every check as [`WorkerRow`]s, and every problem as a
//!    [`RowError`] (row, column, code, value as given, detail key).
//! 3. [`eligibility`] / [`explain`]: the company's registered headcount and
//!    the number of laid-off workers → whether the collective channel is
//!    open, in integer arithmetic, and the sentence that explains it.
//! 4. [`fingerprint`] (SHA-256 of the bytes) finds a re-uploaded file;
//!    [`template_csv`] and [`error_report_csv`] are the two downloads.
//!
//! # File types ([`read_rows`])
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
//!
//! # Columns ([`map_headers`], API.md "Collective claims")
//!
//! | column | Indonesian alias | required |
//! |---|---|---|
//! | `nik` | | yes |
//! | `kpj` | | yes |
//! | `full_name` | `nama` | yes |
//! | `termination_date` | `tanggal_phk` | yes |
//! | `reason` | `alasan` | yes |
//! | `email` | | column optional, value optional |
//! | `phone` | `telepon` | column optional, value optional |
//! | `bank_code` | `kode_bank` | yes |
//! | `account_number` | `no_rekening` | yes |
//! | `account_name` | `nama_rekening` | yes |
//! | `work_start_date` | `tanggal_mulai_kerja` | column optional, value optional |
//!
//! Headers match in any order, case-insensitively, trimmed; inner runs of
//! spaces or hyphens count as `_` (`Tanggal PHK` = `tanggal_phk`). Unknown
//! columns (a "notes" column, a row number) are ignored. A required column
//! that is missing → `missing_column`; a column given twice (also as
//! `nama` next to `full_name`) → `duplicate_column`. Both are whole-file
//! errors (`row` null) naming the canonical column; no row is checked then.
//! A header without data rows → one whole-file `no_rows` error.
//!
//! # Row checks ([`validate`])
//!
//! Each row is checked column by column with the same domain parsers as a
//! single claim; a row may collect one error per column, and a row with any
//! error is not in [`Validated::valid`]. Blank optional values are `None`.
//!
//! | column | code | detail keys |
//! |---|---|---|
//! | `nik` | `invalid_nik` | `nik_*` of `domain::nik`, `excel_rounded_number` |
//! | `nik` | `duplicate_nik` | `duplicate_nik` (same NIK on an earlier row: the later row carries it) |
//! | `kpj` | `invalid_kpj` | `kpj_*` of `domain::kpj`, `excel_rounded_number` |
//! | `kpj` | `duplicate_kpj` | `duplicate_kpj` |
//! | `full_name` | `invalid_name` | `name_*` of `domain::person_name` |
//! | `termination_date` | `invalid_date` | `date_empty`, `date_format`, `date_not_real` |
//! | `termination_date` | `date_in_future` | `date_in_future` (after `today`) |
//! | `reason` | `invalid_reason` | `reason_empty`, `reason_unknown` |
//! | `email` | `invalid_email` | `email_*` of `domain::email` |
//! | `phone` | `invalid_phone` | `phone_*` of `domain::phone`, `excel_rounded_number` |
//! | `bank_code` | `unknown_bank` | `bank_empty`, `bank_unknown` |
//! | `account_number` | `invalid_account` | `account_empty`, `account_not_digits`, `account_length`, `excel_rounded_number` |
//! | `account_name` | `invalid_name` | `name_*` of `domain::person_name` |
//! | `account_name` | `account_name_mismatch` | `account_name_mismatch` (not the worker's name by `person_name::names_match`; only checked when both names are valid) |
//! | `work_start_date` | `invalid_date` / `date_in_future` | as `termination_date` (`date_empty` never: the value is optional) |
//! | `work_start_date` | `work_start_after_termination` | `work_start_after_termination` (later than a valid termination date; the same day is accepted) |
//!
//! Whole-file errors: `missing_column`, `duplicate_column`, `no_rows` (detail
//! key = code).
//!
//! Details of the values:
//!
//! - **Dates**: `YYYY-MM-DD`, or `DD/MM/YYYY` with a one- or two-digit day
//!   and month (`5/8/2025` is 5 August: always day first, as Excel writes
//!   in the Indonesian locale). `date_format` when neither shape fits,
//!   `date_not_real` for `31/02/2025`. For `resignation` the column holds
//!   the last working day, for `contract_end` the end of the contract.
//! - **Reason** (trimmed, case-insensitive, spaces and hyphens as `_`):
//!   `termination` or `phk` → `termination`; `resignation` (also `resign`,
//!   `mengundurkan_diri`) → `resignation`; `contract_end` (also
//!   `habis_kontrak`, `kontrak_berakhir`) → `contract_end`.
//! - **Bank code**: one of [`BANKS`]; 1–3 digits are zero-padded (`14` →
//!   `014`, as a numeric Excel cell gives it), and the short name
//!   (`BCA`, `bri`, `CIMB Niaga`) is accepted too. Stored as the 3 digits.
//! - **Account number**: spaces and dashes as printed in bank books are
//!   dropped (dots are not: `12.5` from a numeric cell must not become
//!   `125`); then 10–16 ASCII digits. No per-bank length: the lengths
//!   in DOMAIN.md are typical, not guaranteed.
//! - **Numbers rounded by Excel**: a `nik`, `kpj`, `phone` or
//!   `account_number` in scientific notation (`3.17402E+15`: Excel's CSV
//!   export of a General cell, or the XLSX reader's mark above) →
//!   `excel_rounded_number` under that column's code.
//!
//! The error's `value` is the cell as given (trimmed), with the NIK masked
//! like [`nik::mask_str`] (first 6 and last 4 shown) and the account number
//! masked to its last 4 characters, then cut to [`VALUE_MAX_CHARS`]
//! characters (`…` appended). Errors are sorted by row (whole-file first),
//! then by the column order of the table above (whole-row errors first).
//!
//! The batch does not apply the one-month waiting rule nor check open
//! claims: the server does that when it creates the claims, with
//! `domain::claim` and the database.
//!
//! # Eligibility ([`eligibility`])
//!
//! A company may file collectively when it is medium or large by BPS class
//! (registered headcount 20 or more: micro 1–4, small 5–19, medium 20–99,
//! large 100+, see [`size_class`]) and the laid-off workers are at least 30%
//! of the headcount: `laid_off * 100 >= headcount * 30`, in `u64`, so exactly
//! 30% qualifies. `required` is the smallest qualifying count,
//! `ceil(headcount * 30 / 100)`. `laid_off` is [`Validated::laid_off`] (valid
//! rows with reason `termination`) plus what the server counts from earlier
//! accepted batches of the same layoff.
//!
//! # Message catalog
//!
//! [`FileError::detail`] keys: `batch_unsupported_type`, `batch_not_text`,
//! `batch_bad_spreadsheet`, `batch_empty_file`, `batch_too_many_rows`
//! (distinct from the codes because `unsupported_type` already names the
//! document-upload sentence). Row detail keys: the table above; the
//! `nik_*`, `kpj_*`, `name_*`, `email_*`, `phone_*` and `date_in_future`
//! keys already exist in the catalog.

use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::{email, kpj, nik, person_name, phone};

/// Cells beyond this many columns are ignored (CSV and XLSX).
pub const MAX_COLUMNS: usize = 100;
/// Largest total uncompressed size an XLSX may declare (64 MiB): a
/// 10,000-row batch needs about 8 MiB.
pub const XLSX_MAX_UNCOMPRESSED: u64 = 64 * 1024 * 1024;
/// Most entries an XLSX archive may have.
pub const XLSX_MAX_ENTRIES: usize = 1_000;
/// A [`RowError::value`] longer than this (in characters) is cut.
pub const VALUE_MAX_CHARS: usize = 64;
/// Shortest account number, in digits.
pub const ACCOUNT_MIN_LEN: usize = 10;
/// Longest account number, in digits.
pub const ACCOUNT_MAX_LEN: usize = 16;
/// Smallest registered headcount of a medium company.
pub const MIN_HEADCOUNT: u32 = 20;
/// Laid-off share, in percent, that opens the collective channel.
pub const MIN_SHARE_PERCENT: u32 = 30;

const ZIP_SIGNATURE: &[u8] = b"PK\x03\x04";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

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
    pub fn code(&self) -> &'static str {
        match self {
            FileError::UnsupportedType => "unsupported_type",
            FileError::NotText => "not_text",
            FileError::BadSpreadsheet => "bad_spreadsheet",
            FileError::Empty => "empty_file",
            FileError::TooManyRows { .. } => "too_many_rows",
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
            FileError::TooManyRows { max } => write!(f, "{} (max {max})", self.code()),
            _ => f.write_str(self.code()),
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
enum Kind {
    Csv,
    Xlsx,
}

/// The lowercased extension of the last path component, if any.
fn extension(file_name: &str) -> Option<String> {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .trim();
    let (_, ext) = base.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

fn kind(bytes: &[u8], file_name: &str) -> Result<Kind, FileError> {
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
fn sniff_delimiter(text: &[u8]) -> u8 {
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

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.is_empty())
}

fn read_csv(bytes: &[u8], max_rows: usize) -> Result<Table, FileError> {
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

/// Refuse archives that would unpack too large or have too many entries,
/// by the sizes their central directory declares (which the zip reader
/// then enforces while inflating).
fn check_zip(bytes: &[u8], max_uncompressed: u64) -> Result<(), FileError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileError::BadSpreadsheet)?;
    if archive.len() > XLSX_MAX_ENTRIES {
        return Err(FileError::BadSpreadsheet);
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|_| FileError::BadSpreadsheet)?;
        total = total.saturating_add(entry.size());
        if total > max_uncompressed {
            return Err(FileError::BadSpreadsheet);
        }
    }
    Ok(())
}

/// 2^53: from here on not every whole number is a double.
const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// A number cell as text: see "XLSX" in the module docs.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 {
        let a = f.abs();
        // Excel keeps 15 significant digits: 16+ digits ending in 0 may be
        // a rounded identifier.
        let may_be_rounded = a >= EXACT_LIMIT || (a >= 1e15 && a % 10.0 == 0.0);
        if may_be_rounded {
            return format!("{f:E}");
        }
        // |f| < 2^53 here, so the cast is exact.
        return format!("{}", f as i64);
    }
    format!("{f}")
}

fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        DataRef::DateTime(dt) => number_text(dt.as_f64()),
        DataRef::DateTimeIso(s) => match s.get(..10) {
            Some(day) if NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok() => day.to_owned(),
            _ => s.clone(),
        },
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

fn read_xlsx(bytes: &[u8], max_rows: usize, max_uncompressed: u64) -> Result<Table, FileError> {
    if !bytes.starts_with(ZIP_SIGNATURE) {
        return Err(FileError::BadSpreadsheet);
    }
    check_zip(bytes, max_uncompressed)?;
    let mut workbook: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|_| FileError::BadSpreadsheet)?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or(FileError::BadSpreadsheet)?;
    let mut cells = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|_| FileError::BadSpreadsheet)?;
    // Only non-blank cells are kept, so every key is a non-blank row.
    let mut grid: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|_| FileError::BadSpreadsheet)? {
        let (row, col) = cell.get_position();
        let Ok(col) = usize::try_from(col) else {
            continue;
        };
        if col >= MAX_COLUMNS {
            continue;
        }
        let text = cell_text(cell.get_value());
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let cells_of_row = grid.entry(row).or_default();
        if cells_of_row.len() <= col {
            cells_of_row.resize(col + 1, String::new());
        }
        cells_of_row[col] = text.to_owned();
        // The header plus `max_rows` data rows.
        if grid.len() > max_rows.saturating_add(1) {
            return Err(FileError::TooManyRows { max: max_rows });
        }
    }
    let mut rows = grid.into_iter();
    let (_, headers) = rows.next().ok_or(FileError::Empty)?;
    let rows = rows
        .map(|(r, cells)| {
            (
                usize::try_from(r).unwrap_or(usize::MAX).saturating_add(1),
                cells,
            )
        })
        .collect();
    Ok(Table { headers, rows })
}

// ---------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------

/// A batch column, in the canonical order (the template's and the order
/// errors are sorted in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Nik,
    Kpj,
    FullName,
    TerminationDate,
    Reason,
    Email,
    Phone,
    BankCode,
    AccountNumber,
    AccountName,
    WorkStartDate,
}

impl Column {
    /// Every column, in canonical order.
    pub const ALL: [Column; 11] = [
        Column::Nik,
        Column::Kpj,
        Column::FullName,
        Column::TerminationDate,
        Column::Reason,
        Column::Email,
        Column::Phone,
        Column::BankCode,
        Column::AccountNumber,
        Column::AccountName,
        Column::WorkStartDate,
    ];

    /// The canonical header name (API.md).
    pub fn name(self) -> &'static str {
        match self {
            Column::Nik => "nik",
            Column::Kpj => "kpj",
            Column::FullName => "full_name",
            Column::TerminationDate => "termination_date",
            Column::Reason => "reason",
            Column::Email => "email",
            Column::Phone => "phone",
            Column::BankCode => "bank_code",
            Column::AccountNumber => "account_number",
            Column::AccountName => "account_name",
            Column::WorkStartDate => "work_start_date",
        }
    }

    /// The Indonesian header accepted as well.
    pub fn alias(self) -> Option<&'static str> {
        match self {
            Column::FullName => Some("nama"),
            Column::TerminationDate => Some("tanggal_phk"),
            Column::Reason => Some("alasan"),
            Column::Phone => Some("telepon"),
            Column::BankCode => Some("kode_bank"),
            Column::AccountNumber => Some("no_rekening"),
            Column::AccountName => Some("nama_rekening"),
            Column::WorkStartDate => Some("tanggal_mulai_kerja"),
            Column::Nik | Column::Kpj | Column::Email => None,
        }
    }

    /// Whether the column must be in the header row.
    pub fn required(self) -> bool {
        !matches!(self, Column::Email | Column::Phone | Column::WorkStartDate)
    }

    /// The column a header cell names, if any (see the module docs).
    pub fn from_header(header: &str) -> Option<Column> {
        let key = header_key(header);
        Column::ALL
            .into_iter()
            .find(|c| c.name() == key || c.alias() == Some(key.as_str()))
    }

    fn rank(self) -> usize {
        self as usize
    }
}

/// Lowercase, trimmed, runs of whitespace / `-` / `_` as one `_`.
fn header_key(header: &str) -> String {
    let lower = header.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let mut key = String::with_capacity(lower.len());
    let mut gap = false;
    for c in lower.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() || c == '-' || c == '_' {
            gap = true;
        } else {
            if gap && !key.is_empty() {
                key.push('_');
            }
            gap = false;
            key.push(c);
        }
    }
    key
}

/// Where each column is in the rows of a [`Table`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ColumnMap([Option<usize>; 11]);

impl ColumnMap {
    /// The cell index of `column`, if the file has it.
    pub fn index(&self, column: Column) -> Option<usize> {
        self.0[column.rank()]
    }
}

/// Map header cells to columns. Errors: one `duplicate_column` per header
/// naming an already-mapped column, one `missing_column` per required
/// column absent (whole-file errors, `row` None).
pub fn map_headers(headers: &[String]) -> Result<ColumnMap, Vec<RowError>> {
    let mut map = ColumnMap::default();
    let mut errors = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        let Some(column) = Column::from_header(header) else {
            continue;
        };
        if map.0[column.rank()].is_some() {
            errors.push(file_error(
                Some(column),
                "duplicate_column",
                shown_value(column, header),
            ));
        } else {
            map.0[column.rank()] = Some(i);
        }
    }
    for column in Column::ALL {
        if column.required() && map.index(column).is_none() {
            errors.push(file_error(Some(column), "missing_column", String::new()));
        }
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        sort_errors(&mut errors);
        Err(errors)
    }
}

// ---------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------

/// One problem in a batch. `row` is the file's line number (None for a
/// whole-file error), `column` the canonical column name (None for a
/// whole-row error), `code` the stable API code, `value` the cell as given
/// (masked for NIK and account number, cut to [`VALUE_MAX_CHARS`]) and
/// `detail` the message-catalog key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: Option<usize>,
    pub column: Option<&'static str>,
    pub code: &'static str,
    pub value: String,
    pub detail: &'static str,
}

/// A row that passed every check, in stored form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkerRow {
    /// Line number in the file.
    pub line: usize,
    /// 16 digits.
    pub nik: String,
    /// 11 digits.
    pub kpj: String,
    /// As written, whitespace collapsed.
    pub full_name: String,
    /// From the NIK.
    pub birth_date: NaiveDate,
    /// From the NIK: `male` / `female`.
    pub sex: &'static str,
    pub termination_date: NaiveDate,
    /// `termination`, `resignation` or `contract_end`.
    pub reason: &'static str,
    /// Lowercased.
    pub email: Option<String>,
    /// E.164 (`+628…`).
    pub phone: Option<String>,
    /// 3 digits, one of [`BANKS`].
    pub bank_code: String,
    /// 10–16 digits.
    pub account_number: String,
    /// As written, whitespace collapsed.
    pub account_name: String,
    pub work_start_date: Option<NaiveDate>,
}

/// The outcome of [`validate`]: `rows` data rows read, the valid ones, and
/// every error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Validated {
    pub rows: usize,
    pub valid: Vec<WorkerRow>,
    pub errors: Vec<RowError>,
}

impl Validated {
    /// Valid rows with reason `termination`: this batch's part of the
    /// eligibility count.
    pub fn laid_off(&self) -> u32 {
        let n = self
            .valid
            .iter()
            .filter(|w| w.reason == REASON_TERMINATION)
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

const REASON_TERMINATION: &str = "termination";

/// A bank accepted in the `bank_code` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Bank {
    /// 3-digit clearing code.
    pub code: &'static str,
    /// Short name as people write it.
    pub short: &'static str,
    /// Full name.
    pub name: &'static str,
}

/// Known bank codes: the five of DOMAIN.md and five more large banks.
pub const BANKS: &[Bank] = &[
    Bank {
        code: "002",
        short: "BRI",
        name: "Bank Rakyat Indonesia",
    },
    Bank {
        code: "008",
        short: "Mandiri",
        name: "Bank Mandiri",
    },
    Bank {
        code: "009",
        short: "BNI",
        name: "Bank Negara Indonesia",
    },
    Bank {
        code: "011",
        short: "Danamon",
        name: "Bank Danamon Indonesia",
    },
    Bank {
        code: "013",
        short: "Permata",
        name: "Bank Permata",
    },
    Bank {
        code: "014",
        short: "BCA",
        name: "Bank Central Asia",
    },
    Bank {
        code: "022",
        short: "CIMB Niaga",
        name: "Bank CIMB Niaga",
    },
    Bank {
        code: "200",
        short: "BTN",
        name: "Bank Tabungan Negara",
    },
    Bank {
        code: "213",
        short: "BTPN",
        name: "Bank BTPN (SMBC Indonesia)",
    },
    Bank {
        code: "451",
        short: "BSI",
        name: "Bank Syariah Indonesia",
    },
];

/// The bank with this 3-digit code.
pub fn bank(code: &str) -> Option<&'static Bank> {
    BANKS.iter().find(|b| b.code == code)
}

fn parse_bank(raw: &str) -> Result<&'static Bank, &'static str> {
    if raw.is_empty() {
        return Err("bank_empty");
    }
    if raw.chars().all(|c| c.is_ascii_digit()) {
        if raw.len() > 3 {
            return Err("bank_unknown");
        }
        return bank(&format!("{raw:0>3}")).ok_or("bank_unknown");
    }
    let key = person_name::normalize(raw);
    BANKS
        .iter()
        .find(|b| person_name::normalize(b.short) == key)
        .ok_or("bank_unknown")
}

fn parse_reason(raw: &str) -> Result<&'static str, &'static str> {
    if raw.is_empty() {
        return Err("reason_empty");
    }
    match header_key(raw).as_str() {
        "termination" | "phk" => Ok(REASON_TERMINATION),
        "resignation" | "resign" | "mengundurkan_diri" => Ok("resignation"),
        "contract_end" | "habis_kontrak" | "kontrak_berakhir" => Ok("contract_end"),
        _ => Err("reason_unknown"),
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DD` or `D/M/YYYY` (one or two digits for day and month).
fn parse_date(raw: &str) -> Result<NaiveDate, &'static str> {
    if raw.is_empty() {
        return Err("date_empty");
    }
    let (y, m, d) = if raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-' {
        let part = |r: std::ops::Range<usize>| raw.get(r).and_then(digits);
        (part(0..4), part(5..7), part(8..10))
    } else {
        let mut parts = raw.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(d), Some(m), Some(y), None)
                if (1..=2).contains(&d.len()) && (1..=2).contains(&m.len()) && y.len() == 4 =>
            {
                (digits(y), digits(m), digits(d))
            }
            _ => return Err("date_format"),
        }
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err("date_format");
    };
    let y = i32::try_from(y).map_err(|_| "date_format")?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or("date_not_real")
}

/// A number as Excel writes it in scientific notation: `3.17402E+15`.
fn is_scientific(raw: &str) -> bool {
    let Some((mantissa, exponent)) = raw.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let mantissa = mantissa.strip_prefix('-').unwrap_or(mantissa);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && all_digits(frac) && all_digits(exponent)
}

fn parse_account(raw: &str) -> Result<String, &'static str> {
    if raw.is_empty() {
        return Err("account_empty");
    }
    if is_scientific(raw) {
        return Err("excel_rounded_number");
    }
    let kept: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if kept.is_empty() || !kept.bytes().all(|b| b.is_ascii_digit()) {
        return Err("account_not_digits");
    }
    if !(ACCOUNT_MIN_LEN..=ACCOUNT_MAX_LEN).contains(&kept.len()) {
        return Err("account_length");
    }
    Ok(kept)
}

/// All but the last 4 characters as `*` (all of them when 4 or fewer).
fn mask_account(s: &str) -> String {
    let n = s.chars().count();
    if n <= 4 {
        return "*".repeat(n);
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < n - 4 { '*' } else { c })
        .collect()
}

/// The value shown in an error: masked for NIK and account number, cut.
fn shown_value(column: Column, raw: &str) -> String {
    let masked = match column {
        Column::Nik => nik::mask_str(raw),
        Column::AccountNumber => mask_account(raw),
        _ => raw.to_owned(),
    };
    if masked.chars().count() > VALUE_MAX_CHARS {
        let mut cut: String = masked.chars().take(VALUE_MAX_CHARS).collect();
        cut.push('…');
        cut
    } else {
        masked
    }
}

fn file_error(column: Option<Column>, code: &'static str, value: String) -> RowError {
    RowError {
        row: None,
        column: column.map(Column::name),
        code,
        value,
        detail: code,
    }
}

fn column_rank(name: Option<&str>) -> usize {
    name.and_then(|n| Column::ALL.iter().position(|c| c.name() == n))
        .map_or(0, |i| i + 1)
}

fn sort_errors(errors: &mut [RowError]) {
    errors.sort_by_key(|e| {
        (
            e.row.map_or(0, |r| r.saturating_add(1)),
            column_rank(e.column),
        )
    });
}

/// Errors of one row as they are found.
struct RowCheck<'a> {
    line: usize,
    cells: &'a [String],
    map: &'a ColumnMap,
    errors: Vec<RowError>,
}

impl<'a> RowCheck<'a> {
    fn get(&self, column: Column) -> &'a str {
        self.map
            .index(column)
            .and_then(|i| self.cells.get(i))
            .map_or("", |s| s.trim())
    }

    fn fail(&mut self, column: Column, code: &'static str, detail: &'static str) {
        let value = shown_value(column, self.get(column));
        self.errors.push(RowError {
            row: Some(self.line),
            column: Some(column.name()),
            code,
            value,
            detail,
        });
    }

    /// A parsed value, or the error recorded under `code`.
    fn check<T>(
        &mut self,
        column: Column,
        code: &'static str,
        result: Result<T, &'static str>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(detail) => {
                self.fail(column, code, detail);
                None
            }
        }
    }

    /// A domain parser's result, its error recorded with its own code.
    fn domain<T>(
        &mut self,
        column: Column,
        result: Result<T, crate::domain::Invalid>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(column, e.code, e.detail);
                None
            }
        }
    }

    /// A date column: real and not after `today`.
    fn date(&mut self, column: Column, raw: &str, today: NaiveDate) -> Option<NaiveDate> {
        let date = self.check(column, "invalid_date", parse_date(raw))?;
        if date > today {
            self.fail(column, "date_in_future", "date_in_future");
            return None;
        }
        Some(date)
    }
}

/// The identifier columns whose numbers Excel may have rounded.
fn rounded(raw: &str) -> Result<(), &'static str> {
    if is_scientific(raw) {
        Err("excel_rounded_number")
    } else {
        Ok(())
    }
}

/// Check every row of `table` (see the module docs). `today` is the
/// current date in Indonesia; it bounds the dates and decides the century
/// of NIK birth years.
pub fn validate(table: &Table, today: NaiveDate) -> Validated {
    let rows = table.rows.len();
    let map = match map_headers(&table.headers) {
        Ok(map) => map,
        Err(errors) => {
            return Validated {
                rows,
                valid: Vec::new(),
                errors,
            }
        }
    };
    if rows == 0 {
        return Validated {
            rows,
            valid: Vec::new(),
            errors: vec![file_error(None, "no_rows", String::new())],
        };
    }

    let mut seen_nik: HashSet<&str> = HashSet::with_capacity(rows);
    let mut seen_kpj: HashSet<&str> = HashSet::with_capacity(rows);
    let mut valid = Vec::with_capacity(rows);
    let mut errors = Vec::new();

    for (line, cells) in &table.rows {
        let mut row = RowCheck {
            line: *line,
            cells,
            map: &map,
            errors: Vec::new(),
        };

        let raw = row.get(Column::Nik);
        let nik = match row.check(Column::Nik, "invalid_nik", rounded(raw)) {
            Some(()) => row.domain(Column::Nik, nik::parse(raw, today)),
            None => None,
        };
        // Keyed by the trimmed cell, which is the parsed digits.
        if nik.is_some() && !seen_nik.insert(raw) {
            row.fail(Column::Nik, "duplicate_nik", "duplicate_nik");
        }

        let raw = row.get(Column::Kpj);
        let kpj = match row.check(Column::Kpj, "invalid_kpj", rounded(raw)) {
            Some(()) => row.domain(Column::Kpj, kpj::parse(raw)),
            None => None,
        };
        if kpj.is_some() && !seen_kpj.insert(raw) {
            row.fail(Column::Kpj, "duplicate_kpj", "duplicate_kpj");
        }

        let full_name = row.domain(
            Column::FullName,
            person_name::parse(row.get(Column::FullName), "full_name"),
        );

        let termination_date = row.date(
            Column::TerminationDate,
            row.get(Column::TerminationDate),
            today,
        );

        let reason = row.check(
            Column::Reason,
            "invalid_reason",
            parse_reason(row.get(Column::Reason)),
        );

        let raw = row.get(Column::Email);
        let email = if raw.is_empty() {
            Some(None)
        } else {
            row.domain(Column::Email, email::parse(raw))
                .map(|e| Some(e.into_string()))
        };

        let raw = row.get(Column::Phone);
        let phone = if raw.is_empty() {
            Some(None)
        } else {
            match row.check(Column::Phone, "invalid_phone", rounded(raw)) {
                Some(()) => row
                    .domain(Column::Phone, phone::parse(raw))
                    .map(|p| Some(p.into_string())),
                None => None,
            }
        };

        let bank = row.check(
            Column::BankCode,
            "unknown_bank",
            parse_bank(row.get(Column::BankCode)),
        );

        let account_number = row.check(
            Column::AccountNumber,
            "invalid_account",
            parse_account(row.get(Column::AccountNumber)),
        );

        let mut account_name = row.domain(
            Column::AccountName,
            person_name::parse(row.get(Column::AccountName), "account_name"),
        );
        if let (Some(worker), Some(holder)) = (&full_name, &account_name) {
            if !person_name::names_match(worker.as_str(), holder.as_str()) {
                row.fail(
                    Column::AccountName,
                    "account_name_mismatch",
                    "account_name_mismatch",
                );
                account_name = None;
            }
        }

        let raw = row.get(Column::WorkStartDate);
        let work_start_date = if raw.is_empty() {
            Some(None)
        } else {
            match row.date(Column::WorkStartDate, raw, today) {
                Some(start) if termination_date.is_some_and(|end| start > end) => {
                    row.fail(
                        Column::WorkStartDate,
                        "work_start_after_termination",
                        "work_start_after_termination",
                    );
                    None
                }
                Some(start) => Some(Some(start)),
                None => None,
            }
        };

        if !row.errors.is_empty() {
            errors.append(&mut row.errors);
            continue;
        }
        if let (
            Some((nik, info)),
            Some(kpj),
            Some(full_name),
            Some(termination_date),
            Some(reason),
            Some(email),
            Some(phone),
            Some(bank),
            Some(account_number),
            Some(account_name),
            Some(work_start_date),
        ) = (
            nik,
            kpj,
            full_name,
            termination_date,
            reason,
            email,
            phone,
            bank,
            account_number,
            account_name,
            work_start_date,
        ) {
            valid.push(WorkerRow {
                line: *line,
                nik: nik.into_string(),
                kpj: kpj.into_string(),
                full_name: full_name.into_string(),
                birth_date: info.birth_date,
                sex: info.sex.as_str(),
                termination_date,
                reason,
                email,
                phone,
                bank_code: bank.code.to_owned(),
                account_number,
                account_name: account_name.into_string(),
                work_start_date,
            });
        }
    }
    sort_errors(&mut errors);
    Validated {
        rows,
        valid,
        errors,
    }
}

// ---------------------------------------------------------------------------
// Eligibility
// ---------------------------------------------------------------------------

/// BPS business size class by number of workers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SizeClass {
    /// 1–4 workers (and 0).
    Micro,
    /// 5–19 workers.
    Small,
    /// 20–99 workers.
    Medium,
    /// 100 or more.
    Large,
}

impl SizeClass {
    /// Stable code: `micro`, `small`, `medium`, `large`.
    pub fn code(self) -> &'static str {
        match self {
            SizeClass::Micro => "micro",
            SizeClass::Small => "small",
            SizeClass::Medium => "medium",
            SizeClass::Large => "large",
        }
    }

    /// Whether the class may file collective claims (medium or large).
    pub fn may_file_collectively(self) -> bool {
        self >= SizeClass::Medium
    }
}

/// The BPS size class of a company with `headcount` workers (0 counts as
/// micro).
pub fn size_class(headcount: u32) -> SizeClass {
    match headcount {
        0..=4 => SizeClass::Micro,
        5..=19 => SizeClass::Small,
        20..=99 => SizeClass::Medium,
        _ => SizeClass::Large,
    }
}

/// Whether a company may file collectively (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    pub headcount: u32,
    pub laid_off: u32,
    /// The fewest laid-off workers that reach 30%.
    pub required: u32,
    /// Medium or large company.
    pub size_ok: bool,
    /// At least 30% laid off.
    pub share_ok: bool,
    pub eligible: bool,
}

/// The 30% rule for `laid_off` of `headcount` registered workers.
pub fn eligibility(headcount: u32, laid_off: u32) -> Eligibility {
    let h = u64::from(headcount);
    let l = u64::from(laid_off);
    let pct = u64::from(MIN_SHARE_PERCENT);
    // ceil(h * 30 / 100) <= h, so it fits a u32.
    let required = u32::try_from((h * pct).div_ceil(100)).unwrap_or(u32::MAX);
    let size_ok = size_class(headcount).may_file_collectively();
    let share_ok = l * 100 >= h * pct;
    Eligibility {
        headcount,
        laid_off,
        required,
        size_ok,
        share_ok,
        eligible: size_ok && share_ok,
    }
}

/// The figure in words: "27 dari 100 pekerja = 27%; minimal 30 diperlukan"
/// / "27 of 100 workers = 27%; at least 30 are needed" (percent rounded
/// down), followed by the size rule when the company is too small.
pub fn explain(e: &Eligibility, lang_is_id: bool) -> String {
    let percent = if e.headcount == 0 {
        0
    } else {
        u64::from(e.laid_off) * 100 / u64::from(e.headcount)
    };
    let mut s = if lang_is_id {
        format!(
            "{} dari {} pekerja = {percent}%; minimal {} diperlukan",
            e.laid_off, e.headcount, e.required
        )
    } else {
        format!(
            "{} of {} worker{} = {percent}%; at least {} {} needed",
            e.laid_off,
            e.headcount,
            if e.headcount == 1 { "" } else { "s" },
            e.required,
            if e.required == 1 { "is" } else { "are" }
        )
    };
    if !e.size_ok {
        s.push_str(if lang_is_id {
            "; klaim kolektif hanya untuk perusahaan menengah atau besar (minimal 20 pekerja terdaftar)"
        } else {
            "; collective claims are only for medium or large companies (at least 20 registered workers)"
        });
    }
    s
}

// ---------------------------------------------------------------------------
// Fingerprint and downloads
// ---------------------------------------------------------------------------

/// SHA-256 of the file bytes, lowercase hex: finds a re-uploaded file.
pub fn fingerprint(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// One CSV field: quoted when it holds a delimiter (`,` or `;`), a quote,
/// a line break or surrounding whitespace; quotes doubled.
fn csv_field(s: &str) -> String {
    let needs_quotes = s.contains([',', ';', '"', '\n', '\r'])
        || s.starts_with(char::is_whitespace)
        || s.ends_with(char::is_whitespace);
    if needs_quotes {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// A field that came from a user, made harmless for spreadsheets: a leading
/// `=`, `+`, `-`, `@`, tab or carriage return (a formula to Excel) gets a `'`.
fn csv_user_field(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        csv_field(&format!("'{s}"))
    } else {
        csv_field(s)
    }
}

fn csv_line(fields: &[String]) -> String {
    let mut line = fields.join(",");
    line.push_str("\r\n");
    line
}

/// The downloadable template: the canonical header row and one example
/// row of a fictional worker that passes [`validate`]. Comma-separated,
/// CRLF line ends, no byte-order mark.
pub fn template_csv() -> String {
    let header: Vec<String> = Column::ALL.iter().map(|c| c.name().to_owned()).collect();
    let example = [
        "3174015508900012",
        "23012345678",
        "Siti Nurhaliza",
        "2025-09-30",
        "termination",
        "siti.nurhaliza@example.com",
        "081234567890",
        "014",
        "1234567890",
        "SITI NURHALIZA",
        "2018-03-01",
    ];
    let example: Vec<String> = example.iter().map(|s| csv_field(s)).collect();
    let mut out = csv_line(&header);
    out.push_str(&csv_line(&example));
    out
}

/// The error report as CSV: a header (`baris,kolom,nilai,pesan` in
/// Indonesian, `row,column,value,message` in English), then one line per
/// error: the line number (blank for a whole-file error), the canonical
/// column (blank for a whole-row error), the value as in [`RowError`] and
/// `message(detail)`. Quoted as needed; values and messages that Excel
/// would take for a formula get a leading `'`. CRLF line ends, no
/// byte-order mark (prepend `\u{feff}` when serving it to Excel users).
pub fn error_report_csv(
    errors: &[RowError],
    lang_is_id: bool,
    message: impl Fn(&str) -> String,
) -> String {
    let header = if lang_is_id {
        ["baris", "kolom", "nilai", "pesan"]
    } else {
        ["row", "column", "value", "message"]
    };
    let mut out = csv_line(&header.map(str::to_owned));
    for e in errors {
        out.push_str(&csv_line(&[
            e.row.map(|r| r.to_string()).unwrap_or_default(),
            e.column.unwrap_or_default().to_owned(),
            csv_user_field(&e.value),
            csv_user_field(&message(e.detail)),
        ]));
    }
    out
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn today() -> NaiveDate {
        d(2026, 11, 21)
    }

    const HEADER: &str = "nik,kpj,full_name,termination_date,reason,email,phone,bank_code,account_number,account_name,work_start_date";
    const GOOD: &str = "3174015508900012,23012345678,Siti Nurhaliza,2025-09-30,termination,siti@example.com,081234567890,014,1234567890,SITI NURHALIZA,2018-03-01";

    fn csv_of(lines: &[&str]) -> Vec<u8> {
        let mut s = lines.join("\n");
        s.push('\n');
        s.into_bytes()
    }

    fn check(bytes: &[u8]) -> Validated {
        let table = read_rows(bytes, "batch.csv", 100).unwrap();
        validate(&table, today())
    }

    /// The good row with one column replaced.
    fn row_with(column: Column, value: &str) -> String {
        let mut cells: Vec<String> = GOOD.split(',').map(str::to_owned).collect();
        cells[column.rank()] = csv_field(value);
        cells.join(",")
    }

    /// The errors of a one-row batch whose `column` holds `value`.
    fn errors_for(column: Column, value: &str) -> Vec<RowError> {
        check(&csv_of(&[HEADER, &row_with(column, value)])).errors
    }

    fn one_error(column: Column, value: &str) -> RowError {
        let errors = errors_for(column, value);
        assert_eq!(errors.len(), 1, "{column:?} = {value:?}: {errors:?}");
        let e = errors.into_iter().next().unwrap();
        assert_eq!(e.row, Some(2));
        assert_eq!(e.column, Some(column.name()));
        e
    }

    fn expect(column: Column, value: &str, code: &str, detail: &str, shown: &str) {
        let e = one_error(column, value);
        assert_eq!(
            (e.code, e.detail, e.value.as_str()),
            (code, detail, shown),
            "{column:?} = {value:?}"
        );
    }

    // ---- reading -------------------------------------------------------

    #[test]
    fn good_row_is_valid() {
        let v = check(&csv_of(&[HEADER, GOOD]));
        assert_eq!(v.errors, vec![]);
        assert_eq!(v.rows, 1);
        let w = &v.valid[0];
        assert_eq!(w.line, 2);
        assert_eq!(w.nik, "3174015508900012");
        assert_eq!(w.kpj, "23012345678");
        assert_eq!(w.full_name, "Siti Nurhaliza");
        assert_eq!(w.birth_date, d(1990, 8, 15));
        assert_eq!(w.sex, "female");
        assert_eq!(w.termination_date, d(2025, 9, 30));
        assert_eq!(w.reason, "termination");
        assert_eq!(w.email.as_deref(), Some("siti@example.com"));
        assert_eq!(w.phone.as_deref(), Some("+6281234567890"));
        assert_eq!(w.bank_code, "014");
        assert_eq!(w.account_number, "1234567890");
        assert_eq!(w.account_name, "SITI NURHALIZA");
        assert_eq!(w.work_start_date, Some(d(2018, 3, 1)));
        assert_eq!(v.laid_off(), 1);
    }

    #[test]
    fn bom_and_semicolons() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(
            "NIK;KPJ;Full_Name;Termination_Date;Reason;Bank_Code;Account_Number;Account_Name\r\n\
             3174015508900012;23012345678;Siti, Nurhaliza;30/09/2025;PHK;14;1234-5678-90;Siti Nurhaliza\r\n"
                .as_bytes(),
        );
        let table = read_rows(&bytes, "Batch.CSV", 10).unwrap();
        assert_eq!(table.headers[0], "NIK");
        assert_eq!(table.rows[0].1[2], "Siti, Nurhaliza");
        let v = validate(&table, today());
        assert_eq!(v.errors, vec![]);
        let w = &v.valid[0];
        assert_eq!(w.termination_date, d(2025, 9, 30));
        assert_eq!(w.reason, "termination");
        assert_eq!(w.bank_code, "014");
        assert_eq!(w.account_number, "1234567890");
        assert_eq!(
            (w.email.clone(), w.phone.clone(), w.work_start_date),
            (None, None, None)
        );
        assert_eq!(w.full_name, "Siti, Nurhaliza");
    }

    #[test]
    fn excel_quoted_fields() {
        let bytes = csv_of(&[
            HEADER,
            // Quoted delimiter, doubled quote, quoted line break, quoted spaces.
            "\"3174015508900012\",\"23012345678\",\"Nur'aini, S.E.\",\"2025-09-30\",termination,,\"\",014,\"1234567890\",\"NURAINI SE\",",
            "3174015508900020,23012345679,\"Budi \"\"Bob\"\" Santoso\",2025-09-30,termination,,,014,1234567890,Budi Santoso,",
            "3174011508900031,23012345680,\"Agus\nSalim\",2025-09-30,resignation,,,014,1234567890,Agus Salim,",
            "3174011508900048,23012345681,Joko,2025-09-30,contract_end,,,014,1234567890,Joko,",
        ]);
        let table = read_rows(&bytes, "b.csv", 10).unwrap();
        assert_eq!(table.rows[1].1[2], "Budi \"Bob\" Santoso");
        assert_eq!(table.rows[2].1[2], "Agus\nSalim");
        // The record after the quoted line break starts on line 6.
        let lines: Vec<usize> = table.rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![2, 3, 4, 6]);
        let v = validate(&table, today());
        assert_eq!(v.valid.len(), 3, "{:?}", v.errors);
        assert_eq!(v.valid[0].full_name, "Nur'aini, S.E.");
        assert_eq!(v.valid[1].full_name, "Agus Salim");
        assert_eq!(v.errors.len(), 1);
        assert_eq!(
            (v.errors[0].row, v.errors[0].code, v.errors[0].detail),
            (Some(3), "invalid_name", "name_bad_characters")
        );
        assert_eq!(v.laid_off(), 1);
    }

    #[test]
    fn indonesian_headers_any_order_and_unknown_columns() {
        let bytes = csv_of(&[
            "No; Nama ;NIK;KPJ;Tanggal PHK;ALASAN;Kode_Bank;No_Rekening;Nama_Rekening;Telepon;Tanggal-Mulai-Kerja;Catatan",
            "1;Siti Nurhaliza;3174015508900012;23012345678;30/9/2025;phk;002;123456789012345;Siti Nurhaliza;+62 812 3456 7890;1/3/2018;ok",
        ]);
        let v = check(&bytes);
        assert_eq!(v.errors, vec![]);
        let w = &v.valid[0];
        assert_eq!(w.bank_code, "002");
        assert_eq!(w.phone.as_deref(), Some("+6281234567890"));
        assert_eq!(w.work_start_date, Some(d(2018, 3, 1)));
        assert_eq!(w.email, None);
    }

    #[test]
    fn blank_rows_skipped_line_numbers_kept() {
        let bytes = csv_of(&["", HEADER, "", ",,,,,,,,,,", GOOD, "  ,  "]);
        let table = read_rows(&bytes, "b.csv", 1).unwrap();
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].0, 5);
        let v = validate(&table, today());
        assert_eq!(v.valid[0].line, 5);
    }

    #[test]
    fn short_rows_padded() {
        let bytes = csv_of(&[HEADER, "3174015508900012,23012345678"]);
        let v = check(&bytes);
        let codes: Vec<(&str, &str)> = v
            .errors
            .iter()
            .map(|e| (e.column.unwrap(), e.detail))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("full_name", "name_empty"),
                ("termination_date", "date_empty"),
                ("reason", "reason_empty"),
                ("bank_code", "bank_empty"),
                ("account_number", "account_empty"),
                ("account_name", "name_empty"),
            ]
        );
    }

    #[test]
    fn file_types() {
        assert_eq!(
            read_rows(b"%PDF-1.7", "batch.pdf", 10),
            Err(FileError::UnsupportedType)
        );
        assert_eq!(
            read_rows(b"x", "batch.xls", 10),
            Err(FileError::UnsupportedType)
        );
        assert_eq!(read_rows(b"", "batch.csv", 10), Err(FileError::Empty));
        assert_eq!(
            read_rows(b"\xEF\xBB\xBF", "batch.csv", 10),
            Err(FileError::Empty)
        );
        assert_eq!(
            read_rows(b"\r\n \n;;\n", "batch.csv", 10),
            Err(FileError::Empty)
        );
        assert_eq!(read_rows(b"", "batch.xlsx", 10), Err(FileError::Empty));
        assert_eq!(
            read_rows(b"nik,kpj\n", "batch.xlsx", 10),
            Err(FileError::BadSpreadsheet)
        );
        assert_eq!(
            read_rows(b"PK\x03\x04garbage", "batch.xlsx", 10),
            Err(FileError::BadSpreadsheet)
        );
        // No extension: by content.
        assert!(read_rows(&csv_of(&[HEADER, GOOD]), "upload", 10).is_ok());
        assert_eq!(
            read_rows(b"PK\x03\x04garbage", "upload", 10),
            Err(FileError::BadSpreadsheet)
        );
        // A directory in the name does not confuse the extension.
        assert!(read_rows(&csv_of(&[HEADER, GOOD]), "C:\\x.y\\batch.txt", 10).is_ok());
    }

    #[test]
    fn binary_file_named_csv() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
        assert_eq!(read_rows(png, "batch.csv", 10), Err(FileError::NotText));
        // Windows-1252 "é" is not UTF-8.
        assert_eq!(
            read_rows(b"nik,full_name\n1,Jos\xe9\n", "batch.csv", 10),
            Err(FileError::NotText)
        );
        // UTF-16 with BOM (Excel "Unicode text").
        assert_eq!(
            read_rows(b"\xff\xfen\0i\0k\0", "batch.csv", 10),
            Err(FileError::NotText)
        );
        let e = FileError::NotText;
        assert_eq!(
            (e.code(), e.detail(), e.http_status()),
            ("not_text", "batch_not_text", 422)
        );
    }

    #[test]
    fn too_many_rows() {
        let mut lines = vec![HEADER.to_owned()];
        for _ in 0..4 {
            lines.push(GOOD.to_owned());
        }
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let bytes = csv_of(&refs);
        assert!(read_rows(&bytes, "b.csv", 4).is_ok());
        let e = read_rows(&bytes, "b.csv", 3).unwrap_err();
        assert_eq!(e, FileError::TooManyRows { max: 3 });
        assert_eq!(e.code(), "too_many_rows");
        assert_eq!(e.http_status(), 413);
        assert_eq!(e.to_string(), "too_many_rows (max 3)");
    }

    #[test]
    fn missing_and_duplicate_columns() {
        let bytes = csv_of(&[
            "nik,nama,full_name,termination_date,reason,bank_code,account_number,notes",
            GOOD,
        ]);
        let v = check(&bytes);
        assert!(v.valid.is_empty());
        assert_eq!(v.rows, 1);
        let got: Vec<(Option<usize>, Option<&str>, &str, &str)> = v
            .errors
            .iter()
            .map(|e| (e.row, e.column, e.code, e.value.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (None, Some("kpj"), "missing_column", ""),
                (None, Some("full_name"), "duplicate_column", "full_name"),
                (None, Some("account_name"), "missing_column", ""),
            ]
        );
        assert!(v.errors.iter().all(|e| e.detail == e.code));
        // Optional columns may be missing.
        let bytes = csv_of(&[
            "nik,kpj,nama,tanggal_phk,alasan,kode_bank,no_rekening,nama_rekening",
            "3174015508900012,23012345678,Siti,2025-09-30,phk,014,1234567890,Siti",
        ]);
        assert_eq!(check(&bytes).errors, vec![]);
    }

    #[test]
    fn header_only_is_no_rows() {
        let v = check(&csv_of(&[HEADER]));
        assert_eq!(v.rows, 0);
        assert_eq!(v.errors.len(), 1);
        assert_eq!(
            (v.errors[0].row, v.errors[0].column, v.errors[0].code),
            (None, None, "no_rows")
        );
    }

    // ---- every column's bad values --------------------------------------

    #[test]
    fn bad_nik() {
        let c = Column::Nik;
        expect(c, "", "invalid_nik", "nik_empty", "");
        expect(
            c,
            "317401550890001",
            "invalid_nik",
            "nik_length",
            "317401*****0001",
        );
        expect(
            c,
            "3174015508900012X",
            "invalid_nik",
            "nik_not_digits",
            "317401*******012X",
        );
        expect(
            c,
            "0074015508900012",
            "invalid_nik",
            "nik_bad_province",
            "007401******0012",
        );
        expect(
            c,
            "3174013508900012",
            "invalid_nik",
            "nik_bad_birth_date",
            "317401******0012",
        );
        expect(
            c,
            "3174015508900000",
            "invalid_nik",
            "nik_bad_serial",
            "317401******0000",
        );
        expect(
            c,
            "3.17402E+15",
            "invalid_nik",
            "excel_rounded_number",
            "3.1740*E+15",
        );
        expect(c, "1234", "invalid_nik", "nik_length", "****");
    }

    #[test]
    fn bad_kpj() {
        let c = Column::Kpj;
        expect(c, "", "invalid_kpj", "kpj_empty", "");
        expect(c, "2301234567", "invalid_kpj", "kpj_length", "2301234567");
        expect(
            c,
            "2301234567A",
            "invalid_kpj",
            "kpj_not_digits",
            "2301234567A",
        );
        expect(
            c,
            "2.30123E+10",
            "invalid_kpj",
            "excel_rounded_number",
            "2.30123E+10",
        );
    }

    #[test]
    fn bad_full_name() {
        let c = Column::FullName;
        // The account name then no longer has a valid name to match.
        expect(c, "", "invalid_name", "name_empty", "");
        expect(c, "S", "invalid_name", "name_too_short", "S");
        expect(c, "Siti 2", "invalid_name", "name_bad_characters", "Siti 2");
        expect(c, "--", "invalid_name", "name_no_letters", "--");
        let long = "a".repeat(101);
        let e = one_error(c, &long);
        assert_eq!(e.detail, "name_too_long");
        assert_eq!(e.value, format!("{}…", "a".repeat(VALUE_MAX_CHARS)));
    }

    #[test]
    fn bad_termination_date() {
        let c = Column::TerminationDate;
        expect(c, "", "invalid_date", "date_empty", "");
        expect(c, "30-09-2025", "invalid_date", "date_format", "30-09-2025");
        expect(c, "2025/09/30", "invalid_date", "date_format", "2025/09/30");
        expect(c, "30/09/25", "invalid_date", "date_format", "30/09/25");
        expect(c, "9/30/2025", "invalid_date", "date_not_real", "9/30/2025");
        expect(
            c,
            "2025-02-29",
            "invalid_date",
            "date_not_real",
            "2025-02-29",
        );
        expect(
            c,
            "31/04/2025",
            "invalid_date",
            "date_not_real",
            "31/04/2025",
        );
        expect(c, "2025-9-30", "invalid_date", "date_format", "2025-9-30");
        expect(
            c,
            "2026-11-22",
            "date_in_future",
            "date_in_future",
            "2026-11-22",
        );
        expect(
            c,
            "22/11/2026",
            "date_in_future",
            "date_in_future",
            "22/11/2026",
        );
        // Today is fine; a leap day is fine.
        assert_eq!(errors_for(c, "21/11/2026"), vec![]);
        assert_eq!(errors_for(c, "29/02/2024"), vec![]);
    }

    #[test]
    fn bad_reason() {
        let c = Column::Reason;
        expect(c, "", "invalid_reason", "reason_empty", "");
        expect(
            c,
            "retirement",
            "invalid_reason",
            "reason_unknown",
            "retirement",
        );
        expect(c, "pensiun", "invalid_reason", "reason_unknown", "pensiun");
        for (given, code) in [
            ("Termination", "termination"),
            (" PHK ", "termination"),
            ("resignation", "resignation"),
            ("Mengundurkan diri", "resignation"),
            ("contract-end", "contract_end"),
            ("Contract End", "contract_end"),
            ("habis kontrak", "contract_end"),
        ] {
            let v = check(&csv_of(&[HEADER, &row_with(c, given)]));
            assert_eq!(v.valid[0].reason, code, "{given}");
        }
    }

    #[test]
    fn bad_email() {
        let c = Column::Email;
        expect(c, "siti@", "invalid_email", "email_bad_domain", "siti@");
        expect(
            c,
            "siti example.com",
            "invalid_email",
            "email_whitespace",
            "siti example.com",
        );
        expect(
            c,
            "siti.example.com",
            "invalid_email",
            "email_at_sign",
            "siti.example.com",
        );
        let v = check(&csv_of(&[HEADER, &row_with(c, " ")]));
        assert_eq!(v.valid[0].email, None);
    }

    #[test]
    fn bad_phone() {
        let c = Column::Phone;
        expect(
            c,
            "021-5551234",
            "invalid_phone",
            "phone_not_mobile",
            "021-5551234",
        );
        expect(
            c,
            "81234567890",
            "invalid_phone",
            "phone_not_indonesian",
            "81234567890",
        );
        expect(c, "0812", "invalid_phone", "phone_length", "0812");
        expect(
            c,
            "0812 ABC",
            "invalid_phone",
            "phone_bad_characters",
            "0812 ABC",
        );
        expect(
            c,
            "8.12346E+11",
            "invalid_phone",
            "excel_rounded_number",
            "8.12346E+11",
        );
        let v = check(&csv_of(&[HEADER, &row_with(c, "")]));
        assert_eq!(v.valid[0].phone, None);
    }

    #[test]
    fn bad_bank_code() {
        let c = Column::BankCode;
        expect(c, "", "unknown_bank", "bank_empty", "");
        expect(c, "999", "unknown_bank", "bank_unknown", "999");
        expect(c, "0014", "unknown_bank", "bank_unknown", "0014");
        expect(
            c,
            "Bank Antah",
            "unknown_bank",
            "bank_unknown",
            "Bank Antah",
        );
        for (given, code) in [
            ("2", "002"),
            ("008", "008"),
            ("9", "009"),
            ("BCA", "014"),
            ("bri", "002"),
            ("CIMB Niaga", "022"),
            ("451", "451"),
            ("200", "200"),
            ("213", "213"),
            ("11", "011"),
            ("013", "013"),
        ] {
            let v = check(&csv_of(&[HEADER, &row_with(c, given)]));
            assert_eq!(v.valid[0].bank_code, code, "{given}");
            assert!(bank(code).is_some());
        }
    }

    #[test]
    fn bad_account_number() {
        let c = Column::AccountNumber;
        expect(c, "", "invalid_account", "account_empty", "");
        expect(
            c,
            "123456789",
            "invalid_account",
            "account_length",
            "*****6789",
        );
        expect(
            c,
            "12345678901234567",
            "invalid_account",
            "account_length",
            "*************4567",
        );
        expect(
            c,
            "12345678AB",
            "invalid_account",
            "account_not_digits",
            "******78AB",
        );
        expect(c, "---", "invalid_account", "account_not_digits", "***");
        expect(
            c,
            "123.456.7890",
            "invalid_account",
            "account_not_digits",
            "********7890",
        );
        expect(
            c,
            "1.23457E+12",
            "invalid_account",
            "excel_rounded_number",
            "*******E+12",
        );
        expect(c, "12", "invalid_account", "account_length", "**");
        for ok in [
            "0123456789",
            "1234567890123456",
            "0123-01-012345-50-1",
            "123 456 7890",
        ] {
            assert_eq!(errors_for(c, ok), vec![], "{ok}");
        }
    }

    #[test]
    fn bad_account_name() {
        let c = Column::AccountName;
        expect(c, "", "invalid_name", "name_empty", "");
        expect(
            c,
            "PT Maju 2",
            "invalid_name",
            "name_bad_characters",
            "PT Maju 2",
        );
        expect(
            c,
            "Siti Nur Haliza",
            "account_name_mismatch",
            "account_name_mismatch",
            "Siti Nur Haliza",
        );
        expect(
            c,
            "SITI NURHALIZA SE",
            "account_name_mismatch",
            "account_name_mismatch",
            "SITI NURHALIZA SE",
        );
        assert_eq!(errors_for(c, "  siti   NURHALIZA "), vec![]);
        // With an invalid worker name the mismatch is not reported.
        let mut row: Vec<String> = GOOD.split(',').map(str::to_owned).collect();
        row[Column::FullName.rank()] = "X".into();
        row[Column::AccountName.rank()] = "Someone Else".into();
        let v = check(&csv_of(&[HEADER, &row.join(",")]));
        assert_eq!(v.errors.len(), 1);
        assert_eq!(v.errors[0].column, Some("full_name"));
    }

    #[test]
    fn bad_work_start_date() {
        let c = Column::WorkStartDate;
        expect(c, "kemarin", "invalid_date", "date_format", "kemarin");
        expect(
            c,
            "30/02/2018",
            "invalid_date",
            "date_not_real",
            "30/02/2018",
        );
        expect(
            c,
            "2027-01-01",
            "date_in_future",
            "date_in_future",
            "2027-01-01",
        );
        expect(
            c,
            "2025-10-01",
            "work_start_after_termination",
            "work_start_after_termination",
            "2025-10-01",
        );
        assert_eq!(errors_for(c, "2025-09-30"), vec![]);
        // No termination date: no comparison, only the termination error.
        let mut row: Vec<String> = GOOD.split(',').map(str::to_owned).collect();
        row[Column::TerminationDate.rank()] = "x".into();
        row[c.rank()] = "2026-01-01".into();
        let v = check(&csv_of(&[HEADER, &row.join(",")]));
        assert_eq!(v.errors.len(), 1);
        assert_eq!(v.errors[0].column, Some("termination_date"));
    }

    #[test]
    fn several_errors_in_one_row_sorted_by_column() {
        let bad = "3174015508900000,1,S,2027-01-01,x,a@,0,999,1,X,2028-01-01";
        let v = check(&csv_of(&[
            HEADER,
            GOOD,
            bad,
            "3174015508900012,23012345678,X,,,,,,,,",
        ]));
        let got: Vec<(Option<usize>, &str, &str)> = v
            .errors
            .iter()
            .map(|e| (e.row, e.column.unwrap(), e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(3), "nik", "invalid_nik"),
                (Some(3), "kpj", "invalid_kpj"),
                (Some(3), "full_name", "invalid_name"),
                (Some(3), "termination_date", "date_in_future"),
                (Some(3), "reason", "invalid_reason"),
                (Some(3), "email", "invalid_email"),
                (Some(3), "phone", "invalid_phone"),
                (Some(3), "bank_code", "unknown_bank"),
                (Some(3), "account_number", "invalid_account"),
                (Some(3), "account_name", "invalid_name"),
                (Some(3), "work_start_date", "date_in_future"),
                (Some(4), "nik", "duplicate_nik"),
                (Some(4), "kpj", "duplicate_kpj"),
                (Some(4), "full_name", "invalid_name"),
                (Some(4), "termination_date", "invalid_date"),
                (Some(4), "reason", "invalid_reason"),
                (Some(4), "bank_code", "unknown_bank"),
                (Some(4), "account_number", "invalid_account"),
                (Some(4), "account_name", "invalid_name"),
            ]
        );
        assert_eq!(v.valid.len(), 1);
        assert_eq!(v.rows, 3);
    }

    #[test]
    fn duplicates_inside_the_batch() {
        let other_nik_same_kpj = "3174011508900031,23012345678,Agus Salim,2025-09-30,termination,,,014,1234567890,Agus Salim,";
        let same_nik_other_kpj = "3174015508900012,23099999999,Siti Nurhaliza,2025-09-30,termination,,,014,1234567890,Siti Nurhaliza,";
        let v = check(&csv_of(&[
            HEADER,
            GOOD,
            other_nik_same_kpj,
            same_nik_other_kpj,
            GOOD,
        ]));
        let got: Vec<(Option<usize>, &str, &str)> = v
            .errors
            .iter()
            .map(|e| (e.row, e.code, e.value.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(3), "duplicate_kpj", "23012345678"),
                (Some(4), "duplicate_nik", "317401******0012"),
                (Some(5), "duplicate_nik", "317401******0012"),
                (Some(5), "duplicate_kpj", "23012345678"),
            ]
        );
        assert_eq!(v.valid.len(), 1);
        assert_eq!(v.valid[0].line, 2);
        // Surrounding spaces do not hide a duplicate.
        let spaced = format!(" {GOOD}").replace(",23012345678,", ", 23012345678 ,");
        let v = check(&csv_of(&[HEADER, GOOD, &spaced]));
        assert_eq!(v.errors.len(), 2, "{:?}", v.errors);
    }

    // ---- eligibility ----------------------------------------------------

    #[test]
    fn eligibility_boundaries() {
        let e = eligibility(19, 19);
        assert!(!e.size_ok && e.share_ok && !e.eligible);
        let e = eligibility(20, 6);
        assert!(e.size_ok && e.share_ok && e.eligible);
        assert_eq!(e.required, 6);
        let e = eligibility(20, 5);
        assert!(!e.share_ok && !e.eligible);
        let e = eligibility(100, 29);
        assert!(e.size_ok && !e.share_ok && !e.eligible);
        assert_eq!(e.required, 30);
        let e = eligibility(100, 30);
        assert!(e.size_ok && e.share_ok && e.eligible);
        let e = eligibility(10, 3);
        assert!(!e.size_ok && e.share_ok && !e.eligible);
        assert_eq!(e.required, 3);
        // ceil: 30% of 21 is 6.3, so 7.
        assert_eq!(eligibility(21, 7).required, 7);
        assert!(!eligibility(21, 6).share_ok);
        assert!(eligibility(21, 7).eligible);
        // No overflow at the top.
        let e = eligibility(u32::MAX, u32::MAX);
        assert!(e.eligible);
        assert_eq!(
            u64::from(e.required),
            (u64::from(u32::MAX) * 30).div_ceil(100)
        );
        let e = eligibility(0, 0);
        assert!(!e.eligible);
    }

    #[test]
    fn size_classes() {
        let classes: Vec<&str> = [0, 1, 4, 5, 19, 20, 99, 100, 5000]
            .into_iter()
            .map(|h| size_class(h).code())
            .collect();
        assert_eq!(
            classes,
            ["micro", "micro", "micro", "small", "small", "medium", "medium", "large", "large"]
        );
        assert!(!size_class(19).may_file_collectively());
        assert!(size_class(20).may_file_collectively());
    }

    #[test]
    fn explanations() {
        let e = eligibility(100, 27);
        assert_eq!(
            explain(&e, true),
            "27 dari 100 pekerja = 27%; minimal 30 diperlukan"
        );
        assert_eq!(
            explain(&e, false),
            "27 of 100 workers = 27%; at least 30 are needed"
        );
        // Rounded down: 2/3 = 66%.
        assert_eq!(
            explain(&eligibility(21, 14), false),
            "14 of 21 workers = 66%; at least 7 are needed"
        );
        assert_eq!(
            explain(&eligibility(10, 3), false),
            "3 of 10 workers = 30%; at least 3 are needed; collective claims are only for medium or large companies (at least 20 registered workers)"
        );
        assert_eq!(
            explain(&eligibility(1, 1), true),
            "1 dari 1 pekerja = 100%; minimal 1 diperlukan; klaim kolektif hanya untuk perusahaan menengah atau besar (minimal 20 pekerja terdaftar)"
        );
        assert!(explain(&eligibility(1, 1), false)
            .starts_with("1 of 1 worker = 100%; at least 1 is needed"));
        assert!(explain(&eligibility(0, 0), false).starts_with("0 of 0 workers = 0%"));
    }

    #[test]
    fn laid_off_counts_valid_terminations_only() {
        let resign = "3174011508900031,23012345680,Agus Salim,2025-09-30,resignation,,,014,1234567890,Agus Salim,";
        let bad = "3174011508900048,23012345681,Joko,2025-09-30,phk,,,999,1234567890,Joko,";
        let v = check(&csv_of(&[HEADER, GOOD, resign, bad]));
        assert_eq!(v.valid.len(), 2);
        assert_eq!(v.laid_off(), 1);
    }

    // ---- fingerprint and downloads --------------------------------------

    #[test]
    fn fingerprints() {
        assert_eq!(
            fingerprint(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(fingerprint(b"abc").len(), 64);
        assert_ne!(fingerprint(b"abc"), fingerprint(b"abd"));
    }

    #[test]
    fn template_is_valid() {
        let t = template_csv();
        assert!(t.starts_with(&format!("{HEADER}\r\n")));
        assert_eq!(t.lines().count(), 2);
        let v = check(t.as_bytes());
        assert_eq!(v.errors, vec![]);
        assert_eq!(v.valid.len(), 1);
    }

    #[test]
    fn error_report() {
        let errors = vec![
            file_error(Some(Column::Kpj), "missing_column", String::new()),
            RowError {
                row: Some(7),
                column: Some("full_name"),
                code: "invalid_name",
                value: "Budi, \"Bob\"".into(),
                detail: "name_bad_characters",
            },
            RowError {
                row: Some(8),
                column: Some("phone"),
                code: "invalid_phone",
                value: "=HYPERLINK(\"x\")".into(),
                detail: "phone_bad_characters",
            },
            RowError {
                row: Some(9),
                column: None,
                code: "claim_open",
                value: "multi\nline".into(),
                detail: "claim_open",
            },
        ];
        let csv = error_report_csv(&errors, false, |k| format!("msg {k}"));
        assert_eq!(
            csv,
            "row,column,value,message\r\n\
             ,kpj,,msg missing_column\r\n\
             7,full_name,\"Budi, \"\"Bob\"\"\",msg name_bad_characters\r\n\
             8,phone,\"'=HYPERLINK(\"\"x\"\")\",msg phone_bad_characters\r\n\
             9,,\"multi\nline\",msg claim_open\r\n"
        );
        let csv = error_report_csv(&errors[..1], true, |_| "Kolom; wajib".into());
        assert_eq!(csv, "baris,kolom,nilai,pesan\r\n,kpj,,\"Kolom; wajib\"\r\n");
        // It reads back with the csv crate.
        let csv = error_report_csv(&errors, false, |k| k.to_owned());
        let mut r = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(&rows[1][2], "Budi, \"Bob\"");
    }

    // ---- XLSX -------------------------------------------------------------

    fn xlsx_batch() -> Vec<u8> {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        for (c, h) in [
            "NIK",
            "KPJ",
            "Nama",
            "Tanggal PHK",
            "Alasan",
            "Email",
            "Telepon",
            "Kode Bank",
            "No Rekening",
            "Nama Rekening",
            "Tanggal Mulai Kerja",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        // Row 2 (Excel): numeric NIK, KPJ, bank code and account; real dates.
        ws.write_number(1, 0, 3174015508900012.0).unwrap();
        ws.write_number(1, 1, 23012345678.0).unwrap();
        ws.write_string(1, 2, "Siti Nurhaliza").unwrap();
        ws.write_date_with_format(1, 3, ExcelDateTime::from_ymd(2025, 9, 30).unwrap(), &date)
            .unwrap();
        ws.write_string(1, 4, "PHK").unwrap();
        ws.write_string(1, 6, "081234567890").unwrap();
        ws.write_number(1, 7, 14).unwrap();
        ws.write_number(1, 8, 1234567890.0).unwrap();
        ws.write_string(1, 9, "SITI NURHALIZA").unwrap();
        ws.write_date_with_format(1, 10, ExcelDateTime::from_ymd(2018, 3, 1).unwrap(), &date)
            .unwrap();
        // Row 3 blank; row 4: a NIK as Excel rounds it (16 digits ending in 0)
        // and a text date.
        ws.write_number(3, 0, 3174011508900030.0).unwrap();
        ws.write_string(3, 1, "23012345679").unwrap();
        ws.write_string(3, 2, "Agus Salim").unwrap();
        ws.write_string(3, 3, "30/09/2025").unwrap();
        ws.write_string(3, 4, "resignation").unwrap();
        ws.write_number(3, 7, 2).unwrap();
        ws.write_number(3, 8, 12.5).unwrap();
        ws.write_string(3, 9, "Agus Salim").unwrap();
        // Row 5: a NIK beyond 2^53.
        ws.write_number(4, 0, 9_174_011_508_900_031.0).unwrap();
        ws.write_string(4, 1, "23012345680").unwrap();
        ws.write_string(4, 2, "Joko").unwrap();
        ws.write_string(4, 3, "2025-09-30").unwrap();
        ws.write_string(4, 4, "phk").unwrap();
        ws.write_string(4, 7, "BNI").unwrap();
        ws.write_string(4, 8, "0123456789").unwrap();
        ws.write_string(4, 9, "Joko").unwrap();
        ws.write_boolean(4, 11, true).unwrap();
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn xlsx_with_numeric_cells() {
        let bytes = xlsx_batch();
        let table = read_rows(&bytes, "Batch.XLSX", 10).unwrap();
        assert_eq!(table.headers[0], "NIK");
        assert_eq!(table.headers.len(), 11);
        let lines: Vec<usize> = table.rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![2, 4, 5]);
        let first = &table.rows[0].1;
        assert_eq!(first[0], "3174015508900012");
        assert_eq!(first[1], "23012345678");
        assert_eq!(first[3], "2025-09-30");
        assert_eq!(first[5], "");
        assert_eq!(first[7], "14");
        assert_eq!(first[10], "2018-03-01");
        assert_eq!(table.rows[1].1[0], "3.17401150890003E15");
        assert_eq!(table.rows[1].1[8], "12.5");
        assert!(is_scientific(&table.rows[2].1[0]), "{}", table.rows[2].1[0]);
        assert_eq!(table.rows[2].1[11], "TRUE");

        let v = validate(&table, today());
        assert_eq!(v.valid.len(), 1, "{:?}", v.errors);
        let w = &v.valid[0];
        assert_eq!(
            (w.nik.as_str(), w.bank_code.as_str()),
            ("3174015508900012", "014")
        );
        assert_eq!(w.termination_date, d(2025, 9, 30));
        assert_eq!(w.work_start_date, Some(d(2018, 3, 1)));
        let got: Vec<(Option<usize>, &str, &str)> = v
            .errors
            .iter()
            .map(|e| (e.row, e.column.unwrap(), e.detail))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(4), "nik", "excel_rounded_number"),
                (Some(4), "account_number", "account_not_digits"),
                (Some(5), "nik", "excel_rounded_number"),
            ]
        );
        // Extension-less upload of the same bytes is recognised by content.
        assert_eq!(read_rows(&bytes, "upload", 10).unwrap(), table);
        assert_eq!(
            read_rows(&bytes, "batch.xlsx", 2),
            Err(FileError::TooManyRows { max: 2 })
        );
        // The same bytes named .csv are binary.
        assert_eq!(read_rows(&bytes, "batch.csv", 10), Err(FileError::NotText));
    }

    #[test]
    fn xlsx_edge_cases() {
        use rust_xlsxwriter::Workbook;
        // An empty workbook.
        let mut wb = Workbook::new();
        wb.add_worksheet();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(read_rows(&bytes, "b.xlsx", 10), Err(FileError::Empty));
        // A ZIP that is not a workbook.
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("hello.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, b"hello").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert_eq!(
            read_rows(&bytes, "b.xlsx", 10),
            Err(FileError::BadSpreadsheet)
        );
    }

    #[test]
    fn xlsx_zip_bomb_refused() {
        // 8 MiB of zeros deflate to a few KiB; with a 1 MiB budget that is
        // refused before calamine inflates anything.
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/sharedStrings.xml", opts).unwrap();
        std::io::Write::write_all(&mut zip, &vec![0u8; 8 << 20]).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 64 << 10, "{}", bytes.len());
        assert_eq!(
            read_xlsx(&bytes, 10, 1 << 20),
            Err(FileError::BadSpreadsheet)
        );
        // A real workbook fits the real budget.
        assert!(read_xlsx(&xlsx_batch(), 10, XLSX_MAX_UNCOMPRESSED).is_ok());
    }

    #[test]
    fn number_rendering() {
        assert_eq!(number_text(14.0), "14");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(0.0), "0");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(number_text(123456789012345.0), "123456789012345");
        assert_eq!(number_text(3174015508900012.0), "3174015508900012");
        assert_eq!(number_text(3174015508900010.0), "3.17401550890001E15");
        assert_eq!(number_text(1e16), "1E16");
        assert!(is_scientific(&number_text(9_007_199_254_740_993.0)));
        assert!(is_scientific(&number_text(1e300)));
        assert!(is_scientific("3.17402E+15"));
        assert!(is_scientific("1e5"));
        assert!(!is_scientific("E15"));
        assert!(!is_scientific("3174015508900012"));
        assert!(!is_scientific("12.5"));
        assert!(!is_scientific("1.2E"));
    }

    #[test]
    fn delimiter_sniffing() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter(b"\r\n\na;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"\"a,b,c\";d;e\n"), b';');
        assert_eq!(sniff_delimiter(b"\"multi\nline,,,\";x\n"), b';');
        assert_eq!(sniff_delimiter(b"nik"), b',');
    }

    // ---- scale -------------------------------------------------------------

    #[test]
    fn ten_thousand_rows_quickly() {
        let mut csv = String::from(HEADER);
        csv.push('\n');
        for i in 0..10_000u32 {
            // Distinct NIK serials and KPJs; every 7th row a resignation.
            let reason = if i % 7 == 0 {
                "resignation"
            } else {
                "termination"
            };
            csv.push_str(&format!(
                "3174015508{:02}{:04},2{i:010},Siti Nurhaliza,2025-09-30,{reason},w{i}@example.com,0812{i:08},014,{i:010},SITI NURHALIZA,2018-03-01\n",
                80 + i / 9999,
                i % 9999 + 1,
            ));
        }
        let started = std::time::Instant::now();
        let table = read_rows(csv.as_bytes(), "big.csv", 10_000).unwrap();
        let read = started.elapsed();
        let v = validate(&table, today());
        let total = started.elapsed();
        println!("10,000 rows: read {read:?}, read + validate {total:?}");
        assert_eq!(v.errors, vec![]);
        assert_eq!(v.valid.len(), 10_000);
        assert_eq!(v.laid_off(), 10_000 - 10_000u32.div_ceil(7));
        assert_eq!(fingerprint(csv.as_bytes()).len(), 64);
        assert!(total < std::time::Duration::from_secs(1), "{total:?}");
    }
}
