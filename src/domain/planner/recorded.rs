//! A recorded branch day as the planner replays it: the arrivals the
//! floor's tickets recorded (walk-ins and checked-in bookings), the
//! service times its finished sessions took, and the waits people really
//! had, to set beside the simulated ones (predicted vs actual).
//!
//! Minutes count from the branch's opening; someone who came before the
//! doors opened arrives at opening. The day is at least the opening hours
//! and stretches to the last arrival. Measured service times are wall-clock
//! lengths of sessions, which ran side by side when an agent held several:
//! replayed as solo times they overstate the work of a one-to-many day.

use chrono::NaiveDateTime;

use super::{percentile, MAX_HOURS, MAX_SERVICE_MINUTES};
use crate::domain::floor::ServedSession;

/// One ticket of the day: booked (checked in for a booking) or walk-in,
/// and when it was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedArrival {
    pub booked: bool,
    pub at: NaiveDateTime,
}

/// A recorded day in the planner's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedDay {
    /// Walk-ins' arrivals, minutes after opening, sorted.
    pub walk_ins: Vec<f64>,
    /// Checked-in bookings' arrivals, minutes after opening, sorted.
    pub bookings: Vec<f64>,
    /// The day's length in whole hours.
    pub hours: u32,
    /// Lengths of the finished sessions, minutes (more than 0, at most
    /// the planner's longest service).
    pub service_samples: Vec<f64>,
    /// The waits people had before their session started: mean and p90.
    pub actual_mean_wait: Option<f64>,
    pub actual_p90_wait: Option<f64>,
}

fn minutes(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    (to - from).num_milliseconds() as f64 / 60_000.0
}

/// The day opened at `opening` for `opening_hours` hours.
pub fn recorded_day(
    opening: NaiveDateTime,
    opening_hours: u32,
    arrivals: &[RecordedArrival],
    sessions: &[ServedSession],
) -> RecordedDay {
    let (mut walk_ins, mut bookings) = (Vec::new(), Vec::new());
    for a in arrivals {
        let m = minutes(opening, a.at).max(0.0);
        if a.booked {
            bookings.push(m);
        } else {
            walk_ins.push(m);
        }
    }
    walk_ins.sort_by(f64::total_cmp);
    bookings.sort_by(f64::total_cmp);
    let last = walk_ins
        .last()
        .copied()
        .unwrap_or(0.0)
        .max(bookings.last().copied().unwrap_or(0.0));
    // The hour the last arrival fell in is part of the day.
    let hours = (opening_hours.max(1) as f64)
        .max((last / 60.0).floor() + 1.0)
        .min(f64::from(MAX_HOURS)) as u32;
    let closing = f64::from(hours) * 60.0;
    walk_ins.retain(|m| *m < closing);
    bookings.retain(|m| *m < closing);
    let service_samples = sessions
        .iter()
        .filter_map(|s| s.finished_at.map(|f| minutes(s.started_at, f)))
        .filter(|m| *m > 0.0 && *m <= MAX_SERVICE_MINUTES)
        .collect();
    let mut waits: Vec<f64> = sessions
        .iter()
        .map(|s| minutes(s.arrived_at, s.started_at).max(0.0))
        .collect();
    let actual_mean_wait =
        (!waits.is_empty()).then(|| waits.iter().sum::<f64>() / waits.len() as f64);
    let actual_p90_wait = (!waits.is_empty()).then(|| percentile(&mut waits, 0.9));
    RecordedDay {
        walk_ins,
        bookings,
        hours,
        service_samples,
        actual_mean_wait,
        actual_p90_wait,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn session(arrived: NaiveDateTime, started: NaiveDateTime, minutes: i64) -> ServedSession {
        ServedSession {
            agent_id: 1,
            arrived_at: arrived,
            started_at: started,
            finished_at: Some(started + chrono::TimeDelta::minutes(minutes)),
            outcome: None,
        }
    }

    #[test]
    fn a_recorded_day_counts_from_opening() {
        let arrivals = [
            RecordedArrival {
                booked: false,
                at: at(8, 30),
            },
            RecordedArrival {
                booked: true,
                at: at(7, 45),
            },
            RecordedArrival {
                booked: false,
                at: at(8, 0),
            },
        ];
        let sessions = [
            session(at(7, 45), at(8, 0), 12),
            session(at(8, 0), at(8, 10), 8),
            session(at(8, 30), at(9, 0), 0),
        ];
        let d = recorded_day(at(8, 0), 7, &arrivals, &sessions);
        assert_eq!(d.walk_ins, vec![0.0, 30.0]);
        // Came before the doors opened: arrives at opening.
        assert_eq!(d.bookings, vec![0.0]);
        assert_eq!(d.hours, 7);
        // A session of no length is no service time.
        assert_eq!(d.service_samples, vec![12.0, 8.0]);
        // Waits 15, 10 and 30 minutes.
        assert!((d.actual_mean_wait.unwrap() - 55.0 / 3.0).abs() < 1e-9);
        assert_eq!(d.actual_p90_wait, Some(30.0));
    }

    #[test]
    fn a_late_arrival_stretches_the_day_and_an_empty_day_has_no_waits() {
        let late = [RecordedArrival {
            booked: false,
            at: at(16, 10),
        }];
        let d = recorded_day(at(8, 0), 7, &late, &[]);
        assert_eq!(d.hours, 9);
        assert_eq!(d.walk_ins, vec![490.0]);
        let empty = recorded_day(at(8, 0), 7, &[], &[]);
        assert_eq!((empty.hours, empty.actual_mean_wait), (7, None));
    }
}
