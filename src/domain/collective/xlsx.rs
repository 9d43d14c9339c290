//! The XLSX half of reading a batch file (see `read`).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;

use super::{read::*, *};

/// Refuse archives that would unpack too large or have too many entries,
/// by the sizes their central directory declares (which the zip reader
/// then enforces while inflating).
pub(super) fn check_zip(bytes: &[u8], max_uncompressed: u64) -> Result<(), FileError> {
    let mut archive =
        ::zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileError::BadSpreadsheet)?;
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
pub(super) const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// A number cell as text: see "XLSX" in the module docs.
pub(super) fn number_text(f: f64) -> String {
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

pub(super) fn cell_text(value: &DataRef<'_>) -> String {
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

pub(super) fn read_xlsx(
    bytes: &[u8],
    max_rows: usize,
    max_uncompressed: u64,
) -> Result<Table, FileError> {
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
