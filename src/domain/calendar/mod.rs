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

mod holidays;
pub use holidays::HOLIDAYS;

pub use super::status::HolidayKind;

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
mod tests;
