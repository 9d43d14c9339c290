//! Unit and property tests of the working-day calendar.

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
    // One-hour sessions starting at these hours.
    let cases: [(&str, u32, &[u32]); 2] = [
        ("monday", 23, &[8, 9, 10, 11, 13, 14]),
        ("friday", 27, &[8, 9, 10, 13, 14]),
    ];
    for (name, day, hours) in cases {
        let want: Vec<_> = hours.iter().map(|&h| (t(h), t(h + 1))).collect();
        assert_eq!(session_starts(d(2026, 11, day)), want, "{name}");
    }
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
