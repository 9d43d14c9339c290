//! Parsing one cell: banks, reasons, dates, account numbers, and the
//! value an error shows.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::{nik, person_name};

use super::{columns::*, *};

pub(super) const REASON_TERMINATION: &str = "termination";

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

pub(super) fn parse_bank(raw: &str) -> Result<&'static Bank, &'static str> {
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

pub(super) fn parse_reason(raw: &str) -> Result<&'static str, &'static str> {
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

pub(super) fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DD` or `D/M/YYYY` (one or two digits for day and month).
pub(super) fn parse_date(raw: &str) -> Result<NaiveDate, &'static str> {
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
pub(super) fn is_scientific(raw: &str) -> bool {
    let Some((mantissa, exponent)) = raw.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let mantissa = mantissa.strip_prefix('-').unwrap_or(mantissa);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && all_digits(frac) && all_digits(exponent)
}

pub(super) fn parse_account(raw: &str) -> Result<String, &'static str> {
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
pub(super) fn mask_account(s: &str) -> String {
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
pub(super) fn shown_value(column: Column, raw: &str) -> String {
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
