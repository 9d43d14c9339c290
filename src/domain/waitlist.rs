//! The waiting line of a full branch-day: who is in it, and how long a
//! freed seat is held for the first in line.

use chrono::{Duration, NaiveDateTime};

crate::text_enum! {
    /// A place in a waiting line.
    pub enum WaitStatus {
        /// In line, no seat yet.
        Waiting = "waiting",
        /// A seat is held for them until `expires_at`.
        Offered = "offered",
        /// They accepted: the held seat became their booking.
        Booked = "booked",
        /// The offer ran out unanswered.
        Expired = "expired",
        /// They left the line (or declined the offer).
        Withdrawn = "withdrawn",
    }
}

impl WaitStatus {
    /// Still in line: waiting or holding an offer.
    pub fn is_active(self) -> bool {
        matches!(self, WaitStatus::Waiting | WaitStatus::Offered)
    }
}

/// How close to a session's start an offer must end: the participant
/// needs time to prepare, and the seat time to go to someone else.
pub const OFFER_MARGIN_MINUTES: i64 = 30;
/// An offer shorter than this is not worth making: the seat goes back to
/// the public instead.
pub const SHORTEST_OFFER_MINUTES: i64 = 10;

/// Until when a seat of a session starting at `starts_at`, freed at `now`,
/// is held for the first in line: `hold` from now, never later than the
/// margin before the session. `None` when that leaves too little time.
pub fn offer_expiry(
    now: NaiveDateTime,
    starts_at: NaiveDateTime,
    hold: Duration,
) -> Option<NaiveDateTime> {
    let latest = starts_at - Duration::minutes(OFFER_MARGIN_MINUTES);
    let until = (now + hold).min(latest);
    (until - now >= Duration::minutes(SHORTEST_OFFER_MINUTES)).then_some(until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("time")
    }

    #[test]
    fn offers_run_for_the_hold_but_end_before_the_session() {
        let two_hours = Duration::hours(2);
        // Far from the session: the whole hold.
        assert_eq!(offer_expiry(at(1, 0), at(9, 0), two_hours), Some(at(3, 0)));
        // Close to it: until the margin before its start.
        assert_eq!(
            offer_expiry(at(7, 30), at(9, 0), two_hours),
            Some(at(8, 30))
        );
        // Too close: no offer.
        assert_eq!(offer_expiry(at(8, 25), at(9, 0), two_hours), None);
        assert_eq!(offer_expiry(at(9, 30), at(9, 0), two_hours), None);
        // Exactly the shortest offer is still made.
        assert_eq!(
            offer_expiry(at(8, 20), at(9, 0), two_hours),
            Some(at(8, 30))
        );
    }

    #[test]
    fn active_states() {
        let active: Vec<_> = WaitStatus::ALL.iter().filter(|s| s.is_active()).collect();
        assert_eq!(active, [&WaitStatus::Waiting, &WaitStatus::Offered]);
    }
}
