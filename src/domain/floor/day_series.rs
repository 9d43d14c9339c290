//! A branch day over its hours, for the supervisor's charts: arrivals and
//! people waiting per hour, how long those served had waited, and how many
//! sessions each agent held side by side through the day. Only the part of
//! the day that has happened counts: hours and steps end at `now`.
//!
//! The chart's day runs from one hour before opening (the kiosk issues
//! tickets before the doors open) for [`SERIES_HOURS`] hours; earlier
//! instants count in its first hour, later ones in its last.

use super::measures::minutes_between;
use super::*;

/// Hours the charts cover: 07.00–16.00 for an 08.00–15.00 day.
pub const SERIES_HOURS: u32 = 9;
/// The step of the agents' load series.
pub const LOAD_STEP_MINUTES: i64 = 30;
/// Upper bounds (minutes) of the wait ranges; the last range is open.
pub const WAIT_RANGES: [u32; 5] = [5, 10, 15, 30, 60];

/// A ticket's time in the waiting line: from its arrival until its first
/// session started (`None`: still waiting, or gone unserved at `left`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitSpan {
    pub arrived_at: NaiveDateTime,
    pub until: Option<NaiveDateTime>,
}

/// One hour of the chart's day.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct HourFigures {
    pub arrivals: u32,
    /// People waiting, on average over the hour (or its part so far).
    pub waiting: f64,
}

/// The series of one agent: mean sessions held per step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentLoad {
    pub agent_id: i64,
    pub sessions: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DaySeries {
    /// When the chart's day starts (UTC), its first hour.
    pub start: NaiveDateTime,
    /// The hours so far.
    pub hours: Vec<HourFigures>,
    /// Sessions started after a wait in each of [`WAIT_RANGES`] (and one
    /// more for longer).
    pub waits: Vec<u32>,
    /// Per agent with a session today, by id; steps of
    /// [`LOAD_STEP_MINUTES`] so far.
    pub agents: Vec<AgentLoad>,
}

/// Person- or session-minutes of `[from, to)` that fall in each step of
/// `len` minutes from `start`, into `out` (steps past its end are dropped).
fn spread(
    start: NaiveDateTime,
    len: f64,
    (from, to): (NaiveDateTime, NaiveDateTime),
    out: &mut [f64],
) {
    let (a, b) = (minutes_between(start, from), minutes_between(start, to));
    let mut t = a;
    while t < b {
        let step = (t / len).floor();
        let Some(slot) = out.get_mut(step as usize) else {
            break;
        };
        let end = ((step + 1.0) * len).min(b);
        *slot += end - t;
        t = end;
    }
}

/// The day's series, from `start` until `now`.
pub fn day_series(
    start: NaiveDateTime,
    now: NaiveDateTime,
    spans: &[WaitSpan],
    sessions: &[ServedSession],
) -> DaySeries {
    let end = start + TimeDelta::hours(i64::from(SERIES_HOURS));
    let started = now >= start;
    let (now, elapsed) = (now.min(end), minutes_between(start, now.min(end)));
    // The step `now` falls in counts, even at its first instant; none
    // before the chart's day starts.
    let total = f64::from(SERIES_HOURS) * 60.0;
    let steps = |len: f64| {
        if started {
            ((elapsed / len).floor() as usize + 1).min((total / len) as usize)
        } else {
            0
        }
    };
    // The length of each step so far (the last may be partial).
    let lengths = |len: f64| -> Vec<f64> {
        (0..steps(len))
            .map(|i| (elapsed - i as f64 * len).clamp(0.0, len))
            .collect()
    };
    let hour_lengths = lengths(60.0);
    let mut hours = vec![HourFigures::default(); hour_lengths.len()];
    let mut waiting = vec![0.0; hours.len()];
    for s in spans {
        let at = s.arrived_at.clamp(start, end);
        let last = hours.len().saturating_sub(1);
        let hour = ((minutes_between(start, at) / 60.0) as usize).min(last);
        if let Some(h) = hours.get_mut(hour).filter(|_| at <= now) {
            h.arrivals += 1;
        }
        let until = s.until.unwrap_or(now).min(now);
        spread(start, 60.0, (s.arrived_at.max(start), until), &mut waiting);
    }
    for ((h, w), len) in hours.iter_mut().zip(&waiting).zip(&hour_lengths) {
        h.waiting = if *len > 0.0 { w / len } else { 0.0 };
    }
    let mut waits = vec![0; WAIT_RANGES.len() + 1];
    for s in sessions {
        let w = minutes_between(s.arrived_at, s.started_at);
        let range = WAIT_RANGES
            .iter()
            .position(|upper| w < f64::from(*upper))
            .unwrap_or(WAIT_RANGES.len());
        waits[range] += 1;
    }
    let step_lengths = lengths(LOAD_STEP_MINUTES as f64);
    let mut by_agent: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for s in sessions {
        let held = by_agent
            .entry(s.agent_id)
            .or_insert_with(|| vec![0.0; step_lengths.len()]);
        let until = s.finished_at.unwrap_or(now).min(now);
        spread(
            start,
            LOAD_STEP_MINUTES as f64,
            (s.started_at.max(start), until),
            held,
        );
    }
    let agents = by_agent
        .into_iter()
        .map(|(agent_id, held)| AgentLoad {
            agent_id,
            sessions: held
                .iter()
                .zip(&step_lengths)
                .map(|(m, len)| if *len > 0.0 { m / len } else { 0.0 })
                .collect(),
        })
        .collect();
    DaySeries {
        start,
        hours,
        waits,
        agents,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn session(
        agent: i64,
        arrived: NaiveDateTime,
        started: NaiveDateTime,
        end: Option<NaiveDateTime>,
    ) -> ServedSession {
        ServedSession {
            agent_id: agent,
            arrived_at: arrived,
            started_at: started,
            finished_at: end,
            outcome: None,
        }
    }

    #[test]
    fn hours_waits_and_loads_up_to_now() {
        // 07.00 start, now 08.30: two hours so far, the second half done.
        let spans = [
            // Waited 07.30–08.00 (30 person-minutes in hour 1).
            WaitSpan {
                arrived_at: at(7, 30),
                until: Some(at(8, 0)),
            },
            // Still waiting since 08.15: 15 minutes of the 30 so far.
            WaitSpan {
                arrived_at: at(8, 15),
                until: None,
            },
        ];
        let sessions = [
            session(7, at(7, 30), at(8, 0), Some(at(8, 20))),
            session(7, at(7, 40), at(8, 0), None),
            session(9, at(6, 0), at(8, 10), Some(at(8, 15))),
        ];
        let d = day_series(at(7, 0), at(8, 30), &spans, &sessions);
        assert_eq!(d.hours.len(), 2);
        assert_eq!((d.hours[0].arrivals, d.hours[1].arrivals), (1, 1));
        assert!((d.hours[0].waiting - 0.5).abs() < 1e-9, "{:?}", d.hours);
        assert!((d.hours[1].waiting - 0.5).abs() < 1e-9, "{:?}", d.hours);
        // Waits 30, 20 and 130 minutes: 15–30, 30–60 and 60 or more.
        assert_eq!(d.waits, vec![0, 0, 0, 1, 1, 1]);
        // Agent 7 in 08.00–08.30: one session 20 min, one still open 30.
        let seven = d.agents.iter().find(|a| a.agent_id == 7).unwrap();
        // 07.00, 07.30, 08.00 and the step 08.30 has just begun.
        assert_eq!(seven.sessions.len(), 4);
        assert_eq!(seven.sessions[3], 0.0);
        assert!((seven.sessions[2] - 50.0 / 30.0).abs() < 1e-9, "{seven:?}");
        assert_eq!(seven.sessions[0], 0.0);
        let nine = d.agents.iter().find(|a| a.agent_id == 9).unwrap();
        assert!((nine.sessions[2] - 5.0 / 30.0).abs() < 1e-9, "{nine:?}");
    }

    #[test]
    fn an_arrival_at_this_instant_counts_in_the_hour_now_begun() {
        let spans = [WaitSpan {
            arrived_at: at(9, 0),
            until: None,
        }];
        let d = day_series(at(7, 0), at(9, 0), &spans, &[]);
        assert_eq!(d.hours.len(), 3);
        assert_eq!(
            d.hours[2],
            HourFigures {
                arrivals: 1,
                waiting: 0.0
            }
        );
    }

    #[test]
    fn before_the_day_there_is_nothing_to_chart() {
        let d = day_series(at(7, 0), at(6, 0), &[], &[]);
        assert!(d.hours.is_empty() && d.agents.is_empty());
        assert_eq!(d.waits.iter().sum::<u32>(), 0);
    }
}
