//! Row checks ([`validate`])
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

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::domain::{email, kpj, nik, person_name, phone};

use super::{columns::*, read::*, row::*, values::*};

pub(super) fn file_error(column: Option<Column>, code: &'static str, value: String) -> RowError {
    RowError {
        row: None,
        column: column.map(Column::name),
        code,
        value,
        detail: code,
    }
}

pub(super) fn column_rank(name: Option<&str>) -> usize {
    name.and_then(|n| Column::ALL.iter().position(|c| c.name() == n))
        .map_or(0, |i| i + 1)
}

pub(super) fn sort_errors(errors: &mut [RowError]) {
    errors.sort_by_key(|e| {
        (
            e.row.map_or(0, |r| r.saturating_add(1)),
            column_rank(e.column),
        )
    });
}

/// Errors of one row as they are found.
pub(super) struct RowCheck<'a> {
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
                self.fail(column, e.code.as_str(), e.detail);
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
pub(super) fn rounded(raw: &str) -> Result<(), &'static str> {
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
