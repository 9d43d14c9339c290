//! Turning the daily session template into real instants: sessions are
//! planned in branch-local time and stored in UTC.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::calendar;

/// The sessions of `date` at a branch in zone `tz`, as UTC (start, end).
/// Indonesian zones have no daylight saving, so every local time maps to
/// exactly one instant; an ambiguous or missing local time is skipped.
pub fn day_sessions_utc(tz: Tz, date: NaiveDate) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    calendar::session_starts(date)
        .into_iter()
        .filter_map(|(start, end)| {
            let s = tz.from_local_datetime(&date.and_time(start)).single()?;
            let e = tz.from_local_datetime(&date.and_time(end)).single()?;
            Some((s.naive_utc(), e.naive_utc()))
        })
        .collect()
}

/// The instant (UTC) branch-local day `date` starts in zone `tz`: its
/// local midnight (Indonesian zones have no daylight saving, so it is one
/// instant; were it not, the earliest).
pub fn day_start_utc(tz: Tz, date: NaiveDate) -> NaiveDateTime {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    tz.from_local_datetime(&midnight)
        .earliest()
        .map_or(midnight, |t| t.naive_utc())
}

/// Local wall-clock time of a stored UTC instant.
pub fn to_local(tz: Tz, utc: NaiveDateTime) -> chrono::DateTime<Tz> {
    tz.from_utc_datetime(&utc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn a_day_starts_at_local_midnight_in_each_zone() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        let cases = [
            (chrono_tz::Asia::Jakarta, "2026-11-23 17:00"),
            (chrono_tz::Asia::Makassar, "2026-11-23 16:00"),
            (chrono_tz::Asia::Jayapura, "2026-11-23 15:00"),
        ];
        for (tz, utc) in cases {
            let expected = NaiveDateTime::parse_from_str(utc, "%Y-%m-%d %H:%M").expect("instant");
            assert_eq!(day_start_utc(tz, day), expected, "{tz}");
        }
    }

    #[test]
    fn wita_session_is_stored_eight_hours_earlier() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let s = day_sessions_utc(chrono_tz::Asia::Makassar, d);
        let (first, _) = s[0];
        assert_eq!(first.hour(), 0, "08:00 WITA is 00:00 UTC");
        let local = to_local(chrono_tz::Asia::Makassar, first);
        assert_eq!(local.to_rfc3339(), "2026-11-23T08:00:00+08:00");
    }

    #[test]
    fn wit_session_crosses_the_date_line_in_utc() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let s = day_sessions_utc(chrono_tz::Asia::Jayapura, d);
        let (first, _) = s[0];
        assert_eq!(
            first.date(),
            NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
        );
        assert_eq!(first.hour(), 23);
    }
}
