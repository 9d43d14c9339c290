//! Honest waits (issue 17): the wait shown on the kiosk, the board and the
//! participant's phone is a range computed from the live floor, and the
//! system measures how often the real wait fell inside it.
//!
//! # The range ([`wait_range`])
//!
//! Someone waiting has every seat taken (routing seats anyone it can), so
//! they start when `n = ahead + 1` seats have come free. The on-duty
//! agents hold `S` seats in all (each agent's seats summed); a session
//! lasts `m` minutes on average with standard deviation `s`, so a seat
//! comes free every `m / S` minutes and the `n`-th after about
//! `n·m/S ± z·√n·s/S` minutes (a sum of `n` releases). With `z` =
//! [`RANGE_Z`] (1.28) this is an 80% band: `low = max(0, n·m/S −
//! z·√n·s/S)`, `high = n·m/S + z·√n·s/S`, then `low` is rounded down and
//! `high` up to [`RANGE_STEP_MINUTES`] (5), and `high` is at least `low +
//! 5` (a range, never a false promise of one number).
//!
//! `m` and `s` come from the branch's last [`RECENT_SESSIONS`] served
//! sessions ([`ServiceStats::from_durations`]); they already hold the
//! branch's way of working (one to one or one to many), since a session
//! is measured from its start to its end while the agent held others. With
//! fewer than [`MIN_SAMPLES`] sessions the default is `m` = `s` =
//! [`DEFAULT_AVG_SERVICE_MINUTES`] (exponential service). `s` is capped at
//! `m` (exponential: the widest spread the model assumes), which keeps the
//! range monotone: **more people ahead never gives a shorter range and more
//! agents or seats never a longer one** (property tests). No agent on duty:
//! no range (`None`).
//!
//! # Accuracy ([`accuracy`])
//!
//! Each ticket's range is recorded when it is issued; its actual wait is
//! from then until its first session started. Over the tickets measured
//! (called at least once): the share whose actual wait lay within
//! `low..=high`, and the mean absolute error against the middle of the
//! range.

use super::DEFAULT_AVG_SERVICE_MINUTES;

/// How many recent served sessions the range is estimated from.
pub const RECENT_SESSIONS: usize = 50;
/// Fewer served sessions than this: the default service time.
pub const MIN_SAMPLES: usize = 5;
/// The range's ends are multiples of this many minutes.
pub const RANGE_STEP_MINUTES: u32 = 5;
/// The normal quantile of the band (80% two-sided).
pub const RANGE_Z: f64 = 1.28;

/// Session length (minutes) at a branch: mean and standard deviation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceStats {
    pub mean: f64,
    pub sd: f64,
    /// How many sessions they come from (0: the default).
    pub samples: usize,
}

impl ServiceStats {
    /// The default while a branch has too few served sessions.
    pub const DEFAULT: ServiceStats = ServiceStats {
        mean: DEFAULT_AVG_SERVICE_MINUTES as f64,
        sd: DEFAULT_AVG_SERVICE_MINUTES as f64,
        samples: 0,
    };

    /// From served sessions' lengths in minutes (non-finite and negative
    /// ones are ignored); the default below [`MIN_SAMPLES`].
    pub fn from_durations(minutes: &[f64]) -> ServiceStats {
        let v: Vec<f64> = minutes
            .iter()
            .copied()
            .filter(|m| m.is_finite() && *m >= 0.0)
            .collect();
        if v.len() < MIN_SAMPLES {
            return ServiceStats::DEFAULT;
        }
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        if mean <= 0.0 {
            return ServiceStats::DEFAULT;
        }
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        ServiceStats {
            mean,
            sd: var.sqrt().min(mean),
            samples: v.len(),
        }
    }
}

/// A wait range in whole minutes, `low <= high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct WaitRange {
    pub low_minutes: u32,
    pub high_minutes: u32,
}

/// The wait of someone with `ahead` people before them, with `on_duty_seats`
/// the seats of each on-duty agent; `None` when nobody is on duty.
pub fn wait_range(ahead: u32, on_duty_seats: &[u32], stats: ServiceStats) -> Option<WaitRange> {
    let seats: u64 = on_duty_seats.iter().map(|s| u64::from(*s)).sum();
    if seats == 0 {
        return None;
    }
    let (mean, sd) = if stats.mean.is_finite() && stats.mean > 0.0 {
        let sd = if stats.sd.is_finite() {
            stats.sd.clamp(0.0, stats.mean)
        } else {
            stats.mean
        };
        (stats.mean, sd)
    } else {
        (ServiceStats::DEFAULT.mean, ServiceStats::DEFAULT.sd)
    };
    let n = f64::from(ahead) + 1.0;
    let centre = n * mean / seats as f64;
    let spread = RANGE_Z * n.sqrt() * sd / seats as f64;
    let step = f64::from(RANGE_STEP_MINUTES);
    let cap = f64::from(u32::MAX - RANGE_STEP_MINUTES);
    // `as` saturates; the values are finite and non-negative here.
    let low = (((centre - spread).max(0.0) / step).floor() * step).min(cap) as u32;
    let high = (((centre + spread) / step).ceil() * step).min(cap) as u32;
    Some(WaitRange {
        low_minutes: low,
        high_minutes: high.max(low + RANGE_STEP_MINUTES),
    })
}

/// One ticket's prediction and what came of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    pub range: WaitRange,
    /// Minutes from the prediction to the first session's start.
    pub actual_minutes: f64,
}

/// How well the ranges did.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Accuracy {
    /// Tickets whose wait could be measured.
    pub measured: u32,
    /// Of those, whose actual wait lay within the range.
    pub within: u32,
    /// `within / measured` as a percentage; none without a sample.
    pub within_percent: Option<f64>,
    /// Mean |actual − middle of the range| in minutes; none without a sample.
    pub mean_abs_error_minutes: Option<f64>,
}

pub fn accuracy(samples: &[Measured]) -> Accuracy {
    let measured: Vec<&Measured> = samples
        .iter()
        .filter(|m| m.actual_minutes.is_finite())
        .collect();
    let n = measured.len();
    let within = measured
        .iter()
        .filter(|m| {
            let a = m.actual_minutes.max(0.0);
            f64::from(m.range.low_minutes) <= a && a <= f64::from(m.range.high_minutes)
        })
        .count();
    let error: f64 = measured
        .iter()
        .map(|m| {
            let mid = (f64::from(m.range.low_minutes) + f64::from(m.range.high_minutes)) / 2.0;
            (m.actual_minutes.max(0.0) - mid).abs()
        })
        .sum();
    Accuracy {
        measured: u32::try_from(n).unwrap_or(u32::MAX),
        within: u32::try_from(within).unwrap_or(u32::MAX),
        within_percent: (n > 0).then(|| within as f64 * 100.0 / n as f64),
        mean_abs_error_minutes: (n > 0).then(|| error / n as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(low: u32, high: u32) -> WaitRange {
        WaitRange {
            low_minutes: low,
            high_minutes: high,
        }
    }

    #[test]
    fn nobody_on_duty_has_no_range() {
        assert_eq!(wait_range(3, &[], ServiceStats::DEFAULT), None);
        assert_eq!(wait_range(3, &[0, 0], ServiceStats::DEFAULT), None);
    }

    #[test]
    fn worked_examples() {
        // 3 ahead, two agents at 5 seats, default 15 ± 15 minutes:
        // n = 4, centre 6, spread 1.28·2·1.5 = 3.84 → 2.16..9.84 → 0–10.
        assert_eq!(
            wait_range(3, &[5, 5], ServiceStats::DEFAULT),
            Some(r(0, 10))
        );
        // 20 ahead, one agent at 5 seats: centre 63, spread 17.6 → 45–85.
        assert_eq!(wait_range(20, &[5], ServiceStats::DEFAULT), Some(r(45, 85)));
        // First in line at a one-to-one desk, 10-minute sessions, little
        // spread: 10 ± 1.28 → 5–15.
        let steady = ServiceStats {
            mean: 10.0,
            sd: 1.0,
            samples: 20,
        };
        assert_eq!(wait_range(0, &[1], steady), Some(r(5, 15)));
    }

    #[test]
    fn a_range_is_never_one_number() {
        let quick = ServiceStats {
            mean: 0.5,
            sd: 0.0,
            samples: 9,
        };
        assert_eq!(wait_range(0, &[6, 6, 6], quick), Some(r(0, 5)));
    }

    #[test]
    fn stats_from_durations() {
        assert_eq!(
            ServiceStats::from_durations(&[10.0; 4]),
            ServiceStats::DEFAULT
        );
        let s = ServiceStats::from_durations(&[8.0, 10.0, 12.0, 10.0, 10.0, f64::NAN, -1.0]);
        assert_eq!(s.samples, 5);
        assert!((s.mean - 10.0).abs() < 1e-9);
        assert!((s.sd - 2f64.sqrt()).abs() < 1e-9, "{s:?}");
        // A wild spread is capped at the mean.
        let wild = ServiceStats::from_durations(&[1.0, 1.0, 1.0, 1.0, 100.0]);
        assert!((wild.sd - wild.mean).abs() < 1e-9, "{wild:?}");
        assert_eq!(
            ServiceStats::from_durations(&[0.0; 6]),
            ServiceStats::DEFAULT
        );
    }

    #[test]
    fn accuracy_counts_within_and_error() {
        let none = accuracy(&[]);
        assert_eq!((none.measured, none.within_percent), (0, None));
        let a = accuracy(&[
            Measured {
                range: r(10, 20),
                actual_minutes: 12.0,
            },
            Measured {
                range: r(10, 20),
                actual_minutes: 30.0,
            },
            Measured {
                range: r(0, 5),
                actual_minutes: 5.0,
            },
            Measured {
                range: r(0, 5),
                actual_minutes: f64::NAN,
            },
        ]);
        assert_eq!((a.measured, a.within), (3, 2));
        let pct = a.within_percent.unwrap_or_default();
        assert!((pct - 200.0 / 3.0).abs() < 1e-9, "{a:?}");
        // |12 − 15| + |30 − 15| + |5 − 2.5| = 20.5 over 3.
        let mae = a.mean_abs_error_minutes.unwrap_or_default();
        assert!((mae - 20.5 / 3.0).abs() < 1e-9, "{a:?}");
    }

    fn stats() -> impl Strategy<Value = ServiceStats> {
        (0.1f64..240.0, 0.0f64..2.0, 0usize..100).prop_map(|(mean, cv, samples)| ServiceStats {
            mean,
            sd: mean * cv,
            samples,
        })
    }

    proptest! {
        #[test]
        fn more_ahead_is_never_shorter(ahead in 0u32..2000, more in 1u32..50,
            seats in prop::collection::vec(1u32..7, 1..12), s in stats()) {
            let a = wait_range(ahead, &seats, s);
            let b = wait_range(ahead + more, &seats, s);
            let (a, b) = (a.expect("on duty"), b.expect("on duty"));
            prop_assert!(b.low_minutes >= a.low_minutes, "{a:?} {b:?}");
            prop_assert!(b.high_minutes >= a.high_minutes, "{a:?} {b:?}");
            prop_assert!(a.low_minutes < a.high_minutes);
        }

        #[test]
        fn more_agents_is_never_longer(ahead in 0u32..2000,
            seats in prop::collection::vec(1u32..7, 1..12), extra in 1u32..7, s in stats()) {
            let a = wait_range(ahead, &seats, s).expect("on duty");
            let mut more = seats.clone();
            more.push(extra);
            let b = wait_range(ahead, &more, s).expect("on duty");
            prop_assert!(b.low_minutes <= a.low_minutes, "{a:?} {b:?}");
            prop_assert!(b.high_minutes <= a.high_minutes, "{a:?} {b:?}");
        }

        #[test]
        fn more_seats_is_never_longer(ahead in 0u32..2000, agents in 1usize..10,
            seats in 1u32..6, s in stats()) {
            let a = wait_range(ahead, &vec![seats; agents], s).expect("on duty");
            let b = wait_range(ahead, &vec![seats + 1; agents], s).expect("on duty");
            prop_assert!(b.high_minutes <= a.high_minutes, "{a:?} {b:?}");
            prop_assert!(b.low_minutes <= a.low_minutes, "{a:?} {b:?}");
        }
    }
}
