//! Fair release of a new day (issue "fair access"): at a branch set to
//! `draw`, requests for a day that has just opened are collected for a
//! window instead of taking seats first come first served; then the seats
//! are allocated in an order drawn at random from a recorded seed, so
//! being first (or a bot) gains nothing, and anyone can recompute the
//! order from the seed and the request ids the audit entry holds.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::seq::SliceRandom;
use rand::SeedableRng;

crate::text_enum! {
    /// How a branch releases a newly opened day.
    pub enum ReleaseMode {
        /// Seats go to whoever books first.
        FirstCome = "first_come",
        /// Requests are collected for a window, then drawn.
        Draw = "draw",
    }

    /// A request in a new day's draw.
    pub enum DrawStatus {
        /// Waiting for the draw.
        Pending = "pending",
        /// Drawn in time: it became a booking.
        Won = "won",
        /// Drawn after the seats ran out: placed in the day's waiting line.
        Lost = "lost",
    }
}

/// The collection window of a draw, unless the branch sets another.
pub const DEFAULT_DRAW_MINUTES: i32 = 30;
/// Bounds of a branch's window.
pub const DRAW_MINUTES_RANGE: std::ops::RangeInclusive<i32> = 5..=720;

/// The collection window of `slot_date` at a branch whose days open
/// `horizon_days` ahead: from local midnight of the day it opens, for
/// `minutes`. Branch-local times.
pub fn draw_window(
    slot_date: NaiveDate,
    horizon_days: i64,
    minutes: i32,
) -> (NaiveDateTime, NaiveDateTime) {
    let opens = slot_date - Duration::days(horizon_days.max(0));
    let start = opens.and_time(NaiveTime::MIN);
    (start, start + Duration::minutes(i64::from(minutes)))
}

/// Whether a booking for `slot_date` made at branch-local `now` goes into
/// the day's draw instead of taking a seat.
pub fn in_draw(
    slot_date: NaiveDate,
    now_local: NaiveDateTime,
    horizon_days: i64,
    minutes: i32,
) -> bool {
    let (start, end) = draw_window(slot_date, horizon_days, minutes);
    now_local >= start && now_local < end
}

/// The order in which requests are served: their ids sorted, then
/// shuffled by ChaCha8 seeded with `seed` — the same ids and seed always
/// give the same order.
pub fn draw_order(ids: &[i64], seed: u64) -> Vec<i64> {
    let mut order = ids.to_vec();
    order.sort_unstable();
    order.dedup();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    order.shuffle(&mut rng);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d)
            .and_then(|x| x.and_hms_opt(h, m, 0))
            .expect("time")
    }

    #[test]
    fn the_window_starts_when_the_day_opens() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        let (s, e) = draw_window(day, 7, 30);
        assert_eq!((s, e), (at(23, 0, 0), at(23, 0, 30)));
        assert!(!in_draw(day, at(22, 23, 59), 7, 30));
        assert!(in_draw(day, at(23, 0, 0), 7, 30));
        assert!(in_draw(day, at(23, 0, 29), 7, 30));
        assert!(!in_draw(day, at(23, 0, 30), 7, 30), "the end is exclusive");
        assert!(!in_draw(day, at(24, 9, 0), 7, 30));
    }

    #[test]
    fn the_order_is_a_reproducible_permutation() {
        let ids: Vec<i64> = (1..=50).rev().collect();
        let a = draw_order(&ids, 42);
        assert_eq!(a, draw_order(&ids, 42), "same seed, same order");
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (1..=50).collect::<Vec<_>>(), "every request once");
        assert_ne!(a, draw_order(&ids, 43), "another seed, another order");
        // The order of arrival does not matter, only the ids.
        let shuffled: Vec<i64> = (1..=50).collect();
        assert_eq!(a, draw_order(&shuffled, 42));
    }

    #[test]
    fn being_first_gives_no_advantage() {
        // Over many draws of 10 requests for 3 seats, the first to ask
        // wins about 3 in 10 times, like everyone else.
        let ids: Vec<i64> = (1..=10).collect();
        let draws = 4000;
        let first_wins = (0..draws)
            .filter(|seed| draw_order(&ids, *seed)[..3].contains(&1))
            .count();
        let share = first_wins as f64 / draws as f64;
        assert!((0.26..0.34).contains(&share), "first request won {share}");
    }
}
