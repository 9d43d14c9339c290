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
use serde::Serialize;

use super::Invalid;

const CODE: &str = "invalid_nik";
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

/// Sex as encoded in the NIK (day of birth + 40 for women). Serializes
/// as its [`as_str`](Sex::as_str) code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

impl Serialize for Sex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Sex {
    /// Stable code: `male` / `female`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    /// Inverse of [`Sex::as_str`].
    pub fn from_code(code: &str) -> Option<Sex> {
        match code {
            "male" => Some(Sex::Male),
            "female" => Some(Sex::Female),
            _ => None,
        }
    }
}

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
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn today() -> NaiveDate {
        d(2026, 11, 21)
    }

    fn detail(input: &str) -> &'static str {
        parse(input, today()).unwrap_err().detail
    }

    #[test]
    fn parses_a_male_nik() {
        let (nik, info) = parse("3201011505900001", today()).unwrap();
        assert_eq!(nik.as_str(), "3201011505900001");
        assert_eq!(info.province, 32);
        assert_eq!(info.birth_date, d(1990, 5, 15));
        assert_eq!(info.sex, Sex::Male);
    }

    #[test]
    fn parses_a_female_nik() {
        let (_, info) = parse("5171035508020123", today()).unwrap();
        assert_eq!(info.province, 51);
        assert_eq!(info.birth_date, d(2002, 8, 15));
        assert_eq!(info.sex, Sex::Female);
        let (_, info) = parse("5171037112990123", today()).unwrap();
        assert_eq!(info.birth_date, d(1999, 12, 31));
        assert_eq!(info.sex, Sex::Female);
    }

    #[test]
    fn trims_surrounding_whitespace_only() {
        assert!(parse("  3201011505900001\n", today()).is_ok());
        assert_eq!(detail("3201 0115 0590 0001"), "nik_not_digits");
        assert_eq!(detail("3201-011505900001"), "nik_not_digits");
    }

    #[test]
    fn error_carries_code_and_field() {
        let e = parse("x", today()).unwrap_err();
        assert_eq!(e.code, "invalid_nik");
        assert_eq!(e.field, "nik");
    }

    #[test]
    fn rejects_shape() {
        assert_eq!(detail(""), "nik_empty");
        assert_eq!(detail("   "), "nik_empty");
        assert_eq!(detail("320101150590000"), "nik_length");
        assert_eq!(detail("32010115059000011"), "nik_length");
        assert_eq!(detail("320101150590000A"), "nik_not_digits");
        // Non-ASCII digits are not digits here.
        assert_eq!(detail("320101150590000١"), "nik_not_digits");
    }

    #[test]
    fn rejects_regions() {
        assert_eq!(detail("0001011505900001"), "nik_bad_province");
        assert_eq!(detail("1001011505900001"), "nik_bad_province");
        assert_eq!(detail("9501011505900001"), "nik_bad_province");
        assert!(parse("1101011505900001", today()).is_ok());
        assert!(parse("9401011505900001", today()).is_ok());
        assert_eq!(detail("3200011505900001"), "nik_bad_regency");
        assert_eq!(detail("3201001505900001"), "nik_bad_district");
    }

    #[test]
    fn rejects_impossible_dates() {
        assert_eq!(detail("3201010005900001"), "nik_bad_birth_date");
        assert_eq!(detail("3201013205900001"), "nik_bad_birth_date");
        assert_eq!(detail("3201014005900001"), "nik_bad_birth_date");
        assert_eq!(detail("3201017205900001"), "nik_bad_birth_date");
        assert_eq!(detail("3201011500900001"), "nik_bad_birth_date");
        assert_eq!(detail("3201011513900001"), "nik_bad_birth_date");
        assert_eq!(detail("3201013104900001"), "nik_bad_birth_date");
        assert_eq!(detail("3201017104900001"), "nik_bad_birth_date");
        // 29 Feb 1999 / 2099 do not exist.
        assert_eq!(detail("3201012902990001"), "nik_bad_birth_date");
        assert_eq!(detail("3201016902990001"), "nik_bad_birth_date");
    }

    #[test]
    fn leap_days() {
        let (_, info) = parse("3201012902960001", today()).unwrap();
        assert_eq!(info.birth_date, d(1996, 2, 29));
        // 2000 is a leap year, 1900 is not: 29 Feb 00 is 2000.
        let (_, info) = parse("3201016902000001", today()).unwrap();
        assert_eq!(info.birth_date, d(2000, 2, 29));
        assert_eq!(info.sex, Sex::Female);
        // Seen from 2099 where 2000 is still the most recent fitting century.
        let (_, info) = parse("3201012902000001", d(2099, 1, 1)).unwrap();
        assert_eq!(info.birth_date, d(2000, 2, 29));
    }

    #[test]
    fn rejects_serial_zero() {
        assert_eq!(detail("3201011505900000"), "nik_bad_serial");
        assert!(parse("3201011505900001", today()).is_ok());
        assert!(parse("3201011505909999", today()).is_ok());
        assert!(parse("3201011505901000", today()).is_ok());
    }

    #[test]
    fn century_prefers_most_recent_not_after_today() {
        // Today itself: 2026.
        let (_, info) = parse("3201012111260001", today()).unwrap();
        assert_eq!(info.birth_date, d(2026, 11, 21));
        // Tomorrow in 2026 is in the future: 1926.
        let (_, info) = parse("3201012211260001", today()).unwrap();
        assert_eq!(info.birth_date, d(1926, 11, 22));
        // Year 27 is after this year: 1927.
        let (_, info) = parse("3201010101270001", today()).unwrap();
        assert_eq!(info.birth_date, d(1927, 1, 1));
        // Year 25: 2025.
        let (_, info) = parse("3201010101250001", today()).unwrap();
        assert_eq!(info.birth_date, d(2025, 1, 1));
        // Year 00: 2000.
        let (_, info) = parse("3201010101000001", today()).unwrap();
        assert_eq!(info.birth_date, d(2000, 1, 1));
    }

    #[test]
    fn birth_in_future_only_when_no_century_fits() {
        // Early in 2000, 29 Feb 2000 is still to come and 29 Feb 1900
        // never existed.
        assert_eq!(
            parse("3201012902000001", d(2000, 1, 15))
                .unwrap_err()
                .detail,
            "nik_birth_in_future"
        );
        // Seen from 1990-05-14, a 1990-05-15 birth falls back to 1890.
        let (_, info) = parse("3201011505900001", d(1990, 5, 14)).unwrap();
        assert_eq!(info.birth_date, d(1890, 5, 15));
    }

    #[test]
    fn mask_shows_first_six_and_last_four() {
        let (nik, _) = parse("3201011505900001", today()).unwrap();
        assert_eq!(nik.mask(), "320101******0001");
        assert_eq!(format!("{nik:?}"), "Nik(\"320101******0001\")");
    }

    #[test]
    fn mask_str_of_stored_values() {
        assert_eq!(mask_str("3201011505900001"), "320101******0001");
        assert_eq!(mask_str("12345678901"), "123456*8901");
        assert_eq!(mask_str("1234567890"), "**********");
        assert_eq!(mask_str(""), "");
    }

    #[test]
    fn sex_codes() {
        for s in [Sex::Male, Sex::Female] {
            assert_eq!(Sex::from_code(s.as_str()), Some(s));
        }
        assert_eq!(Sex::from_code("Male"), None);
        assert_eq!(Sex::from_code(""), None);
    }

    fn build(province: u8, reg: u8, dist: u8, birth: NaiveDate, sex: Sex, serial: u16) -> String {
        let day = birth.day() + if sex == Sex::Female { 40 } else { 0 };
        format!(
            "{province:02}{reg:02}{dist:02}{day:02}{:02}{:02}{serial:04}",
            birth.month(),
            birth.year().rem_euclid(100)
        )
    }

    fn arb_sex() -> impl Strategy<Value = Sex> {
        prop_oneof![Just(Sex::Male), Just(Sex::Female)]
    }

    proptest! {
        #[test]
        fn valid_nik_round_trips(
            province in PROVINCE_MIN..=PROVINCE_MAX,
            reg in 1u8..=99,
            dist in 1u8..=99,
            serial in 1u16..=9999,
            sex in arb_sex(),
            today_offset in 0i64..(100 * 365),
            age_days in 0i64..36_500,
        ) {
            let today = d(1990, 1, 1) + chrono::Duration::days(today_offset);
            let birth = today - chrono::Duration::days(age_days);
            let s = build(province, reg, dist, birth, sex, serial);
            let (nik, info) = parse(&s, today).unwrap();
            prop_assert_eq!(nik.as_str(), s.as_str());
            prop_assert_eq!(info.birth_date, birth);
            prop_assert_eq!(info.sex, sex);
            prop_assert_eq!(info.province, province);
            prop_assert!(info.birth_date <= today);
            let masked = nik.mask();
            prop_assert_eq!(&masked[..6], &s[..6]);
            prop_assert_eq!(&masked[12..], &s[12..]);
            prop_assert_eq!(&masked[6..12], "******");
        }

        #[test]
        fn any_non_digit_is_refused(
            prefix in "[0-9]{0,15}",
            bad in any::<char>().prop_filter("not a digit", |c| !c.is_ascii_digit() && !c.is_whitespace()),
            suffix in "[0-9]{0,15}",
        ) {
            let s = format!("{prefix}{bad}{suffix}");
            let e = parse(&s, today()).unwrap_err();
            prop_assert_eq!(e.code, "invalid_nik");
            prop_assert_eq!(e.detail, "nik_not_digits");
        }

        #[test]
        fn wrong_length_is_refused(s in "[0-9]{1,40}".prop_filter("not 16", |s| s.len() != 16)) {
            let e = parse(&s, today()).unwrap_err();
            prop_assert_eq!(e.detail, "nik_length");
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = parse(&s, today());
        }

        #[test]
        fn accepted_birth_dates_are_never_in_the_future(s in "[1-9][0-9]{15}") {
            if let Ok((_, info)) = parse(&s, today()) {
                prop_assert!(info.birth_date <= today());
            }
        }
    }
}
