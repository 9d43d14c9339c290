//! The working-day calendar: national holidays and collective leave (cuti
//! bersama), weekends, the daily session template of a branch and the
//! booking window.
//!
//! # Holidays are data, not rules
//!
//! [`HOLIDAYS`] is **reference data** used to seed the database. It must be
//! checked against each year's SKB 3 Menteri (joint decree of the Ministers
//! of Religious Affairs, Manpower and PANRB), which can also be amended
//! during the year. **The application uses the database copy**, which
//! administrators maintain; nothing at run time should read this table
//! directly except the seeding code and tests.
//!
//! - 2026: SKB Nomor 1497 Tahun 2025, Nomor 2 Tahun 2025, Nomor 5 Tahun 2025
//!   (announced 19 September 2025): 17 national holidays, 8 days of cuti
//!   bersama.
//! - 2027: **provisional**. The Islamic dates are computed from the new
//!   moons with the Indonesian (MABIMS) visibility practice, Nyepi from the
//!   Balinese cycle, and the cuti bersama days are a guess following the
//!   2024–2026 pattern (the working day next to a Thursday/Tuesday
//!   holiday, Christmas Eve). Replace with the SKB for 2027.
//!
//! Weekends are Saturday and Sunday. A holiday falling on a weekend is not
//! moved: Indonesia has no substitute days.
//!
//! # Sessions
//!
//! [`session_starts`] gives the hourly session template in branch-local
//! time: 08:00–09:00 … 14:00–15:00 without the 12:00–13:00 lunch break
//! (ISHOMA), and on Fridays also without 11:00–12:00 (Friday prayers). The
//! template does not look at weekends or holidays: callers generate
//! sessions only for working days ([`is_working_day`]).
//!
//! # Detail keys (`BookingWindow::detail`, API code `slot_closed`)
//!
//! - `slot_closed_past`: the session's date has passed.
//! - `slot_closed_not_open`: bookings for that date open later (on `opens_on`).

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use serde::Serialize;

/// Kind of a day off. Serializes as its [`as_str`](HolidayKind::as_str) code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HolidayKind {
    /// Hari libur nasional.
    National,
    /// Cuti bersama: collective leave set next to a holiday.
    CollectiveLeave,
}

impl Serialize for HolidayKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl HolidayKind {
    /// Stable code: `national` / `cuti_bersama`.
    pub fn as_str(self) -> &'static str {
        match self {
            HolidayKind::National => "national",
            HolidayKind::CollectiveLeave => "cuti_bersama",
        }
    }

    /// Inverse of [`HolidayKind::as_str`].
    pub fn from_code(code: &str) -> Option<HolidayKind> {
        match code {
            "national" => Some(HolidayKind::National),
            "cuti_bersama" => Some(HolidayKind::CollectiveLeave),
            _ => None,
        }
    }
}

/// One day off. `date` is `(year, month, day)` so the table can be a const.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: (i32, u32, u32),
    pub name_id: &'static str,
    pub name_en: &'static str,
    pub kind: HolidayKind,
}

impl Holiday {
    /// The date, or `None` if the table entry is not a calendar date (a
    /// test makes sure none is).
    pub fn naive_date(&self) -> Option<NaiveDate> {
        let (y, m, d) = self.date;
        NaiveDate::from_ymd_opt(y, m, d)
    }
}

const fn national(date: (i32, u32, u32), name_id: &'static str, name_en: &'static str) -> Holiday {
    Holiday {
        date,
        name_id,
        name_en,
        kind: HolidayKind::National,
    }
}

const fn cuti(date: (i32, u32, u32), name_id: &'static str, name_en: &'static str) -> Holiday {
    Holiday {
        date,
        name_id,
        name_en,
        kind: HolidayKind::CollectiveLeave,
    }
}

/// National holidays and cuti bersama, 2026–2027, in date order.
///
/// REFERENCE DATA: check against each year's SKB 3 Menteri; the database
/// copy (seeded from this table, then maintained by administrators) is what
/// the application uses. 2027 is provisional (see the module docs).
pub const HOLIDAYS: &[Holiday] = &[
    // ---- 2026 (SKB 1497/2025, 2/2025, 5/2025) ----
    national((2026, 1, 1), "Tahun Baru 2026 Masehi", "New Year's Day"),
    national(
        (2026, 1, 16),
        "Isra Mikraj Nabi Muhammad SAW",
        "Isra and Mi'raj of the Prophet Muhammad",
    ),
    cuti(
        (2026, 2, 16),
        "Cuti Bersama Tahun Baru Imlek",
        "Collective leave for Chinese New Year",
    ),
    national(
        (2026, 2, 17),
        "Tahun Baru Imlek 2577 Kongzili",
        "Chinese New Year",
    ),
    cuti(
        (2026, 3, 18),
        "Cuti Bersama Hari Suci Nyepi",
        "Collective leave for Nyepi",
    ),
    national(
        (2026, 3, 19),
        "Hari Suci Nyepi (Tahun Baru Saka 1948)",
        "Nyepi (Balinese Day of Silence)",
    ),
    cuti(
        (2026, 3, 20),
        "Cuti Bersama Idul Fitri 1447 H",
        "Collective leave for Eid al-Fitr",
    ),
    national((2026, 3, 21), "Idul Fitri 1447 H", "Eid al-Fitr (day 1)"),
    national((2026, 3, 22), "Idul Fitri 1447 H", "Eid al-Fitr (day 2)"),
    cuti(
        (2026, 3, 23),
        "Cuti Bersama Idul Fitri 1447 H",
        "Collective leave for Eid al-Fitr",
    ),
    cuti(
        (2026, 3, 24),
        "Cuti Bersama Idul Fitri 1447 H",
        "Collective leave for Eid al-Fitr",
    ),
    national((2026, 4, 3), "Wafat Yesus Kristus", "Good Friday"),
    national(
        (2026, 4, 5),
        "Kebangkitan Yesus Kristus (Paskah)",
        "Easter Sunday",
    ),
    national((2026, 5, 1), "Hari Buruh Internasional", "Labour Day"),
    national(
        (2026, 5, 14),
        "Kenaikan Yesus Kristus",
        "Ascension of Jesus Christ",
    ),
    cuti(
        (2026, 5, 15),
        "Cuti Bersama Kenaikan Yesus Kristus",
        "Collective leave for Ascension Day",
    ),
    national((2026, 5, 27), "Idul Adha 1447 H", "Eid al-Adha"),
    cuti(
        (2026, 5, 28),
        "Cuti Bersama Idul Adha 1447 H",
        "Collective leave for Eid al-Adha",
    ),
    national((2026, 5, 31), "Hari Raya Waisak 2570 BE", "Vesak Day"),
    national((2026, 6, 1), "Hari Lahir Pancasila", "Pancasila Day"),
    national(
        (2026, 6, 16),
        "1 Muharam Tahun Baru Islam 1448 H",
        "Islamic New Year",
    ),
    national((2026, 8, 17), "Proklamasi Kemerdekaan", "Independence Day"),
    national(
        (2026, 8, 25),
        "Maulid Nabi Muhammad SAW",
        "Birthday of the Prophet Muhammad",
    ),
    cuti(
        (2026, 12, 24),
        "Cuti Bersama Kelahiran Yesus Kristus",
        "Collective leave for Christmas",
    ),
    national((2026, 12, 25), "Kelahiran Yesus Kristus", "Christmas Day"),
    // ---- 2027 (PROVISIONAL: computed dates, guessed cuti bersama) ----
    national((2027, 1, 1), "Tahun Baru 2027 Masehi", "New Year's Day"),
    national(
        (2027, 1, 5),
        "Isra Mikraj Nabi Muhammad SAW",
        "Isra and Mi'raj of the Prophet Muhammad",
    ),
    national(
        (2027, 2, 6),
        "Tahun Baru Imlek 2578 Kongzili",
        "Chinese New Year",
    ),
    national(
        (2027, 3, 8),
        "Hari Suci Nyepi (Tahun Baru Saka 1949)",
        "Nyepi (Balinese Day of Silence)",
    ),
    cuti(
        (2027, 3, 9),
        "Cuti Bersama Idul Fitri 1448 H",
        "Collective leave for Eid al-Fitr",
    ),
    national((2027, 3, 10), "Idul Fitri 1448 H", "Eid al-Fitr (day 1)"),
    national((2027, 3, 11), "Idul Fitri 1448 H", "Eid al-Fitr (day 2)"),
    cuti(
        (2027, 3, 12),
        "Cuti Bersama Idul Fitri 1448 H",
        "Collective leave for Eid al-Fitr",
    ),
    national((2027, 3, 26), "Wafat Yesus Kristus", "Good Friday"),
    national(
        (2027, 3, 28),
        "Kebangkitan Yesus Kristus (Paskah)",
        "Easter Sunday",
    ),
    national((2027, 5, 1), "Hari Buruh Internasional", "Labour Day"),
    national(
        (2027, 5, 6),
        "Kenaikan Yesus Kristus",
        "Ascension of Jesus Christ",
    ),
    cuti(
        (2027, 5, 7),
        "Cuti Bersama Kenaikan Yesus Kristus",
        "Collective leave for Ascension Day",
    ),
    national((2027, 5, 17), "Idul Adha 1448 H", "Eid al-Adha"),
    national((2027, 5, 20), "Hari Raya Waisak 2571 BE", "Vesak Day"),
    cuti(
        (2027, 5, 21),
        "Cuti Bersama Hari Raya Waisak",
        "Collective leave for Vesak",
    ),
    national((2027, 6, 1), "Hari Lahir Pancasila", "Pancasila Day"),
    national(
        (2027, 6, 6),
        "1 Muharam Tahun Baru Islam 1449 H",
        "Islamic New Year",
    ),
    national(
        (2027, 8, 15),
        "Maulid Nabi Muhammad SAW",
        "Birthday of the Prophet Muhammad",
    ),
    national((2027, 8, 17), "Proklamasi Kemerdekaan", "Independence Day"),
    cuti(
        (2027, 12, 24),
        "Cuti Bersama Kelahiran Yesus Kristus",
        "Collective leave for Christmas",
    ),
    national((2027, 12, 25), "Kelahiran Yesus Kristus", "Christmas Day"),
];

/// Every entry of [`HOLIDAYS`] with its date, in table order. Entries that
/// are not calendar dates (none, by test) are skipped.
pub fn holiday_dates() -> Vec<(NaiveDate, &'static Holiday)> {
    HOLIDAYS
        .iter()
        .filter_map(|h| h.naive_date().map(|d| (d, h)))
        .collect()
}

/// Saturday or Sunday.
pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Monday–Friday and not in `holidays` (national holidays and cuti
/// bersama, from the database).
pub fn is_working_day(d: NaiveDate, holidays: &[NaiveDate]) -> bool {
    !is_weekend(d) && !holidays.contains(&d)
}

/// The date `n` working days after `d`: with `n` = 0, `d` itself; with
/// `n` = 1, the next working day after `d` (whether or not `d` is one).
/// E.g. payment due "within 5 working days" of complete documents received
/// on `d` is due by `add_working_days(d, 5, …)`. At the end of chrono's
/// date range the last representable date is returned.
pub fn add_working_days(d: NaiveDate, n: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut day = d;
    let mut left = n;
    while left > 0 {
        match day.succ_opt() {
            Some(next) => day = next,
            None => return day,
        }
        if is_working_day(day, holidays) {
            left -= 1;
        }
    }
    day
}

/// Start hours of the sessions, Monday–Thursday.
const SESSION_HOURS: [u32; 6] = [8, 9, 10, 11, 13, 14];
/// Hour left out on Fridays for Friday prayers.
const FRIDAY_PRAYER_HOUR: u32 = 11;

/// The day's sessions as (start, end) in branch-local time: hourly from
/// 08:00 to 15:00 without 12:00–13:00, and on Fridays also without
/// 11:00–12:00. Weekends and holidays are not considered here.
pub fn session_starts(d: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
    let friday = d.weekday() == Weekday::Fri;
    SESSION_HOURS
        .iter()
        .filter(|&&h| !(friday && h == FRIDAY_PRAYER_HOUR))
        .filter_map(|&h| {
            let start = NaiveTime::from_hms_opt(h, 0, 0)?;
            let end = NaiveTime::from_hms_opt(h + 1, 0, 0)?;
            Some((start, end))
        })
        .collect()
}

/// Why a session's date cannot be booked now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingWindow {
    /// The date is more than the horizon ahead; bookings open on `opens_on`.
    NotYetOpen { opens_on: NaiveDate },
    /// The date is before today.
    Past,
}

impl BookingWindow {
    /// API error code (both cases): `slot_closed`.
    pub fn code(&self) -> &'static str {
        "slot_closed"
    }

    /// Message catalog key: `slot_closed_not_open` / `slot_closed_past`.
    pub fn detail(&self) -> &'static str {
        match self {
            BookingWindow::NotYetOpen { .. } => "slot_closed_not_open",
            BookingWindow::Past => "slot_closed_past",
        }
    }
}

/// Whether a session on `slot_date` may be booked on `today_local` (both in
/// the branch's time zone): from today up to and including today +
/// `horizon_days` (7 in DOMAIN.md; a setting). A negative horizon counts as
/// 0. Whether the session itself has already started today, and whether
/// the date is a working day, is for the caller.
pub fn booking_window_open(
    slot_date: NaiveDate,
    today_local: NaiveDate,
    horizon_days: i64,
) -> Result<(), BookingWindow> {
    if slot_date < today_local {
        return Err(BookingWindow::Past);
    }
    let horizon = Days::new(u64::try_from(horizon_days).unwrap_or(0));
    match today_local.checked_add_days(horizon) {
        Some(last) if slot_date > last => Err(BookingWindow::NotYetOpen {
            // slot_date > today + h, so slot_date - h > today exists.
            opens_on: slot_date.checked_sub_days(horizon).unwrap_or(slot_date),
        }),
        // Within the window, or a horizon past the end of time.
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(h: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, 0, 0).unwrap()
    }

    fn all_holidays() -> Vec<NaiveDate> {
        holiday_dates().into_iter().map(|(d, _)| d).collect()
    }

    #[test]
    fn table_is_valid_sorted_and_unique() {
        assert_eq!(holiday_dates().len(), HOLIDAYS.len());
        let dates = all_holidays();
        for w in dates.windows(2) {
            assert!(w[0] < w[1], "{} then {}", w[0], w[1]);
        }
        for h in HOLIDAYS {
            assert!(!h.name_id.is_empty() && !h.name_en.is_empty());
        }
    }

    #[test]
    fn counts_2026_match_the_skb() {
        let in_2026 = |k: HolidayKind| {
            HOLIDAYS
                .iter()
                .filter(|h| h.date.0 == 2026 && h.kind == k)
                .count()
        };
        assert_eq!(in_2026(HolidayKind::National), 17);
        assert_eq!(in_2026(HolidayKind::CollectiveLeave), 8);
    }

    #[test]
    fn cuti_bersama_fall_on_weekdays() {
        for (date, h) in holiday_dates() {
            if h.kind == HolidayKind::CollectiveLeave {
                assert!(!is_weekend(date), "{date} {}", h.name_id);
            }
        }
    }

    #[test]
    fn known_2026_days() {
        let hs = all_holidays();
        for (m, day) in [
            (1, 1),
            (1, 16),
            (2, 17),
            (3, 19),
            (3, 21),
            (3, 22),
            (4, 3),
            (5, 1),
            (5, 14),
            (5, 27),
            (5, 31),
            (6, 1),
            (6, 16),
            (8, 17),
            (8, 25),
            (12, 25),
        ] {
            assert!(hs.contains(&d(2026, m, day)), "2026-{m}-{day}");
        }
        // Fixed-date holidays in 2027.
        for (m, day) in [(1, 1), (5, 1), (6, 1), (8, 17), (12, 25)] {
            assert!(hs.contains(&d(2027, m, day)));
        }
    }

    #[test]
    fn kind_codes() {
        for k in [HolidayKind::National, HolidayKind::CollectiveLeave] {
            assert_eq!(HolidayKind::from_code(k.as_str()), Some(k));
        }
        assert_eq!(HolidayKind::CollectiveLeave.as_str(), "cuti_bersama");
    }

    #[test]
    fn weekends_and_working_days() {
        let hs = all_holidays();
        assert!(is_weekend(d(2026, 11, 21))); // Saturday
        assert!(is_weekend(d(2026, 11, 22))); // Sunday
        assert!(!is_weekend(d(2026, 11, 23))); // Monday
        assert!(is_working_day(d(2026, 11, 23), &hs));
        assert!(!is_working_day(d(2026, 8, 17), &hs)); // Monday, Independence Day
        assert!(!is_working_day(d(2026, 3, 20), &hs)); // Friday, cuti bersama
        assert!(is_working_day(d(2026, 8, 17), &[]));
    }

    #[test]
    fn adding_working_days() {
        let hs = all_holidays();
        // Friday + 1 working day = Monday.
        assert_eq!(add_working_days(d(2026, 11, 20), 1, &hs), d(2026, 11, 23));
        assert_eq!(add_working_days(d(2026, 11, 20), 0, &hs), d(2026, 11, 20));
        // From a Saturday, 1 working day is Monday.
        assert_eq!(add_working_days(d(2026, 11, 21), 1, &hs), d(2026, 11, 23));
        // Around Lebaran 2026: Thu 19 Mar Nyepi, Fri 20 cuti, Sat–Sun Idul
        // Fitri, Mon–Tue 23–24 cuti; Wed 18 is cuti too. From Tue 17 Mar
        // the next working day is Wed 25 Mar.
        assert_eq!(add_working_days(d(2026, 3, 17), 1, &hs), d(2026, 3, 25));
        assert_eq!(add_working_days(d(2026, 3, 17), 5, &hs), d(2026, 3, 31));
        // Christmas 2026: Thu 24 cuti, Fri 25 Christmas.
        assert_eq!(add_working_days(d(2026, 12, 23), 1, &hs), d(2026, 12, 28));
        assert_eq!(add_working_days(NaiveDate::MAX, 3, &hs), NaiveDate::MAX);
    }

    #[test]
    fn session_template() {
        let monday = session_starts(d(2026, 11, 23));
        assert_eq!(
            monday,
            vec![
                (t(8), t(9)),
                (t(9), t(10)),
                (t(10), t(11)),
                (t(11), t(12)),
                (t(13), t(14)),
                (t(14), t(15)),
            ]
        );
        let friday = session_starts(d(2026, 11, 27));
        assert_eq!(
            friday,
            vec![
                (t(8), t(9)),
                (t(9), t(10)),
                (t(10), t(11)),
                (t(13), t(14)),
                (t(14), t(15))
            ]
        );
        for day in 23..=26 {
            assert_eq!(session_starts(d(2026, 11, day)).len(), 6);
        }
    }

    #[test]
    fn booking_window() {
        let today = d(2026, 11, 23);
        assert_eq!(booking_window_open(today, today, 7), Ok(()));
        assert_eq!(booking_window_open(d(2026, 11, 30), today, 7), Ok(()));
        assert_eq!(
            booking_window_open(d(2026, 12, 1), today, 7),
            Err(BookingWindow::NotYetOpen {
                opens_on: d(2026, 11, 24)
            })
        );
        assert_eq!(
            booking_window_open(d(2026, 11, 22), today, 7),
            Err(BookingWindow::Past)
        );
        assert_eq!(booking_window_open(today, today, 0), Ok(()));
        assert_eq!(
            booking_window_open(d(2026, 11, 24), today, -3),
            Err(BookingWindow::NotYetOpen {
                opens_on: d(2026, 11, 24)
            })
        );
        assert_eq!(
            booking_window_open(d(2026, 11, 24), today, i64::MAX),
            Ok(())
        );
        assert_eq!(BookingWindow::Past.detail(), "slot_closed_past");
        assert_eq!(BookingWindow::Past.code(), "slot_closed");
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..3650).prop_map(|n| d(2024, 1, 1) + chrono::Duration::days(n))
    }

    proptest! {
        #[test]
        fn added_working_days_land_on_working_days(start in arb_date(), n in 1u32..40) {
            let hs = all_holidays();
            let end = add_working_days(start, n, &hs);
            prop_assert!(end > start);
            prop_assert!(is_working_day(end, &hs));
            // Exactly n working days in (start, end].
            let count = start
                .iter_days()
                .skip(1)
                .take_while(|x| *x <= end)
                .filter(|x| is_working_day(*x, &hs))
                .count();
            prop_assert_eq!(count, n as usize);
            // Additive.
            prop_assert_eq!(add_working_days(add_working_days(start, n, &hs), 3, &hs), add_working_days(start, n + 3, &hs));
        }

        #[test]
        fn sessions_are_ordered_inside_opening_hours(day in arb_date()) {
            let s = session_starts(day);
            prop_assert_eq!(s.len(), if day.weekday() == Weekday::Fri { 5 } else { 6 });
            for (a, b) in &s {
                prop_assert!(*a >= t(8) && *b <= t(15) && a < b);
                prop_assert!(!(*a < t(13) && *b > t(12)), "lunch break");
            }
            for w in s.windows(2) {
                prop_assert!(w[0].1 <= w[1].0);
            }
        }

        #[test]
        fn booking_window_cases(today in arb_date(), offset in -30i64..30, horizon in 0i64..15) {
            let slot = today + chrono::Duration::days(offset);
            let r = booking_window_open(slot, today, horizon);
            if offset < 0 {
                prop_assert_eq!(r, Err(BookingWindow::Past));
            } else if offset <= horizon {
                prop_assert_eq!(r, Ok(()));
            } else {
                let opens_on = slot - chrono::Duration::days(horizon);
                prop_assert_eq!(r, Err(BookingWindow::NotYetOpen { opens_on }));
                // On that day it is open.
                prop_assert_eq!(booking_window_open(slot, opens_on, horizon), Ok(()));
            }
        }
    }
}
