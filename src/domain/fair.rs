//! Fair-access rules that need no database: how often a participant may
//! change bookings.

use chrono::{Duration, NaiveDateTime};

/// The window booking changes are counted over.
pub const CHANGE_WINDOW_MINUTES: i64 = 60;

/// Whether one more booking change is allowed at `now`, given the
/// participant's changes at `recent` (those inside the window, any
/// order) and `limit` per window. `Err(seconds)`: when the oldest counted
/// change leaves the window and one more becomes possible.
pub fn changes_allowed(
    recent: &[NaiveDateTime],
    limit: i64,
    now: NaiveDateTime,
) -> Result<(), u64> {
    let window = Duration::minutes(CHANGE_WINDOW_MINUTES);
    let mut inside: Vec<NaiveDateTime> = recent
        .iter()
        .copied()
        .filter(|t| *t > now - window && *t <= now)
        .collect();
    if limit <= 0 || (inside.len() as i64) < limit {
        return Ok(());
    }
    inside.sort_unstable();
    // The change that must leave the window before one more fits.
    let idx = inside.len() - limit as usize;
    let frees_at = inside[idx] + window;
    Err((frees_at - now).num_seconds().max(1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(h, m, s))
            .expect("time")
    }

    #[test]
    fn under_the_limit_is_allowed() {
        let recent = [at(9, 0, 0), at(9, 10, 0)];
        assert_eq!(changes_allowed(&recent, 3, at(9, 20, 0)), Ok(()));
        assert_eq!(changes_allowed(&[], 1, at(9, 20, 0)), Ok(()));
    }

    #[test]
    fn at_the_limit_names_when_the_oldest_leaves() {
        let recent = [at(9, 10, 0), at(9, 0, 0), at(9, 20, 0)];
        // Oldest at 09:00 leaves the window at 10:00: 30 minutes from 09:30.
        assert_eq!(changes_allowed(&recent, 3, at(9, 30, 0)), Err(1800));
        // With a limit of 2, the second oldest (09:10) must leave first.
        assert_eq!(changes_allowed(&recent, 2, at(9, 30, 0)), Err(2400));
    }

    #[test]
    fn changes_outside_the_window_do_not_count() {
        let recent = [at(8, 0, 0), at(8, 29, 59), at(9, 20, 0)];
        assert_eq!(changes_allowed(&recent, 2, at(9, 30, 0)), Ok(()));
        // Exactly one window old: out.
        assert_eq!(changes_allowed(&[at(8, 30, 0)], 1, at(9, 30, 0)), Ok(()));
    }

    #[test]
    fn zero_means_unlimited_and_retry_is_at_least_a_second() {
        let recent = vec![at(9, 0, 0); 50];
        assert_eq!(changes_allowed(&recent, 0, at(9, 0, 0)), Ok(()));
        let just = [at(8, 30, 0)];
        assert_eq!(
            changes_allowed(&just, 1, at(9, 29, 59) + Duration::milliseconds(999)),
            Err(1)
        );
    }
}
