#![allow(clippy::unwrap_used)]

mod zip;

use std::io::Cursor;

use chrono::NaiveDate;

use super::xlsx::*;
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
    row_with_cells(&[(column, value)])
}

/// The good row with some columns replaced.
fn row_with_cells(replaced: &[(Column, &str)]) -> String {
    let mut cells: Vec<String> = GOOD.split(',').map(str::to_owned).collect();
    for &(column, value) in replaced {
        cells[column.rank()] = csv_field(value);
    }
    cells.join(",")
}

/// The errors of a one-row batch whose `column` holds `value`.
fn errors_for(column: Column, value: &str) -> Vec<RowError> {
    check(&csv_of(&[HEADER, &row_with(column, value)])).errors
}

/// The batch's errors, each seen through `pick`: the fields a test is about.
fn errors_as<'a, T>(v: &'a Validated, pick: impl Fn(&'a RowError) -> T) -> Vec<T> {
    v.errors.iter().map(pick).collect()
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
    assert_eq!(
        errors_as(&v, |e| (e.column.unwrap(), e.detail)),
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
    let good = csv_of(&[HEADER, GOOD]);
    // The bytes, the file name, and whether they are read (or why not).
    #[rustfmt::skip]
    let cases: [(&[u8], &str, Result<(), FileError>); 14] = [
        (b"%PDF-1.7", "batch.pdf", Err(FileError::UnsupportedType)),
        (b"x", "batch.xls", Err(FileError::UnsupportedType)),
        (b"", "batch.csv", Err(FileError::Empty)),
        (b"\xEF\xBB\xBF", "batch.csv", Err(FileError::Empty)),
        (b"\r\n \n;;\n", "batch.csv", Err(FileError::Empty)),
        (b"", "batch.xlsx", Err(FileError::Empty)),
        (b"nik,kpj\n", "batch.xlsx", Err(FileError::BadSpreadsheet)),
        (b"PK\x03\x04garbage", "batch.xlsx", Err(FileError::BadSpreadsheet)),
        // No extension: by content.
        (&good, "upload", Ok(())),
        (b"PK\x03\x04garbage", "upload", Err(FileError::BadSpreadsheet)),
        // A directory in the name does not confuse the extension.
        (&good, "C:\\x.y\\batch.txt", Ok(())),
        // A binary file named .csv.
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01", "batch.csv", Err(FileError::NotText)),
        // Windows-1252 "é" is not UTF-8.
        (b"nik,full_name\n1,Jos\xe9\n", "batch.csv", Err(FileError::NotText)),
        // UTF-16 with BOM (Excel "Unicode text").
        (b"\xff\xfen\0i\0k\0", "batch.csv", Err(FileError::NotText)),
    ];
    for (bytes, name, read) in cases {
        assert_eq!(
            read_rows(bytes, name, 10).map(|_| ()),
            read,
            "{name}: {bytes:?}"
        );
    }
    let e = FileError::NotText;
    assert_eq!(
        (e.code().as_str(), e.detail(), e.http_status()),
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
    assert_eq!(e.code().as_str(), "too_many_rows");
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
    assert_eq!(
        errors_as(&v, |e| (e.row, e.column, e.code, e.value.as_str())),
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

/// One bad cell in an otherwise good row: the column, the value, then the
/// error code, its detail and the value as the error report shows it.
#[rustfmt::skip]
const BAD_CELLS: &[(Column, &str, &str, &str, &str)] = &[
    (Column::Nik, "",                  "invalid_nik", "nik_empty",            ""),
    (Column::Nik, "317401550890001",   "invalid_nik", "nik_length",           "317401*****0001"),
    (Column::Nik, "3174015508900012X", "invalid_nik", "nik_not_digits",       "317401*******012X"),
    (Column::Nik, "0074015508900012",  "invalid_nik", "nik_bad_province",     "007401******0012"),
    (Column::Nik, "3174013508900012",  "invalid_nik", "nik_bad_birth_date",   "317401******0012"),
    (Column::Nik, "3174015508900000",  "invalid_nik", "nik_bad_serial",       "317401******0000"),
    (Column::Nik, "3.17402E+15",       "invalid_nik", "excel_rounded_number", "3.1740*E+15"),
    (Column::Nik, "1234",              "invalid_nik", "nik_length",           "****"),

    (Column::Kpj, "",            "invalid_kpj", "kpj_empty",            ""),
    (Column::Kpj, "2301234567",  "invalid_kpj", "kpj_length",           "2301234567"),
    (Column::Kpj, "2301234567A", "invalid_kpj", "kpj_not_digits",       "2301234567A"),
    (Column::Kpj, "2.30123E+10", "invalid_kpj", "excel_rounded_number", "2.30123E+10"),

    // One error each: the account name is not compared with a bad name.
    (Column::FullName, "",       "invalid_name", "name_empty",          ""),
    (Column::FullName, "S",      "invalid_name", "name_too_short",      "S"),
    (Column::FullName, "Siti 2", "invalid_name", "name_bad_characters", "Siti 2"),
    (Column::FullName, "--",     "invalid_name", "name_no_letters",     "--"),

    (Column::TerminationDate, "",           "invalid_date",   "date_empty",     ""),
    (Column::TerminationDate, "30-09-2025", "invalid_date",   "date_format",    "30-09-2025"),
    (Column::TerminationDate, "2025/09/30", "invalid_date",   "date_format",    "2025/09/30"),
    (Column::TerminationDate, "30/09/25",   "invalid_date",   "date_format",    "30/09/25"),
    (Column::TerminationDate, "9/30/2025",  "invalid_date",   "date_not_real",  "9/30/2025"),
    (Column::TerminationDate, "2025-02-29", "invalid_date",   "date_not_real",  "2025-02-29"),
    (Column::TerminationDate, "31/04/2025", "invalid_date",   "date_not_real",  "31/04/2025"),
    (Column::TerminationDate, "2025-9-30",  "invalid_date",   "date_format",    "2025-9-30"),
    (Column::TerminationDate, "2026-11-22", "date_in_future", "date_in_future", "2026-11-22"),
    (Column::TerminationDate, "22/11/2026", "date_in_future", "date_in_future", "22/11/2026"),

    (Column::Reason, "",           "invalid_reason", "reason_empty",   ""),
    (Column::Reason, "retirement", "invalid_reason", "reason_unknown", "retirement"),
    (Column::Reason, "pensiun",    "invalid_reason", "reason_unknown", "pensiun"),

    (Column::Email, "siti@",            "invalid_email", "email_bad_domain", "siti@"),
    (Column::Email, "siti example.com", "invalid_email", "email_whitespace", "siti example.com"),
    (Column::Email, "siti.example.com", "invalid_email", "email_at_sign",    "siti.example.com"),

    (Column::Phone, "021-5551234", "invalid_phone", "phone_not_mobile",     "021-5551234"),
    (Column::Phone, "81234567890", "invalid_phone", "phone_not_indonesian", "81234567890"),
    (Column::Phone, "0812",        "invalid_phone", "phone_length",         "0812"),
    (Column::Phone, "0812 ABC",    "invalid_phone", "phone_bad_characters", "0812 ABC"),
    (Column::Phone, "8.12346E+11", "invalid_phone", "excel_rounded_number", "8.12346E+11"),

    (Column::BankCode, "",           "unknown_bank", "bank_empty",   ""),
    (Column::BankCode, "999",        "unknown_bank", "bank_unknown", "999"),
    (Column::BankCode, "0014",       "unknown_bank", "bank_unknown", "0014"),
    (Column::BankCode, "Bank Antah", "unknown_bank", "bank_unknown", "Bank Antah"),

    (Column::AccountNumber, "",                  "invalid_account", "account_empty",        ""),
    (Column::AccountNumber, "123456789",         "invalid_account", "account_length",       "*****6789"),
    (Column::AccountNumber, "12345678901234567", "invalid_account", "account_length",       "*************4567"),
    (Column::AccountNumber, "12345678AB",        "invalid_account", "account_not_digits",   "******78AB"),
    (Column::AccountNumber, "---",               "invalid_account", "account_not_digits",   "***"),
    (Column::AccountNumber, "123.456.7890",      "invalid_account", "account_not_digits",   "********7890"),
    (Column::AccountNumber, "1.23457E+12",       "invalid_account", "excel_rounded_number", "*******E+12"),
    (Column::AccountNumber, "12",                "invalid_account", "account_length",       "**"),

    (Column::AccountName, "",                  "invalid_name",          "name_empty",            ""),
    (Column::AccountName, "PT Maju 2",         "invalid_name",          "name_bad_characters",   "PT Maju 2"),
    (Column::AccountName, "Siti Nur Haliza",   "account_name_mismatch", "account_name_mismatch", "Siti Nur Haliza"),
    (Column::AccountName, "SITI NURHALIZA SE", "account_name_mismatch", "account_name_mismatch", "SITI NURHALIZA SE"),

    (Column::WorkStartDate, "kemarin",    "invalid_date",                 "date_format",                  "kemarin"),
    (Column::WorkStartDate, "30/02/2018", "invalid_date",                 "date_not_real",                "30/02/2018"),
    (Column::WorkStartDate, "2027-01-01", "date_in_future",               "date_in_future",               "2027-01-01"),
    (Column::WorkStartDate, "2025-10-01", "work_start_after_termination", "work_start_after_termination", "2025-10-01"),
];

#[test]
fn every_column_reports_its_bad_values() {
    for &(column, value, code, detail, shown) in BAD_CELLS {
        expect(column, value, code, detail, shown);
    }
}

/// Values that look odd but are accepted.
const ACCEPTED_CELLS: &[(Column, &str)] = &[
    // Today is fine; a leap day is fine.
    (Column::TerminationDate, "21/11/2026"),
    (Column::TerminationDate, "29/02/2024"),
    (Column::AccountNumber, "0123456789"),
    (Column::AccountNumber, "1234567890123456"),
    (Column::AccountNumber, "0123-01-012345-50-1"),
    (Column::AccountNumber, "123 456 7890"),
    (Column::AccountName, "  siti   NURHALIZA "),
    (Column::WorkStartDate, "2025-09-30"),
];

#[test]
fn odd_but_good_values_are_accepted() {
    for &(column, value) in ACCEPTED_CELLS {
        assert_eq!(errors_for(column, value), vec![], "{column:?} = {value:?}");
    }
}

#[test]
fn overlong_name_is_cut_in_the_report() {
    let long = "a".repeat(101);
    let e = one_error(Column::FullName, &long);
    assert_eq!(e.detail, "name_too_long");
    assert_eq!(e.value, format!("{}…", "a".repeat(VALUE_MAX_CHARS)));
}

#[test]
fn blank_optional_cells_are_none() {
    let v = check(&csv_of(&[HEADER, &row_with(Column::Email, " ")]));
    assert_eq!(v.valid[0].email, None);
    let v = check(&csv_of(&[HEADER, &row_with(Column::Phone, "")]));
    assert_eq!(v.valid[0].phone, None);
}

/// Cells the import normalizes: reason synonyms (English or Indonesian)
/// to reason codes, bank names and short codes to three-digit bank codes.
#[test]
fn normalized_cells() {
    for (column, given, code) in [
        (Column::Reason, "Termination", "termination"),
        (Column::Reason, " PHK ", "termination"),
        (Column::Reason, "resignation", "resignation"),
        (Column::Reason, "Mengundurkan diri", "resignation"),
        (Column::Reason, "contract-end", "contract_end"),
        (Column::Reason, "Contract End", "contract_end"),
        (Column::Reason, "habis kontrak", "contract_end"),
        (Column::BankCode, "2", "002"),
        (Column::BankCode, "008", "008"),
        (Column::BankCode, "9", "009"),
        (Column::BankCode, "BCA", "014"),
        (Column::BankCode, "bri", "002"),
        (Column::BankCode, "CIMB Niaga", "022"),
        (Column::BankCode, "451", "451"),
        (Column::BankCode, "200", "200"),
        (Column::BankCode, "213", "213"),
        (Column::BankCode, "11", "011"),
        (Column::BankCode, "013", "013"),
    ] {
        let v = check(&csv_of(&[HEADER, &row_with(column, given)]));
        let row = &v.valid[0];
        if matches!(column, Column::Reason) {
            assert_eq!(row.reason, code, "{given}");
        } else {
            assert_eq!(row.bank_code, code, "{given}");
            assert!(bank(code).is_some());
        }
    }
}

/// A cross-column check is left out while the column it compares with is
/// itself bad: only that column's error is reported.
#[test]
fn cross_column_checks_wait_for_a_valid_other_column() {
    for (bad, compared) in [
        // With an invalid worker name the mismatch is not reported.
        (
            (Column::FullName, "X"),
            (Column::AccountName, "Someone Else"),
        ),
        // No termination date: no comparison, only the termination error.
        (
            (Column::TerminationDate, "x"),
            (Column::WorkStartDate, "2026-01-01"),
        ),
    ] {
        let v = check(&csv_of(&[HEADER, &row_with_cells(&[bad, compared])]));
        let columns: Vec<_> = v.errors.iter().map(|e| e.column).collect();
        assert_eq!(columns, vec![Some(bad.0.name())], "{bad:?}, {compared:?}");
    }
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
    assert_eq!(
        errors_as(&v, |e| (e.row, e.column.unwrap(), e.code)),
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
    assert_eq!(
        errors_as(&v, |e| (e.row, e.code, e.value.as_str())),
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
    assert_eq!(
        errors_as(&v, |e| (e.row, e.column.unwrap(), e.detail)),
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
    let mut zip = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("hello.txt", ::zip::write::SimpleFileOptions::default())
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
    let opts = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Deflated);
    let mut zip = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
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
fn ten_thousand_rows_all_valid() {
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
    let table = read_rows(csv.as_bytes(), "big.csv", 10_000).unwrap();
    assert_eq!(table.rows.len(), 10_000);
    let v = validate(&table, today());
    assert_eq!(v.rows, 10_000);
    assert_eq!(v.errors, vec![]);
    assert_eq!(v.valid.len(), 10_000);
    assert_eq!(v.laid_off(), 10_000 - 10_000u32.div_ceil(7));
    assert_eq!(fingerprint(csv.as_bytes()).len(), 64);
}
