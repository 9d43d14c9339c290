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
//!
//! # Message catalog
//!
//! [`FileError::detail`] keys: `batch_unsupported_type`, `batch_not_text`,
//! `batch_bad_spreadsheet`, `batch_empty_file`, `batch_too_many_rows`
//! (distinct from the codes because `unsupported_type` already names the
//! document-upload sentence). Row detail keys: the table above; the
//! `nik_*`, `kpj_*`, `name_*`, `email_*`, `phone_*` and `date_in_future`
//! keys already exist in the catalog.

mod columns;
mod eligibility;
mod read;
mod report;
mod row;
mod validate;
mod values;
mod workers;
mod xlsx;
pub mod zip;

pub use columns::*;
pub use eligibility::*;
pub use read::*;
pub use report::*;
pub use row::*;
pub use validate::*;
pub use values::*;
pub use workers::*;

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

/// The documents a company representative uploads, by kind code.
pub const REPRESENTATIVE_KINDS: [&str; 2] = ["power_of_attorney", "non_abuse_statement"];

#[cfg(test)]
mod tests;
