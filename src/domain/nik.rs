//! NIK (Nomor Induk Kependudukan): the 16-digit Indonesian population number.
//!
//! Layout `PP KK CC DDMMYY SSSS`:
//!
//! | digits | meaning |
//! |---|---|
//! | `PP` | province code, 11–94 |
//! | `KK` | regency / city code, 01–99 |
//! | `CC` | district (kecamatan) code, 01–99 |
//! | `DD` | day of birth; women add 40 (so 41–71) |
//! | `MM` | month of birth |
//! | `YY` | year of birth, two digits |
//! | `SSSS` | serial number, from 0001 |
//!
//! # Century of the birth year
//!
//! The two-digit year is read as the most recent century that gives a birth
//! date not after `today`: `20YY` when that date is on or before `today`,
//! otherwise `19YY`. So with `today` = 2026-11-21, `211126` is 2026-11-21
//! and `221126` is 1926-11-22. A NIK only round-trips its birth date for
//! people younger than 100 years, which is the best two digits can do.
//! A date that exists only in one century (29 February of `00`: 2000 is a
//! leap year, 1900 is not) is read in the century where it exists.
//!
//! # Detail keys (`Invalid::detail`, code `invalid_nik`, field `nik`)
//!
//! - `nik_empty`: nothing was entered.
//! - `nik_not_digits`: something other than the digits 0–9 (inner spaces included).
//! - `nik_length`: not exactly 16 digits.
//! - `nik_bad_province`: province code outside 11–94.
//! - `nik_bad_regency`: regency/city code 00.
//! - `nik_bad_district`: district code 00.
//! - `nik_bad_birth_date`: the date digits are no calendar date (also day 32–40 or above 71).
//! - `nik_birth_in_future`: the birth date is after today in every century
//!   tried (the current one and the one before). Because of the century
//!   rule a date later than today falls back to the previous century, so
//!   in practice this only happens for 29 Feb `00` before 29 Feb 2000.
//! - `nik_bad_serial`: serial number 0000.

use chrono::{Datelike, NaiveDate};

use super::Invalid;
use crate::domain::Code;

const CODE: Code = Code::InvalidNik;
const FIELD: &str = "nik";

/// Lowest province code accepted (Aceh).
pub const PROVINCE_MIN: u8 = 11;
/// Highest province code accepted (per DOMAIN.md; the Papua provinces).
pub const PROVINCE_MAX: u8 = 94;

const fn invalid(detail: &'static str) -> Invalid {
    Invalid::new(CODE, FIELD, detail)
}

/// A syntactically valid NIK: exactly 16 ASCII digits.
///
/// `Debug` prints the masked form so that logs do not carry the full number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nik(String);

impl Nik {
    /// The 16 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits, consuming the value.
    pub fn into_string(self) -> String {
        self.0
    }

    /// First 6 digits (province, regency, district) and last 4 (serial)
    /// shown, the birth date in between replaced by `*`:
    /// `3201014101900001` → `320101******0001`.
    pub fn mask(&self) -> String {
        mask_str(&self.0)
    }
}

/// Mask a stored NIK string like [`Nik::mask`]: the first 6 and last 4
/// characters shown, the rest `*`. A value of 10 characters or fewer (not
/// a NIK) is masked entirely.
pub fn mask_str(nik: &str) -> String {
    let n = nik.chars().count();
    if n <= 10 {
        return "*".repeat(n);
    }
    nik.chars()
        .enumerate()
        .map(|(i, c)| if i < 6 || i >= n - 4 { c } else { '*' })
        .collect()
}

impl std::fmt::Debug for Nik {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Nik").field(&self.mask()).finish()
    }
}

impl AsRef<str> for Nik {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

pub use super::status::Sex;

/// What a NIK tells about its holder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NikInfo {
    pub province: u8,
    pub birth_date: NaiveDate,
    pub sex: Sex,
}

/// Two ASCII digits at `at` as a number (the caller has checked they are digits).
fn two(bytes: &[u8], at: usize) -> u32 {
    let d = |i: usize| u32::from(bytes[i].wrapping_sub(b'0'));
    d(at) * 10 + d(at + 1)
}

/// Parse and check a NIK. Only surrounding whitespace is removed.
/// `today` is the current date (in the branch's or server's zone) and
/// decides the century of the birth year (see the module docs).
pub fn parse(input: &str, today: NaiveDate) -> Result<(Nik, NikInfo), Invalid> {
    let s = input.trim();
    if s.is_empty() {
        return Err(invalid("nik_empty"));
    }
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid("nik_not_digits"));
    }
    if s.len() != 16 {
        return Err(invalid("nik_length"));
    }
    let b = s.as_bytes();

    let province = two(b, 0);
    if !(u32::from(PROVINCE_MIN)..=u32::from(PROVINCE_MAX)).contains(&province) {
        return Err(invalid("nik_bad_province"));
    }
    if two(b, 2) == 0 {
        return Err(invalid("nik_bad_regency"));
    }
    if two(b, 4) == 0 {
        return Err(invalid("nik_bad_district"));
    }

    let raw_day = two(b, 6);
    let month = two(b, 8);
    let yy = two(b, 10);
    let (day, sex) = match raw_day {
        1..=31 => (raw_day, Sex::Male),
        41..=71 => (raw_day - 40, Sex::Female),
        _ => return Err(invalid("nik_bad_birth_date")),
    };
    let birth_date = birth_date(day, month, yy, today)?;

    if two(b, 12) == 0 && two(b, 14) == 0 {
        return Err(invalid("nik_bad_serial"));
    }

    let province = u8::try_from(province).map_err(|_| invalid("nik_bad_province"))?;
    Ok((
        Nik(s.to_owned()),
        NikInfo {
            province,
            birth_date,
            sex,
        },
    ))
}

/// The most recent century giving a real date not after `today`.
fn birth_date(day: u32, month: u32, yy: u32, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    // `yy` < 100, so the casts cannot overflow.
    let yy = yy as i32;
    // Centuries to try, most recent first: the one of `today` and the one before.
    let century = today.year().div_euclid(100) * 100;
    let candidates = [century + yy, century - 100 + yy];
    let dates: Vec<NaiveDate> = candidates
        .iter()
        .filter_map(|&y| NaiveDate::from_ymd_opt(y, month, day))
        .collect();
    if dates.is_empty() {
        return Err(invalid("nik_bad_birth_date"));
    }
    dates
        .into_iter()
        .find(|d| *d <= today)
        .ok_or(invalid("nik_birth_in_future"))
}

#[cfg(test)]
mod tests;
