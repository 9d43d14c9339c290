//! Columns ([`map_headers`], API.md "Collective claims")
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

use super::{row::*, validate::*, values::*};

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

    pub(super) fn rank(self) -> usize {
        self as usize
    }
}

/// Lowercase, trimmed, runs of whitespace / `-` / `_` as one `_`.
pub(super) fn header_key(header: &str) -> String {
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
