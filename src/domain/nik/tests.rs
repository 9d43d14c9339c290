#![allow(clippy::unwrap_used)]
use super::*;
use crate::domain::checked::testing::{assert_error, assert_refused};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 21)
}

/// Parsed as of [`today`].
fn now(input: &str) -> Result<(Nik, NikInfo), Invalid> {
    parse(input, today())
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
    assert_refused(
        now,
        "nik_not_digits",
        &["3201 0115 0590 0001", "3201-011505900001"],
    );
}

#[test]
fn error_carries_code_and_field() {
    assert_error(now, "x", ("invalid_nik", "nik", "nik_not_digits"));
}

#[test]
fn rejects_shape() {
    assert_refused(now, "nik_empty", &["", "   "]);
    assert_refused(now, "nik_length", &["320101150590000", "32010115059000011"]);
    // Non-ASCII digits are not digits here.
    assert_refused(
        now,
        "nik_not_digits",
        &["320101150590000A", "320101150590000١"],
    );
}

#[test]
fn rejects_regions() {
    let provinces = ["0001011505900001", "1001011505900001", "9501011505900001"];
    assert_refused(now, "nik_bad_province", &provinces);
    assert!(now("1101011505900001").is_ok());
    assert!(now("9401011505900001").is_ok());
    assert_refused(now, "nik_bad_regency", &["3200011505900001"]);
    assert_refused(now, "nik_bad_district", &["3201001505900001"]);
}

#[test]
fn rejects_impossible_dates() {
    let impossible = [
        "3201010005900001",
        "3201013205900001",
        "3201014005900001",
        "3201017205900001",
        "3201011500900001",
        "3201011513900001",
        "3201013104900001",
        "3201017104900001",
        // 29 Feb 1999 / 2099 do not exist.
        "3201012902990001",
        "3201016902990001",
    ];
    assert_refused(now, "nik_bad_birth_date", &impossible);
}

/// Each NIK, read on the given day, gives the birth date.
fn assert_births(cases: &[(&str, NaiveDate, NaiveDate)]) {
    for (nik, seen_on, born) in cases {
        let (_, info) = parse(nik, *seen_on).unwrap();
        assert_eq!(info.birth_date, *born, "{nik} seen on {seen_on}");
    }
}

#[test]
fn leap_days() {
    assert_births(&[
        ("3201012902960001", today(), d(1996, 2, 29)),
        // 2000 is a leap year, 1900 is not: 29 Feb 00 is 2000.
        ("3201016902000001", today(), d(2000, 2, 29)),
        // Seen from 2099 where 2000 is still the most recent fitting century.
        ("3201012902000001", d(2099, 1, 1), d(2000, 2, 29)),
    ]);
    assert_eq!(now("3201016902000001").unwrap().1.sex, Sex::Female);
}

#[test]
fn rejects_serial_zero() {
    assert_refused(now, "nik_bad_serial", &["3201011505900000"]);
    assert!(parse("3201011505900001", today()).is_ok());
    assert!(parse("3201011505909999", today()).is_ok());
    assert!(parse("3201011505901000", today()).is_ok());
}

#[test]
fn century_prefers_most_recent_not_after_today() {
    assert_births(&[
        // Today itself: 2026.
        ("3201012111260001", today(), d(2026, 11, 21)),
        // Tomorrow in 2026 is in the future: 1926.
        ("3201012211260001", today(), d(1926, 11, 22)),
        // Year 27 is after this year: 1927.
        ("3201010101270001", today(), d(1927, 1, 1)),
        // Year 25: 2025.
        ("3201010101250001", today(), d(2025, 1, 1)),
        // Year 00: 2000.
        ("3201010101000001", today(), d(2000, 1, 1)),
    ]);
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
    assert_births(&[("3201011505900001", d(1990, 5, 14), d(1890, 5, 15))]);
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
        prop_assert_eq!(e.code, Code::InvalidNik);
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
