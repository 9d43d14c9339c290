//! The two downloads: the template and the error report.

use sha2::{Digest, Sha256};

use super::{columns::*, row::*};

/// SHA-256 of the file bytes, lowercase hex: finds a re-uploaded file.
pub fn fingerprint(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// One CSV field: quoted when it holds a delimiter (`,` or `;`), a quote,
/// a line break or surrounding whitespace; quotes doubled.
pub(super) fn csv_field(s: &str) -> String {
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
pub(super) fn csv_user_field(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        csv_field(&format!("'{s}"))
    } else {
        csv_field(s)
    }
}

pub(super) fn csv_line(fields: &[String]) -> String {
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
