//! Calibrating the concurrency model from a branch's recorded sessions
//! (issue 17): how much an agent gets through holding k sessions at once,
//! relative to one.
//!
//! # The estimator ([`calibrate`])
//!
//! For every finished session, the number of sessions its agent held is
//! averaged over the session's own time (itself included) and rounded:
//! that is the session's level `k`. A session of level k lasted `d_k` on
//! average; an agent holding k sessions of that length finishes `k / d_k`
//! per minute against `1 / d_1` alone, so
//!
//! `throughput(k) = k · d_1 / d_k`.
//!
//! Only the served sessions (verified or rejected) give lengths; the
//! others (no-show, returned, transferred) still count towards how many
//! the agent held. A level is calibrated when it and level 1 each have at
//! least [`MIN_SESSIONS_PER_LEVEL`] sessions; every other level keeps
//! [`DEFAULT_CONCURRENCY`]. The result is then made sensible: level 1 is 1,
//! no level gets less done than the one below (a running maximum) and none
//! more than k times one. With no level above 1 calibrated, the model is
//! the default ([`Calibration::sessions`] = 0).

use std::collections::BTreeMap;

use super::DEFAULT_CONCURRENCY;

/// Fewest sessions of a level (and of level 1) to calibrate it.
pub const MIN_SESSIONS_PER_LEVEL: usize = 10;

/// One recorded session: its agent, start and end (minutes on any common
/// scale), and whether it was served (its length says how long a service
/// takes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordedSession {
    pub agent: i64,
    pub start: f64,
    pub end: f64,
    pub served: bool,
}

/// The concurrency model to simulate with and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// `concurrency[k - 1]`, k = 1..=5 (as [`DEFAULT_CONCURRENCY`]).
    pub concurrency: Vec<f64>,
    /// Served sessions the calibrated levels (level 1 included) came
    /// from; 0 for the default.
    pub sessions: usize,
    /// The levels (k) calibrated from data.
    pub levels: Vec<usize>,
}

impl Calibration {
    pub fn default_model() -> Calibration {
        Calibration {
            concurrency: DEFAULT_CONCURRENCY.to_vec(),
            sessions: 0,
            levels: Vec::new(),
        }
    }

    pub fn is_default(&self) -> bool {
        self.sessions == 0
    }
}

/// The time-averaged number of sessions `s`'s agent held during `s`;
/// `same_agent` is sorted by start and includes `s`, and no session in it
/// is longer than `longest`.
fn level(s: &RecordedSession, same_agent: &[&RecordedSession], longest: f64) -> usize {
    let length = s.end - s.start;
    if length <= 0.0 {
        return 1;
    }
    let from = same_agent.partition_point(|o| o.start < s.start - longest);
    let overlap: f64 = same_agent[from..]
        .iter()
        .take_while(|o| o.start < s.end)
        .map(|o| (o.end.min(s.end) - o.start.max(s.start)).max(0.0))
        .sum();
    // `same_agent` includes `s` itself, so the average is at least 1.
    ((overlap / length).round() as usize).max(1)
}

/// The concurrency model of these sessions (see the module docs).
pub fn calibrate(sessions: &[RecordedSession]) -> Calibration {
    let mut by_agent: BTreeMap<i64, Vec<&RecordedSession>> = BTreeMap::new();
    for s in sessions
        .iter()
        .filter(|s| s.start.is_finite() && s.end.is_finite() && s.end >= s.start)
    {
        by_agent.entry(s.agent).or_default().push(s);
    }
    let levels = DEFAULT_CONCURRENCY.len();
    // Sum and count of served lengths per level (index k - 1).
    let mut sums = vec![(0.0f64, 0usize); levels];
    for same in by_agent.values_mut() {
        same.sort_by(|a, b| a.start.total_cmp(&b.start));
        let longest = same.iter().map(|s| s.end - s.start).fold(0.0, f64::max);
        for s in same.iter().filter(|s| s.served) {
            let k = level(s, same, longest).min(levels);
            sums[k - 1].0 += s.end - s.start;
            sums[k - 1].1 += 1;
        }
    }
    let enough = |i: usize| sums[i].1 >= MIN_SESSIONS_PER_LEVEL && sums[i].0 > 0.0;
    if !enough(0) {
        return Calibration::default_model();
    }
    let d1 = sums[0].0 / sums[0].1 as f64;
    let mut concurrency = DEFAULT_CONCURRENCY.to_vec();
    let mut used = vec![1usize];
    for i in 1..levels {
        if enough(i) {
            let dk = sums[i].0 / sums[i].1 as f64;
            concurrency[i] = (i + 1) as f64 * d1 / dk;
            used.push(i + 1);
        }
    }
    if used.len() == 1 {
        return Calibration::default_model();
    }
    concurrency[0] = 1.0;
    for i in 1..levels {
        concurrency[i] = concurrency[i].max(concurrency[i - 1]).min((i + 1) as f64);
    }
    Calibration {
        concurrency,
        sessions: used.iter().map(|k| sums[k - 1].1).sum(),
        levels: used,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` served sessions of `agent`, each `length` long, `k` at a time
    /// side by side, from minute `from`.
    fn batch(agent: i64, from: f64, n: usize, k: usize, length: f64) -> Vec<RecordedSession> {
        (0..n)
            .map(|i| {
                let start = from + (i / k) as f64 * (length + 1.0);
                RecordedSession {
                    agent,
                    start,
                    end: start + length,
                    served: true,
                }
            })
            .collect()
    }

    #[test]
    fn too_little_data_is_the_default() {
        assert!(calibrate(&[]).is_default());
        // Only one-at-a-time sessions: nothing to say about k > 1.
        let alone = batch(1, 0.0, 30, 1, 10.0);
        assert_eq!(calibrate(&alone), Calibration::default_model());
        // Level 2 below the minimum.
        let mut s = alone.clone();
        s.extend(batch(2, 0.0, MIN_SESSIONS_PER_LEVEL - 2, 2, 16.0));
        assert!(calibrate(&s).is_default());
    }

    #[test]
    fn recovers_the_throughput_of_each_level() {
        // Alone 10 minutes; two at once 16 minutes each (2·10/16 = 1.25×);
        // three at once 20 minutes (3·10/20 = 1.5×).
        let mut s = batch(1, 0.0, 20, 1, 10.0);
        s.extend(batch(2, 0.0, 20, 2, 16.0));
        s.extend(batch(3, 0.0, 21, 3, 20.0));
        let c = calibrate(&s);
        assert_eq!(c.levels, vec![1, 2, 3]);
        assert_eq!(c.sessions, 61);
        assert!((c.concurrency[0] - 1.0).abs() < 1e-9);
        assert!((c.concurrency[1] - 1.25).abs() < 1e-9, "{c:?}");
        assert!((c.concurrency[2] - 1.5).abs() < 1e-9, "{c:?}");
        // Levels 4 and 5 had no data: the default, kept at least level 3's.
        assert_eq!(c.concurrency[3], DEFAULT_CONCURRENCY[3]);
        assert_eq!(c.concurrency[4], DEFAULT_CONCURRENCY[4]);
    }

    #[test]
    fn the_model_stays_sensible() {
        // Two at once as slow as one alone twice over (no gain: 2·10/25 =
        // 0.8×): raised to level 1's 1×. Level 3 impossibly quick: capped
        // at 3×.
        let mut s = batch(1, 0.0, 10, 1, 10.0);
        s.extend(batch(2, 0.0, 10, 2, 25.0));
        s.extend(batch(3, 0.0, 12, 3, 5.0));
        let c = calibrate(&s);
        assert!((c.concurrency[1] - 1.0).abs() < 1e-9, "{c:?}");
        assert!((c.concurrency[2] - 3.0).abs() < 1e-9, "{c:?}");
        assert!(c.concurrency.windows(2).all(|w| w[0] <= w[1]), "{c:?}");
    }

    #[test]
    fn unserved_sessions_count_as_held_not_as_lengths() {
        // Each served 16-minute session ran beside a no-show of the same
        // agent: level 2, though only one of the pair was served.
        let mut s = batch(1, 0.0, 10, 1, 10.0);
        for i in 0..10 {
            let start = 100.0 + f64::from(i) * 20.0;
            s.push(RecordedSession {
                agent: 2,
                start,
                end: start + 16.0,
                served: true,
            });
            s.push(RecordedSession {
                agent: 2,
                start,
                end: start + 16.0,
                served: false,
            });
        }
        let c = calibrate(&s);
        assert_eq!((c.levels.clone(), c.sessions), (vec![1, 2], 20));
        assert!((c.concurrency[1] - 1.25).abs() < 1e-9, "{c:?}");
        // Bad rows are ignored.
        s.push(RecordedSession {
            agent: 3,
            start: 5.0,
            end: f64::NAN,
            served: true,
        });
        assert_eq!(calibrate(&s).sessions, 20);
    }
}
