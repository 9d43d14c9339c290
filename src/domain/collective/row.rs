//! What checking a batch yields: errors, valid worker rows.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::eligibility::laid_off;

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
        laid_off(self.valid.iter().map(|w| w.reason))
    }
}

/// A row error as stored with the batch (JSON) and shown to people.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredError {
    pub row: Option<usize>,
    pub column: Option<String>,
    pub code: String,
    pub value: String,
    pub detail: String,
}

impl From<&RowError> for StoredError {
    fn from(e: &RowError) -> Self {
        Self {
            row: e.row,
            column: e.column.map(str::to_string),
            code: e.code.to_string(),
            value: e.value.clone(),
            detail: e.detail.to_string(),
        }
    }
}
